import React from 'react';

import {getUser} from './client';
import type {User} from './types/incident';

// One request per user per page load; names rarely change while an incident runs.
const cache = new Map<string, User | null>();
const pending = new Map<string, Promise<User | null>>();

function load(userId: string): Promise<User | null> {
    let p = pending.get(userId);
    if (!p) {
        p = getUser(userId).then(
            (u) => {
                cache.set(userId, u);
                return u;
            },
            () => {
                // Deleted users or a host without the API: show the id rather than nothing.
                cache.set(userId, null);
                return null;
            },
        );
        pending.set(userId, p);
    }
    return p;
}

export function useUser(userId: string | null | undefined): User | null | undefined {
    const [user, setUser] = React.useState<User | null | undefined>(() => (userId ? cache.get(userId) : null));
    React.useEffect(() => {
        if (!userId) {
            setUser(null);
            return undefined;
        }
        if (cache.has(userId)) {
            setUser(cache.get(userId));
            return undefined;
        }
        setUser(undefined);
        let live = true;
        load(userId).then((u) => {
            if (live) {
                setUser(u);
            }
        });
        return () => {
            live = false;
        };
    }, [userId]);
    return user;
}

export function displayUsername(userId: string, user: User | null | undefined): string {
    if (user) {
        return `@${user.username}`;
    }
    return user === undefined ? '…' : userId;
}

export function clearUserCache(): void {
    cache.clear();
    pending.clear();
}
