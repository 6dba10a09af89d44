import React from 'react';

import {getIncident, listIncidents} from '../client';
import type {IncidentEvents} from '../events';
import {currentTeamId, useHostState, useNow} from '../host';
import {fullDate, isoDate} from '../time';
import type {ChecklistItem, Incident, IncidentFilters, IncidentList, ItemChange, TimelineEvent, User} from '../types/incident';
import type {Store} from '../types/mattermost';

import {CLS, ErrorBanner, UserName, errorMessage, isAbort} from './common';
import {UserPicker} from './user_picker';

interface Props {
    store: Store;
    events: IncidentEvents;
}

type StateFilter = 'all' | 'active' | 'ended';

export const DEFAULT_PER_PAGE = 20;

// ?per_page=N on the page's address overrides the page size (1–200), for links and tests.
function perPageFromLocation(): number {
    const n = Number(new URLSearchParams(window.location.search).get('per_page'));
    return Number.isInteger(n) && n >= 1 && n <= 200 ? n : DEFAULT_PER_PAGE;
}

// "2 h 5 min", "3 days 4 h", "45 s".
export function duration(ms: number): string {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) {
        return `${s} s`;
    }
    const m = Math.floor(s / 60);
    if (m < 60) {
        return `${m} min`;
    }
    const h = Math.floor(m / 60);
    if (h < 24) {
        return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
    }
    const d = Math.floor(h / 24);
    const days = d === 1 ? '1 day' : `${d} days`;
    return h % 24 ? `${days} ${h % 24} h` : days;
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
    return <span className={`${CLS}-page__quote`}>{`“${String(text ?? '')}”`}</span>;
}

function Who({userId}: {userId: unknown}): React.ReactElement {
    return typeof userId === 'string' && userId ? <UserName
        userId={userId}
        avatar={false}
    /> : <span>{'someone'}</span>;
}

// One timeline event in words, after its actor: "checked “Page the on-call”".
export function TimelineWords({kind}: {kind: TimelineEvent['kind']}): React.ReactElement {
    switch (kind.type) {
    case 'incident_started':
        return (
            <>
                {'started the incident '}<Quoted text={kind.name}/>
                {kind.playbook ? <>{' from the playbook '}<Quoted text={kind.playbook}/></> : null}
            </>
        );
    case 'commander_changed':
        return <>{'changed the commander from '}<Who userId={kind.from}/>{' to '}<Who userId={kind.to}/></>;
    case 'item_checked':
        return <>{'checked '}<Quoted text={kind.title}/></>;
    case 'item_unchecked':
        return <>{'unchecked '}<Quoted text={kind.title}/></>;
    case 'item_skipped':
        return <>{'skipped '}<Quoted text={kind.title}/></>;
    case 'item_restored':
        return <>{'restored '}<Quoted text={kind.title}/></>;
    case 'item_added':
        return <>{'added '}<Quoted text={kind.title}/>{' to '}<Quoted text={kind.section}/></>;
    case 'item_removed':
        return <>{'removed '}<Quoted text={kind.title}/></>;
    case 'item_assigned':
        return kind.assignee ? <>{'assigned '}<Quoted text={kind.title}/>{' to '}<Who userId={kind.assignee}/></> : <>{'unassigned '}<Quoted text={kind.title}/></>;
    case 'item_renamed':
        return <>{'renamed '}<Quoted text={kind.from}/>{' to '}<Quoted text={kind.to}/></>;
    case 'item_moved':
        return <>{'moved '}<Quoted text={kind.title}/></>;
    case 'incident_ended':
        return <>{'ended the incident'}</>;
    case 'post_added':
        return (
            <>
                {'added a message by '}<Who userId={kind.author_id}/>{' to the timeline: '}<Quoted text={kind.excerpt}/>
                {kind.note ? <>{' — '}<span className={`${CLS}-page__note`}>{String(kind.note)}</span></> : null}
            </>
        );
    default:
        return <>{`made a change (${kind.type.replace(/_/g, ' ')})`}</>;
    }
}

function HistoryWords({change}: {change: ItemChange['change']}): React.ReactElement {
    switch (change.type) {
    case 'checked':
        return <>{'checked it'}</>;
    case 'unchecked':
        return <>{'unchecked it'}</>;
    case 'skipped':
        return <>{'skipped it'}</>;
    case 'restored':
        return <>{'restored it'}</>;
    case 'assigned':
        return change.to ? <>{'assigned it to '}<Who userId={change.to}/></> : <>{'unassigned it'}</>;
    case 'renamed':
        return <>{'renamed it from '}<Quoted text={change.from}/>{' to '}<Quoted text={change.to}/></>;
    case 'moved':
        return <>{'moved it'}</>;
    default:
        return <>{`changed it (${change.type.replace(/_/g, ' ')})`}</>;
    }
}

const ITEM_STATE_WORDS: Record<string, string> = {open: 'Open', done: 'Done', skipped: 'Skipped'};

function ItemWithHistory({item}: {item: ChecklistItem}): React.ReactElement {
    return (
        <li className={`${CLS}-page__item`}>
            <div className={`${CLS}-page__item-top`}>
                <span className={`${CLS}-page__item-state ${CLS}-page__item-state--${item.state}`}>{ITEM_STATE_WORDS[item.state] ?? item.state}</span>
                <span className={`${CLS}-page__item-title`}>{item.title}</span>
                {item.assignee_id && (
                    <span className={`${CLS}-small ${CLS}-muted`}>{'Assignee '}<UserName
                        userId={item.assignee_id}
                        avatar={false}
                    /></span>
                )}
            </div>
            {item.history.length > 0 ? (
                <ol
                    className={`${CLS}-page__history`}
                    aria-label={`History of ${item.title}`}
                >
                    {item.history.map((h, i) => (
                        <li
                            key={i}
                            className={`${CLS}-small`}
                        >
                            <Who userId={h.actor_id}/>{' '}<HistoryWords change={h.change}/>
                            <span className={`${CLS}-muted`}>{' · '}<LocalTime at={h.at}/></span>
                        </li>
                    ))}
                </ol>
            ) : (
                <p className={`${CLS}-page__history ${CLS}-small ${CLS}-muted`}>{'No changes yet.'}</p>
            )}
        </li>
    );
}

function StateBadge({state}: {state: Incident['state']}): React.ReactElement {
    return <span className={`${CLS}-badge ${CLS}-badge--${state}`}>{state === 'active' ? 'Active' : 'Ended'}</span>;
}

function PageDetail({incidentId, events, now, onClose}: {
    incidentId: string;
    events: IncidentEvents;
    now: number;
    onClose: () => void;
}): React.ReactElement {
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
                    setError(errorMessage(e));
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
    }, [incidentId, events]);

    React.useEffect(() => {
        if (incident && !focused.current) {
            focused.current = true;
            headingRef.current?.focus();
        }
    }, [incident]);

    const timeline = (incident?.timeline ?? []).slice().sort((a, b) => a.at - b.at);
    return (
        <section
            className={`${CLS}-page__detail`}
            aria-label='Incident detail'
            onKeyDown={(e) => {
                if (e.key === 'Escape') {
                    e.stopPropagation();
                    onClose();
                }
            }}
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
                    {'Close'}
                </button>
            </div>
            {error && <ErrorBanner message={error}/>}
            {!incident && !error && <p
                className={`${CLS}-muted`}
                role='status'
            >{'Loading the incident…'}</p>}
            {incident && (
                <>
                    <dl className={`${CLS}-page__facts`}>
                        <dt>{'State'}</dt>
                        <dd><StateBadge state={incident.state}/></dd>
                        <dt>{'Commander'}</dt>
                        <dd><UserName userId={incident.commander_id}/></dd>
                        <dt>{'Started'}</dt>
                        <dd><LocalTime at={incident.created_at}/>{' by '}<Who userId={incident.reporter_id}/></dd>
                        <dt>{incident.ended_at ? 'Ended' : 'Duration'}</dt>
                        <dd>
                            {incident.ended_at ? (
                                <><LocalTime at={incident.ended_at}/>{` (lasted ${duration(incident.ended_at - incident.created_at)})`}</>
                            ) : `Active for ${duration(now - incident.created_at)}`}
                        </dd>
                    </dl>
                    <h3 className={`${CLS}-page__h3`}>{'Summary'}</h3>
                    <p className={`${CLS}-page__summary${incident.summary ? '' : ` ${CLS}-muted`}`}>{incident.summary || 'No summary yet.'}</p>
                    <h3 className={`${CLS}-page__h3`}>{'Checklist'}</h3>
                    {incident.checklists.length === 0 && <p className={`${CLS}-muted`}>{'No checklist items.'}</p>}
                    {incident.checklists.map((section) => (
                        <div
                            key={section.id}
                            className={`${CLS}-page__section`}
                        >
                            <h4 className={`${CLS}-page__h4`}>{section.title}</h4>
                            {section.items.length === 0 ? <p className={`${CLS}-muted ${CLS}-small`}>{'No items.'}</p> : (
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
                    <h3 className={`${CLS}-page__h3`}>{'Timeline'}</h3>
                    {timeline.length === 0 ? <p className={`${CLS}-muted`}>{'No events yet.'}</p> : (
                        <ol
                            className={`${CLS}-page__timeline`}
                            aria-label='Timeline'
                        >
                            {timeline.map((ev) => (
                                <li key={ev.id}>
                                    <span className={`${CLS}-muted ${CLS}-small ${CLS}-page__when`}><LocalTime at={ev.at}/></span>
                                    <span><Who userId={ev.actor_id}/>{' '}<TimelineWords kind={ev.kind}/></span>
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
    const teamId = useHostState(store, currentTeamId);
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
        const t = window.setTimeout(() => setQ(search.trim()), 250);
        return () => window.clearTimeout(t);
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
                    setError(errorMessage(e));
                    setLoading(false);
                }
            },
        );
        return () => controller.abort();
    }, [teamId, stateFilter, q, commander, from, to, page, perPage, reloads]);

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
                <header className={`${CLS}-page__header`}>
                    <h1 className={`${CLS}-page__title`}>{'Incidents'}</h1>
                </header>
                <form
                    className={`${CLS}-page__filters`}
                    role='search'
                    aria-label='Filter incidents'
                    onSubmit={(e) => {
                        e.preventDefault();
                        setQ(search.trim());
                    }}
                >
                    <label className={`${CLS}-page__field`}>
                        <span className={`${CLS}-page__label`}>{'State'}</span>
                        <select
                            className={`${CLS}-input ${CLS}-select`}
                            value={stateFilter}
                            onChange={(e) => setStateFilter(e.target.value as StateFilter)}
                        >
                            <option value='all'>{'All'}</option>
                            <option value='active'>{'Active'}</option>
                            <option value='ended'>{'Ended'}</option>
                        </select>
                    </label>
                    <label className={`${CLS}-page__field ${CLS}-page__field--grow`}>
                        <span className={`${CLS}-page__label`}>{'Search'}</span>
                        <input
                            className={`${CLS}-input`}
                            type='search'
                            placeholder='Name, summary or reference'
                            value={search}
                            onChange={(e) => setSearch(e.target.value)}
                        />
                    </label>
                    <div className={`${CLS}-page__field ${CLS}-page__field--commander`}>
                        <span
                            className={`${CLS}-page__label`}
                            id={`${CLS}-page-commander-label`}
                        >{'Commander'}</span>
                        {picking ? (
                            <UserPicker
                                teamId={teamId}
                                label='Filter by commander'
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
                                    aria-label={commander ? `Commander: @${commander.username}. Change` : 'Commander: anyone. Choose'}
                                    onClick={() => setPicking(true)}
                                >
                                    {commander ? `@${commander.username}` : 'Anyone'}
                                </button>
                                {commander && (
                                    <button
                                        type='button'
                                        className={`${CLS}-link-button`}
                                        onClick={() => setCommander(null)}
                                    >
                                        {'Clear'}
                                    </button>
                                )}
                            </div>
                        )}
                    </div>
                    <label className={`${CLS}-page__field`}>
                        <span className={`${CLS}-page__label`}>{'Started from'}</span>
                        <input
                            className={`${CLS}-input`}
                            type='date'
                            value={from}
                            onChange={(e) => setFrom(e.target.value)}
                        />
                    </label>
                    <label className={`${CLS}-page__field`}>
                        <span className={`${CLS}-page__label`}>{'Started to'}</span>
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
                            {'Incidents of this team, newest first'}
                            <span
                                className={`${CLS}-muted ${CLS}-small`}
                                role='status'
                            >
                                {list ? ` · ${total === 0 ? 'none match' : `${first}–${last} of ${total}`}` : ' · loading…'}
                            </span>
                        </caption>
                        <thead>
                            <tr>
                                <th scope='col'>{'Reference'}</th>
                                <th scope='col'>{'Name'}</th>
                                <th scope='col'>{'State'}</th>
                                <th scope='col'>{'Commander'}</th>
                                <th scope='col'>{'Started'}</th>
                                <th scope='col'>{'Duration / ended'}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {list && list.items.length === 0 && (
                                <tr>
                                    <td
                                        colSpan={6}
                                        className={`${CLS}-muted ${CLS}-page__none`}
                                    >
                                        {'No incidents match these filters.'}
                                    </td>
                                </tr>
                            )}
                            {(list?.items ?? []).map((inc) => (
                                <tr
                                    key={inc.id}
                                    className={selected === inc.id ? `${CLS}-page__row--selected` : undefined}
                                    onClick={() => setSelected(inc.id)}
                                >
                                    <td className={`${CLS}-ref`}>{inc.reference}</td>
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
                                            <>{duration(inc.ended_at - inc.created_at)}<span className={`${CLS}-muted ${CLS}-small`}>{' · ended '}<LocalTime at={inc.ended_at}/></span></>
                                        ) : <>{duration(now - inc.created_at)}<span className={`${CLS}-muted ${CLS}-small`}>{' · ongoing'}</span></>}
                                    </td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
                <nav
                    className={`${CLS}-page__pager`}
                    aria-label='Pages'
                >
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                        disabled={page === 0}
                        onClick={() => setPage((p) => Math.max(0, p - 1))}
                    >
                        {'Previous'}
                    </button>
                    <span className={`${CLS}-small`}>{`Page ${page + 1} of ${pages}`}</span>
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                        disabled={page + 1 >= pages}
                        onClick={() => setPage((p) => p + 1)}
                    >
                        {'Next'}
                    </button>
                </nav>
            </div>
            {selected && (
                <PageDetail
                    key={selected}
                    incidentId={selected}
                    events={events}
                    now={now}
                    onClose={close}
                />
            )}
        </div>
    );
}
