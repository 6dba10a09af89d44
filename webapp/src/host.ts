import React from 'react';

import type {Store} from './types/mattermost';

// The parts of the host's redux state we read. Internal to Mattermost, so read in one place.
interface HostState {
    entities?: {
        teams?: {currentTeamId?: string};
        channels?: {currentChannelId?: string};
    };
}

export function currentTeamId(state: unknown): string {
    return (state as HostState)?.entities?.teams?.currentTeamId ?? '';
}

export function currentChannelId(state: unknown): string {
    return (state as HostState)?.entities?.channels?.currentChannelId ?? '';
}

// Subscribe to the host store without react-redux (its context differs between host versions).
export function useHostState<T>(store: Store, select: (state: unknown) => T): T {
    const [value, setValue] = React.useState<T>(() => select(store.getState()));
    React.useEffect(() => {
        const update = () => setValue(select(store.getState()));
        update();
        return store.subscribe(update);
    }, [store, select]);
    return value;
}

// Re-render periodically so "5 min ago" stays true.
export function useNow(intervalMs = 30_000): number {
    const [now, setNow] = React.useState(() => Date.now());
    React.useEffect(() => {
        const t = window.setInterval(() => setNow(Date.now()), intervalMs);
        return () => window.clearInterval(t);
    }, [intervalMs]);
    return now;
}
