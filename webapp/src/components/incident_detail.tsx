import React from 'react';

import {addItem, endIncident, executeCommand, getIncident, moveItem, patchIncident, recordItemRun, removeItem, renameSection, reopenIncident, setAssignees, setCommander, setDue, setFields, setItemState} from '../client';
import type {IncidentEvents} from '../events';
import {useT} from '../i18n';
import type {ChecklistItem, Incident, ItemState} from '../types/incident';

import {ChannelLink} from './channel_link';
import {ChecklistSectionView, NewSectionForm} from './checklist';
import {Ago, CLS, ErrorBanner, FormButtons, UserName, closeOnEscape, errorMessage, isAbort, useSave} from './common';
import {ConductPanel} from './conduct_panel';
import {DossierLink} from './dossier';
import {IncidentFields} from './fields';
import {SimilarIncidents} from './similar';
import {UserPicker} from './user_picker';

interface Props {
    incidentId: string;
    initial: Incident | null;
    events: IncidentEvents;
    now: number;
    // Who is looking: "Claim" gives a role to them.
    myUserId?: string;
    // For the link to the incident channel.
    teamName?: string;
    onBack: () => void;
}

// The name and summary, edited after the start; Escape or Cancel keeps them.
function EditForm({incident, onSave, onClose}: {
    incident: Incident;
    onSave: (patch: {name?: string; summary?: string}) => Promise<boolean>;
    onClose: () => void;
}): React.ReactElement {
    const t = useT();
    const [name, setName] = React.useState(incident.name);
    const [summary, setSummary] = React.useState(incident.summary);
    const {saving, save} = useSave();
    const [error, setError] = React.useState('');
    const nameRef = React.useRef<HTMLInputElement>(null);
    React.useEffect(() => {
        nameRef.current?.focus();
    }, []);
    const id = `${CLS}-edit-${incident.id}`;
    return (
        <form
            className={`${CLS}-edit-form`}
            aria-label={t('detail.editForm', 'Edit the name and summary')}
            onSubmit={async (e) => {
                e.preventDefault();
                if (saving) {
                    return;
                }
                if (!name.trim()) {
                    setError(t('detail.nameRequired', 'Give the incident a name.'));
                    nameRef.current?.focus();
                    return;
                }
                const patch: {name?: string; summary?: string} = {};
                if (name.trim() !== incident.name) {
                    patch.name = name.trim();
                }
                if (summary.trim() !== incident.summary.trim()) {
                    patch.summary = summary.trim();
                }
                if (!patch.name && patch.summary === undefined) {
                    onClose();
                    return;
                }
                setError('');
                if (await save(() => onSave(patch))) {
                    onClose();
                }
            }}
            onKeyDown={closeOnEscape(onClose)}
        >
            <label
                className={`${CLS}-field`}
                htmlFor={`${id}-name`}
            >
                <span className={`${CLS}-label`}>{t('field.name', 'Name')}</span>
            </label>
            <input
                id={`${id}-name`}
                ref={nameRef}
                className={`${CLS}-input`}
                type='text'
                value={name}
                maxLength={200}
                aria-invalid={Boolean(error) || undefined}
                aria-describedby={error ? `${id}-error` : undefined}
                onChange={(e) => setName(e.target.value)}
                disabled={saving}
            />
            <label
                className={`${CLS}-field`}
                htmlFor={`${id}-summary`}
            >
                <span className={`${CLS}-label`}>{t('field.summary', 'Summary')}</span>
            </label>
            <textarea
                id={`${id}-summary`}
                className={`${CLS}-input ${CLS}-textarea`}
                rows={4}
                value={summary}
                onChange={(e) => setSummary(e.target.value)}
                disabled={saving}
            />
            {error && (
                <p
                    id={`${id}-error`}
                    className={`${CLS}-field-error ${CLS}-small`}
                    role='alert'
                >
                    {error}
                </p>
            )}
            <div className={`${CLS}-update-form__actions`}>
                <FormButtons
                    busy={saving}
                    onCancel={onClose}
                    submitLabel={t('common.save', 'Save')}
                    busyLabel={t('common.saving', 'Saving…')}
                />
            </div>
        </form>
    );
}

function EndConfirm({incident, ending, onConfirm, onCancel}: {
    incident: Incident;
    ending: boolean;
    onConfirm: () => void;
    onCancel: () => void;
}): React.ReactElement {
    const t = useT();
    const cancelRef = React.useRef<HTMLButtonElement>(null);
    React.useEffect(() => {
        cancelRef.current?.focus();
    }, []);
    const titleId = `${CLS}-end-title`;
    const descId = `${CLS}-end-desc`;
    return (
        <div
            className={`${CLS}-confirm`}
            role='alertdialog'
            aria-modal='false'
            aria-labelledby={titleId}
            aria-describedby={descId}
            onKeyDown={closeOnEscape(onCancel)}
        >
            <h3
                id={titleId}
                className={`${CLS}-confirm__title`}
            >
                {t('detail.endConfirmTitle', 'End {reference}?', {reference: incident.reference})}
            </h3>
            <p
                id={descId}
                className={`${CLS}-confirm__text`}
            >
                {t('detail.endConfirmText', 'The incident is marked ended for everyone. Its channel and timeline stay available.')}
            </p>
            <div className={`${CLS}-confirm__actions`}>
                <button
                    ref={cancelRef}
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary`}
                    onClick={onCancel}
                    disabled={ending}
                >
                    {t('common.cancel', 'Cancel')}
                </button>
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--danger`}
                    onClick={onConfirm}
                    disabled={ending}
                >
                    {ending ? t('detail.ending', 'Ending…') : t('detail.endIncident', 'End incident')}
                </button>
            </div>
        </div>
    );
}

export function IncidentDetail({incidentId, initial, events, now, myUserId, teamName = '', onBack}: Props): React.ReactElement {
    const t = useT();
    const [incident, setIncident] = React.useState<Incident | null>(initial && initial.id === incidentId ? initial : null);
    const [loadError, setLoadError] = React.useState('');
    const [actionError, setActionError] = React.useState('');
    const [busyItem, setBusyItem] = React.useState('');
    const [confirming, setConfirming] = React.useState(false);
    const [ending, setEnding] = React.useState(false);
    const [changingCommander, setChangingCommander] = React.useState(false);
    const [savingCommander, setSavingCommander] = React.useState(false);
    const [editing, setEditing] = React.useState(false);
    const editButtonRef = React.useRef<HTMLButtonElement>(null);
    const commanderButtonRef = React.useRef<HTMLButtonElement>(null);
    const endButtonRef = React.useRef<HTMLButtonElement>(null);
    const mounted = React.useRef(true);
    const seq = React.useRef(0);

    React.useEffect(() => {
        mounted.current = true;
        return () => {
            mounted.current = false;
        };
    }, []);

    // Every answer carries the whole incident. An answer is shown unless a newer request's answer
    // is already on screen: our own change's reply often arrives after the websocket event it
    // caused has started a reload, and it must not be dropped for that reload (the view would
    // show the old state until the reload lands); an older answer never replaces a newer one.
    const shown = React.useRef(0);
    const accept = React.useCallback((inc: Incident, mySeq: number) => {
        if (mounted.current && mySeq > shown.current) {
            shown.current = mySeq;
            setIncident(inc);
        }
    }, []);

    const reload = React.useCallback((signal?: AbortSignal) => {
        const mySeq = ++seq.current;
        getIncident(incidentId, signal).then(
            (inc) => {
                accept(inc, mySeq);
                if (mounted.current) {
                    setLoadError('');
                }
            },
            (e) => {
                if (!isAbort(e) && mounted.current && mySeq === seq.current) {
                    setLoadError(errorMessage(e, t));
                }
            },
        );
    }, [incidentId, accept, t]);

    React.useEffect(() => {
        const controller = new AbortController();
        reload(controller.signal);
        const unsubscribe = events.subscribe((e) => {
            if (!e.incidentId || e.incidentId === incidentId) {
                reload();
            }
        });
        return () => {
            controller.abort();
            unsubscribe();
        };
    }, [incidentId, events, reload]);

    // optimistic: what to show while the request runs (the answer replaces it; a refusal puts
    // back what was shown before).
    const change = async (what: () => Promise<Incident>, optimistic?: Incident): Promise<boolean> => {
        const mySeq = ++seq.current;
        const before = incident;
        if (optimistic) {
            setIncident(optimistic);
        }
        try {
            const inc = await what();
            accept(inc, mySeq);
            if (mounted.current) {
                setActionError('');
            }
            return true;
        } catch (e) {
            if (mounted.current) {
                setActionError(errorMessage(e, t));
                if (optimistic && before && mySeq === seq.current) {
                    setIncident(before);
                }
            }
            // Someone else may have changed it first: show what is true now.
            reload();
            return false;
        }
    };

    const onSetState = async (item: ChecklistItem, state: ItemState) => {
        setBusyItem(item.id);
        const optimistic = incident ? {
            ...incident,
            checklists: incident.checklists.map((s) => ({
                ...s,
                items: s.items.map((i) => (i.id === item.id ? {...i, state} : i)),
            })),
        } : undefined;
        await change(() => setItemState(incidentId, item.id, state), optimistic);
        if (mounted.current) {
            setBusyItem('');
        }
    };

    const onEnd = async () => {
        setEnding(true);
        const ok = await change(() => endIncident(incidentId));
        if (mounted.current) {
            setEnding(false);
            setConfirming(false);
            if (!ok) {
                window.setTimeout(() => endButtonRef.current?.focus(), 0);
            }
        }
    };

    const closeCommander = () => {
        setChangingCommander(false);
        window.setTimeout(() => commanderButtonRef.current?.focus(), 0);
    };
    const onCommander = async (userId: string) => {
        setSavingCommander(true);
        const ok = await change(() => setCommander(incidentId, userId));
        if (mounted.current) {
            setSavingCommander(false);
            if (ok) {
                closeCommander();
            }
        }
    };

    const back = (
        <button
            type='button'
            className={`${CLS}-back`}
            onClick={onBack}
        >
            <span
                className={`${CLS}-chevron ${CLS}-chevron--back`}
                aria-hidden='true'
            />
            {t('detail.back', 'All incidents')}
        </button>
    );

    if (!incident) {
        return (
            <div className={`${CLS}-detail`}>
                <div className={`${CLS}-toolbar`}>{back}</div>
                <div className={`${CLS}-pad`}>
                    {loadError ? <ErrorBanner message={loadError}/> : (
                        <p
                            className={`${CLS}-muted`}
                            role='status'
                        >
                            {t('detail.loading', 'Loading incident…')}
                        </p>
                    )}
                </div>
            </div>
        );
    }

    const ended = incident.state === 'ended';
    const itemActions = {
        teamId: incident.team_id,
        onAssign: (item: ChecklistItem, userId: string | null) =>
            change(() => setAssignees(incidentId, item.id, userId ? [...item.assignee_ids, userId] : [])),
        onUnassign: (item: ChecklistItem, userId: string) =>
            change(() => setAssignees(incidentId, item.id, item.assignee_ids.filter((a) => a !== userId))),
        onDue: (item: ChecklistItem, dueAt: number | null) => change(() => setDue(incidentId, item.id, dueAt)),
        onRemove: (item: ChecklistItem) => change(() => removeItem(incidentId, item.id)),
        onSkip: (item: ChecklistItem, skip: boolean) => change(() => setItemState(incidentId, item.id, skip ? 'skipped' : 'open')),
        onMove: (item: ChecklistItem, section: number, position: number) => change(() => moveItem(incidentId, item.id, section, position)),
        // The command runs in the incident channel as the viewer; a refusal is thrown in the
        // server's words. Only a command that ran is recorded.
        onRun: async (item: ChecklistItem): Promise<string> => {
            const answer = await executeCommand(incident.channel_id, incident.team_id, item.command ?? '');
            await change(() => recordItemRun(incidentId, item.id));
            return answer?.text ?? '';
        },
        sections: incident.checklists.map((s) => ({id: s.id, title: s.title, count: s.items.length})),
    };
    const closeEdit = () => {
        setEditing(false);
        window.setTimeout(() => editButtonRef.current?.focus(), 0);
    };
    // Items for another severity (applies: false) are not counted.
    const applying = incident.checklists.flatMap((s) => s.items.filter((i) => i.applies !== false));
    const items = applying.length;
    const doneCount = applying.filter((i) => i.state !== 'open').length;
    return (
        <div className={`${CLS}-detail`}>
            <div className={`${CLS}-toolbar`}>{back}</div>
            <div className={`${CLS}-scroll`}>
                <header className={`${CLS}-detail__header`}>
                    <div className={`${CLS}-card__top`}>
                        <span className={`${CLS}-ref`}>{incident.reference}</span>
                        <span className={`${CLS}-badge ${ended ? `${CLS}-badge--ended` : `${CLS}-badge--active`}`}>
                            {ended ? t('incidentState.ended', 'Ended') : t('detail.inProgress', 'In progress')}
                        </span>
                        <DossierLink incident={incident}/>
                    </div>
                    {incident.imported_from && <p className={`${CLS}-muted ${CLS}-small`}>{t('dossier.importedFrom', 'Imported from {origin}', {origin: incident.imported_from})}</p>}
                    {editing ? (
                        <EditForm
                            incident={incident}
                            onSave={(patch) => change(() => patchIncident(incidentId, patch))}
                            onClose={closeEdit}
                        />
                    ) : (
                        <div className={`${CLS}-detail__title-row`}>
                            <h2 className={`${CLS}-detail__name`}>{incident.name}</h2>
                            <button
                                ref={editButtonRef}
                                type='button'
                                className={`${CLS}-link-button`}
                                aria-label={t('detail.editLabel', 'Edit the name and summary of {reference}', {reference: incident.reference})}
                                onClick={() => setEditing(true)}
                            >
                                {t('detail.edit', 'Edit')}
                            </button>
                        </div>
                    )}
                    <ChannelLink
                        incident={incident}
                        teamName={teamName}
                        myUserId={myUserId ?? ''}
                    />
                </header>
                {actionError && (
                    <div className={`${CLS}-pad`}>
                        <ErrorBanner
                            message={actionError}
                            onDismiss={() => setActionError('')}
                        />
                    </div>
                )}
                {loadError && !actionError && (
                    <div className={`${CLS}-pad`}>
                        <ErrorBanner message={loadError}/>
                    </div>
                )}
                <ConductPanel
                    incident={incident}
                    now={now}
                    myUserId={myUserId ?? ''}
                    onChange={(what) => change(what)}
                    onReload={() => reload()}
                />
                <dl className={`${CLS}-props`}>
                    <dt>{t('field.commander', 'Commander')}</dt>
                    <dd className={`${CLS}-commander`}>
                        {changingCommander ? (
                            <UserPicker
                                teamId={incident.team_id}
                                label={t('detail.newCommander', 'New commander')}
                                excludeIds={[incident.commander_id]}
                                busy={savingCommander}
                                onPick={(u) => onCommander(u.id)}
                                onCancel={closeCommander}
                            />
                        ) : (
                            <>
                                <UserName userId={incident.commander_id}/>
                                {!ended && (
                                    <button
                                        ref={commanderButtonRef}
                                        type='button'
                                        className={`${CLS}-link-button`}
                                        aria-label={t('detail.changeCommander', 'Change commander')}
                                        onClick={() => setChangingCommander(true)}
                                    >
                                        {t('detail.change', 'Change')}
                                    </button>
                                )}
                            </>
                        )}
                    </dd>
                    <dt>{t('field.started', 'Started')}</dt>
                    <dd>
                        <Ago
                            at={incident.created_at}
                            now={now}
                        />
                    </dd>
                    {ended && incident.ended_at && (
                        <>
                            <dt>{t('field.ended', 'Ended')}</dt>
                            <dd>
                                <Ago
                                    at={incident.ended_at}
                                    now={now}
                                />
                            </dd>
                        </>
                    )}
                    <dt>{t('field.summary', 'Summary')}</dt>
                    <dd className={incident.summary ? `${CLS}-summary` : `${CLS}-muted`}>
                        {incident.summary || t('field.noSummary', 'No summary yet.')}
                    </dd>
                </dl>
                <IncidentFields
                    incident={incident}
                    onSave={(fields) => change(() => setFields(incidentId, fields))}
                />
                <SimilarIncidents incidentId={incidentId}/>
                <div className={`${CLS}-checklists`}>
                    <h2 className={`${CLS}-subheading`}>
                        {t('field.checklist', 'Checklist')}
                        {items > 0 && <span className={`${CLS}-muted ${CLS}-small`}>{t('detail.progress', '{done} of {total} done', {done: doneCount, total: items})}</span>}
                    </h2>
                    {incident.checklists.map((section, index) => (
                        <ChecklistSectionView
                            key={section.id}
                            section={section}
                            index={index}
                            readOnly={ended}
                            now={now}
                            busyItem={busyItem}
                            onSetState={onSetState}
                            onAdd={(sectionNumber, title) => change(() => addItem(incidentId, sectionNumber, title))}
                            onRename={(sec, title) => change(() => renameSection(incidentId, sec.id, title))}
                            actions={itemActions}
                        />
                    ))}
                    {incident.checklists.length === 0 && (
                        ended ? <p className={`${CLS}-muted ${CLS}-pad`}>{t('detail.noChecklist', 'No checklist.')}</p> : (
                            <NewSectionForm onAdd={(section, title) => change(() => addItem(incidentId, section, title))}/>
                        )
                    )}
                </div>
            </div>
            {ended && (
                <div className={`${CLS}-footer`}>
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary`}
                        onClick={() => change(() => reopenIncident(incidentId))}
                    >
                        {t('detail.reopen', 'Reopen incident')}
                    </button>
                </div>
            )}
            {!ended && (
                <div className={`${CLS}-footer`}>
                    {confirming ? (
                        <EndConfirm
                            incident={incident}
                            ending={ending}
                            onConfirm={onEnd}
                            onCancel={() => {
                                setConfirming(false);
                                window.setTimeout(() => endButtonRef.current?.focus(), 0);
                            }}
                        />
                    ) : (
                        <button
                            ref={endButtonRef}
                            type='button'
                            className={`${CLS}-button ${CLS}-button--danger-outline`}
                            onClick={() => setConfirming(true)}
                        >
                            {t('detail.endIncident', 'End incident')}
                        </button>
                    )}
                </div>
            )}
        </div>
    );
}
