import React from 'react';

import {ApiError, getChannel, isChannelMember} from './client';
import type {Channel} from './types/incident';

// What the viewer may know of an incident's channel: the channel and whether they are in it, or
// that it is private to them (Mattermost refuses a private channel to non-members).
export type ChannelAccess =
    | {kind: 'loading'}
    | {kind: 'member'; channel: Channel}
    | {kind: 'public'; channel: Channel} // public, the viewer is not a member
    | {kind: 'private'} // private, the viewer is not a member
    | {kind: 'gone'}; // deleted, or not answered

// One request per channel per page load (names rarely change while an incident runs); a join
// or a failure forgets the entry.
const cache = new Map<string, ChannelAccess>();
const pending = new Map<string, Promise<ChannelAccess>>();
const listeners = new Set<() => void>();

async function fetchAccess(channelId: string): Promise<ChannelAccess> {
    let channel: Channel;
    try {
        channel = await getChannel(channelId);
    } catch (e) {
        if (e instanceof ApiError && e.status === 403) {
            return {kind: 'private'};
        }
        return {kind: 'gone'};
    }
    if (channel.delete_at) {
        return {kind: 'gone'};
    }
    const member = await isChannelMember(channelId).catch(() => true);
    if (member) {
        return {kind: 'member', channel};
    }
    return channel.type === 'O' ? {kind: 'public', channel} : {kind: 'private'};
}

function load(channelId: string): Promise<ChannelAccess> {
    let p = pending.get(channelId);
    if (!p) {
        p = fetchAccess(channelId).then((a) => {
            cache.set(channelId, a);
            if (a.kind === 'gone') {
                pending.delete(channelId);
            }
            return a;
        });
        pending.set(channelId, p);
    }
    return p;
}

/** The viewer's access to the channel, loaded once and shared by every card showing it. */
export function useChannelAccess(channelId: string): ChannelAccess {
    const [access, setAccess] = React.useState<ChannelAccess>(() => cache.get(channelId) ?? {kind: 'loading'});
    React.useEffect(() => {
        let live = true;
        const update = () => {
            const known = cache.get(channelId);
            if (known) {
                setAccess(known);
                return;
            }
            setAccess({kind: 'loading'});
            load(channelId).then((a) => live && setAccess(a));
        };
        update();
        listeners.add(update);
        return () => {
            live = false;
            listeners.delete(update);
        };
    }, [channelId]);
    return access;
}

/** After joining: every view of the channel reads it again. */
export function channelJoined(channelId: string): void {
    cache.delete(channelId);
    pending.delete(channelId);
    for (const l of Array.from(listeners)) {
        l();
    }
}

export function clearChannelCache(): void {
    cache.clear();
    pending.clear();
}
