import React from 'react';

import {addIncidentAction, addNote, getReport, listIncidentActions, publishReport, saveReport, transcriptURL, updateAction} from '../client';
import type {EntryCategory, FollowUpAction} from '../client';
import {useT} from '../i18n';
import {duration} from '../time';
import type {Incident} from '../types/incident';

import {CLS, ErrorBanner, PageNotice, UserName, errorMessage, isAbort, useAction} from './common';

const KINDS = ['detective', 'preventive', 'corrective', 'other'] as const;

// Learning from the incident, on the incidents page: the impact window, a note or decision for
// the timeline, follow-up actions, and the report (generated, editable, published, downloaded).
export function ReportSection({incident, onChanged}: {incident: Incident; onChanged: () => void}): React.ReactElement {
    const t = useT();
    const [actions, setActions] = React.useState<FollowUpAction[] | null>(null);
    const [actionText, setActionText] = React.useState('');
    const [actionKind, setActionKind] = React.useState<string>('other');
    const [actionDue, setActionDue] = React.useState('');
    const [noteText, setNoteText] = React.useState('');
    const [noteKind, setNoteKind] = React.useState<EntryCategory>('decision');
    const [report, setReport] = React.useState<string | null>(null);
    // The revision the text in the editor started from: saving names it, so a save over someone
    // else's newer one is refused with the server's message instead of overwriting it.
    const [revision, setRevision] = React.useState(0);
    const [reloads, setReloads] = React.useState(0);
    const {busy, error, notice, setError, act} = useAction(t, () => setReloads((n) => n + 1));

    React.useEffect(() => {
        const controller = new AbortController();
        listIncidentActions(incident.id, controller.signal).then(
            (res) => setActions(res.items || []),
            (e) => !isAbort(e) && setError(errorMessage(e, t)),
        );
        return () => controller.abort();
    }, [incident.id, reloads, t, setError]);


    const impact = incident as Incident & {impact_started_at?: number | null; impact_ended_at?: number | null};
    const id = `${CLS}-report-${incident.id}`;
    return (
        <section
            className={`${CLS}-report`}
            aria-label={t('report.sectionLabel', 'Report and follow-up')}
        >
            <h3 className={`${CLS}-page__h3`}>{t('report.heading', 'Report and follow-up')}</h3>
            {error && <ErrorBanner message={error}/>}
            <PageNotice text={notice}/>
            <p className={`${CLS}-small`}>
                {impact.impact_ended_at ? t('report.impactWindow', 'Customer impact lasted {duration}.', {
                    duration: duration(impact.impact_ended_at - (impact.impact_started_at ?? incident.created_at), t),
                }) : t('report.noImpact', 'No end of customer impact recorded yet (/incident impact end).')}
            </p>

            <form
                className={`${CLS}-report__row`}
                aria-label={t('report.noteForm', 'Add to the timeline')}
                onSubmit={(e) => {
                    e.preventDefault();
                    if (!noteText.trim()) {
                        return;
                    }
                    act(async () => {
                        await addNote(incident.id, noteText.trim(), noteKind);
                        setNoteText('');
                        onChanged();
                        return t('report.noteAdded', 'Added to the timeline.');
                    });
                }}
            >
                <select
                    className={`${CLS}-input ${CLS}-select ${CLS}-report__kind`}
                    aria-label={t('report.noteKind', 'Kind of entry')}
                    value={noteKind}
                    onChange={(e) => setNoteKind(e.target.value as EntryCategory)}
                >
                    <option value='decision'>{t('timelineForm.kindDecision', 'Decision')}</option>
                    <option value='key_event'>{t('timelineForm.kindKeyEvent', 'Key event')}</option>
                    <option value='hypothesis'>{t('timelineForm.kindHypothesis', 'Hypothesis')}</option>
                    <option value='note'>{t('timelineForm.kindNote', 'Note')}</option>
                </select>
                <input
                    className={`${CLS}-input`}
                    aria-label={t('report.noteText', 'Timeline entry')}
                    value={noteText}
                    placeholder={t('report.notePlaceholder', 'What was decided, seen or suspected')}
                    onChange={(e) => setNoteText(e.target.value)}
                />
                <button
                    type='submit'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    disabled={busy}
                >
                    {t('report.addNote', 'Add')}
                </button>
            </form>

            <h4 className={`${CLS}-page__h4`}>{t('report.actions', 'Follow-up actions')}</h4>
            {actions === null ? <p className={`${CLS}-muted ${CLS}-small`}>{t('report.loadingActions', 'Loading actions…')}</p> : (
                <ul
                    className={`${CLS}-report__actions`}
                    aria-label={t('report.actions', 'Follow-up actions')}
                >
                    {actions.length === 0 && <li className={`${CLS}-muted ${CLS}-small`}>{t('report.noActions', 'None yet.')}</li>}
                    {actions.map((a) => (
                        <li key={a.id}>
                            <label className={`${CLS}-check-field`}>
                                <input
                                    type='checkbox'
                                    className={`${CLS}-checkbox`}
                                    checked={a.state === 'done'}
                                    disabled={busy}
                                    onChange={(e) => act(async () => {
                                        await updateAction(a.id, {state: e.target.checked ? 'done' : 'open'});
                                        return e.target.checked ? t('report.actionDone', 'Marked done.') : t('report.actionOpen', 'Open again.');
                                    })}
                                />
                                <span className={a.state === 'done' ? `${CLS}-report__done` : ''}>{a.text}</span>
                            </label>
                            <span className={`${CLS}-muted ${CLS}-small`}>
                                {` ${a.kind}`}
                                {a.due_at ? ` · ${t('report.due', 'due {date}', {date: new Date(a.due_at).toISOString().slice(0, 10)})}` : ''}
                            </span>
                            {a.owner_id && <> {' · '}<UserName
                                userId={a.owner_id}
                                avatar={false}
                            /></>}
                        </li>
                    ))}
                </ul>
            )}
            <form
                className={`${CLS}-report__row`}
                aria-label={t('report.actionForm', 'Add a follow-up action')}
                onSubmit={(e) => {
                    e.preventDefault();
                    act(async () => {
                        const due = actionDue ? Date.parse(`${actionDue}T00:00:00Z`) : null;
                        await addIncidentAction(incident.id, {text: actionText, kind: actionKind, due_at: due});
                        setActionText('');
                        setActionDue('');
                        return t('report.actionAdded', 'Action added.');
                    });
                }}
            >
                <input
                    className={`${CLS}-input`}
                    aria-label={t('report.actionText', 'New action')}
                    value={actionText}
                    placeholder={t('report.actionPlaceholder', 'What will we do so it does not happen again?')}
                    onChange={(e) => setActionText(e.target.value)}
                />
                <select
                    className={`${CLS}-input ${CLS}-select ${CLS}-report__kind`}
                    aria-label={t('report.actionKind', 'Type')}
                    value={actionKind}
                    onChange={(e) => setActionKind(e.target.value)}
                >
                    {KINDS.map((k) => <option
                        key={k}
                        value={k}
                    >{k}</option>)}
                </select>
                <input
                    className={`${CLS}-input ${CLS}-report__due`}
                    type='date'
                    aria-label={t('report.actionDue', 'Due')}
                    value={actionDue}
                    onChange={(e) => setActionDue(e.target.value)}
                />
                <button
                    type='submit'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    disabled={busy}
                >
                    {t('report.addAction', 'Add action')}
                </button>
            </form>

            <h4 className={`${CLS}-page__h4`}>{t('report.transcript', 'Channel transcript')}</h4>
            <div className={`${CLS}-report__row`}>
                <a
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    href={transcriptURL(incident.id, 'md')}
                    download={`${incident.reference.toLowerCase()}-transcript.md`}
                >
                    {t('report.transcriptMd', 'Download (Markdown)')}
                </a>
                <a
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    href={transcriptURL(incident.id, 'json')}
                    download={`${incident.reference.toLowerCase()}-transcript.json`}
                >
                    {t('report.transcriptJson', 'Download (JSON)')}
                </a>
            </div>
            <h4 className={`${CLS}-page__h4`}>{t('report.report', 'Incident report')}</h4>
            {report === null ? (
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    onClick={() => act(async () => {
                        const r = await getReport(incident.id);
                        setReport(r.markdown);
                        setRevision(r.revision);
                        return '';
                    })}
                >
                    {t('report.open', 'Open the report')}
                </button>
            ) : (
                <div className={`${CLS}-report__editor`}>
                    <textarea
                        id={`${id}-md`}
                        className={`${CLS}-input ${CLS}-textarea ${CLS}-report__md`}
                        aria-label={t('report.markdown', 'Report (Markdown)')}
                        value={report}
                        rows={16}
                        onChange={(e) => setReport(e.target.value)}
                    />
                    <div className={`${CLS}-report__row`}>
                        <button
                            type='button'
                            className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                            disabled={busy}
                            onClick={() => act(async () => {
                                const r = await saveReport(incident.id, report, revision);
                                setReport(r.markdown);
                                setRevision(r.revision);
                                return t('report.saved', 'Report saved.');
                            })}
                        >
                            {t('report.save', 'Save')}
                        </button>
                        <button
                            type='button'
                            className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                            disabled={busy}
                            onClick={() => act(async () => {
                                // After a conflict: the saved text and its revision, replacing the edits here.
                                const r = await getReport(incident.id);
                                setReport(r.markdown);
                                setRevision(r.revision);
                                return t('report.reloaded', 'Reloaded the saved report.');
                            })}
                        >
                            {t('report.reload', 'Reload')}
                        </button>
                        <button
                            type='button'
                            className={`${CLS}-button ${CLS}-button--primary ${CLS}-button--small`}
                            disabled={busy}
                            onClick={() => act(async () => {
                                const saved = await saveReport(incident.id, report, revision);
                                setRevision(saved.revision);
                                const r = await publishReport(incident.id);
                                return t('report.published', 'Published in {count, plural, one {# channel} other {# channels}}.', {count: r.channels});
                            })}
                        >
                            {t('report.publish', 'Publish')}
                        </button>
                        <a
                            className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                            href={`data:text/markdown;charset=utf-8,${encodeURIComponent(report)}`}
                            download={`${incident.reference.toLowerCase()}-report.md`}
                        >
                            {t('report.download', 'Download')}
                        </a>
                    </div>
                </div>
            )}
        </section>
    );
}
