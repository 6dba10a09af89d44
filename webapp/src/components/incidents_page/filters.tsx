import React from 'react';

import {listPlaybooks} from '../../client';
import {useFetched} from '../../hooks/use_fetched';
import {useT} from '../../i18n';
import type {User} from '../../types/incident';
import {CLS} from '../common';
import {useConduct} from '../conduct_panel';
import {UserPicker} from '../user_picker';

export type StateFilter = 'all' | 'active' | 'ended';

// Severity, status, playbook (ids and names as the API takes them; '' for any) and one custom
// field as `Name=value`.
export interface MoreFilters {
    severity: string;
    status: string;
    playbook_id: string;
    field: string;
}

export const NO_MORE_FILTERS: MoreFilters = {severity: '', status: '', playbook_id: '', field: ''};

export interface FilterProps {
    teamId: string;
    stateFilter: StateFilter;
    setStateFilter: (s: StateFilter) => void;
    search: string;
    setSearch: (s: string) => void;
    // Enter in the form searches at once instead of after the typing pause.
    onSubmitSearch: () => void;
    commander: User | null;
    setCommander: (u: User | null) => void;
    from: string;
    setFrom: (d: string) => void;
    to: string;
    setTo: (d: string) => void;
    more: MoreFilters;
    setMore: (m: MoreFilters) => void;
}

// The filter bar: state, free-text search, commander (a user picker in place) and creation dates.
export function Filters({teamId, stateFilter, setStateFilter, search, setSearch, onSubmitSearch, commander, setCommander, from, setFrom, to, setTo, more, setMore}: FilterProps): React.ReactElement {
    const t = useT();
    const {conduct} = useConduct(teamId);
    const playbooks = useFetched((signal) => (teamId ? listPlaybooks(teamId, signal) : undefined), [teamId]).data?.items ?? [];
    const choose = (key: keyof MoreFilters, label: string, options: Array<[string, string]>) => (
        <label className={`${CLS}-page__field`}>
            <span className={`${CLS}-page__label`}>{label}</span>
            <select
                className={`${CLS}-input ${CLS}-select`}
                value={more[key]}
                onChange={(e) => setMore({...more, [key]: e.target.value})}
            >
                <option value=''>{t('page.filters.any', 'Any')}</option>
                {options.map(([value, text]) => <option
                    key={value}
                    value={value}
                >{text}</option>)}
            </select>
        </label>
    );
    const [picking, setPicking] = React.useState(false);
    const chooseRef = React.useRef<HTMLButtonElement>(null);
    return (
        <form
            className={`${CLS}-page__filters`}
            role='search'
            aria-label={t('page.filters.label', 'Filter incidents')}
            onSubmit={(e) => {
                e.preventDefault();
                onSubmitSearch();
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
            {choose('severity', t('field.severity', 'Severity'), (conduct?.severities ?? []).map((l) => [l.name, l.name]))}
            {choose('status', t('field.status', 'Status'), (conduct?.statuses ?? []).map((l) => [l.name, l.name]))}
            {choose('playbook_id', t('startForm.playbook', 'Playbook'), playbooks.map((p) => [p.id, p.title]))}
            <label className={`${CLS}-page__field`}>
                <span className={`${CLS}-page__label`}>{t('page.filters.field', 'Field')}</span>
                <input
                    className={`${CLS}-input`}
                    type='search'
                    placeholder={t('page.filters.fieldPlaceholder', 'Region=EU')}
                    aria-describedby={`${CLS}-page-field-hint`}
                    value={more.field}
                    onChange={(e) => setMore({...more, field: e.target.value})}
                />
                <span
                    id={`${CLS}-page-field-hint`}
                    className={`${CLS}-small ${CLS}-muted`}
                >{t('page.filters.fieldHint', 'A custom field: name=value')}</span>
            </label>
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
    );
}
