import React from 'react';

import {listIncidents} from '../../client';
import type {IncidentEvents} from '../../events';
import {currentTeamId, currentTeamName, currentUserId, useHostState, useNow} from '../../host';
import {useFetched} from '../../hooks/use_fetched';
import {useT} from '../../i18n';
import type {IncidentFilters, IncidentList, User} from '../../types/incident';
import type {Store} from '../../types/mattermost';
import {CLS, ErrorBanner, errorMessage} from '../common';
import {ImportDossier, mayImport} from '../dossier';
import {PageNav} from '../page_nav';
import {fromZoneInput} from '../../time';

import {PageDetail} from './detail';
import {Filters, NO_MORE_FILTERS} from './filters';
import type {MoreFilters, StateFilter} from './filters';
import {Pager} from './pager';
import {IncidentTable} from './table';

interface Props {
    store: Store;
    events: IncidentEvents;
}

export const DEFAULT_PER_PAGE = 20;

// ?per_page=N on the page's address overrides the page size (1–100, the server's largest page), for links and tests.
function perPageFromLocation(): number {
    const n = Number(new URLSearchParams(window.location.search).get('per_page'));
    return Number.isInteger(n) && n >= 1 && n <= 100 ? n : DEFAULT_PER_PAGE;
}

// A yyyy-mm-dd from a date input, as midnight in the viewer's zone in ms; plusDays moves it.
function localDayStart(value: string, plusDays = 0): number | undefined {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) {
        return undefined;
    }
    const next = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays));
    return fromZoneInput(next.toISOString().slice(0, 10));
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

// The incidents page (registerNeedsTeamRoute('/incidents')): every incident of the team with
// filters and paging, and one incident's full record beside the table.
export function IncidentsPage({store, events}: Props): React.ReactElement {
    const t = useT();
    const teamId = useHostState(store, currentTeamId);
    const teamName = useHostState(store, currentTeamName);
    const myUserId = useHostState(store, currentUserId);
    const mayImportHere = useHostState(store, React.useCallback((state: unknown) => mayImport(state, teamId), [teamId]));
    const now = useNow();
    const [perPage] = React.useState(perPageFromLocation);
    const [stateFilter, setStateFilter] = React.useState<StateFilter>('all');
    const [search, setSearch] = React.useState('');
    const [q, setQ] = React.useState('');
    const [commander, setCommander] = React.useState<User | null>(null);
    const [from, setFrom] = React.useState('');
    const [to, setTo] = React.useState('');
    const [more, setMore] = React.useState<MoreFilters>(NO_MORE_FILTERS);
    // What the list asks for: the field filter once it reads name=value, after the typing pause.
    const [applied, setApplied] = React.useState<MoreFilters>(NO_MORE_FILTERS);
    React.useEffect(() => {
        const next = {...more, field: /^[^=]+=.+$/.test(more.field.trim()) ? more.field.trim() : ''};
        // The same filters keep their object: a new one would send the list back to its first page.
        const timer = window.setTimeout(() => setApplied((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next)), 250);
        return () => window.clearTimeout(timer);
    }, [more]);
    const [page, setPage] = React.useState(0);
    const [selected, setSelected] = React.useState<string | null>(null);
    const rowButtons = React.useRef(new Map<string, HTMLButtonElement>());

    // Search as the user types, after a pause.
    React.useEffect(() => {
        const timer = window.setTimeout(() => setQ(search.trim()), 250);
        return () => window.clearTimeout(timer);
    }, [search]);

    // Any filter change goes back to the first page.
    React.useEffect(() => {
        setPage(0);
    }, [stateFilter, q, commander, from, to, applied]);

    const fetched = useFetched<IncidentList>((signal) => {
        if (!teamId) {
            return undefined;
        }
        const filters: IncidentFilters = {
            state: stateFilter,
            q: q || undefined,
            commander_id: commander?.id,
            created_after: localDayStart(from),
            created_before: localDayStart(to, 1),
            severity: applied.severity || undefined,
            status: applied.status || undefined,
            playbook_id: applied.playbook_id || undefined,
            field: applied.field || undefined,
            page,
            per_page: perPage,
        };
        return listIncidents(teamId, filters, signal);
    }, [teamId, stateFilter, q, commander, from, to, applied, page, perPage]);
    const {data: list, loading, reload} = fetched;
    const error = fetched.error ? errorMessage(fetched.error, t) : '';

    React.useEffect(() => events.subscribe(reload), [events, reload]);

    const total = list?.total ?? 0;
    const pages = Math.max(1, Math.ceil(total / perPage));
    const first = total === 0 ? 0 : (page * perPage) + 1;
    const last = Math.min(total, (page + 1) * perPage);

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
                    {mayImportHere && <ImportDossier
                        teamId={teamId}
                        onDone={reload}
                    />}
                </header>
                <Filters
                    teamId={teamId}
                    stateFilter={stateFilter}
                    setStateFilter={setStateFilter}
                    search={search}
                    setSearch={setSearch}
                    onSubmitSearch={() => setQ(search.trim())}
                    commander={commander}
                    setCommander={setCommander}
                    from={from}
                    setFrom={setFrom}
                    to={to}
                    setTo={setTo}
                    more={more}
                    setMore={setMore}
                />
                {error && <ErrorBanner message={error}/>}
                <IncidentTable
                    list={list}
                    loading={loading}
                    first={first}
                    last={last}
                    selected={selected}
                    onSelect={setSelected}
                    rowButtons={rowButtons}
                    teamName={teamName}
                    myUserId={myUserId}
                    now={now}
                />
                <Pager
                    page={page}
                    pages={pages}
                    setPage={setPage}
                />
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
