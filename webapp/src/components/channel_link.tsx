import React from 'react';

import {channelJoined, useChannelAccess} from '../channels';
import {basePath, joinChannel} from '../client';
import {navigateInHost} from '../host';
import {fill, slots, useT} from '../i18n';
import type {Incident} from '../types/incident';

import {CLS, UserName, errorMessage, useMounted} from './common';

// Mattermost's channel URL, below the router's basename.
export function channelPath(teamName: string, channelName: string): string {
    return `/${encodeURIComponent(teamName)}/channels/${encodeURIComponent(channelName)}`;
}

// The incident's channel: a link into it for members (navigating inside the host's app), a Join
// button for a public channel the viewer is not in, and for a private one the person to ask.
export function ChannelLink({incident, teamName, myUserId}: {
    incident: Incident;
    teamName: string;
    myUserId: string;
}): React.ReactElement | null {
    const t = useT();
    const access = useChannelAccess(incident.channel_id);
    const [joining, setJoining] = React.useState(false);
    const [error, setError] = React.useState('');
    const mounted = useMounted();

    if (access.kind === 'loading' || access.kind === 'gone' || !incident.channel_id) {
        return null;
    }
    if (access.kind === 'private') {
        return (
            <p className={`${CLS}-channel ${CLS}-channel--private ${CLS}-small ${CLS}-muted`}>
                {fill(t('channel.privateAsk', 'The incident channel is private. Ask the commander, {commander}, to add you.', slots('commander')), {
                    commander: (
                        <UserName
                            userId={incident.commander_id}
                            avatar={false}
                        />
                    ),
                })}
            </p>
        );
    }
    const channel = access.channel;
    const label = `~${channel.display_name || channel.name}`;
    if (access.kind === 'public') {
        const join = async () => {
            setJoining(true);
            setError('');
            try {
                await joinChannel(channel.id, myUserId);
                channelJoined(channel.id);
            } catch (e) {
                if (mounted.current) {
                    setError(errorMessage(e, t));
                }
            } finally {
                if (mounted.current) {
                    setJoining(false);
                }
            }
        };
        return (
            <div className={`${CLS}-channel ${CLS}-small`}>
                <span className={`${CLS}-muted`}>{t('channel.notMember', 'You are not in {channel}.', {channel: label})}</span>
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    aria-label={t('channel.joinLabel', 'Join the incident channel {channel}', {channel: label})}
                    disabled={joining || !myUserId}
                    onClick={(e) => {
                        e.stopPropagation();
                        join();
                    }}
                >
                    {joining ? t('channel.joining', 'Joining…') : t('channel.join', 'Join')}
                </button>
                {error && (
                    <span
                        className={`${CLS}-field-error`}
                        role='alert'
                    >
                        {error}
                    </span>
                )}
            </div>
        );
    }
    const path = teamName ? channelPath(teamName, channel.name) : '';
    return (
        <div className={`${CLS}-channel ${CLS}-small`}>
            <a
                className={`${CLS}-channel__link`}
                href={path ? basePath() + path : undefined}
                aria-label={t('channel.goTo', 'Go to the incident channel {channel}', {channel: label})}
                onClick={(e) => {
                    e.stopPropagation();
                    if (path && navigateInHost(path)) {
                        e.preventDefault();
                    }
                }}
            >
                {label}
            </a>
        </div>
    );
}
