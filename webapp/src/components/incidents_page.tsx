import React from 'react';

import {getIncident, hideEvent, listIncidents} from '../client';
import type {IncidentEvents} from '../events';
import {currentTeamId, currentTeamName, currentUserId, useHostState, useNow} from '../host';
import {fill, slots, useT} from '../i18n';
import type {Translate} from '../i18n';
import {duration, fullDate, isoDate} from '../time';
import type {ChecklistItem, Incident, IncidentFilters, IncidentList, ItemChange, TimelineEvent, User} from '../types/incident';
import type {Store} from '../types/mattermost';

import {ChannelLink} from './channel_link';
import {CLS, ErrorBanner, UserName, closeOnEscape, errorMessage, isAbort} from './common';
import {PageNav} from './page_nav';
import {ReportSection} from './report_section';
import {UserPicker} from './user_picker';

interface Props {
    store: Store;
    events: IncidentEvents;
}

type StateFilter = 'all' | 'active' | 'ended';

export const DEFAULT_PER_PAGE = 20;

// ?per_page=N on the page's address overrides the page size (1–100, the server's largest page), for links and tests.
function perPageFromLocation(): number {
    const n = Number(new URLSearchParams(window.location.search).get('per_page'));
    return Number.isInteger(n) && n >= 1 && n <= 100 ? n : DEFAULT_PER_PAGE;
}

// A yyyy-mm-dd from a date input, as local midnight in ms; plusDays moves it.
function localDayStart(value: string, plusDays = 0): number | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) {
        return undefined;
    }
    return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).getTime();
}

// Native controls (the date inputs' calendar icon) follow color-scheme, which Mattermost's themes
// do not set: derive it from the theme's background.
function themeColorScheme(): 'light' | 'dark' {
    const rgb = getComputedStyle(document.documentElement).getPropertyValue('--center-channel-bg-rgb');
    const [r, g, b] = rgb.split(',').map((x) => Number(x.trim()));
    if ([r, g, b].some((x) => !Number.isFinite(x))) {
        return 'light';
    }
    return (0.2126 * r) + (0.7152 * g) + (0.0722 * b) < 128 ? 'dark' : 'light';
}

function LocalTime({at}: {at: number}): React.ReactElement {
    return <time dateTime={isoDate(at)}>{fullDate(at)}</time>;
}

function Quoted({text}: {text: unknown}): React.ReactElement {
    const t = useT();
    return <span className={`${CLS}-page__quote`}>{t('page.quoted', '“{text}”', {text: String(text ?? '')})}</span>;
}

function Who({userId}: {userId: unknown}): React.ReactElement {
    const t = useT();
    return typeof userId === 'string' && userId ? <UserName
        userId={userId}
        avatar={false}
    /> : <span>{t('page.someone', 'someone')}</span>;
}

// One timeline event in words, with its actor first in English: "@alice checked “Page the on-call”".
export function TimelineWords({actor, kind}: {actor: React.ReactNode; kind: TimelineEvent['kind']}): React.ReactElement {
    const t = useT();
    const q = (text: unknown) => <Quoted text={text}/>;
    const who = (userId: unknown) => <Who userId={userId}/>;
    switch (kind.type) {
    case 'incident_started':
        return kind.playbook ? fill(t('timeline.startedFromPlaybook', '{actor} started the incident {name} from the playbook {playbook}',
            slots('actor', 'name', 'playbook')), {actor, name: q(kind.name), playbook: q(kind.playbook)}) :
            fill(t('timeline.started', '{actor} started the incident {name}', slots('actor', 'name')), {actor, name: q(kind.name)});
    case 'commander_changed':
        return fill(t('timeline.commanderChanged', '{actor} changed the commander from {from} to {to}', slots('actor', 'from', 'to')),
            {actor, from: who(kind.from), to: who(kind.to)});
    case 'item_checked':
        return fill(t('timeline.itemChecked', '{actor} checked {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_unchecked':
        return fill(t('timeline.itemUnchecked', '{actor} unchecked {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_skipped':
        return fill(t('timeline.itemSkipped', '{actor} skipped {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_restored':
        return fill(t('timeline.itemRestored', '{actor} restored {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_added':
        return fill(t('timeline.itemAdded', '{actor} added {title} to {section}', slots('actor', 'title', 'section')),
            {actor, title: q(kind.title), section: q(kind.section)});
    case 'item_removed':
        return fill(t('timeline.itemRemoved', '{actor} removed {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_assigned':
        return kind.assignee ? fill(t('timeline.itemAssigned', '{actor} assigned {title} to {assignee}', slots('actor', 'title', 'assignee')),
            {actor, title: q(kind.title), assignee: who(kind.assignee)}) :
            fill(t('timeline.itemUnassigned', '{actor} unassigned {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_renamed':
        return fill(t('timeline.itemRenamed', '{actor} renamed {from} to {to}', slots('actor', 'from', 'to')),
            {actor, from: q(kind.from), to: q(kind.to)});
    case 'item_moved':
        return fill(t('timeline.itemMoved', '{actor} moved {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'incident_ended':
        return fill(t('timeline.ended', '{actor} ended the incident', slots('actor')), {actor});
    case 'post_added': {
        const parts = {actor, author: who(kind.author_id), excerpt: q(kind.excerpt)};
        return kind.note ? fill(t('timeline.postAddedWithNote', '{actor} added a message by {author} to the timeline: {excerpt} — {note}',
            slots('actor', 'author', 'excerpt', 'note')), {...parts, note: <span className={`${CLS}-page__note`}>{String(kind.note)}</span>}) :
            fill(t('timeline.postAdded', '{actor} added a message by {author} to the timeline: {excerpt}', slots('actor', 'author', 'excerpt')), parts);
    }
    case 'note_added': {
        const label = {key_event: t('timeline.kindKeyEvent', 'key event'), decision: t('timeline.kindDecision', 'decision'),
            hypothesis: t('timeline.kindHypothesis', 'hypothesis')}[String(kind.category)] ?? t('timeline.kindNote', 'note');
        return fill(t('timeline.noteAdded', '{actor} added a {kind}: {text}', {...slots('actor', 'text'), kind: label}), {actor, text: q(kind.text)});
    }
    case 'note_edited':
        return fill(t('timeline.noteEdited', '{actor} edited a note to {text}', slots('actor', 'text')), {actor, text: q(kind.to)});
    case 'impact_started':
        return fill(t('timeline.impactStarted', '{actor} recorded the start of customer impact at {time}', slots('actor', 'time')),
            {actor, time: <LocalTime at={Number(kind.at)}/>});
    case 'impact_ended':
        return fill(t('timeline.impactEnded', '{actor} recorded the end of customer impact at {time}', slots('actor', 'time')),
            {actor, time: <LocalTime at={Number(kind.at)}/>});
    case 'severity_changed':
        return fill(t('timeline.severityChanged', '{actor} changed the severity from {from} to {to}', slots('actor', 'from', 'to')),
            {actor, from: q(kind.from || '—'), to: q(kind.to)});
    case 'status_changed':
        return fill(t('timeline.statusChanged', '{actor} changed the status from {from} to {to}', slots('actor', 'from', 'to')),
            {actor, from: q(kind.from || '—'), to: q(kind.to)});
    case 'role_assigned':
        if (kind.to) {
            return fill(t('timeline.roleAssigned', '{actor} made {user} the {role}', slots('actor', 'user', 'role')),
                {actor, user: who(kind.to), role: q(kind.role)});
        }
        return fill(t('timeline.roleCleared', '{actor} left the {role} role empty', slots('actor', 'role')), {actor, role: q(kind.role)});
    case 'update_posted':
        return fill(t('timeline.updatePosted', '{actor} posted a status update ({status})', slots('actor', 'status')), {actor, status: q(kind.status)});
    case 'incident_reopened':
        return fill(t('timeline.reopened', '{actor} reopened the incident', slots('actor')), {actor});
    case 'reminders_snoozed':
        return fill(t('timeline.remindersSnoozed', '{actor} snoozed update reminders', slots('actor')), {actor});
    case 'reminders_set':
        return kind.on ? fill(t('timeline.remindersOn', '{actor} turned update reminders back on', slots('actor')), {actor}) :
            fill(t('timeline.remindersOff', '{actor} stopped update reminders', slots('actor')), {actor});
    default:
        return fill(t('timeline.other', '{actor} made a change ({type})', {...slots('actor'), type: kind.type.replace(/_/g, ' ')}), {actor});
    }
}

// One change in an item's history, with its actor first in English: "@alice checked it".
function HistoryWords({actor, change}: {actor: React.ReactNode; change: ItemChange['change']}): React.ReactElement {
    const t = useT();
    switch (change.type) {
    case 'checked':
        return fill(t('history.checked', '{actor} checked it', slots('actor')), {actor});
    case 'unchecked':
        return fill(t('history.unchecked', '{actor} unchecked it', slots('actor')), {actor});
    case 'skipped':
        return fill(t('history.skipped', '{actor} skipped it', slots('actor')), {actor});
    case 'restored':
        return fill(t('history.restored', '{actor} restored it', slots('actor')), {actor});
    case 'assigned':
        return change.to ? fill(t('history.assigned', '{actor} assigned it to {user}', slots('actor', 'user')), {actor, user: <Who userId={change.to}/>}) :
            fill(t('history.unassigned', '{actor} unassigned it', slots('actor')), {actor});
    case 'renamed':
        return fill(t('history.renamed', '{actor} renamed it from {from} to {to}', slots('actor', 'from', 'to')),
            {actor, from: <Quoted text={change.from}/>, to: <Quoted text={change.to}/>});
    case 'moved':
        return fill(t('history.moved', '{actor} moved it', slots('actor')), {actor});
    default:
        return fill(t('history.other', '{actor} changed it ({type})', {...slots('actor'), type: change.type.replace(/_/g, ' ')}), {actor});
    }
}

function itemStateWord(state: string, t: Translate): string {
    switch (state) {
    case 'open':
        return t('itemState.open', 'Open');
    case 'done':
        return t('itemState.done', 'Done');
    case 'skipped':
        return t('itemState.skipped', 'Skipped');
    default:
        return state;
    }
}

function ItemWithHistory({item}: {item: ChecklistItem}): React.ReactElement {
    const t = useT();
    return (
        <li className={`${CLS}-page__item`}>
            <div className={`${CLS}-page__item-top`}>
                <span className={`${CLS}-page__item-state ${CLS}-page__item-state--${item.state}`}>{itemStateWord(item.state, t)}</span>
                <span className={`${CLS}-page__item-title`}>{item.title}</span>
                {item.assignee_id && (
                    <span className={`${CLS}-small ${CLS}-muted`}>{fill(t('page.itemAssignee', 'Assignee {user}', slots('user')), {
                        user: (
                            <UserName
                                userId={item.assignee_id}
                                avatar={false}
                            />
                        ),
                    })}</span>
                )}
            </div>
            {item.history.length > 0 ? (
                <ol
                    className={`${CLS}-page__history`}
                    aria-label={t('page.itemHistory', 'History of {title}', {title: item.title})}
                >
                    {item.history.map((h, i) => (
                        <li
                            key={i}
                            className={`${CLS}-small`}
                        >
                            <HistoryWords
                                actor={<Who userId={h.actor_id}/>}
                                change={h.change}
                            />
                            <span className={`${CLS}-muted`}>{' · '}<LocalTime at={h.at}/></span>
                        </li>
                    ))}
                </ol>
            ) : (
                <p className={`${CLS}-page__history ${CLS}-small ${CLS}-muted`}>{t('page.noChanges', 'No changes yet.')}</p>
            )}
        </li>
    );
}

function StateBadge({state}: {state: Incident['state']}): React.ReactElement {
    const t = useT();
    return <span className={`${CLS}-badge ${CLS}-badge--${state}`}>{state === 'active' ? t('incidentState.active', 'Active') : t('incidentState.ended', 'Ended')}</span>;
}

function PageDetail({incidentId, events, now, teamName, myUserId, onClose}: {
    incidentId: string;
    events: IncidentEvents;
    now: number;
    teamName: string;
    myUserId: string;
    onClose: () => void;
}): React.ReactElement {
    const t = useT();
    const [incident, setIncident] = React.useState<Incident | null>(null);
    const [error, setError] = React.useState('');
    const headingRef = React.useRef<HTMLHeadingElement>(null);
    const focused = React.useRef(false);

    React.useEffect(() => {
        const controller = new AbortController();
        const load = () => getIncident(incidentId, controller.signal).then(
            (inc) => {
                setIncident(inc);
                setError('');
            },
            (e) => {
                if (!isAbort(e)) {
                    setError(errorMessage(e, t));
                }
            },
        );
        setIncident(null);
        setError('');
        focused.current = false;
        load();
        const unsubscribe = events.subscribe((ev) => {
            if (!ev.incidentId || ev.incidentId === incidentId) {
                load();
            }
        });
        return () => {
            controller.abort();
            unsubscribe();
        };
    }, [incidentId, events, t]);

    React.useEffect(() => {
        if (incident && !focused.current) {
            focused.current = true;
            headingRef.current?.focus();
        }
    }, [incident]);

    // Hidden events (and the hiding itself) stay in the record but not in the shown timeline.
    const hidden = new Set((incident?.timeline ?? []).filter((e) => e.kind.type === 'event_hidden').map((e) => String(e.kind.event_id)));
    const timeline = (incident?.timeline ?? []).filter((e) => !hidden.has(e.id) && e.kind.type !== 'event_hidden').slice().sort((a, b) => a.at - b.at);
    const reload = () => {
        getIncident(incidentId).then((inc) => setIncident(inc), (e) => setError(errorMessage(e, t)));
    };
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
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    onClick={onClose}
                >
                    {t('common.close', 'Close')}
                </button>
            </div>
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
                                    {section.items.map((it) => <ItemWithHistory
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
                                            onClick={() => hideEvent(incident.id, ev.id).then(reload, (e) => setError(errorMessage(e, t)))}
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

// The incidents page (registerNeedsTeamRoute('/incidents')): every incident of the team with
// filters and paging, and one incident's full record beside the table.
export function IncidentsPage({store, events}: Props): React.ReactElement {
    const t = useT();
    const teamId = useHostState(store, currentTeamId);
    const teamName = useHostState(store, currentTeamName);
    const myUserId = useHostState(store, currentUserId);
    const now = useNow();
    const [perPage] = React.useState(perPageFromLocation);
    const [stateFilter, setStateFilter] = React.useState<StateFilter>('all');
    const [search, setSearch] = React.useState('');
    const [q, setQ] = React.useState('');
    const [commander, setCommander] = React.useState<User | null>(null);
    const [picking, setPicking] = React.useState(false);
    const [from, setFrom] = React.useState('');
    const [to, setTo] = React.useState('');
    const [page, setPage] = React.useState(0);
    const [list, setList] = React.useState<IncidentList | null>(null);
    const [error, setError] = React.useState('');
    const [loading, setLoading] = React.useState(false);
    const [selected, setSelected] = React.useState<string | null>(null);
    const [reloads, setReloads] = React.useState(0);
    const rowButtons = React.useRef(new Map<string, HTMLButtonElement>());
    const chooseRef = React.useRef<HTMLButtonElement>(null);

    // Search as the user types, after a pause.
    React.useEffect(() => {
        const timer = window.setTimeout(() => setQ(search.trim()), 250);
        return () => window.clearTimeout(timer);
    }, [search]);

    // Any filter change goes back to the first page.
    React.useEffect(() => {
        setPage(0);
    }, [stateFilter, q, commander, from, to]);

    React.useEffect(() => events.subscribe(() => setReloads((n) => n + 1)), [events]);

    React.useEffect(() => {
        if (!teamId) {
            return undefined;
        }
        const filters: IncidentFilters = {
            state: stateFilter,
            q: q || undefined,
            commander_id: commander?.id,
            created_after: localDayStart(from),
            created_before: localDayStart(to, 1),
            page,
            per_page: perPage,
        };
        const controller = new AbortController();
        setLoading(true);
        listIncidents(teamId, filters, controller.signal).then(
            (res) => {
                setList(res);
                setError('');
                setLoading(false);
            },
            (e) => {
                if (!isAbort(e)) {
                    setError(errorMessage(e, t));
                    setLoading(false);
                }
            },
        );
        return () => controller.abort();
    }, [teamId, stateFilter, q, commander, from, to, page, perPage, reloads, t]);

    const total = list?.total ?? 0;
    const pages = Math.max(1, Math.ceil(total / perPage));
    const first = total === 0 ? 0 : (page * perPage) + 1;
    const last = Math.min(total, (page + 1) * perPage);
    const captionId = `${CLS}-page-caption`;

    const close = () => {
        const id = selected;
        setSelected(null);
        if (id) {
            window.setTimeout(() => rowButtons.current.get(id)?.focus(), 0);
        }
    };

    return (
        <div
            className={`${CLS}-page`}
            style={{colorScheme: themeColorScheme()}}
        >
            <div className={`${CLS}-page__main`}>
                <PageNav
                    store={store}
                    current='incidents'
                />
                <header className={`${CLS}-page__header`}>
                    <h1 className={`${CLS}-page__title`}>{t('page.title', 'Incidents')}</h1>
                </header>
                <form
                    className={`${CLS}-page__filters`}
                    role='search'
                    aria-label={t('page.filters.label', 'Filter incidents')}
                    onSubmit={(e) => {
                        e.preventDefault();
                        setQ(search.trim());
                    }}
                >
                    <label className={`${CLS}-page__field`}>
                        <span className={`${CLS}-page__label`}>{t('field.state', 'State')}</span>
                        <select
                            className={`${CLS}-input ${CLS}-select`}
                            value={stateFilter}
                            onChange={(e) => setStateFilter(e.target.value as StateFilter)}
                        >
                            <option value='all'>{t('page.filters.all', 'All')}</option>
                            <option value='active'>{t('incidentState.active', 'Active')}</option>
                            <option value='ended'>{t('incidentState.ended', 'Ended')}</option>
                        </select>
                    </label>
                    <label className={`${CLS}-page__field ${CLS}-page__field--grow`}>
                        <span className={`${CLS}-page__label`}>{t('page.filters.search', 'Search')}</span>
                        <input
                            className={`${CLS}-input`}
                            type='search'
                            placeholder={t('page.filters.searchPlaceholder', 'Name, summary or reference')}
                            value={search}
                            onChange={(e) => setSearch(e.target.value)}
                        />
                    </label>
                    <div className={`${CLS}-page__field ${CLS}-page__field--commander`}>
                        <span
                            className={`${CLS}-page__label`}
                            id={`${CLS}-page-commander-label`}
                        >{t('field.commander', 'Commander')}</span>
                        {picking ? (
                            <UserPicker
                                teamId={teamId}
                                label={t('page.filters.commanderPicker', 'Filter by commander')}
                                onPick={(u) => {
                                    setCommander(u);
                                    setPicking(false);
                                    window.setTimeout(() => chooseRef.current?.focus(), 0);
                                }}
                                onCancel={() => {
                                    setPicking(false);
                                    window.setTimeout(() => chooseRef.current?.focus(), 0);
                                }}
                            />
                        ) : (
                            <div className={`${CLS}-page__commander`}>
                                <button
                                    ref={chooseRef}
                                    type='button'
                                    className={`${CLS}-input ${CLS}-page__choose`}
                                    aria-label={commander ? t('page.filters.commanderChange', 'Commander: @{username}. Change', {username: commander.username}) :
                                        t('page.filters.commanderChoose', 'Commander: anyone. Choose')}
                                    onClick={() => setPicking(true)}
                                >
                                    {commander ? `@${commander.username}` : t('page.filters.anyone', 'Anyone')}
                                </button>
                                {commander && (
                                    <button
                                        type='button'
                                        className={`${CLS}-link-button`}
                                        onClick={() => setCommander(null)}
                                    >
                                        {t('page.filters.clear', 'Clear')}
                                    </button>
                                )}
                            </div>
                        )}
                    </div>
                    <label className={`${CLS}-page__field`}>
                        <span className={`${CLS}-page__label`}>{t('page.filters.from', 'Started from')}</span>
                        <input
                            className={`${CLS}-input`}
                            type='date'
                            value={from}
                            onChange={(e) => setFrom(e.target.value)}
                        />
                    </label>
                    <label className={`${CLS}-page__field`}>
                        <span className={`${CLS}-page__label`}>{t('page.filters.to', 'Started to')}</span>
                        <input
                            className={`${CLS}-input`}
                            type='date'
                            value={to}
                            onChange={(e) => setTo(e.target.value)}
                        />
                    </label>
                </form>
                {error && <ErrorBanner message={error}/>}
                <div className={`${CLS}-page__table-wrap`}>
                    <table
                        className={`${CLS}-page__table`}
                        aria-labelledby={captionId}
                        aria-busy={loading || undefined}
                    >
                        <caption
                            id={captionId}
                            className={`${CLS}-page__caption`}
                        >
                            {t('page.caption', 'Incidents of this team, newest first')}
                            <span
                                className={`${CLS}-muted ${CLS}-small`}
                                role='status'
                            >
                                {' · '}{list ? (total === 0 ? t('page.noneMatch', 'none match') : t('page.range', '{first}–{last} of {total}', {first, last, total})) :
                                    t('page.loading', 'loading…')}
                            </span>
                        </caption>
                        <thead>
                            <tr>
                                <th scope='col'>{t('page.column.reference', 'Reference')}</th>
                                <th scope='col'>{t('field.name', 'Name')}</th>
                                <th scope='col'>{t('field.state', 'State')}</th>
                                <th scope='col'>{t('field.commander', 'Commander')}</th>
                                <th scope='col'>{t('field.started', 'Started')}</th>
                                <th scope='col'>{t('page.column.duration', 'Duration / ended')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list && list.items.length === 0 && (
                                <tr>
                                    <td
                                        colSpan={6}
                                        className={`${CLS}-muted ${CLS}-page__none`}
                                    >
                                        {t('page.noIncidents', 'No incidents match these filters.')}
                                    </td>
                                </tr>
                            )}
                            {(list?.items ?? []).map((inc) => (
                                <tr
                                    key={inc.id}
                                    className={selected === inc.id ? `${CLS}-page__row--selected` : undefined}
                                    onClick={() => setSelected(inc.id)}
                                >
                                    <td>
                                        <span className={`${CLS}-ref`}>{inc.reference}</span>
                                        <ChannelLink
                                            incident={inc}
                                            teamName={teamName}
                                            myUserId={myUserId}
                                        />
                                    </td>
                                    <th scope='row'>
                                        <button
                                            ref={(el) => {
                                                if (el) {
                                                    rowButtons.current.set(inc.id, el);
                                                } else {
                                                    rowButtons.current.delete(inc.id);
                                                }
                                            }}
                                            type='button'
                                            className={`${CLS}-page__name`}
                                            aria-pressed={selected === inc.id}
                                            onClick={(e) => {
                                                e.stopPropagation();
                                                setSelected(inc.id);
                                            }}
                                        >
                                            {inc.name}
                                        </button>
                                    </th>
                                    <td><StateBadge state={inc.state}/></td>
                                    <td><UserName userId={inc.commander_id}/></td>
                                    <td><LocalTime at={inc.created_at}/></td>
                                    <td>
                                        {inc.ended_at ? (
                                            <>{duration(inc.ended_at - inc.created_at, t)}<span className={`${CLS}-muted ${CLS}-small`}>{' · '}{fill(t('page.endedAt', 'ended {time}', slots('time')), {
                                                time: <LocalTime at={inc.ended_at}/>,
                                            })}</span></>
                                        ) : <>{duration(now - inc.created_at, t)}<span className={`${CLS}-muted ${CLS}-small`}>{' · '}{t('page.ongoing', 'ongoing')}</span></>}
                                    </td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
                <nav
                    className={`${CLS}-page__pager`}
                    aria-label={t('page.pager.label', 'Pages')}
                >
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                        disabled={page === 0}
                        onClick={() => setPage((p) => Math.max(0, p - 1))}
                    >
                        {t('page.pager.previous', 'Previous')}
                    </button>
                    <span className={`${CLS}-small`}>{t('page.pager.position', 'Page {page} of {pages}', {page: page + 1, pages})}</span>
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                        disabled={page + 1 >= pages}
                        onClick={() => setPage((p) => p + 1)}
                    >
                        {t('page.pager.next', 'Next')}
                    </button>
                </nav>
            </div>
            {selected && (
                <PageDetail
                    key={selected}
                    incidentId={selected}
                    events={events}
                    now={now}
                    teamName={teamName}
                    myUserId={myUserId}
                    onClose={close}
                />
            )}
        </div>
    );
}
