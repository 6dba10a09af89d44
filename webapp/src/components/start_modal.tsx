import React from 'react';

import {listPlaybooks, startIncident} from '../client';
import type {StartIncidentRequest} from '../client';
import {currentTeamId, useHostState} from '../host';
import {fill, slots, useT} from '../i18n';
import type {Incident, Playbook} from '../types/incident';
import type {Store} from '../types/mattermost';
import type {PluginUI, StartRequest} from '../ui';

import {ChannelName} from './channel_search';
import {CLS, errorMessage, isAbort, useMounted} from './common';
import {FieldInputs} from './fields';
import {ModalForm} from './modal';

interface Props {
    store: Store;
    ui: PluginUI;
    onStarted: (incident: Incident) => void;
}

function StartForm({teamId, request, onClose, onStarted}: {
    teamId: string;
    request: StartRequest;
    onClose: () => void;
    onStarted: (incident: Incident) => void;
}): React.ReactElement {
    const t = useT();
    // The typed values go into the request too (a draft that outlives this component).
    const [name, setNameState] = React.useState(request.name || '');
    const [summary, setSummaryState] = React.useState(request.summary || '');
    const [playbooks, setPlaybooks] = React.useState<Playbook[] | null>(null);
    const [playbooksError, setPlaybooksError] = React.useState('');
    const [playbookId, setPlaybookIdState] = React.useState(request.playbookId || '');
    // The chosen playbook's start commands, shown before they run as the starter.
    const startCommands = (playbooks?.find((p) => p.id === playbookId)?.checklists ?? [])
        .flatMap((s) => s.items.filter((i) => i.run_at_start && i.command).map((i) => String(i.command)));
    const [channelName, setChannelNameState] = React.useState(request.channelName || '');
    const [here, setHereState] = React.useState(Boolean(request.here && request.channelId));
    const setHere = (v: boolean) => {
        request.here = v;
        setHereState(v);
    };
    const setName = (v: string) => {
        request.name = v;
        setNameState(v);
    };
    const setSummary = (v: string) => {
        request.summary = v;
        setSummaryState(v);
    };
    const setPlaybookId = (v: string) => {
        request.playbookId = v;
        setPlaybookIdState(v);
    };
    const setChannelName = (v: string) => {
        request.channelName = v;
        setChannelNameState(v);
    };
    // Values of the chosen playbook's custom fields, by name (kept when another playbook is tried).
    const [fieldValues, setFieldValues] = React.useState<Record<string, string>>({});
    const announceIn = playbooks?.find((p) => p.id === playbookId)?.announcement_channel_ids ?? [];
    const [unticked, setUnticked] = React.useState<string[]>([]);
    const [isPrivate, setIsPrivate] = React.useState(false);
    const [privateTouched, setPrivateTouched] = React.useState(false);
    const [saving, setSaving] = React.useState(false);
    const [error, setError] = React.useState('');
    const nameRef = React.useRef<HTMLInputElement>(null);
    const mounted = useMounted();

    React.useEffect(() => {
        const controller = new AbortController();
        listPlaybooks(teamId, controller.signal).then(
            (res) => {
                const items = res.items || [];
                setPlaybooks(items);
                if (items.length && !items.some((p) => p.id === request.playbookId)) {
                    setPlaybookIdState(items[0].id);
                }
            },
            (e) => {
                if (!isAbort(e)) {
                    setPlaybooks([]);
                    setPlaybooksError(errorMessage(e, t));
                }
            },
        );
        return () => controller.abort();
        // request.playbookId is read only to keep a choice the list still has: a new choice must not
        // fetch the playbooks again. request is the caller's mutable object, updated by setPlaybookId.
        // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [teamId, t]);

    // The playbook decides the channel's default privacy until the user says otherwise.
    React.useEffect(() => {
        if (!privateTouched) {
            setIsPrivate(Boolean(playbooks?.find((p) => p.id === playbookId)?.private_channel));
        }
    }, [playbookId, playbooks, privateTouched]);

    const playbook = playbooks?.find((p) => p.id === playbookId);
    const submit = async () => {
        if (!name.trim()) {
            setError(t('startForm.nameRequired', 'Give the incident a name.'));
            nameRef.current?.focus();
            return;
        }
        const body: StartIncidentRequest = {team_id: teamId, name: name.trim()};
        // Untouched, the server decides: the playbook's setting, else the plugin's.
        if (here && request.channelId) {
            body.channel_id = request.channelId;
        } else if (privateTouched) {
            body.private = isPrivate;
        }
        if (summary.trim()) {
            body.summary = summary.trim();
        }
        if (playbookId) {
            body.playbook_id = playbookId;
        }
        if (channelName.trim() && !here) {
            body.channel_name = channelName.trim();
        }
        const fields = Object.fromEntries((playbook?.fields ?? []).map((f) => [f.name, (fieldValues[f.name] ?? '').trim()]).filter(([, v]) => v));
        if (Object.keys(fields).length) {
            body.fields = fields;
        }
        // The playbook's announcement channels the starter left ticked (all: the server's default).
        if (unticked.some((c) => announceIn.includes(c))) {
            body.announcement_channel_ids = announceIn.filter((c) => !unticked.includes(c));
        }
        setSaving(true);
        setError('');
        try {
            const incident = await startIncident(body);
            onStarted(incident);
        } catch (err) {
            if (mounted.current) {
                setError(errorMessage(err, t));
                setSaving(false);
            }
        }
    };

    const id = `${CLS}-start`;
    return (
        <ModalForm
            id={id}
            title={t('startForm.title', 'Start an incident')}
            busy={saving}
            error={error}
            submitLabel={t('startForm.submit', 'Start incident')}
            busyLabel={t('startForm.starting', 'Starting…')}
            onClose={onClose}
            onSubmit={submit}
            initialFocus={nameRef}
        >
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('field.name', 'Name')}<span aria-hidden='true'>{' *'}</span></span>
                <input
                    ref={nameRef}
                    className={`${CLS}-input`}
                    type='text'
                    value={name}
                    required={true}
                    aria-required='true'
                    aria-invalid={error && !name.trim() ? true : undefined}
                    placeholder={t('startForm.namePlaceholder', 'What is happening?')}
                    onChange={(e) => setName(e.target.value)}
                    disabled={saving}
                />
            </label>
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('field.summary', 'Summary')}</span>
                <textarea
                    className={`${CLS}-input ${CLS}-textarea`}
                    value={summary}
                    rows={4}
                    placeholder={t('startForm.summaryPlaceholder', 'What do we know so far? (optional)')}
                    onChange={(e) => setSummary(e.target.value)}
                    disabled={saving}
                />
            </label>
            {request.postLink && (
                <p className={`${CLS}-small ${CLS}-muted ${CLS}-modal__source`}>
                    {fill(t('startForm.source', 'Started from {message}; its link is in the summary.', slots('message')), {
                        message: (
                            <a
                                href={request.postLink}
                                target='_blank'
                                rel='noopener noreferrer'
                            >
                                {t('startForm.sourceLink', 'this message')}
                            </a>
                        ),
                    })}
                </p>
            )}
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('startForm.playbook', 'Playbook')}</span>
                <select
                    className={`${CLS}-input ${CLS}-select`}
                    value={playbookId}
                    onChange={(e) => setPlaybookId(e.target.value)}
                    disabled={saving || playbooks === null}
                    aria-describedby={playbooksError ? `${id}-pb-error` : undefined}
                >
                    {playbooks === null && <option value=''>{t('startForm.loadingPlaybooks', 'Loading playbooks…')}</option>}
                    {(playbooks || []).map((p) => (
                        <option
                            key={p.id}
                            value={p.id}
                        >
                            {p.title}
                        </option>
                    ))}
                    {playbooks !== null && <option value=''>{t('startForm.noPlaybook', 'No playbook (empty checklist)')}</option>}
                </select>
                {startCommands.length > 0 && (
                    <span className={`${CLS}-small ${CLS}-muted`}>
                        {t('startForm.startCommands', 'Starting runs, as you, in the new channel: {commands}', {commands: startCommands.join(', ')})}
                    </span>
                )}
                {playbooksError && (
                    <span
                        id={`${id}-pb-error`}
                        className={`${CLS}-small ${CLS}-field-error`}
                    >
                        {t('startForm.playbooksError', 'Playbooks could not be loaded: {error}', {error: playbooksError})}
                    </span>
                )}
            </label>
            <FieldInputs
                fields={playbook?.fields ?? []}
                values={fieldValues}
                onChange={(name, value) => setFieldValues({...fieldValues, [name]: value})}
                disabled={saving}
            />
            {request.channelId && (
                <label className={`${CLS}-check-field`}>
                    <input
                        type='checkbox'
                        className={`${CLS}-checkbox`}
                        checked={here}
                        onChange={(e) => setHere(e.target.checked)}
                        disabled={saving}
                    />
                    <span>{t('startForm.here', 'Run it in this channel')} (<ChannelName channelId={request.channelId}/>)</span>
                </label>
            )}
            {!here && (<React.Fragment>
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('startForm.channelName', 'Channel name')}</span>
                <input
                    className={`${CLS}-input`}
                    type='text'
                    value={channelName}
                    placeholder={t('startForm.channelNamePlaceholder', 'Optional: made from the name')}
                    onChange={(e) => setChannelName(e.target.value)}
                    disabled={saving}
                    aria-describedby={`${id}-channel-hint`}
                />
                <span
                    id={`${id}-channel-hint`}
                    className={`${CLS}-small ${CLS}-muted`}
                >
                    {t('startForm.channelHint', 'A new channel is created for the incident.')}
                </span>
            </label>
            <label className={`${CLS}-check-field`}>
                <input
                    type='checkbox'
                    className={`${CLS}-checkbox`}
                    checked={isPrivate}
                    onChange={(e) => {
                        setPrivateTouched(true);
                        setIsPrivate(e.target.checked);
                    }}
                    disabled={saving}
                    aria-describedby={!privateTouched && !playbookId ? `${id}-private-hint` : undefined}
                />
                <span>{t('startForm.private', 'Private channel')}</span>
            </label>
            {!privateTouched && !playbookId && (
                <span
                    id={`${id}-private-hint`}
                    className={`${CLS}-small ${CLS}-muted ${CLS}-modal__hint`}
                >
                    {t('startForm.privateHint', 'Left unticked, the plugin’s setting in the System Console decides.')}
                </span>
            )}
            </React.Fragment>)}
            {announceIn.length > 0 && (
                <fieldset className={`${CLS}-field`}>
                    <legend className={`${CLS}-label`}>{t('startForm.announceIn', 'Announce in')}</legend>
                    {announceIn.map((channelId) => (
                        <label
                            key={channelId}
                            className={`${CLS}-check-field`}
                        >
                            <input
                                type='checkbox'
                                className={`${CLS}-checkbox`}
                                checked={!unticked.includes(channelId)}
                                onChange={(e) => setUnticked(e.target.checked ? unticked.filter((c) => c !== channelId) : [...unticked, channelId])}
                                disabled={saving}
                            />
                            <ChannelName channelId={channelId}/>
                        </label>
                    ))}
                </fieldset>
            )}
        </ModalForm>
    );
}

// Registered as a root component: renders the start form while one is requested.
export function StartIncidentModal({store, ui, onStarted}: Props): React.ReactElement | null {
    const teamId = useHostState(store, currentTeamId);
    const [request, setRequest] = React.useState<StartRequest | null>(ui.startRequest);
    React.useEffect(() => {
        const update = () => setRequest(ui.startRequest);
        update();
        return ui.subscribe(update);
    }, [ui]);
    if (!request || !teamId) {
        return null;
    }
    return (
        <StartForm
            key={teamId}
            teamId={teamId}
            request={request}
            onClose={() => ui.closeStart()}
            onStarted={(incident) => {
                ui.closeStart();
                onStarted(incident);
            }}
        />
    );
}
