import React from 'react';

import {ApiError, getPageableServices, getPagingSettings, savePagingSettings} from '../client';
import type {PagingKey, PagingService, PagingSettings} from '../client';
import {useT} from '../i18n';

import {CLS, ErrorBanner, errorMessage, isAbort} from './common';

// A row as edited: the key field is empty unless a new key is typed (empty keeps the stored one).
type Row = {name: string; provider: 'pagerduty' | 'opsgenie'; pageOn: string; key: string; stored?: PagingKey};

const stored = (k: unknown): PagingKey | undefined => (k && typeof k === 'object' ? k as PagingKey : undefined);

// The team's pagers and status page, for its admins (the card is absent for everyone else: the
// server answers them 403). Keys are write-only: the server shows only that one is set.
export function PagingSettingsCard({teamId}: {teamId: string}): React.ReactElement | null {
    const t = useT();
    const [rows, setRows] = React.useState<Row[] | null>(null);
    const [pageId, setPageId] = React.useState('');
    const [pageKey, setPageKey] = React.useState('');
    const [pageStored, setPageStored] = React.useState<PagingKey | undefined>();
    const [error, setError] = React.useState('');
    const [saved, setSaved] = React.useState(false);
    const [hidden, setHidden] = React.useState(false);
    const load = (s: PagingSettings) => {
        setRows(s.services.map((v) => ({name: v.name, provider: v.provider, pageOn: v.page_on.join(', '), key: '', stored: stored(v.key)})));
        setPageId(s.statuspage?.page_id ?? '');
        setPageKey('');
        setPageStored(stored(s.statuspage?.key));
    };
    React.useEffect(() => {
        const ctl = new AbortController();
        getPagingSettings(teamId, ctl.signal).then(load, (e) => {
            if (e instanceof ApiError && e.status === 403) {
                setHidden(true);
            } else if (!isAbort(e)) {
                setError(errorMessage(e, t));
            }
        });
        return () => ctl.abort();
    }, [teamId, t]);
    if (hidden || (!rows && !error)) {
        return null;
    }
    const set = (i: number, change: Partial<Row>) => setRows((rows ?? []).map((r, j) => (j === i ? {...r, ...change} : r)));
    const keyHint = (k?: PagingKey) => (k?.configured ? t('paging.keyKept', 'Key set{last4}; leave empty to keep it', {last4: k.last4 ? ` (…${k.last4})` : ''}) : t('paging.keyNew', 'Key'));
    const save = async (e: React.FormEvent) => {
        e.preventDefault();
        setError('');
        setSaved(false);
        const services: PagingService[] = (rows ?? []).map((r) => ({
            name: r.name.trim(),
            provider: r.provider,
            page_on: r.pageOn.split(',').map((s) => s.trim()).filter(Boolean),
            ...(r.key.trim() ? {key: r.key.trim()} : {}),
        }));
        const statuspage = pageId.trim() ? {page_id: pageId.trim(), ...(pageKey.trim() ? {key: pageKey.trim()} : {})} : null;
        try {
            load(await savePagingSettings(teamId, {services, statuspage}));
            setSaved(true);
        } catch (err) {
            setError(errorMessage(err, t));
        }
    };
    const input = (label: string, value: string, onChange: (v: string) => void, extra: Partial<React.InputHTMLAttributes<HTMLInputElement>> = {}) => (
        <input
            className={`${CLS}-input`}
            aria-label={label}
            placeholder={label}
            value={value}
            onChange={(e) => onChange(e.target.value)}
            {...extra}
        />
    );
    return (
        <section
            className={`${CLS}-reports__card`}
            aria-labelledby={`${CLS}-r-paging`}
        >
            <h2 id={`${CLS}-r-paging`}>{t('paging.title', 'Paging and status page')}</h2>
            <p className={`${CLS}-small ${CLS}-muted`}>{t('paging.help', 'Services whose on-call /incident page reaches (and new incidents of the listed severities), and the status page updates can be mirrored to. Only team and system admins see this.')}</p>
            {error && <ErrorBanner message={error}/>}
            <form onSubmit={save}>
                <ul
                    className={`${CLS}-paging__list`}
                    aria-label={t('paging.services', 'Services')}
                >
                    {(rows ?? []).map((r, i) => (
                        <li key={i}>
                            {input(t('paging.name', 'Service name'), r.name, (v) => set(i, {name: v}))}
                            <select
                                className={`${CLS}-input ${CLS}-select`}
                                aria-label={t('paging.provider', 'Provider')}
                                value={r.provider}
                                onChange={(e) => set(i, {provider: e.target.value as Row['provider']})}
                            >
                                <option value='pagerduty'>{'PagerDuty'}</option>
                                <option value='opsgenie'>{'Opsgenie'}</option>
                            </select>
                            {input(keyHint(r.stored), r.key, (v) => set(i, {key: v}), {type: 'password', autoComplete: 'off'})}
                            {input(t('paging.pageOn', 'Page on declare at (e.g. P1, P2)'), r.pageOn, (v) => set(i, {pageOn: v}))}
                            <button
                                type='button'
                                className={`${CLS}-link-button`}
                                aria-label={t('paging.removeLabel', 'Remove the service {name}', {name: r.name})}
                                onClick={() => setRows((rows ?? []).filter((_, j) => j !== i))}
                            >
                                {t('paging.remove', 'Remove')}
                            </button>
                        </li>
                    ))}
                </ul>
                <button
                    type='button'
                    className={`${CLS}-link-button`}
                    onClick={() => setRows([...(rows ?? []), {name: '', provider: 'pagerduty', pageOn: '', key: ''}])}
                >
                    {t('paging.add', 'Add a service')}
                </button>
                <fieldset className={`${CLS}-paging__page`}>
                    <legend>{t('paging.statuspage', 'Statuspage.io page')}</legend>
                    {input(t('paging.pageId', 'Page id (empty: none)'), pageId, setPageId)}
                    {input(keyHint(pageStored), pageKey, setPageKey, {type: 'password', autoComplete: 'off'})}
                </fieldset>
                <button
                    type='submit'
                    className={`${CLS}-button ${CLS}-button--primary`}
                >
                    {t('paging.save', 'Save paging settings')}
                </button>
                {saved && <span role='status'>{t('paging.saved', ' Saved.')}</span>}
            </form>
        </section>
    );
}

// The update form's opt-in: shown only when the team has a status page. What is ticked is public.
export function StatusPageBox({teamId, checked, onChange}: {teamId: string; checked: boolean; onChange: (v: boolean) => void}): React.ReactElement | null {
    const t = useT();
    const [offered, setOffered] = React.useState(false);
    React.useEffect(() => {
        const ctl = new AbortController();
        getPageableServices(teamId, ctl.signal).then((r) => setOffered(r.statuspage), (e) => !isAbort(e) && setOffered(false));
        return () => ctl.abort();
    }, [teamId]);
    if (!offered) {
        return null;
    }
    return (
        <label className={`${CLS}-field`}>
            <input
                type='checkbox'
                checked={checked}
                onChange={(e) => onChange(e.target.checked)}
            />
            {' '}{t('update.statuspage', 'Also post it on the team\'s public status page')}
        </label>
    );
}
