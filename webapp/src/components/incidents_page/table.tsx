import React from 'react';

import {fill, slots, useT} from '../../i18n';
import {duration} from '../../time';
import type {IncidentList} from '../../types/incident';
import {ChannelLink} from '../channel_link';
import {CLS, UserName} from '../common';

import {LocalTime, StateBadge} from './words';

// The table of one page of incidents; a row (or its name's button) selects the incident.
// rowButtons maps each incident to its name's button, for focus to return to on closing the detail.
export function IncidentTable({list, loading, first, last, selected, onSelect, rowButtons, teamName, myUserId, now}: {
    list: IncidentList | null;
    loading: boolean;
    first: number;
    last: number;
    selected: string | null;
    onSelect: (id: string) => void;
    rowButtons: React.MutableRefObject<Map<string, HTMLButtonElement>>;
    teamName: string;
    myUserId: string;
    now: number;
}): React.ReactElement {
    const t = useT();
    const total = list?.total ?? 0;
    const captionId = `${CLS}-page-caption`;
    return (
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
                            onClick={() => onSelect(inc.id)}
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
                                        onSelect(inc.id);
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
    );
}
