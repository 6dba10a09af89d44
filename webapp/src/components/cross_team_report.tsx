import React from 'react';

import {getCrossTeamReport, listAllTeams} from '../client';
import type {CrossTeamReport} from '../client';
import {useFetched} from '../hooks/use_fetched';
import {useT} from '../i18n';
import {duration} from '../time';

import {CLS} from './common';

// The reports page's table of every team (GET /reports/teams): shown only when the server answers,
// which it does for system admins; anyone else gets 403 and sees nothing of it.
export function CrossTeamSection({period}: {period: 'week' | 'month'}): React.ReactElement | null {
    const t = useT();
    const report = useFetched<CrossTeamReport>((signal) => getCrossTeamReport(period, period === 'month' ? 6 : 8, signal), [period]).data;
    // Team names from the host's own API (system admins may list every team).
    const answered = Boolean(report);
    const teams = useFetched((signal) => (answered ? listAllTeams(signal) : undefined), [answered]).data ?? [];
    if (!report) {
        return null;
    }
    const name = (id: string) => teams.find((x) => x.id === id)?.display_name || id;
    const time = (ms: number | null) => (ms === null ? '—' : duration(ms, t));
    return (
        <section
            className={`${CLS}-reports__card`}
            aria-labelledby={`${CLS}-r-teams`}
        >
            <h2 id={`${CLS}-r-teams`}>{t('reports.allTeams', 'All teams')}</h2>
            {report.teams.length === 0 ? <p className={`${CLS}-muted ${CLS}-small`}>{t('reports.noReview', 'None.')}</p> : (
                <div className={`${CLS}-page__table-wrap`}>
                    <table className={`${CLS}-page__table`}>
                        <thead>
                            <tr>
                                <th scope='col'>{t('reports.colTeam', 'Team')}</th>
                                <th scope='col'>{t('reports.colIncidents', 'Incidents')}</th>
                                <th scope='col'>{t('reports.colActive', 'Active')}</th>
                                <th scope='col'>{t('reports.colUpdate', 'To first update')}</th>
                                <th scope='col'>{t('reports.colResolve', 'To resolve')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {report.teams.map((row) => (
                                <tr key={row.team_id}>
                                    <th scope='row'>{name(row.team_id)}</th>
                                    <td>{row.incidents}</td>
                                    <td>{row.active}</td>
                                    <td>{time(row.mean_time_to_first_update_ms)}</td>
                                    <td>{time(row.mean_time_to_resolve_ms)}</td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                </div>
            )}
            {report.truncated && <p className={`${CLS}-small ${CLS}-muted`}>{t('reports.truncated', 'Only the newest 20,000 incidents are counted.')}</p>}
        </section>
    );
}
