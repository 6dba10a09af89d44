import React from 'react';

import {addPostToTimeline, listActiveIncidents} from '../client';
import type {EntryCategory} from '../client';
import {currentChannelId, currentTeamId, useHostState} from '../host';
import {useT} from '../i18n';
import type {Translate} from '../i18n';
import type {Incident} from '../types/incident';
import type {Store} from '../types/mattermost';
import type {PluginUI, TimelineRequest} from '../ui';

import {CLS, errorMessage, isAbort, useMounted} from './common';
import {ModalForm} from './modal';

const PREVIEW_CHARS = 300;

function preview(message: string, t: Translate): string {
    const text = message.trim();
    if (!text) {
        return t('timelineForm.emptyMessage', '(a message without text)');
    }
    return text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
}

// Which incident to preselect: the one whose channel holds the post, else the one whose channel
// is open, else the newest.
export function preselect(incidents: Incident[], postChannelId: string, openChannelId: string): string {
    // Preselected only when the channel holds one active incident (several share some channels).
    const inChannel = (channelId: string) => {
        const here = incidents.filter((i) => i.channel_id === channelId);
        return here.length === 1 ? here[0].id : undefined;
    };
    return inChannel(postChannelId) || inChannel(openChannelId) || incidents[0]?.id || '';
}

function TimelineForm({teamId, openChannelId, request, onClose, onAdded}: {
    teamId: string;
    openChannelId: string;
    request: TimelineRequest;
    onClose: () => void;
    onAdded: (incident: Incident) => void;
}): React.ReactElement {
    const t = useT();
    const [incidents, setIncidents] = React.useState<Incident[] | null>(null);
    const [incidentId, setIncidentId] = React.useState('');
    const [note, setNote] = React.useState('');
    const [category, setCategory] = React.useState<EntryCategory>('note');
    const [saving, setSaving] = React.useState(false);
    const [error, setError] = React.useState('');
    const selectRef = React.useRef<HTMLSelectElement>(null);
    const mounted = useMounted();

    React.useEffect(() => {
        const controller = new AbortController();
        listActiveIncidents(teamId, controller.signal).then(
            (res) => {
                const items = res.items || [];
                setIncidents(items);
                setIncidentId(preselect(items, request.channelId, openChannelId));
            },
            (e) => {
                if (!isAbort(e)) {
                    setIncidents([]);
                    setError(t('timelineForm.incidentsError', 'Incidents could not be loaded: {error}', {error: errorMessage(e, t)}));
                }
            },
        );
        return () => controller.abort();
    }, [teamId, request.channelId, openChannelId, t]);

    const submit = async () => {
        if (!incidentId) {
            setError(t('timelineForm.chooseIncident', 'Choose an incident.'));
            selectRef.current?.focus();
            return;
        }
        setSaving(true);
        setError('');
        try {
            onAdded(await addPostToTimeline(incidentId, request.postId, note.trim(), category));
        } catch (err) {
            if (mounted.current) {
                setError(errorMessage(err, t));
                setSaving(false);
            }
        }
    };

    const id = `${CLS}-timeline-add`;
    const none = incidents !== null && incidents.length === 0;
    return (
        <ModalForm
            id={id}
            title={t('timelineForm.title', 'Add to incident timeline')}
            busy={saving}
            error={error}
            submitLabel={t('timelineForm.submit', 'Add to timeline')}
            busyLabel={t('common.adding', 'Adding…')}
            onClose={onClose}
            onSubmit={submit}
            initialFocus={selectRef}
        >
            <figure className={`${CLS}-modal__quote`}>
                <figcaption className={`${CLS}-label`}>{t('timelineForm.message', 'Message')}</figcaption>
                <blockquote className={`${CLS}-quote`}>{preview(request.message, t)}</blockquote>
            </figure>
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('timelineForm.incident', 'Incident')}</span>
                <select
                    ref={selectRef}
                    className={`${CLS}-input ${CLS}-select`}
                    value={incidentId}
                    onChange={(e) => setIncidentId(e.target.value)}
                    disabled={saving || incidents === null || none}
                    aria-describedby={none ? `${id}-none` : undefined}
                >
                    {incidents === null && <option value=''>{t('common.loadingIncidents', 'Loading incidents…')}</option>}
                    {(incidents || []).map((i) => (
                        <option
                            key={i.id}
                            value={i.id}
                        >
                            {`${i.reference} ${i.name}`}
                        </option>
                    ))}
                </select>
                {none && (
                    <span
                        id={`${id}-none`}
                        className={`${CLS}-small ${CLS}-muted`}
                    >
                        {t('timelineForm.noIncident', 'This team has no active incident.')}
                    </span>
                )}
            </label>
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('timelineForm.category', 'Kind')}</span>
                <select
                    className={`${CLS}-input ${CLS}-select`}
                    value={category}
                    onChange={(e) => setCategory(e.target.value as EntryCategory)}
                    disabled={saving}
                >
                    <option value='note'>{t('timelineForm.kindNote', 'Note')}</option>
                    <option value='key_event'>{t('timelineForm.kindKeyEvent', 'Key event')}</option>
                    <option value='decision'>{t('timelineForm.kindDecision', 'Decision')}</option>
                    <option value='hypothesis'>{t('timelineForm.kindHypothesis', 'Hypothesis')}</option>
                </select>
            </label>
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('timelineForm.note', 'Note')}</span>
                <textarea
                    className={`${CLS}-input ${CLS}-textarea`}
                    value={note}
                    rows={3}
                    placeholder={t('timelineForm.notePlaceholder', 'Why it matters (optional)')}
                    onChange={(e) => setNote(e.target.value)}
                    disabled={saving}
                />
            </label>
        </ModalForm>
    );
}

// Registered as a root component: the form while a post is being added, and a short notice after.
export function AddToTimelineModal({store, ui}: {store: Store; ui: PluginUI}): React.ReactElement | null {
    const t = useT();
    const teamId = useHostState(store, currentTeamId);
    const openChannelId = useHostState(store, currentChannelId);
    const [request, setRequest] = React.useState<TimelineRequest | null>(ui.timelineRequest);
    const [notice, setNotice] = React.useState<string | null>(ui.notice);
    React.useEffect(() => {
        const update = () => {
            setRequest(ui.timelineRequest);
            setNotice(ui.notice);
        };
        update();
        return ui.subscribe(update);
    }, [ui]);
    React.useEffect(() => {
        if (!notice) {
            return undefined;
        }
        const timer = window.setTimeout(() => ui.notify(null), 5000);
        return () => window.clearTimeout(timer);
    }, [notice, ui]);
    return (
        <>
            {request && teamId && (
                <TimelineForm
                    key={request.postId}
                    teamId={teamId}
                    openChannelId={openChannelId}
                    request={request}
                    onClose={() => ui.closeTimeline()}
                    onAdded={(incident) => {
                        ui.closeTimeline();
                        ui.notify(t('timelineForm.added', 'Added to the timeline of {reference} {name}.', {reference: incident.reference, name: incident.name}));
                    }}
                />
            )}
            <div
                className={`${CLS}-toast`}
                role='status'
                aria-live='polite'
            >
                {notice}
            </div>
        </>
    );
}
