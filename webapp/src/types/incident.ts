// The REST API's JSON (docs/api.md). Times are Unix milliseconds.

export type ItemState = 'open' | 'done' | 'skipped';

export interface ItemChange {
    at: number;
    actor_id: string;
    change: {type: string; [key: string]: unknown};
}

export interface ChecklistItem {
    id: string;
    title: string;
    description: string;
    state: ItemState;
    // Everyone on the item, in the order they were assigned.
    assignee_ids: string[];
    // When it is due (ms); an open item past it is overdue.
    due_at?: number | null;
    // The link or note it was checked with, while it is done.
    evidence?: string | null;
    command: string | null;
    last_changed_by: string | null;
    last_changed_at: number | null;
    completed_at: number | null;
    completed_by: string | null;
    history: ItemChange[];
    // When and by whom the item's slash command was last run from the checklist.
    last_run_at?: number | null;
    last_run_by?: string | null;
    // false when the item does not apply at the incident's current severity (it is left out).
    applies?: boolean;
    condition?: ItemCondition | null;
}

export interface ChecklistSection {
    id: string;
    title: string;
    items: ChecklistItem[];
}

export interface Incident {
    id: string;
    reference: string;
    number: number;
    team_id: string;
    name: string;
    summary: string;
    channel_id: string;
    // Runs in a channel that was there before it (`--here`): never archived with it.
    existing_channel?: boolean;
    commander_id: string;
    reporter_id: string;
    playbook_id: string | null;
    created_at: number;
    ended_at: number | null;
    state: 'active' | 'ended';
    checklists: ChecklistSection[];
    // Oldest first. The list answers may carry it too; the detail always does.
    timeline?: TimelineEvent[];
    // Names from the team's conduct; empty for incidents from before they existed.
    severity?: string;
    status?: string;
    roles?: RoleAssignment[];
    updates?: StatusUpdate[];
    reminders_off?: boolean;
    // While paused: since when, by whom and why (no reminders then).
    paused?: {since: number; by: string; reason: string} | null;
    // Time spent in finished pauses (ms), left out of time to resolve.
    paused_ms?: number;
    reminders_snoozed_until?: number | null;
    // From its playbook at the start.
    update_template?: string;
    // The customer-impact window.
    impact_started_at?: number | null;
    impact_ended_at?: number | null;
    // Only in GET /incidents/{id}: whether the caller may delete it (team and system admins).
    may_delete?: boolean;
    // Imported from a dossier: its reference there and when it was exported.
    imported_from?: string;
    // Custom fields from the playbook.
    fields?: IncidentField[];
}

// A custom field as a playbook defines it (docs/api.md, Playbooks).
export type FieldKind = 'text' | 'select' | 'user' | 'link' | 'number';

export interface FieldDefinition {
    name: string;
    kind: FieldKind;
    options: string[];
}

// A custom field on an incident: a user field's value is a user id; null until set.
export interface IncidentField extends FieldDefinition {
    value: string | null;
}

export interface RoleAssignment {
    role: string;
    user_id: string;
    assigned_at: number;
}

export interface StatusUpdate {
    id: string;
    at: number;
    author_id: string;
    status: string;
    severity: string;
    impact: string;
    message: string;
    next_update_at: number | null;
}

// A severity, status or role as the admin configured it.
export interface Level {
    name: string;
    description: string;
}

// Severities most severe first; statuses in lifecycle order (the last resolves).
export interface Conduct {
    severities: Level[];
    statuses: Level[];
    roles: Level[];
}

export interface TimelineEvent {
    id: string;
    at: number;
    actor_id: string;
    kind: {type: string; [key: string]: unknown};
}

export interface IncidentFilters {
    state?: 'active' | 'ended' | 'all';
    q?: string;
    commander_id?: string;
    created_after?: number;
    created_before?: number;
    severity?: string;
    status?: string;
    playbook_id?: string;
    // One custom field filter, `Name=value`.
    field?: string;
    page?: number;
    per_page?: number;
}

export interface IncidentList {
    items: Incident[];
    total: number;
    page: number;
    per_page: number;
}

export interface User {
    id: string;
    username: string;
    first_name?: string;
    last_name?: string;
    nickname?: string;
    is_bot?: boolean;
}

export interface ItemCondition {
    severities?: string[];
    field?: string | null;
    values?: string[];
}

export interface PlaybookItem {
    title: string;
    description: string;
    default_assignee_id: string | null;
    command: string | null;
    // Due this many minutes after the incident starts.
    due_after_minutes?: number | null;
    // The item applies only while the incident's severity is one of `severities`, or while the
    // custom field `field` has one of `values` (any value when there are none).
    condition?: ItemCondition | null;
    // Its command runs in the incident channel, as the starter, when the incident starts.
    run_at_start?: boolean;
}

export interface PlaybookSection {
    title: string;
    items: PlaybookItem[];
}

export interface Playbook {
    id: string;
    team_id: string;
    title: string;
    description: string;
    checklists: PlaybookSection[];
    channel_name_template: string;
    private_channel: boolean;
    default_commander_id: string | null;
    announcement_channel_ids: string[];
    // Who may use it (empty: the whole team) and who may edit it besides admins.
    member_ids: string[];
    editor_ids: string[];
    // Words that, posted in a channel, suggest starting an incident with this playbook.
    keywords?: string[];
    // Custom fields its incidents get.
    fields?: FieldDefinition[];
    // Shown to whoever joins an incident channel; what a status update starts from.
    welcome_message?: string;
    update_template?: string;
    // Ends the report draft; its absence stops the reminder to write the retrospective.
    retrospective_template?: string;
    // Added to the incident channel at the start: people, and user groups by name.
    invited_user_ids?: string[];
    invited_groups?: string[];
    // The sidebar category the channel is filed under for the people added at the start.
    sidebar_category?: string;
    created_at: number;
    updated_at: number;
}

// A Mattermost channel, as the host's REST API answers it (the fields we show).
export interface Team {
    id: string;
    name: string;
    display_name: string;
}

export interface Channel {
    id: string;
    team_id: string;
    name: string;
    display_name: string;
    type: string;
    delete_at?: number;
}

// GET /tasks: one of the viewer's open items, with its incident.
export interface Task {
    incident_id: string;
    reference: string;
    incident_name: string;
    channel_id: string;
    number: number;
    item_id: string;
    title: string;
    assignee_ids: string[];
    due_at: number | null;
    overdue: boolean;
}
