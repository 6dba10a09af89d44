import React from 'react';

import {preferredTimeZone} from './time';
import type {Store} from './types/mattermost';

// The parts of the host's redux state we read. Internal to Mattermost, so read in one place.
interface HostState {
    entities?: {
        teams?: {currentTeamId?: string; teams?: Record<string, {id: string; name?: string}>};
        channels?: {currentChannelId?: string};
        posts?: {posts?: Record<string, HostPost>};
        general?: {config?: {SiteURL?: string}};
    };
}

export interface HostPost {
    id: string;
    message?: string;
    type?: string;
    channel_id?: string;
}

export function currentTeamId(state: unknown): string {
    return (state as HostState)?.entities?.teams?.currentTeamId ?? '';
}

export function currentTeamName(state: unknown): string {
    const s = state as HostState;
    const teamId = currentTeamId(state);
    return s?.entities?.teams?.teams?.[teamId]?.name || '';
}

// Where registerNeedsTeamRoute('/incidents') is served: /<team>/<plugin id>/incidents, below
// the host's router basename (the subpath, when Mattermost lives under one).
export function incidentsPagePath(teamName: string, pluginId: string): string {
    return `/${encodeURIComponent(teamName)}/${pluginId}/incidents`;
}

// The reports page: /<team>/<plugin id>/reports.
export function reportsPagePath(teamName: string, pluginId: string): string {
    return `/${encodeURIComponent(teamName)}/${pluginId}/reports`;
}

// The playbooks page, beside the incidents page: /<team>/<plugin id>/playbooks.
export function playbooksPagePath(teamName: string, pluginId: string): string {
    return `/${encodeURIComponent(teamName)}/${pluginId}/playbooks`;
}

// Navigate inside the host's single-page app when it exposes its history (WebappUtils), so the
// page opens without a reload. Answers false when the caller should follow the link instead.
export function navigateInHost(path: string): boolean {
    const history = (window as unknown as {WebappUtils?: {browserHistory?: {push?: (p: string) => void}}})
        .WebappUtils?.browserHistory;
    if (typeof history?.push === 'function') {
        history.push(path);
        return true;
    }
    return false;
}

export function currentUserId(state: unknown): string {
    return (state as {entities?: {users?: {currentUserId?: string}}})?.entities?.users?.currentUserId ?? '';
}

// The current user's profile time zone: state.entities.users.profiles[currentUserId].timezone,
// what mattermost-redux's getCurrentTimezone reads.
export function currentUserTimeZone(state: unknown): string | undefined {
    const users = (state as {entities?: {users?: {profiles?: Record<string, {timezone?: Parameters<typeof preferredTimeZone>[0]}>}}})?.entities?.users;
    return preferredTimeZone(users?.profiles?.[currentUserId(state)]?.timezone);
}

export function currentChannelId(state: unknown): string {
    return (state as HostState)?.entities?.channels?.currentChannelId ?? '';
}

export function getPost(state: unknown, postId: string): HostPost | undefined {
    return (state as HostState)?.entities?.posts?.posts?.[postId];
}

// Mattermost's permalink for a post: <site URL>/<team name>/pl/<post id>. Falls back to this
// page's origin and subpath when the config has no SiteURL.
export function postPermalink(state: unknown, postId: string, basePath: string): string {
    const s = state as HostState;
    const teamId = currentTeamId(state);
    const teamName = s?.entities?.teams?.teams?.[teamId]?.name || '';
    const site = (s?.entities?.general?.config?.SiteURL || `${window.location.origin}${basePath}`).replace(/\/+$/, '');
    return teamName ? `${site}/${teamName}/pl/${postId}` : `${site}/_redirect/pl/${postId}`;
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
