import React from 'react';

import {getResponderLoad} from '../client';
import {useFetched} from '../hooks/use_fetched';
import {useT} from '../i18n';
import {duration} from '../time';

import {CLS, errorMessage} from './common';

// The reports page's Responders card (GET /reports/responders): per person, what they hold now,
// incidents worked per week, out-of-hours time in their own zone, commanders this month.
export function RespondersSection({teamId}: {teamId: string}): React.ReactElement {
    const t = useT();
    const fetched = useFetched((signal) => getResponderLoad(teamId, 8, signal), [teamId]);
    const r = fetched.data;
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    return (
        <section
            className={`${CLS}-reports__card ${CLS}-reports__card--wide`}
            aria-labelledby={`${CLS}-r-load`}
        >
            <h2 id={`${CLS}-r-load`}>{t('load.title', 'Responders')}</h2>
            {fetched.error ? <p role='status'>{errorMessage(fetched.error, t)}</p> : null}
            {r && (
                <>
                    <p className={`${CLS}-small ${CLS}-muted`}>
                        {t('load.note', 'Out of hours: outside Monday–Friday 09:00–18:00 in each person\'s own time zone, from their first part in an incident until it ended or their part did. Weeks start on Monday in {zone}.', {zone: r.zone_known ? r.zone : t('load.utc', 'UTC (your time zone is not set)')})}
                    </p>
                    {r.commanders_this_month.length > 0 && (
                        <p>{t('load.commanders', 'Commanders this month: {list}', {list: r.commanders_this_month.map((c) => `@${c.username || c.user_id} (${c.incidents})`).join(', ')})}</p>
                    )}
                    <div className={`${CLS}-page__table-wrap`}>
                        <table className={`${CLS}-page__table`}>
                            <caption className={`${CLS}-small ${CLS}-muted`}>{t('load.caption', 'Responder load since {date}', {date: day(r.week_starts[0])})}</caption>
                            <thead>
                                <tr>
                                    <th scope='col'>{t('load.person', 'Person')}</th>
                                    <th scope='col'>{t('load.holds', 'Holds now')}</th>
                                    <th scope='col'>{t('load.perWeek', 'Incidents per week, oldest first')}</th>
                                    <th scope='col'>{t('load.outOfHours', 'Out of hours')}</th>
                                    <th scope='col'>{t('load.commanded', 'Commander this month')}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {r.people.map((p) => (
                                    <tr key={p.user_id}>
                                        <th scope='row'>
                                            {`@${p.username || p.user_id}`}
                                            <div className={`${CLS}-small ${CLS}-muted`}>{p.time_zone_known ? p.time_zone : t('load.noZone', 'UTC (time zone not set)')}</div>
                                        </th>
                                        <td>
                                            {[...p.open_roles.map((o) => `${o.is_commander ? t('load.commander', 'Commander') : o.role} · ${o.reference}`),
                                                ...p.open_items.map((o) => t('load.item', 'Item {number} {title} · {reference}', {number: o.number, title: o.title, reference: o.reference}))].join('; ') || '—'}
                                        </td>
                                        <td>{p.incidents_per_week.join(' · ')}</td>
                                        <td>{duration(p.out_of_hours_ms, t)}</td>
                                        <td>{p.commanded_this_month}</td>
                                    </tr>
                                ))}
                            </tbody>
                        </table>
                    </div>
                </>
            )}
        </section>
    );
}
