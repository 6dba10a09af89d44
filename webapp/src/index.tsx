import React from 'react';

import {fetchHealth} from './client';
import {id as pluginId} from './manifest';
import type {PluginClass, PluginRegistry, Store} from './types/mattermost';

const LABEL = 'Incident Response';

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
    private inFlight = new Set<AbortController>();

    public initialize(registry: PluginRegistry, _store: Store): void {
        registry.registerChannelHeaderButtonAction(
            <IncidentIcon/>,
            () => {
                this.checkHealth();
            },
            LABEL,
            LABEL,
        );
    }

    public uninitialize(): void {
        // Mattermost removes our registered components itself; we only cancel
        // requests still running so nothing logs after we are gone.
        for (const controller of this.inFlight) {
            controller.abort();
        }
        this.inFlight.clear();
    }

    private checkHealth(): void {
        const controller = new AbortController();
        this.inFlight.add(controller);
        fetchHealth(controller.signal).then(
            (result) => {
                // eslint-disable-next-line no-console
                console.log(`[${pluginId}] health: HTTP ${result.status}`, result.body);
            },
            (err: unknown) => {
                if (!controller.signal.aborted) {
                    // eslint-disable-next-line no-console
                    console.error(`[${pluginId}] health check failed:`, err);
                }
            },
        ).finally(() => {
            this.inFlight.delete(controller);
        });
    }
}

window.registerPlugin(pluginId, new Plugin());
