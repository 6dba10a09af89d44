import React from 'react';

import {basePath, listActiveIncidents} from '../client';
import type {IncidentEvents} from '../events';
import {currentChannelId, currentTeamId, currentTeamName, currentUserId, incidentsPagePath, navigateInHost, useHostState, useNow} from '../host';
import {useT} from '../i18n';
import {id as pluginId} from '../manifest';
import type {Incident} from '../types/incident';
import type {Store} from '../types/mattermost';
import type {PluginUI} from '../ui';

import {CLS, errorMessage, isAbort} from './common';
import {IncidentDetail} from './incident_detail';
import {IncidentList} from './incident_list';
import {MyTasks} from './my_tasks';

interface Props {
    store: Store;
    events: IncidentEvents;
    ui: PluginUI;
}

// The right-hand sidebar: the team's active incidents, and one incident's detail. Opened from an
// incident's channel it shows that incident first; in a channel several active incidents share,
// it lists them above the team's to pick one.
export function RHSView({store, events, ui}: Props): React.ReactElement {
    const t = useT();
    const teamId = useHostState(store, currentTeamId);
    const channelId = useHostState(store, currentChannelId);
    const myUserId = useHostState(store, currentUserId);
    const teamName = useHostState(store, currentTeamName);
    const pagePath = teamName ? incidentsPagePath(teamName, pluginId) : '';
    const now = useNow();
    const [incidents, setIncidents] = React.useState<Incident[] | null>(null);
    const [listError, setListError] = React.useState('');
    const [selected, setSelected] = React.useState<{id: string; initial: Incident | null} | null>(null);
    const seq = React.useRef(0);
    // The channel whose incident was opened for the user (or that they navigated away from), so
    // "back" is not undone by the next refresh.
    const autoOpenedFor = React.useRef('');

    const load = React.useCallback((signal?: AbortSignal) => {
        if (!teamId) {
            setIncidents([]);
            return;
        }
        const mySeq = ++seq.current;
        listActiveIncidents(teamId, signal).then(
            (list) => {
                if (mySeq === seq.current) {
                    setIncidents(list.items);
                    setListError('');
                }
            },
            (e) => {
                if (!isAbort(e) && mySeq === seq.current) {
                    setListError(errorMessage(e, t));
                }
            },
        );
    }, [teamId, t]);

    React.useEffect(() => {
        const controller = new AbortController();
        setIncidents(null);
        setListError('');
        load(controller.signal);
        const unsubscribe = events.subscribe(() => load());
        return () => {
            controller.abort();
            unsubscribe();
        };
    }, [load, events]);

    // An incident someone asked to see (one just started): show it, and refresh the list behind it.
    React.useEffect(() => {
        const take = () => {
            const id = ui.takeIncidentToShow();
            if (id) {
                setSelected({id, initial: null});
                load();
            }
        };
        take();
        return ui.subscribe(take);
    }, [ui, load]);

    React.useEffect(() => {
        if (!incidents || !channelId || autoOpenedFor.current === channelId) {
            return;
        }
        const here = incidents.filter((i) => i.channel_id === channelId);
        if (here.length === 1) {
            autoOpenedFor.current = channelId;
            setSelected({id: here[0].id, initial: here[0]});
        }
    }, [incidents, channelId]);
    const inChannel = (incidents ?? []).filter((i) => i.channel_id === channelId);

    return (
        <div
            className={`${CLS}-rhs`}
            role='region'
            aria-label={t('rhs.label', 'Incidents')}
        >
            {selected ? (
                <IncidentDetail
                    key={selected.id}
                    incidentId={selected.id}
                    initial={selected.initial}
                    events={events}
                    now={now}
                    myUserId={myUserId}
                    teamName={teamName}
                    onBack={() => {
                        autoOpenedFor.current = channelId;
                        setSelected(null);
                        load();
                    }}
                />
            ) : (
                <React.Fragment>
                    {inChannel.length > 1 && (
                        <nav
                            className={`${CLS}-section`}
                            aria-label={t('rhs.inChannel', 'Incidents in this channel')}
                        >
                            <p className={`${CLS}-small ${CLS}-muted`}>{t('rhs.inChannelPick', 'Several incidents run in this channel; pick one:')}</p>
                            {inChannel.map((i) => (
                                <div key={i.id}>
                                    <button
                                        type='button'
                                        className={`${CLS}-link-button`}
                                        onClick={() => setSelected({id: i.id, initial: i})}
                                    >{`${i.reference} ${i.name}`}</button>
                                </div>
                            ))}
                        </nav>
                    )}
                    <MyTasks
                        teamId={teamId}
                        events={events}
                        onOpen={(id) => setSelected({id, initial: null})}
                    />
                    <IncidentList
                        incidents={incidents}
                        error={listError}
                        now={now}
                        onOpen={(inc) => setSelected({id: inc.id, initial: inc})}
                        onRetry={() => load()}
                        teamName={teamName}
                        myUserId={myUserId}
                        onStart={() => ui.openStart()}
                        allIncidentsHref={pagePath ? basePath() + pagePath : ''}
                        onAllIncidents={(e) => {
                            if (pagePath && navigateInHost(pagePath)) {
                                e.preventDefault();
                            }
                        }}
                    />
                </React.Fragment>
            )}
        </div>
    );
}
