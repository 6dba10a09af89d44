import React from 'react';

import {getTeamReport, listTeamActions} from '../client';
import type {FollowUpAction, ReportBucket, TeamReport} from '../client';
import {currentTeamId, useHostState} from '../host';
import {useFetched} from '../hooks/use_fetched';
import {useT} from '../i18n';
import {duration} from '../time';
import type {Store} from '../types/mattermost';

import {CLS, ErrorBanner, errorMessage} from './common';
import {CrossTeamSection} from './cross_team_report';
import {RespondersSection} from './responders';
import {PageNav} from './page_nav';
import {ConductSettingsCard} from './conduct_settings';
import {PagingSettingsCard} from './paging_settings';

// Bars of one number per period, drawn in SVG with the theme's colours. The numbers are also in
// the table under it, so the chart is an image with a summary for screen readers.
function BarChart({buckets, value, label, format}: {
    buckets: ReportBucket[];
    value: (b: ReportBucket) => number | null;
    label: string;
    format: (n: number) => string;
}): React.ReactElement {
    const width = 360;
    const height = 160;
    const bottom = 28;
    const values = buckets.map(value);
    const max = Math.max(1, ...values.map((v) => v ?? 0));
    const step = width / Math.max(1, buckets.length);
    const summary = buckets.map((b, i) => `${b.label}: ${values[i] === null ? '—' : format(values[i] as number)}`).join('; ');
    return (
        <svg
            className={`${CLS}-chart`}
            viewBox={`0 0 ${width} ${height}`}
            role='img'
            aria-label={`${label}. ${summary}`}
        >
            {buckets.map((b, i) => {
                const v = values[i] ?? 0;
                const h = ((height - bottom - 16) * v) / max;
                const x = (i * step) + (step * 0.2);
                return (
                    <g key={b.start}>
                        <rect
                            className={`${CLS}-chart__bar`}
                            x={x}
                            y={height - bottom - h}
                            width={step * 0.6}
                            height={h}
                            rx={2}
                        />
                        <text
                            x={x + (step * 0.3)}
                            y={height - bottom - h - 4}
                            textAnchor='middle'
                        >
                            {values[i] === null ? '—' : format(v)}
                        </text>
                        <text
                            x={x + (step * 0.3)}
                            y={height - 8}
                            textAnchor='middle'
                        >
                            {b.label.replace('week of ', '').slice(-5)}
                        </text>
                    </g>
                );
            })}
        </svg>
    );
}

// Incidents across the team: per week or month, by severity and playbook, how fast, open
// follow-up actions, and the monthly review list.
export function ReportsPage({store}: {store: Store}): React.ReactElement {
    const t = useT();
    const teamId = useHostState(store, currentTeamId);
    const [period, setPeriod] = React.useState<'week' | 'month'>('month');
    // The actions list is left empty when it cannot be read; the report says its error.
    const fetchedActions = useFetched<FollowUpAction[]>((signal) => (teamId ? listTeamActions(teamId, signal).then((r) => r.items || []) : undefined), [teamId]);
    const actions = fetchedActions.error ? [] : fetchedActions.data ?? [];
    const fetchedReport = useFetched<TeamReport>((signal) => (teamId ? getTeamReport(teamId, period, period === 'month' ? 6 : 8, signal) : undefined), [teamId, period]);
    const report = fetchedReport.data;
    const error = fetchedReport.error ? errorMessage(fetchedReport.error, t) : '';

    const hours = (ms: number) => duration(ms, t);
    return (
        <div className={`${CLS}-page`}>
            <div className={`${CLS}-page__main`}>
                <PageNav
                    store={store}
                    current='reports'
                />
                <header className={`${CLS}-page__header`}>
                    <h1 className={`${CLS}-page__title`}>{t('reports.title', 'Reports')}</h1>
                    <label className={`${CLS}-page__field`}>
                        <span className={`${CLS}-page__label`}>{t('reports.period', 'Per')}</span>
                        <select
                            className={`${CLS}-input ${CLS}-select`}
                            value={period}
                            onChange={(e) => setPeriod(e.target.value as 'week' | 'month')}
                        >
                            <option value='month'>{t('reports.month', 'Month')}</option>
                            <option value='week'>{t('reports.week', 'Week')}</option>
                        </select>
                    </label>
                </header>
                {error && <ErrorBanner message={error}/>}
                {!report && !error && <p
                    className={`${CLS}-muted`}
                    role='status'
                >{t('reports.loading', 'Loading…')}</p>}
                {report && (
                    <div className={`${CLS}-reports__grid`}>
                        <section
                            className={`${CLS}-reports__card`}
                            aria-labelledby={`${CLS}-r-count`}
                        >
                            <h2 id={`${CLS}-r-count`}>{t('reports.incidents', 'Incidents')}</h2>
                            <BarChart
                                buckets={report.buckets}
                                value={(b) => b.incidents}
                                label={t('reports.incidentsChart', 'Incidents per period')}
                                format={(n) => String(n)}
                            />
                        </section>
                        <section
                            className={`${CLS}-reports__card`}
                            aria-labelledby={`${CLS}-r-mttr`}
                        >
                            <h2 id={`${CLS}-r-mttr`}>{t('reports.mttr', 'Mean time to resolve')}</h2>
                            <BarChart
                                buckets={report.buckets}
                                value={(b) => b.mean_time_to_resolve_ms}
                                label={t('reports.mttrChart', 'Mean time to resolve per period')}
                                format={hours}
                            />
                        </section>
                        <section
                            className={`${CLS}-reports__card ${CLS}-reports__card--wide`}
                            aria-labelledby={`${CLS}-r-table`}
                        >
                            <h2 id={`${CLS}-r-table`}>{t('reports.byPeriod', 'By period')}</h2>
                            <div className={`${CLS}-page__table-wrap`}>
                            <table className={`${CLS}-page__table`}>
                                <thead>
                                    <tr>
                                        <th scope='col'>{t('reports.colPeriod', 'Period')}</th>
                                        <th scope='col'>{t('reports.colIncidents', 'Incidents')}</th>
                                        <th scope='col'>{t('reports.colUpdate', 'To first update')}</th>
                                        <th scope='col'>{t('reports.colMitigate', 'To mitigate')}</th>
                                        <th scope='col'>{t('reports.colResolve', 'To resolve')}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {report.buckets.map((b) => (
                                        <tr key={b.start}>
                                            <th scope='row'>{b.label.replace('week of ', '')}</th>
                                            <td>{b.incidents}</td>
                                            <td>{b.mean_time_to_first_update_ms === null ? '—' : hours(b.mean_time_to_first_update_ms)}</td>
                                            <td>{b.mean_time_to_mitigate_ms === null ? '—' : hours(b.mean_time_to_mitigate_ms)}</td>
                                            <td>{b.mean_time_to_resolve_ms === null ? '—' : hours(b.mean_time_to_resolve_ms)}</td>
                                        </tr>
                                    ))}
                                </tbody>
                            </table>
                            </div>
                        </section>
                        <section
                            className={`${CLS}-reports__card`}
                            aria-labelledby={`${CLS}-r-mix`}
                        >
                            <h2 id={`${CLS}-r-mix`}>{t('reports.mix', 'Severity and playbooks')}</h2>
                            <ul aria-label={t('reports.bySeverity', 'By severity')}>
                                {Object.entries(report.by_severity).map(([sev, n]) => <li key={sev}>{`${sev}: ${n}`}</li>)}
                            </ul>
                            <ul aria-label={t('reports.byPlaybook', 'By playbook')}>
                                {report.by_playbook.map(([title, n]) => <li key={title}>{`${title}: ${n}`}</li>)}
                            </ul>
                        </section>
                        <section
                            className={`${CLS}-reports__card`}
                            aria-labelledby={`${CLS}-r-actions`}
                        >
                            <h2 id={`${CLS}-r-actions`}>{t('reports.actions', 'Open follow-up actions')}</h2>
                            <p className={`${CLS}-reports__big`}>{report.open_actions}</p>
                            <p className={`${CLS}-small ${CLS}-muted`}>{t('reports.overdue', '{count, plural, =0 {none overdue} one {# overdue} other {# overdue}}', {count: report.overdue_actions})}</p>
                            {actions.length > 0 && (
                                <ul aria-label={t('reports.actionList', 'Open actions, due soonest first')}>
                                    {actions.slice(0, 20).map((a) => (
                                        <li key={a.id}>
                                            {a.text}
                                            <span className={`${CLS}-muted ${CLS}-small`}>{` · ${a.kind}${a.due_at ? ` · ${new Date(a.due_at).toISOString().slice(0, 10)}` : ''}`}</span>
                                        </li>
                                    ))}
                                </ul>
                            )}
                        </section>
                        <section
                            className={`${CLS}-reports__card`}
                            aria-labelledby={`${CLS}-r-review`}
                        >
                            <h2 id={`${CLS}-r-review`}>{t('reports.review', 'Monthly review: ended last month')}</h2>
                            {report.monthly_review.length === 0 ? <p className={`${CLS}-muted ${CLS}-small`}>{t('reports.noReview', 'None.')}</p> : (
                                <ul>
                                    {report.monthly_review.map((r) => (
                                        <li key={r.incident_id}>
                                            {`${r.reference} ${r.name} · ${r.severity || '—'} · ${hours(r.duration_ms)}`}
                                            {r.open_actions ? ` · ${t('reports.reviewOpen', '{count} open actions', {count: r.open_actions})}` : ''}
                                        </li>
                                    ))}
                                </ul>
                            )}
                        </section>
                        {teamId && <RespondersSection teamId={teamId}/>}
                        <CrossTeamSection period={period}/>
                    </div>
                )}
                {teamId && <PagingSettingsCard teamId={teamId}/>}
                {teamId && <ConductSettingsCard teamId={teamId}/>}
            </div>
        </div>
    );
}
