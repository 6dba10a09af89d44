import React from 'react';

import {autocompleteChannels, getChannel} from '../client';
import {useT} from '../i18n';
import type {Channel} from '../types/incident';

import {CLS, errorMessage, isAbort} from './common';

const channelCache = new Map<string, Promise<Channel>>();

// A channel's display name, looked up once per page.
export function ChannelName({channelId}: {channelId: string}): React.ReactElement {
    const t = useT();
    const [channel, setChannel] = React.useState<Channel | null>(null);
    const [missing, setMissing] = React.useState(false);
    React.useEffect(() => {
        let live = true;
        let found = channelCache.get(channelId);
        if (!found) {
            found = getChannel(channelId);
            channelCache.set(channelId, found);
            found.catch(() => channelCache.delete(channelId));
        }
        found.then((c) => live && setChannel(c), () => live && setMissing(true));
        return () => {
            live = false;
        };
    }, [channelId]);
    if (channel) {
        return <span>{`~${channel.display_name || channel.name}`}</span>;
    }
    return <span className={`${CLS}-muted`}>{missing ? t('channels.unknown', 'a channel you cannot see') : '…'}</span>;
}

// Channels whose name starts with what the user typed (a leading `~` ignored), asked for
// 150 ms after the last keystroke, the earlier question abandoned: `found` is null while
// nothing is typed, at most 8 channels `keep` accepts otherwise. `key` names what `keep`
// depends on, so a new exclusion asks again.
export function useChannelSearch(
    term: string,
    search: (teamId: string, name: string, signal: AbortSignal) => Promise<Channel[]>,
    keep: (channel: Channel) => boolean,
    key: string,
    describe: (e: unknown) => string,
    teamId: string,
): {found: Channel[] | null; error: string} {
    const [found, setFound] = React.useState<Channel[] | null>(null);
    const [error, setError] = React.useState('');
    // The latest callbacks, read when the answer comes: they are new on every render.
    const latest = React.useRef({search, keep, describe});
    latest.current = {search, keep, describe};
    React.useEffect(() => {
        const name = term.trim().replace(/^~/, '');
        if (!name) {
            setFound(null);
            return undefined;
        }
        const controller = new AbortController();
        const timer = window.setTimeout(() => {
            latest.current.search(teamId, name, controller.signal).then(
                (channels) => {
                    setFound((channels || []).filter((c) => latest.current.keep(c)).slice(0, 8));
                    setError('');
                },
                (e) => {
                    if (!isAbort(e)) {
                        setFound([]);
                        setError(latest.current.describe(e));
                    }
                },
            );
        }, 150);
        return () => {
            window.clearTimeout(timer);
            controller.abort();
        };
    }, [teamId, term, key]);
    return {found, error};
}

// The channels a search found, each a button that chooses it.
export function ChannelResults({found, label, describe, onChoose}: {
    found: Channel[] | null;
    label: string;
    describe: (channel: Channel) => string;
    onChoose: (channel: Channel) => void;
}): React.ReactElement | null {
    if (!found || found.length === 0) {
        return null;
    }
    return (
        <ul
            className={`${CLS}-channel-search__results`}
            aria-label={label}
        >
            {found.map((c) => (
                <li key={c.id}>
                    <button
                        type='button'
                        className={`${CLS}-link-button`}
                        onClick={() => onChoose(c)}
                    >
                        {describe(c)}
                    </button>
                </li>
            ))}
        </ul>
    );
}

// Finds a team's public channels by name as the user types; each match is a button that adds it.
export function ChannelSearch({teamId, excludeIds, onPick}: {
    teamId: string;
    excludeIds: string[];
    onPick: (channel: Channel) => void;
}): React.ReactElement {
    const t = useT();
    const [term, setTerm] = React.useState('');
    const exclude = excludeIds.join(',');
    const {found, error} = useChannelSearch(term, autocompleteChannels, (c) => !exclude.split(',').includes(c.id), `${teamId} ${exclude}`, (e) => errorMessage(e), teamId);

    let status = '';
    if (error) {
        status = error;
    } else if (found && !found.length) {
        status = t('channels.none', 'No public channel matches “{term}”.', {term: term.trim()});
    } else if (found) {
        status = t('channels.found', '{count, plural, one {# channel} other {# channels}} found.', {count: found.length});
    }
    return (
        <div className={`${CLS}-channel-search`}>
            <input
                className={`${CLS}-input`}
                type='search'
                value={term}
                placeholder={t('channels.placeholder', 'Find a channel by name')}
                aria-label={t('channels.search', 'Add an announcement channel')}
                onChange={(e) => setTerm(e.target.value)}
            />
            <ChannelResults
                found={found}
                label={t('channels.results', 'Matching channels')}
                describe={(c) => t('channels.add', 'Add ~{name}', {name: c.display_name || c.name})}
                onChoose={(c) => {
                    onPick(c);
                    setTerm('');
                }}
            />
            <div
                className={`${CLS}-small ${CLS}-muted`}
                role={error ? 'alert' : 'status'}
            >
                {status}
            </div>
        </div>
    );
}
