import React from 'react';

import {getConduct, saveConduct} from '../client';
import type {ConductTexts, TeamConduct} from '../client';
import {useT} from '../i18n';

import {CLS, ErrorBanner, errorMessage} from './common';
import {forgetConduct} from './conduct_panel';

const LISTS = ['severities', 'statuses', 'roles'] as const;
const NONE: ConductTexts = {severities: '', statuses: '', roles: '', time_zone: ''};

// The team's own severities, statuses and roles, for its admins (members get no card). An empty
// list is the server's, shown as the placeholder.
export function ConductSettingsCard({teamId}: {teamId: string}): React.ReactElement | null {
    const t = useT();
    const [conduct, setConduct] = React.useState<TeamConduct | null>(null);
    const [texts, setTexts] = React.useState(NONE);
    const [error, setError] = React.useState('');
    const [saved, setSaved] = React.useState(false);
    const load = (c: TeamConduct) => {
        setConduct(c);
        setTexts({...NONE, ...c.team});
    };
    React.useEffect(() => {
        const ctl = new AbortController();
        getConduct(teamId, ctl.signal).then(load, () => setConduct(null));
        return () => ctl.abort();
    }, [teamId]);
    if (!conduct?.may_edit) {
        return null;
    }
    const save = async (next: ConductTexts) => {
        setError('');
        setSaved(false);
        try {
            load(await saveConduct(teamId, next));
            forgetConduct(teamId);
            setSaved(true);
        } catch (err) {
            setError(errorMessage(err, t));
        }
    };
    const label = {severities: t('teamConduct.severities', 'Severities (worst first)'), statuses: t('teamConduct.statuses', 'Statuses, the last resolves'), roles: t('conduct.roles', 'Roles')};
    return (
        <section
            className={`${CLS}-reports__card`}
            aria-labelledby={`${CLS}-r-conduct`}
        >
            <h2 id={`${CLS}-r-conduct`}>{t('teamConduct.title', 'Severities, statuses and roles')}</h2>
            <p className={`${CLS}-small ${CLS}-muted`}>{t('teamConduct.help', 'One "Name: description" a line; empty: the server\'s list.')}</p>
            {error && <ErrorBanner message={error}/>}
            <form
                onSubmit={(e) => {
                    e.preventDefault();
                    save(texts);
                }}
            >
                <div className={`${CLS}-paging__page`}>
                    {LISTS.map((k) => (
                        <label
                            key={k}
                            className={`${CLS}-field`}
                        >
                            <span className={`${CLS}-label ${CLS}-small`}>{label[k]}</span>
                            <textarea
                                className={`${CLS}-input ${CLS}-textarea`}
                                rows={4}
                                placeholder={texts[k] ? '' : conduct[k].map((l) => `${l.name}: ${l.description}`).join('\n')}
                                value={texts[k]}
                                onChange={(e) => setTexts({...texts, [k]: e.target.value})}
                            />
                        </label>
                    ))}
                    <label className={`${CLS}-field`}>
                        <span className={`${CLS}-label ${CLS}-small`}>{t('teamConduct.timeZone', 'Time zone of posts and reports (empty: the server\'s)')}</span>
                        <input
                            className={`${CLS}-input`}
                            list={`${CLS}-zones`}
                            placeholder={conduct.server_time_zone}
                            value={texts.time_zone}
                            onChange={(e) => setTexts({...texts, time_zone: e.target.value})}
                        />
                        <datalist id={`${CLS}-zones`}>{(Intl as unknown as {supportedValuesOf?: (k: string) => string[]}).supportedValuesOf?.('timeZone').map((z) => <option key={z} value={z}/>)}</datalist>
                    </label>
                </div>
                <button
                    type='submit'
                    className={`${CLS}-button ${CLS}-button--primary`}
                >
                    {t('common.save', 'Save')}
                </button>
                {conduct.source === 'team' && (
                    <button
                        type='button'
                        className={`${CLS}-link-button`}
                        onClick={() => save(NONE)}
                    >
                        {t('teamConduct.reset', 'Use server defaults')}
                    </button>
                )}
                {saved && <span role='status'>{t('paging.saved', ' Saved.')}</span>}
            </form>
        </section>
    );
}
