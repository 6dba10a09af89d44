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

// Finds a team's public channels by name as the user types; each match is a button that adds it.
export function ChannelSearch({teamId, excludeIds, onPick}: {
    teamId: string;
    excludeIds: string[];
    onPick: (channel: Channel) => void;
}): React.ReactElement {
    const t = useT();
    const [term, setTerm] = React.useState('');
    const [found, setFound] = React.useState<Channel[] | null>(null);
    const [error, setError] = React.useState('');
    const exclude = excludeIds.join(',');

    React.useEffect(() => {
        const name = term.trim().replace(/^~/, '');
        if (!name) {
            setFound(null);
            return undefined;
        }
        const controller = new AbortController();
        const timer = window.setTimeout(() => {
            autocompleteChannels(teamId, name, controller.signal).then(
                (channels) => {
                    const skip = new Set(exclude ? exclude.split(',') : []);
                    setFound((channels || []).filter((c) => !skip.has(c.id)).slice(0, 8));
                    setError('');
                },
                (e) => {
                    if (!isAbort(e)) {
                        setFound([]);
                        setError(errorMessage(e));
                    }
                },
            );
        }, 150);
        return () => {
            window.clearTimeout(timer);
            controller.abort();
        };
    }, [teamId, term, exclude]);

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
            {found && found.length > 0 && (
                <ul
                    className={`${CLS}-channel-search__results`}
                    aria-label={t('channels.results', 'Matching channels')}
                >
                    {found.map((c) => (
                        <li key={c.id}>
                            <button
                                type='button'
                                className={`${CLS}-link-button`}
                                onClick={() => {
                                    onPick(c);
                                    setTerm('');
                                }}
                            >
                                {t('channels.add', 'Add ~{name}', {name: c.display_name || c.name})}
                            </button>
                        </li>
                    ))}
                </ul>
            )}
            <div
                className={`${CLS}-small ${CLS}-muted`}
                role={error ? 'alert' : 'status'}
            >
                {status}
            </div>
        </div>
    );
}
