import React from 'react';

import {fill, slots, useT} from '../i18n';
import type {Incident} from '../types/incident';

import {ChannelLink} from './channel_link';
import {Ago, CLS, ErrorBanner, UserName} from './common';

interface Props {
    incidents: Incident[] | null;
    error: string;
    now: number;
    onOpen: (incident: Incident) => void;
    onRetry: () => void;
    onStart: () => void;
    // The incidents page; empty when the team is not known yet.
    allIncidentsHref?: string;
    onAllIncidents?: (e: React.MouseEvent<HTMLAnchorElement>) => void;
    // For the links to the incident channels and joining them.
    teamName?: string;
    myUserId?: string;
}

function progress(incident: Incident): {done: number; total: number} {
    let done = 0;
    let total = 0;
    for (const s of incident.checklists) {
        for (const i of s.items.filter((x) => x.applies !== false)) {
            total++;
            if (i.state !== 'open') {
                done++;
            }
        }
    }
    return {done, total};
}

export function IncidentList({incidents, error, now, onOpen, onRetry, onStart, allIncidentsHref, onAllIncidents, teamName = '', myUserId = ''}: Props): React.ReactElement {
    const t = useT();
    const headingId = `${CLS}-list-heading`;
    return (
        <div className={`${CLS}-list`}>
            <div className={`${CLS}-list__header`}>
                <h2
                    id={headingId}
                    className={`${CLS}-heading`}
                >
                    {t('rhs.listTitle', 'Active incidents')}
                    {incidents && <span className={`${CLS}-count`}>{incidents.length}</span>}
                </h2>
                {allIncidentsHref && (
                    <a
                        className={`${CLS}-list__all`}
                        href={allIncidentsHref}
                        onClick={onAllIncidents}
                    >
                        {t('rhs.allIncidents', 'All incidents')}
                    </a>
                )}
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--primary ${CLS}-button--small`}
                    aria-haspopup='dialog'
                    onClick={onStart}
                >
                    {t('rhs.startIncident', 'Start incident')}
                </button>
            </div>
            {error && (
                <div className={`${CLS}-pad`}>
                    <ErrorBanner message={error}/>
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary`}
                        onClick={onRetry}
                    >
                        {t('common.tryAgain', 'Try again')}
                    </button>
                </div>
            )}
            {!incidents && !error && (
                <p
                    className={`${CLS}-muted ${CLS}-pad`}
                    role='status'
                >
                    {t('common.loadingIncidents', 'Loading incidents…')}
                </p>
            )}
            {incidents && incidents.length === 0 && (
                <div className={`${CLS}-empty`}>
                    <p className={`${CLS}-empty__title`}>{t('rhs.emptyTitle', 'No active incidents')}</p>
                    <p className={`${CLS}-muted`}>
                        {fill(t('rhs.emptyHint', 'Start one with {command} in any channel.', slots('command')), {
                            command: <code>{'/incident start'}</code>,
                        })}
                    </p>
                </div>
            )}
            {incidents && incidents.length > 0 && (
                <ul
                    className={`${CLS}-cards`}
                    aria-labelledby={headingId}
                >
                    {incidents.map((inc) => {
                        const p = progress(inc);
                        return (
                            <li
                                key={inc.id}
                                className={`${CLS}-cards__item`}
                            >
                                <button
                                    type='button'
                                    className={`${CLS}-card`}
                                    onClick={() => onOpen(inc)}
                                >
                                    <span className={`${CLS}-card__top`}>
                                        <span className={`${CLS}-ref`}>
                                            {inc.reference}
                                            {inc.severity && <span className={`${CLS}-sev`}>{inc.severity}</span>}
                                            {inc.status && <span className={`${CLS}-status-text`}>{inc.status}</span>}
                                        </span>
                                        <span className={`${CLS}-muted ${CLS}-small`}>
                                            {fill(t('rhs.cardStarted', 'Started {ago}', slots('ago')), {
                                                ago: (
                                                    <Ago
                                                        at={inc.created_at}
                                                        now={now}
                                                    />
                                                ),
                                            })}
                                        </span>
                                    </span>
                                    <span className={`${CLS}-card__name`}>{inc.name}</span>
                                    <span className={`${CLS}-card__meta`}>
                                        <span className={`${CLS}-small`}>
                                            <span className={`${CLS}-muted`}>{`${t('field.commander', 'Commander')} `}</span>
                                            <UserName userId={inc.commander_id}/>
                                        </span>
                                        {p.total > 0 && (
                                            <span className={`${CLS}-muted ${CLS}-small`}>
                                                {t('rhs.cardProgress', '{done}/{total} done', {done: p.done, total: p.total})}
                                            </span>
                                        )}
                                    </span>
                                </button>
                                <ChannelLink
                                    incident={inc}
                                    teamName={teamName}
                                    myUserId={myUserId}
                                />
                            </li>
                        );
                    })}
                </ul>
            )}
        </div>
    );
}
