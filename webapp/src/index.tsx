import React from 'react';

import {RHSView} from './components/rhs';
import {IncidentEvents} from './events';
import {id as pluginId} from './manifest';
import {injectStyles, removeStyles} from './styles';
import type {PluginClass, PluginRegistry, Store, WebSocketMessage} from './types/mattermost';
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

export default class Plugin implements PluginClass {
    private events = new IncidentEvents();

    public initialize(registry: PluginRegistry, store: Store): void {
        injectStyles();
        const events = this.events;

        function IncidentsRHS(): React.ReactElement {
            return (
                <RHSView
                    store={store}
                    events={events}
                />
            );
        }
        const rhs = registry.registerRightHandSidebarComponent(IncidentsRHS, 'Incidents');

        registry.registerChannelHeaderButtonAction(
            <IncidentIcon/>,
            () => {
                store.dispatch(rhs.toggleRHSPlugin);
            },
            LABEL,
            LABEL,
        );

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
        removeStyles();
        clearUserCache();
    }
}

window.registerPlugin(pluginId, new Plugin());
