import React from 'react';

import {clearChannelCache} from './channels';
import {basePath} from './client';
import {IncidentsPage} from './components/incidents_page';
import {PlaybooksPage} from './components/playbooks_page';
import {ReportsPage} from './components/reports_page';
import {ModalHost} from './components/modal_host';
import {RHSView} from './components/rhs';
import {StartIncidentModal} from './components/start_modal';
import {TeamChannelsSetting} from './components/team_channels_setting';
import {AddToTimelineModal} from './components/timeline_modal';
import {IncidentEvents} from './events';
import {currentUserTimeZone, getPost, postPermalink} from './host';
import {id as pluginId} from './manifest';
import {injectStyles, removeStyles} from './styles';
import {setViewerTimeZone} from './time';
import {translationsFor} from './translations';
import type {PluginClass, PluginRegistry, Store, WebSocketMessage} from './types/mattermost';
import {PluginUI} from './ui';
import {clearUserCache} from './users';

const LABEL = 'Incident Response';

// The server publishes "incident_updated"; Mattermost prefixes custom_<plugin id>_.
export const WS_INCIDENT_UPDATED = `custom_${pluginId}_incident_updated`;

// A small flame-in-a-circle icon. It draws with currentColor so it follows the
// host theme; the accessible name comes from aria-label.
function IncidentIcon(): React.ReactElement {
    return (
        <svg
            className={`${pluginId}-icon`}
            role='img'
            aria-label={LABEL}
            width='16'
            height='16'
            viewBox='0 0 24 24'
            fill='currentColor'
            focusable='false'
        >
            <title>{LABEL}</title>
            <path d='M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8z'/>
            <path d='M12.5 6.5c.3 2-1 3-2 4.2-.9 1-1.5 2-1.5 3.3a3 3 0 0 0 6 0c0-1.6-.9-2.4-1.2-3.6-.2.9-.7 1.4-1.3 1.6.4-1.8.4-3.8 0-5.5z'/>
        </svg>
    );
}

// The App Bar takes an image URL: the icon above, drawn in the App Bar's grey.
const APP_BAR_ICON = 'data:image/svg+xml,' + encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="#808080">' +
    '<path d="M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8z"/>' +
    '<path d="M12.5 6.5c.3 2-1 3-2 4.2-.9 1-1.5 2-1.5 3.3a3 3 0 0 0 6 0c0-1.6-.9-2.4-1.2-3.6-.2.9-.7 1.4-1.3 1.6.4-1.8.4-3.8 0-5.5z"/></svg>');

const START_FROM_POST = 'Start incident from this message';
const ADD_TO_TIMELINE = 'Add to incident timeline';

// The summary a post's incident starts with: its text, then where it came from.
export function summaryFromPost(message: string, permalink: string): string {
    const text = message.trim();
    return text ? `${text}\n\nStarted from ${permalink}` : `Started from ${permalink}`;
}

export default class Plugin implements PluginClass {
    private events = new IncidentEvents();
    private ui = new PluginUI();
    private unfollowZone = () => {};

    public initialize(registry: PluginRegistry, store: Store): void {
        injectStyles();
        // Times show in the viewer's Mattermost zone, followed as it changes.
        const followZone = () => setViewerTimeZone(currentUserTimeZone(store.getState()));
        followZone();
        this.unfollowZone = store.subscribe(followZone);
        // Our messages reach the host's IntlProvider only through a registered source: the host
        // calls it with the user's locale and merges the table into its own.
        registry.registerTranslations(translationsFor);
        // Post-menu actions are for people's messages, not system messages.
        const isUserPost = (postId: string) => {
            const post = getPost(store.getState(), postId);
            return Boolean(post) && !(post?.type ?? '').startsWith('system_');
        };
        const events = this.events;
        const ui = this.ui;

        // Filled once the RHS is registered: opens it on an incident just started.
        let showRHS: () => void = () => undefined;

        // The forms: starting an incident (after a start, the RHS opens on the new incident) and
        // adding a post to a timeline. Rendered by whichever ModalHost is active: the Root
        // component exists only in the channel view, so the pages and the RHS carry one too.
        function PluginModals(): React.ReactElement {
            return (
                <ModalHost ui={ui}>
                    <StartIncidentModal
                        store={store}
                        ui={ui}
                        onStarted={(incident) => {
                            ui.showIncident(incident.id);
                            showRHS();
                        }}
                    />
                    <AddToTimelineModal
                        store={store}
                        ui={ui}
                    />
                </ModalHost>
            );
        }

        function IncidentsRHS(): React.ReactElement {
            return (
                <>
                    <RHSView
                        store={store}
                        events={events}
                        ui={ui}
                    />
                    <PluginModals/>
                </>
            );
        }
        const rhs = registry.registerRightHandSidebarComponent(IncidentsRHS, 'Incidents');
        showRHS = () => {
            store.dispatch(rhs.showRHSPlugin);
        };

        function PluginRoot(): React.ReactElement {
            return <PluginModals/>;
        }
        if (typeof registry.registerRootComponent === 'function') {
            registry.registerRootComponent(PluginRoot);
        }
        if (typeof registry.registerChannelHeaderMenuAction === 'function') {
            registry.registerChannelHeaderMenuAction('Start incident', (channelId) => ui.openStart({channelId}), () => true);
        }
        if (typeof registry.registerPostDropdownMenuAction === 'function') {
            registry.registerPostDropdownMenuAction(
                START_FROM_POST,
                (postId: string) => {
                    const state = store.getState();
                    const post = getPost(state, postId);
                    const link = postPermalink(state, postId, basePath());
                    ui.openStart({summary: summaryFromPost(post?.message ?? '', link), postLink: link, channelId: post?.channel_id});
                },
                isUserPost,
            );
            registry.registerPostDropdownMenuAction(
                ADD_TO_TIMELINE,
                (postId: string) => {
                    const post = getPost(store.getState(), postId);
                    ui.openTimeline({postId, channelId: post?.channel_id ?? '', message: post?.message ?? ''});
                },
                isUserPost,
            );
        }
        // The incidents page, at /<team>/<plugin id>/incidents.
        function IncidentsRoute(): React.ReactElement {
            return (
                <>
                    <IncidentsPage
                        store={store}
                        events={events}
                    />
                    <PluginModals/>
                </>
            );
        }
        // The playbooks page, at /<team>/<plugin id>/playbooks.
        function PlaybooksRoute(): React.ReactElement {
            return (
                <>
                    <PlaybooksPage store={store}/>
                    <PluginModals/>
                </>
            );
        }
        function ReportsRoute(): React.ReactElement {
            return (
                <>
                    <ReportsPage store={store}/>
                    <PluginModals/>
                </>
            );
        }
        if (typeof registry.registerNeedsTeamRoute === 'function') {
            registry.registerNeedsTeamRoute('/incidents', IncidentsRoute);
            registry.registerNeedsTeamRoute('/playbooks', PlaybooksRoute);
            registry.registerNeedsTeamRoute('/reports', ReportsRoute);
        }
        // App Bar (Mattermost 7+): an icon that toggles the same RHS. Internal API: feature-detect it.
        if (typeof registry.registerAppBarComponent === 'function') {
            registry.registerAppBarComponent(APP_BAR_ICON, () => {
                store.dispatch(rhs.toggleRHSPlugin);
            }, LABEL);
        }

        registry.registerChannelHeaderButtonAction(
            <IncidentIcon/>,
            () => {
                store.dispatch(rhs.toggleRHSPlugin);
            },
            LABEL,
            LABEL,
        );

        // System Console: the announcement and digest channel of each team, with a channel picker.
        if (typeof registry.registerAdminConsoleCustomSetting === 'function') {
            registry.registerAdminConsoleCustomSetting('TeamChannels', TeamChannelsSetting, {showTitle: true});
        }

        registry.registerWebSocketEventHandler(WS_INCIDENT_UPDATED, (msg: WebSocketMessage) => {
            const id = msg?.data?.incident_id;
            events.emit({incidentId: typeof id === 'string' && id ? id : undefined});
        });
        if (typeof registry.registerReconnectHandler === 'function') {
            // Events may have been missed while disconnected: refetch whatever is shown.
            registry.registerReconnectHandler(() => events.emit({}));
        }
    }

    public uninitialize(): void {
        // Mattermost drops our components and websocket handlers itself; we remove what we
        // added to the page and forget cached people.
        this.events.clear();
        this.ui.clear();
        removeStyles();
        clearUserCache();
        clearChannelCache();
        this.unfollowZone();
    }
}

window.registerPlugin(pluginId, new Plugin());
