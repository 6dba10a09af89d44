import React from 'react';

import {getIncident, hideEvent} from '../../client';
import type {IncidentEvents} from '../../events';
import {useFetched} from '../../hooks/use_fetched';
import {fill, slots, useT} from '../../i18n';
import {duration} from '../../time';
import type {Incident} from '../../types/incident';
import {ChannelLink} from '../channel_link';
import {CLS, ErrorBanner, UserName, closeOnEscape, errorMessage} from '../common';
import {DossierLink} from '../dossier';
import {FieldTerms} from '../fields';
import {ReportSection} from '../report_section';

import {DeleteIncidentDialog} from './delete_dialog';
import {ItemWithHistory, LocalTime, StateBadge, TimelineWords, Who} from './words';

// One incident's full record beside the table: facts, summary, report, checklist with each item's
// history, and the timeline. Read again on every event about it.
export function PageDetail({incidentId, events, now, teamName, myUserId, onClose}: {
    incidentId: string;
    events: IncidentEvents;
    now: number;
    teamName: string;
    myUserId: string;
    onClose: () => void;
}): React.ReactElement {
    const t = useT();
    const fetched = useFetched<Incident>((signal) => getIncident(incidentId, signal), [incidentId]);
    const {reload} = fetched;
    const incident = fetched.data;
    // A failed hide shows until the incident is read again.
    const [actionError, setActionError] = React.useState<{error: unknown; after: Incident | null} | null>(null);
    const shown = actionError && actionError.after === incident ? actionError.error : null;
    const failure = fetched.error ?? shown;
    const error = failure ? errorMessage(failure, t) : '';
    const headingRef = React.useRef<HTMLHeadingElement>(null);
    const focused = React.useRef(false);
    const [deleting, setDeleting] = React.useState(false);

    React.useEffect(() => events.subscribe((ev) => {
        if (!ev.incidentId || ev.incidentId === incidentId) {
            reload();
        }
    }), [incidentId, events, reload]);

    React.useEffect(() => {
        if (incident && !focused.current) {
            focused.current = true;
            headingRef.current?.focus();
        }
    }, [incident]);

    // Hidden events (and the hiding itself) stay in the record but not in the shown timeline.
    const hidden = new Set((incident?.timeline ?? []).filter((e) => e.kind.type === 'event_hidden').map((e) => String(e.kind.event_id)));
    const timeline = (incident?.timeline ?? []).filter((e) => !hidden.has(e.id) && e.kind.type !== 'event_hidden').slice().sort((a, b) => a.at - b.at);
    return (
        <section
            className={`${CLS}-page__detail`}
            aria-label={t('page.detailLabel', 'Incident detail')}
            onKeyDown={closeOnEscape(onClose)}
        >
            <div className={`${CLS}-page__detail-top`}>
                {incident ? (
                    <h2
                        ref={headingRef}
                        tabIndex={-1}
                        className={`${CLS}-page__detail-title`}
                    >
                        <span className={`${CLS}-ref`}>{incident.reference}</span>
                        {' '}
                        <span>{incident.name}</span>
                    </h2>
                ) : <span/>}
                {incident && <DossierLink incident={incident}/>}
                {incident?.may_delete && (
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                        onClick={() => setDeleting(true)}
                    >
                        {t('delete.open', 'Delete…')}
                    </button>
                )}
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    onClick={onClose}
                >
                    {t('common.close', 'Close')}
                </button>
            </div>
            {deleting && incident && (
                <DeleteIncidentDialog
                    incident={incident}
                    onClose={() => setDeleting(false)}
                    onDeleted={onClose}
                />
            )}
            {error && <ErrorBanner message={error}/>}
            {!incident && !error && <p
                className={`${CLS}-muted`}
                role='status'
            >{t('page.loadingIncident', 'Loading the incident…')}</p>}
            {incident && (
                <>
                    <ChannelLink
                        incident={incident}
                        teamName={teamName}
                        myUserId={myUserId}
                    />
                    <dl className={`${CLS}-page__facts`}>
                        <dt>{t('field.state', 'State')}</dt>
                        <dd><StateBadge state={incident.state}/></dd>
                        <dt>{t('field.commander', 'Commander')}</dt>
                        <dd><UserName userId={incident.commander_id}/></dd>
                        <dt>{t('field.started', 'Started')}</dt>
                        <dd>{fill(t('page.startedBy', '{time} by {user}', slots('time', 'user')), {
                            time: <LocalTime at={incident.created_at}/>,
                            user: <Who userId={incident.reporter_id}/>,
                        })}</dd>
                        <dt>{incident.ended_at ? t('field.ended', 'Ended') : t('page.duration', 'Duration')}</dt>
                        <dd>
                            {incident.ended_at ? fill(t('page.endedLasted', '{time} (lasted {duration})', {
                                ...slots('time'),
                                duration: duration(incident.ended_at - incident.created_at, t),
                            }), {time: <LocalTime at={incident.ended_at}/>}) : t('page.activeFor', 'Active for {duration}', {duration: duration(now - incident.created_at, t)})}
                        </dd>
                        <FieldTerms incident={incident}/>
                    </dl>
                    <h3 className={`${CLS}-page__h3`}>{t('field.summary', 'Summary')}</h3>
                    <p className={`${CLS}-page__summary${incident.summary ? '' : ` ${CLS}-muted`}`}>{incident.summary || t('field.noSummary', 'No summary yet.')}</p>
                    <ReportSection
                        incident={incident}
                        onChanged={reload}
                    />
                    <h3 className={`${CLS}-page__h3`}>{t('field.checklist', 'Checklist')}</h3>
                    {incident.checklists.length === 0 && <p className={`${CLS}-muted`}>{t('page.noChecklistItems', 'No checklist items.')}</p>}
                    {incident.checklists.map((section) => (
                        <div
                            key={section.id}
                            className={`${CLS}-page__section`}
                        >
                            <h4 className={`${CLS}-page__h4`}>{section.title}</h4>
                            {section.items.length === 0 ? <p className={`${CLS}-muted ${CLS}-small`}>{t('common.noItems', 'No items.')}</p> : (
                                <ul
                                    className={`${CLS}-page__items`}
                                    aria-label={section.title}
                                >
                                    {section.items.filter((it) => it.applies !== false).map((it) => <ItemWithHistory
                                        key={it.id}
                                        item={it}
                                    />)}
                                </ul>
                            )}
                        </div>
                    ))}
                    <h3 className={`${CLS}-page__h3`}>{t('page.timeline', 'Timeline')}</h3>
                    {timeline.length === 0 ? <p className={`${CLS}-muted`}>{t('page.noEvents', 'No events yet.')}</p> : (
                        <ol
                            className={`${CLS}-page__timeline`}
                            aria-label={t('page.timeline', 'Timeline')}
                        >
                            {timeline.map((ev) => (
                                <li key={ev.id}>
                                    <span className={`${CLS}-muted ${CLS}-small ${CLS}-page__when`}><LocalTime at={ev.at}/></span>
                                    <span>
                                        <TimelineWords
                                            actor={<Who userId={ev.actor_id}/>}
                                            kind={ev.kind}
                                        />
                                    </span>
                                    {(ev.kind.type === 'note_added' || ev.kind.type === 'post_added') && (
                                        <button
                                            type='button'
                                            className={`${CLS}-link-button ${CLS}-page__hide`}
                                            aria-label={t('page.hideEvent', 'Hide this entry from the timeline')}
                                            onClick={() => hideEvent(incident.id, ev.id).then(reload, (e) => setActionError({error: e, after: incident}))}
                                        >
                                            {t('page.hide', 'Hide')}
                                        </button>
                                    )}
                                </li>
                            ))}
                        </ol>
                    )}
                </>
            )}
        </section>
    );
}
