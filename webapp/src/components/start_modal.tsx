import React from 'react';

import {listPlaybooks, startIncident} from '../client';
import type {StartIncidentRequest} from '../client';
import {currentTeamId, useHostState} from '../host';
import type {Incident, Playbook} from '../types/incident';
import type {Store} from '../types/mattermost';
import type {PluginUI, StartRequest} from '../ui';

import {CLS, errorMessage, isAbort} from './common';

interface Props {
    store: Store;
    ui: PluginUI;
    onStarted: (incident: Incident) => void;
}

const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])';

function StartForm({teamId, request, onClose, onStarted}: {
    teamId: string;
    request: StartRequest;
    onClose: () => void;
    onStarted: (incident: Incident) => void;
}): React.ReactElement {
    const [name, setName] = React.useState('');
    const [summary, setSummary] = React.useState(request.summary || '');
    const [playbooks, setPlaybooks] = React.useState<Playbook[] | null>(null);
    const [playbooksError, setPlaybooksError] = React.useState('');
    const [playbookId, setPlaybookId] = React.useState('');
    const [channelName, setChannelName] = React.useState('');
    const [isPrivate, setIsPrivate] = React.useState(false);
    const [privateTouched, setPrivateTouched] = React.useState(false);
    const [saving, setSaving] = React.useState(false);
    const [error, setError] = React.useState('');
    const dialogRef = React.useRef<HTMLDivElement>(null);
    const nameRef = React.useRef<HTMLInputElement>(null);
    const mounted = React.useRef(true);

    React.useEffect(() => {
        mounted.current = true;
        // Give focus back to whatever opened the form.
        const opener = document.activeElement as HTMLElement | null;
        nameRef.current?.focus();
        return () => {
            mounted.current = false;
            if (opener && document.contains(opener)) {
                opener.focus();
            }
        };
    }, []);

    React.useEffect(() => {
        const controller = new AbortController();
        listPlaybooks(teamId, controller.signal).then(
            (res) => {
                const items = res.items || [];
                setPlaybooks(items);
                if (items.length) {
                    setPlaybookId(items[0].id);
                }
            },
            (e) => {
                if (!isAbort(e)) {
                    setPlaybooks([]);
                    setPlaybooksError(errorMessage(e));
                }
            },
        );
        return () => controller.abort();
    }, [teamId]);

    // The playbook decides the channel's default privacy until the user says otherwise.
    React.useEffect(() => {
        if (!privateTouched) {
            setIsPrivate(Boolean(playbooks?.find((p) => p.id === playbookId)?.private_channel));
        }
    }, [playbookId, playbooks, privateTouched]);

    const submit = async (e: React.FormEvent) => {
        e.preventDefault();
        if (saving) {
            return;
        }
        if (!name.trim()) {
            setError('Give the incident a name.');
            nameRef.current?.focus();
            return;
        }
        const body: StartIncidentRequest = {team_id: teamId, name: name.trim()};
        // Untouched, the server decides: the playbook's setting, else the plugin's.
        if (privateTouched) {
            body.private = isPrivate;
        }
        if (summary.trim()) {
            body.summary = summary.trim();
        }
        if (playbookId) {
            body.playbook_id = playbookId;
        }
        if (channelName.trim()) {
            body.channel_name = channelName.trim();
        }
        setSaving(true);
        setError('');
        try {
            const incident = await startIncident(body);
            onStarted(incident);
        } catch (err) {
            if (mounted.current) {
                setError(errorMessage(err));
                setSaving(false);
            }
        }
    };

    const onKeyDown = (e: React.KeyboardEvent) => {
        if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
            return;
        }
        if (e.key !== 'Tab' || !dialogRef.current) {
            return;
        }
        // Keep Tab inside the dialog.
        const nodes = Array.from(dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE));
        if (!nodes.length) {
            return;
        }
        const first = nodes[0];
        const last = nodes[nodes.length - 1];
        if (e.shiftKey && document.activeElement === first) {
            e.preventDefault();
            last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
            e.preventDefault();
            first.focus();
        }
    };

    const id = `${CLS}-start`;
    return (
        <div
            className={`${CLS}-backdrop`}
            onMouseDown={(e) => {
                if (e.target === e.currentTarget && !saving) {
                    onClose();
                }
            }}
        >
            <div
                ref={dialogRef}
                className={`${CLS}-modal`}
                role='dialog'
                aria-modal='true'
                aria-labelledby={`${id}-title`}
                onKeyDown={onKeyDown}
            >
                <form
                    onSubmit={submit}
                    noValidate={true}
                    aria-describedby={error ? `${id}-error` : undefined}
                >
                    <div className={`${CLS}-modal__header`}>
                        <h1
                            id={`${id}-title`}
                            className={`${CLS}-modal__title`}
                        >
                            {'Start an incident'}
                        </h1>
                        <button
                            type='button'
                            className={`${CLS}-icon-button ${CLS}-modal__close`}
                            aria-label='Close'
                            onClick={onClose}
                        >
                            <span aria-hidden='true'>{'\u00d7'}</span>
                        </button>
                    </div>
                    <div className={`${CLS}-modal__body`}>
                        <label className={`${CLS}-field`}>
                            <span className={`${CLS}-label`}>{'Name'}<span aria-hidden='true'>{' *'}</span></span>
                            <input
                                ref={nameRef}
                                className={`${CLS}-input`}
                                type='text'
                                value={name}
                                required={true}
                                aria-required='true'
                                aria-invalid={error && !name.trim() ? true : undefined}
                                placeholder='What is happening?'
                                onChange={(e) => setName(e.target.value)}
                                disabled={saving}
                            />
                        </label>
                        <label className={`${CLS}-field`}>
                            <span className={`${CLS}-label`}>{'Summary'}</span>
                            <textarea
                                className={`${CLS}-input ${CLS}-textarea`}
                                value={summary}
                                rows={4}
                                placeholder='What do we know so far? (optional)'
                                onChange={(e) => setSummary(e.target.value)}
                                disabled={saving}
                            />
                        </label>
                        {request.postLink && (
                            <p className={`${CLS}-small ${CLS}-muted ${CLS}-modal__source`}>
                                {'Started from '}
                                <a
                                    href={request.postLink}
                                    target='_blank'
                                    rel='noopener noreferrer'
                                >
                                    {'this message'}
                                </a>
                                {'; its link is in the summary.'}
                            </p>
                        )}
                        <label className={`${CLS}-field`}>
                            <span className={`${CLS}-label`}>{'Playbook'}</span>
                            <select
                                className={`${CLS}-input ${CLS}-select`}
                                value={playbookId}
                                onChange={(e) => setPlaybookId(e.target.value)}
                                disabled={saving || playbooks === null}
                                aria-describedby={playbooksError ? `${id}-pb-error` : undefined}
                            >
                                {playbooks === null && <option value=''>{'Loading playbooks…'}</option>}
                                {(playbooks || []).map((p) => (
                                    <option
                                        key={p.id}
                                        value={p.id}
                                    >
                                        {p.title}
                                    </option>
                                ))}
                                {playbooks !== null && <option value=''>{'No playbook (empty checklist)'}</option>}
                            </select>
                            {playbooksError && (
                                <span
                                    id={`${id}-pb-error`}
                                    className={`${CLS}-small ${CLS}-field-error`}
                                >
                                    {`Playbooks could not be loaded: ${playbooksError}`}
                                </span>
                            )}
                        </label>
                        <label className={`${CLS}-field`}>
                            <span className={`${CLS}-label`}>{'Channel name'}</span>
                            <input
                                className={`${CLS}-input`}
                                type='text'
                                value={channelName}
                                placeholder='Optional: made from the name'
                                onChange={(e) => setChannelName(e.target.value)}
                                disabled={saving}
                                aria-describedby={`${id}-channel-hint`}
                            />
                            <span
                                id={`${id}-channel-hint`}
                                className={`${CLS}-small ${CLS}-muted`}
                            >
                                {'A new channel is created for the incident.'}
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
                            <span>{'Private channel'}</span>
                        </label>
                        {!privateTouched && !playbookId && (
                            <span
                                id={`${id}-private-hint`}
                                className={`${CLS}-small ${CLS}-muted ${CLS}-modal__hint`}
                            >
                                {'Left unticked, the plugin’s setting in the System Console decides.'}
                            </span>
                        )}
                        {error && (
                            <div
                                id={`${id}-error`}
                                className={`${CLS}-error`}
                                role='alert'
                            >
                                <span className={`${CLS}-error__text`}>{error}</span>
                            </div>
                        )}
                    </div>
                    <div className={`${CLS}-modal__footer`}>
                        <button
                            type='button'
                            className={`${CLS}-button ${CLS}-button--tertiary`}
                            onClick={onClose}
                            disabled={saving}
                        >
                            {'Cancel'}
                        </button>
                        <button
                            type='submit'
                            className={`${CLS}-button ${CLS}-button--primary`}
                            disabled={saving}
                        >
                            {saving ? 'Starting…' : 'Start incident'}
                        </button>
                    </div>
                </form>
            </div>
        </div>
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
