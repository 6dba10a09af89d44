import {id as pluginId} from './manifest';
import type {Channel, Conduct, Incident, IncidentFilters, IncidentList, ItemState, Playbook, Task, Team, User} from './types/incident';

// Mattermost may live under a subpath (https://example.com/chat); the host puts it on
// window.basename. Every URL we build starts with it.
function basePath(): string {
    const b = (window as unknown as {basename?: unknown}).basename;
    return typeof b === 'string' ? b.replace(/\/+$/, '') : '';
}

export const apiBase = () => `${basePath()}/plugins/${pluginId}/api/v0`;

export function userImageURL(userId: string): string {
    return `${basePath()}/api/v4/users/${encodeURIComponent(userId)}/image`;
}

// An error to show people: the server's own words when it gave some.
export class ApiError extends Error {
    constructor(message: string, public readonly status: number) {
        super(message);
        this.name = 'ApiError';
    }
}

function csrfToken(): string {
    const m = document.cookie.match(/(?:^|;\s*)MMCSRF=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : '';
}

// Like the host's Client4: the session cookie, X-Requested-With, and X-CSRF-Token on writes
// (without it Mattermost passes a cookie-authenticated write to the plugin as anonymous).
async function request<T>(url: string, method = 'GET', body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = {'X-Requested-With': 'XMLHttpRequest', Accept: 'application/json'};
    if (method !== 'GET') {
        const token = csrfToken();
        if (token) {
            headers['X-CSRF-Token'] = token;
        }
    }
    // A file (an imported dossier) goes as it is; anything else as JSON.
    const raw = body instanceof Blob;
    if (body !== undefined) {
        headers['Content-Type'] = raw ? 'application/octet-stream' : 'application/json';
    }
    let response: Response;
    try {
        response = await fetch(url, {
            method,
            headers,
            credentials: 'same-origin',
            body: body === undefined || raw ? body as Blob | undefined : JSON.stringify(body),
            signal,
        });
    } catch (e) {
        if ((e as {name?: string})?.name === 'AbortError') {
            throw e;
        }
        throw new ApiError('Could not reach the server. Check your connection and try again.', 0);
    }
    const text = await response.text();
    let data: unknown = null;
    if (text) {
        try {
            data = JSON.parse(text);
        } catch {
            data = null;
        }
    }
    if (!response.ok) {
        const fromServer = (data as {error?: unknown; message?: unknown} | null);
        const message = typeof fromServer?.error === 'string' && fromServer.error.trim() ? fromServer.error :
            typeof fromServer?.message === 'string' && fromServer.message.trim() ? fromServer.message :
                `The request failed (HTTP ${response.status}).`;
        throw new ApiError(message, response.status);
    }
    return data as T;
}

const enc = encodeURIComponent;

export function listActiveIncidents(teamId: string, signal?: AbortSignal): Promise<IncidentList> {
    return request<IncidentList>(`${apiBase()}/incidents?team_id=${enc(teamId)}&state=active&per_page=100`, 'GET', undefined, signal);
}

// The team's incidents, newest first, one page at a time.
export function listIncidents(teamId: string, filters: IncidentFilters, signal?: AbortSignal): Promise<IncidentList> {
    const params = new URLSearchParams({team_id: teamId});
    for (const [k, v] of Object.entries(filters)) {
        if (v !== undefined && v !== '' && v !== null) {
            params.set(k, String(v));
        }
    }
    return request<IncidentList>(`${apiBase()}/incidents?${params.toString()}`, 'GET', undefined, signal);
}

export function deleteIncident(id: string, archiveChannel: boolean): Promise<unknown> {
    return request(`${apiBase()}/incidents/${enc(id)}?archive_channel=${archiveChannel}`, 'DELETE');
}

export function getIncident(id: string, signal?: AbortSignal): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}`, 'GET', undefined, signal);
}

export function setItemState(id: string, itemId: string, state: ItemState): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/items/${enc(itemId)}`, 'PATCH', {state});
}

// section: a 1-based section number, or a title (a new section is created for a new title).
export function addItem(id: string, section: number | string, title: string): Promise<Incident & {item_id: string}> {
    return request<Incident & {item_id: string}>(`${apiBase()}/incidents/${enc(id)}/items`, 'POST', {section, title});
}

export function endIncident(id: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/end`, 'POST');
}

// The host's own REST API, for people's names.
export {basePath};

export function getUser(userId: string): Promise<User> {
    return request<User>(`${basePath()}/api/v4/users/${enc(userId)}`);
}

export function setCommander(id: string, userId: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/commander`, 'POST', {user_id: userId});
}

// The item's whole list of assignees ([] unassigns everyone).
export function setAssignees(id: string, itemId: string, assigneeIds: string[]): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/items/${enc(itemId)}`, 'PATCH', {assignee_ids: assigneeIds});
}

// When the item is due (ms), or null to clear it.
export function setDue(id: string, itemId: string, dueAt: number | null): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/items/${enc(itemId)}`, 'PATCH', {due_at: dueAt});
}

// The viewer's open items across the team's active incidents, overdue first.
export function getTasks(teamId: string, signal?: AbortSignal): Promise<{items: Task[]}> {
    return request<{items: Task[]}>(`${apiBase()}/tasks?team_id=${enc(teamId)}`, 'GET', undefined, signal);
}

export function removeItem(id: string, itemId: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/items/${enc(itemId)}`, 'DELETE');
}

export function listPlaybooks(teamId: string, signal?: AbortSignal): Promise<{items: Playbook[]}> {
    return request<{items: Playbook[]}>(`${apiBase()}/playbooks?team_id=${enc(teamId)}`, 'GET', undefined, signal);
}

export interface StartIncidentRequest {
    team_id: string;
    name: string;
    summary?: string;
    playbook_id?: string;
    channel_name?: string;
    private?: boolean;
    // Values of the playbook's custom fields by name (a user field takes @username).
    fields?: Record<string, string>;
    // The playbook's announcement channels to keep; absent: all of them.
    announcement_channel_ids?: string[];
    // Run it in this existing channel instead of creating one.
    channel_id?: string;
}

// Sets custom fields by name; null clears one.
export function setFields(id: string, fields: Record<string, string | null>): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/fields`, 'PATCH', {fields});
}

export function startIncident(body: StartIncidentRequest): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents`, 'POST', body);
}

// The host's user autocomplete (what Mattermost's own pickers use).
export function autocompleteUsers(teamId: string, name: string, signal?: AbortSignal): Promise<{users: User[]}> {
    return request<{users: User[]}>(
        `${basePath()}/api/v4/users/autocomplete?in_team=${enc(teamId)}&name=${enc(name)}&limit=25`, 'GET', undefined, signal);
}

// "Add to incident timeline": copies a post (as it reads now) onto the incident's timeline.
export type EntryCategory = 'note' | 'key_event' | 'decision' | 'hypothesis';

export function addPostToTimeline(id: string, postId: string, note: string, category: EntryCategory = 'note'): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/timeline`, 'POST', {post_id: postId, note, category});
}

// --- playbooks ---------------------------------------------------------------------------

export type PlaybookDraft = Omit<Playbook, 'id' | 'created_at' | 'updated_at'>;

export function getPlaybook(id: string, signal?: AbortSignal): Promise<Playbook> {
    return request<Playbook>(`${apiBase()}/playbooks/${enc(id)}`, 'GET', undefined, signal);
}

export function createPlaybook(draft: PlaybookDraft): Promise<Playbook> {
    return request<Playbook>(`${apiBase()}/playbooks`, 'POST', draft);
}

export function updatePlaybook(id: string, draft: PlaybookDraft): Promise<Playbook> {
    return request<Playbook>(`${apiBase()}/playbooks/${enc(id)}`, 'PUT', draft);
}

// Deleting archives it; restorePlaybook brings it back.
export function deletePlaybook(id: string): Promise<unknown> {
    return request<unknown>(`${apiBase()}/playbooks/${enc(id)}`, 'DELETE');
}

export function listArchivedPlaybooks(teamId: string, signal?: AbortSignal): Promise<{items: Playbook[]}> {
    return request<{items: Playbook[]}>(`${apiBase()}/playbooks?team_id=${enc(teamId)}&archived=true`, 'GET', undefined, signal);
}

export function restorePlaybook(id: string): Promise<Playbook> {
    return request<Playbook>(`${apiBase()}/playbooks/${enc(id)}/restore`, 'POST');
}

// The portable form: no ids, people or channels (docs/api.md).
export function exportPlaybook(id: string): Promise<unknown> {
    return request<unknown>(`${apiBase()}/playbooks/${enc(id)}/export`);
}

export function importPlaybook(teamId: string, exported: unknown): Promise<Playbook> {
    return request<Playbook>(`${apiBase()}/playbooks/import?team_id=${enc(teamId)}`, 'POST', exported);
}

// --- the host's channels ------------------------------------------------------------------

export function getChannel(id: string, signal?: AbortSignal): Promise<Channel> {
    return request<Channel>(`${basePath()}/api/v4/channels/${enc(id)}`, 'GET', undefined, signal);
}

// The host's channel search for a team (Mattermost answers its public channels).
export function autocompleteChannels(teamId: string, name: string, signal?: AbortSignal): Promise<Channel[]> {
    return request<Channel[]>(`${basePath()}/api/v4/teams/${enc(teamId)}/channels/autocomplete?name=${enc(name)}`, 'GET', undefined, signal);
}

// The System Console's lists, for a system admin: every team, and a team's channels (public and
// private, not archived) whose name matches, as Mattermost's own channel search answers them.
export async function listAllTeams(signal?: AbortSignal): Promise<Team[]> {
    const teams: Team[] = [];
    for (let page = 0; page < 50; page++) {
        const batch = await request<Team[]>(`${basePath()}/api/v4/teams?page=${page}&per_page=200`, 'GET', undefined, signal);
        teams.push(...(batch || []));
        if (!batch || batch.length < 200) {
            break;
        }
    }
    return teams;
}

export async function searchTeamChannels(teamId: string, term: string, signal?: AbortSignal): Promise<Channel[]> {
    const found = await request<{channels?: Channel[]}>(`${basePath()}/api/v4/channels/search?system_console=true`, 'POST',
        {term, team_ids: [teamId], page: 0, per_page: 20, include_deleted: false}, signal);
    return found?.channels || [];
}

// --- running the incident ------------------------------------------------------------------

// A team's lists: its own where `team` has text, else the server's; `may_edit` for its admins.
export type ConductTexts = {severities: string; statuses: string; roles: string; time_zone: string};
export interface TeamConduct extends Conduct {source: 'team' | 'server'; team?: ConductTexts; may_edit?: boolean; time_zone?: string; server_time_zone?: string}

const conductUrl = (teamId: string) => `${apiBase()}/conduct?team_id=${enc(teamId)}`;

export function getConduct(teamId: string, signal?: AbortSignal): Promise<TeamConduct> {
    return request<TeamConduct>(conductUrl(teamId), 'GET', undefined, signal);
}

export function saveConduct(teamId: string, texts: ConductTexts): Promise<TeamConduct> {
    return request<TeamConduct>(conductUrl(teamId), 'PUT', texts);
}

export function setSeverity(id: string, severity: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/severity`, 'POST', {severity});
}

export function setStatus(id: string, status: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/status`, 'POST', {status});
}

export function reopenIncident(id: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/reopen`, 'POST');
}

// userId null takes the role back.
export function assignRole(id: string, role: string, userId: string | null): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/roles`, 'POST', {role, user_id: userId});
}

export interface UpdateDraft {
    message: string;
    status?: string;
    impact?: string;
    next_update_at?: number;
    statuspage?: boolean;
}

export function postStatusUpdate(id: string, draft: UpdateDraft): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/updates`, 'POST', draft);
}

// --- learning from the incident ------------------------------------------------------------

export interface FollowUpAction {
    id: string;
    incident_id: string;
    team_id: string;
    text: string;
    owner_id: string | null;
    due_at: number | null;
    kind: 'detective' | 'preventive' | 'corrective' | 'other';
    state: 'open' | 'done' | 'dropped';
    author_id: string;
    created_at: number;
    updated_at: number;
    done_at: number | null;
}

export interface IncidentReport {
    markdown: string;
    metrics: Record<string, unknown>;
    // The edited report's revision (0: never saved). A save names the one it started from, and
    // the server refuses it (409) when someone saved since, instead of losing their text.
    revision: number;
}

export function listIncidentActions(id: string, signal?: AbortSignal): Promise<{items: FollowUpAction[]}> {
    return request<{items: FollowUpAction[]}>(`${apiBase()}/incidents/${enc(id)}/actions`, 'GET', undefined, signal);
}

export function addIncidentAction(id: string, body: {text: string; kind?: string; due_at?: number | null}): Promise<FollowUpAction> {
    return request<FollowUpAction>(`${apiBase()}/incidents/${enc(id)}/actions`, 'POST', body);
}

export function updateAction(actionId: string, patch: {state?: string}): Promise<FollowUpAction> {
    return request<FollowUpAction>(`${apiBase()}/actions/${enc(actionId)}`, 'PATCH', patch);
}

export function addNote(id: string, text: string, category: EntryCategory): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/notes`, 'POST', {text, category});
}

export function getReport(id: string, signal?: AbortSignal): Promise<IncidentReport> {
    return request<IncidentReport>(`${apiBase()}/incidents/${enc(id)}/report`, 'GET', undefined, signal);
}

export function saveReport(id: string, markdown: string, revision: number): Promise<IncidentReport> {
    return request<IncidentReport>(`${apiBase()}/incidents/${enc(id)}/report`, 'PUT', {markdown, revision});
}

export function publishReport(id: string): Promise<{channels: number}> {
    return request<{channels: number}>(`${apiBase()}/incidents/${enc(id)}/report/publish`, 'POST');
}

export interface ReportBucket {
    start: number;
    label: string;
    incidents: number;
    by_severity: Record<string, number>;
    mean_time_to_first_update_ms: number | null;
    mean_time_to_mitigate_ms: number | null;
    mean_time_to_resolve_ms: number | null;
}

export interface TeamReport {
    period: 'week' | 'month';
    buckets: ReportBucket[];
    by_severity: Record<string, number>;
    by_playbook: Array<[string, number]>;
    open_actions: number;
    overdue_actions: number;
    monthly_review: Array<{incident_id: string; reference: string; name: string; severity: string; ended_at: number | null; duration_ms: number; open_actions: number}>;
}

// GET /reports/teams: every team's incidents, for system admins (403 for others).
export interface CrossTeamReport {
    since: number;
    incidents: number;
    truncated: boolean;
    teams: Array<{team_id: string; incidents: number; active: number; by_severity: Record<string, number>;
        mean_time_to_first_update_ms: number | null; mean_time_to_resolve_ms: number | null}>;
}

export function getCrossTeamReport(period: 'week' | 'month', periods: number, signal?: AbortSignal): Promise<CrossTeamReport> {
    return request<CrossTeamReport>(`${apiBase()}/reports/teams?period=${period}&periods=${periods}`, 'GET', undefined, signal);
}

// GET /reports/responders (docs/api.md, "Responder load").
export interface ResponderLoad {
    week_starts: number[];
    zone: string;
    zone_known: boolean;
    people: Array<{user_id: string; username: string; time_zone: string; time_zone_known: boolean;
        open_roles: Array<{reference: string; role: string; is_commander: boolean}>;
        open_items: Array<{reference: string; number: number; title: string}>;
        incidents_per_week: number[]; out_of_hours_ms: number; commanded_this_month: number}>;
    commanders_this_month: Array<{user_id: string; username: string; incidents: number}>;
}

export function getResponderLoad(teamId: string, weeks: number, signal?: AbortSignal): Promise<ResponderLoad> {
    return request<ResponderLoad>(`${apiBase()}/reports/responders?team_id=${enc(teamId)}&weeks=${weeks}`, 'GET', undefined, signal);
}

export function getTeamReport(teamId: string, period: 'week' | 'month', periods: number, signal?: AbortSignal): Promise<TeamReport> {
    return request<TeamReport>(`${apiBase()}/reports?team_id=${enc(teamId)}&period=${period}&periods=${periods}`, 'GET', undefined, signal);
}

export function listTeamActions(teamId: string, signal?: AbortSignal): Promise<{items: FollowUpAction[]}> {
    return request<{items: FollowUpAction[]}>(`${apiBase()}/actions?team_id=${enc(teamId)}`, 'GET', undefined, signal);
}

// Leaves a timeline entry out of the shown timeline and the report (the record keeps it).
export function hideEvent(id: string, eventId: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/events/${enc(eventId)}/hide`, 'POST');
}

// The incident dossier: a ZIP to download; importing one makes a new, ended incident (admins).
export function dossierURL(id: string): string {
    return `${apiBase()}/incidents/${enc(id)}/dossier`;
}

export function importDossier(teamId: string, file: Blob): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/import?team_id=${enc(teamId)}`, 'POST', file);
}

export function transcriptURL(id: string, format: 'md' | 'json'): string {
    return `${apiBase()}/incidents/${enc(id)}/transcript?format=${format}`;
}

// --- the incident channel: membership -------------------------------------------------------

// Whether the viewer is a member of the channel: Mattermost answers 200 for a member and 404
// (or 403 for a private channel) otherwise.
export async function isChannelMember(channelId: string, signal?: AbortSignal): Promise<boolean> {
    try {
        await request<unknown>(`${basePath()}/api/v4/channels/${enc(channelId)}/members/me`, 'GET', undefined, signal);
        return true;
    } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
            return false;
        }
        throw e;
    }
}

// Joins a public channel (Mattermost's own REST API: a user adds themselves).
export function joinChannel(channelId: string, userId: string): Promise<unknown> {
    return request<unknown>(`${basePath()}/api/v4/channels/${enc(channelId)}/members`, 'POST', {user_id: userId});
}

// --- editing the incident -------------------------------------------------------------------

export function patchIncident(id: string, patch: {name?: string; summary?: string}): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}`, 'PATCH', patch);
}

// section: a 1-based number or a title; position: 1-based, in the section after the move.
export function moveItem(id: string, itemId: string, section: number | string, position: number): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/items/${enc(itemId)}/move`, 'POST', {section, position});
}

// section: the section's id or its 1-based number.
export function renameSection(id: string, section: string | number, title: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/sections/${enc(String(section))}`, 'PATCH', {title});
}

// --- an item's slash command ----------------------------------------------------------------

export interface CommandResponse {
    text?: string;
    response_type?: string;
    goto_location?: string;
}

// Runs a slash command in a channel the way the host's message box does.
export function executeCommand(channelId: string, teamId: string, command: string): Promise<CommandResponse> {
    return request<CommandResponse>(`${basePath()}/api/v4/commands/execute`, 'POST', {channel_id: channelId, team_id: teamId, command});
}

// Records that the item's command ran (when and by whom).
export function recordItemRun(id: string, itemId: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/items/${enc(itemId)}/run`, 'POST');
}

// --- following, reminders, impact -----------------------------------------------------------

export function getFollowers(id: string, signal?: AbortSignal): Promise<{user_ids: string[]}> {
    return request<{user_ids: string[]}>(`${apiBase()}/incidents/${enc(id)}/followers`, 'GET', undefined, signal);
}

export function setFollowing(id: string, follow: boolean): Promise<{message: string}> {
    return request<{message: string}>(`${apiBase()}/incidents/${enc(id)}/followers/me`, follow ? 'PUT' : 'DELETE');
}

export type ReminderAction = 'snooze' | 'off' | 'on';

export function setReminders(id: string, action: ReminderAction, minutes?: number): Promise<{message: string}> {
    return request<{message: string}>(`${apiBase()}/incidents/${enc(id)}/reminders`, 'POST', minutes === undefined ? {action} : {action, minutes});
}

// The update reminder plan (GET /incidents/{id}/reminders; times in Unix ms).
export type ReminderPlan = {
    state: 'on' | 'snoozed' | 'off' | 'paused' | 'ended' | 'not_scheduled';
    next_due_at: number | null;
    next_reminder_at: number | null;
    repeat_minutes: number;
    escalate_after: number;
    escalates_at: number | null;
    escalated: boolean;
};

export function getReminderPlan(id: string, signal?: AbortSignal): Promise<ReminderPlan> {
    return request<ReminderPlan>(`${apiBase()}/incidents/${enc(id)}/reminders`, 'GET', undefined, signal);
}

// The customer-impact window: its start, its end, or both (Unix milliseconds).
// Pauses the incident with a reason; resume with resumeIncident.
export function pauseIncident(id: string, reason: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/pause`, 'POST', {reason});
}

export function resumeIncident(id: string): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/resume`, 'POST');
}

export function setImpact(id: string, window: {started_at?: number; ended_at?: number}): Promise<Incident> {
    return request<Incident>(`${apiBase()}/incidents/${enc(id)}/impact`, 'POST', window);
}

// --- paging and the status page (team and system admins) ------------------------------------

export interface PagingKey {configured: boolean; last4?: string}
export interface PagingService {name: string; provider: 'pagerduty' | 'opsgenie'; page_on: string[]; key?: PagingKey | string}
export interface PagingSettings {services: PagingService[]; statuspage: {page_id: string; key?: PagingKey | string} | null}

export function getPagingSettings(teamId: string, signal?: AbortSignal): Promise<PagingSettings> {
    return request<PagingSettings>(`${apiBase()}/paging?team_id=${enc(teamId)}`, 'GET', undefined, signal);
}

// A key left empty keeps the stored one.
export function savePagingSettings(teamId: string, settings: PagingSettings): Promise<PagingSettings> {
    return request<PagingSettings>(`${apiBase()}/paging?team_id=${enc(teamId)}`, 'PUT', settings);
}

export function getPageableServices(teamId: string, signal?: AbortSignal): Promise<{services: string[]; statuspage: boolean}> {
    return request<{services: string[]; statuspage: boolean}>(`${apiBase()}/paging/services?team_id=${enc(teamId)}`, 'GET', undefined, signal);
}

// A past incident like this one (GET /incidents/{id}/similar), with its outcome.
export interface SimilarIncident {
    id: string;
    reference: string;
    name: string;
    state: 'active' | 'ended';
    time_to_resolve_ms: number | null;
    open_actions: number;
    report_url: string | null;
}

export function getSimilar(id: string, signal?: AbortSignal): Promise<{items: SimilarIncident[]}> {
    return request<{items: SimilarIncident[]}>(`${apiBase()}/incidents/${enc(id)}/similar`, 'GET', undefined, signal);
}
