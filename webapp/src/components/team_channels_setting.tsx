import React from 'react';

import {getChannel, listAllTeams, searchTeamChannels} from '../client';
import {useFetched} from '../hooks/use_fetched';
import {useT} from '../i18n';
import type {Channel, Team} from '../types/incident';

import {ChannelResults, useChannelSearch} from './channel_search';
import {CLS, errorMessage} from './common';

// The System Console setting `TeamChannels`: per team, the channel every new incident of the
// team is announced in and the digest channel. Mattermost renders it in the plugin's settings
// page (schema_admin_settings.tsx, buildCustomSetting) with these props; the value is the saved
// config value, and onChange(id, value) hands the page the new one to save with the rest. It is
// registered with showTitle, so the page draws the label and help text around it. The
// server reads the same JSON (incident_core::shared_channels::parse_team_channels) and checks
// every channel again before it posts.

export type TeamChannels = Record<string, {announcement_channel_id?: string; digest_channel_id?: string}>;
type Kind = 'announcement_channel_id' | 'digest_channel_id';

export interface CustomSettingProps {
    id: string;
    label?: React.ReactNode;
    helpText?: React.ReactNode;
    value?: unknown;
    disabled?: boolean;
    setByEnv?: boolean;
    onChange: (id: string, value: unknown) => void;
    setSaveNeeded?: () => void;
}

// The saved value: JSON text (what this component saves) or, from a hand-edited config file,
// the same JSON as an object. Anything else reads as nothing chosen.
export function parseTeamChannels(value: unknown): TeamChannels {
    let parsed: unknown = value;
    if (typeof value === 'string') {
        try {
            parsed = value.trim() ? JSON.parse(value) : {};
        } catch {
            return {};
        }
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
        return {};
    }
    const out: TeamChannels = {};
    for (const [team, entry] of Object.entries(parsed as Record<string, unknown>)) {
        if (!entry || typeof entry !== 'object') {
            continue;
        }
        const e = entry as Record<string, unknown>;
        const pick = (k: Kind) => (typeof e[k] === 'string' ? (e[k] as string).trim() : '');
        const announcement = pick('announcement_channel_id');
        const digest = pick('digest_channel_id');
        if (announcement || digest) {
            out[team] = {announcement_channel_id: announcement, digest_channel_id: digest};
        }
    }
    return out;
}

// The value to save: teams with nothing chosen are left out, so an empty setting is "{}".
export function withChoice(current: TeamChannels, teamId: string, kind: Kind, channelId: string): TeamChannels {
    const next: TeamChannels = {...current};
    const entry = {announcement_channel_id: '', digest_channel_id: '', ...next[teamId], [kind]: channelId};
    if (entry.announcement_channel_id || entry.digest_channel_id) {
        next[teamId] = entry;
    } else {
        delete next[teamId];
    }
    return next;
}

export function TeamChannelsSetting(props: CustomSettingProps): React.ReactElement {
    const t = useT();
    const fetchedTeams = useFetched<Team[]>((signal) => listAllTeams(signal)
        .then((list) => [...list].sort((a, b) => (a.display_name || a.name).localeCompare(b.display_name || b.name))), []);
    const teams = fetchedTeams.data;
    const error = fetchedTeams.error ? errorMessage(fetchedTeams.error, t) : '';
    const chosen = parseTeamChannels(props.value);
    const disabled = Boolean(props.disabled || props.setByEnv);

    const choose = (teamId: string, kind: Kind, channelId: string) => {
        props.onChange(props.id, JSON.stringify(withChoice(chosen, teamId, kind, channelId)));
        props.setSaveNeeded?.();
    };
    // Teams the setting names that the list does not have (deleted since) still show, to be cleared.
    const known = new Set((teams || []).map((team) => team.id));
    const listed: Team[] = [...(teams || []), ...Object.keys(chosen).filter((id) => !known.has(id)).map((id) => ({id, name: id, display_name: id}))];

    return (
        <div
            className={`${CLS}-admin-setting`}
            role='group'
            aria-label={typeof props.label === 'string' && props.label ? props.label : t('teamChannels.title', 'Announcement and digest channels per team')}
        >
            {props.setByEnv && <p className={`${CLS}-small`}>{t('teamChannels.setByEnv', 'This setting comes from an environment variable and cannot be changed here.')}</p>}
            {error && <p role='alert' className={`${CLS}-field-error`}>{error}</p>}
            {!teams && !error && <p className={`${CLS}-muted`} role='status'>{t('teamChannels.loading', 'Loading teams…')}</p>}
            {teams && listed.length === 0 && <p className={`${CLS}-muted`}>{t('teamChannels.noTeams', 'There are no teams yet.')}</p>}
            {listed.map((team) => (
                <fieldset
                    key={team.id}
                    className={`${CLS}-admin-setting__team`}
                >
                    <legend className={`${CLS}-label`}>{team.display_name || team.name}</legend>
                    <ChannelPicker
                        teamId={team.id}
                        teamName={team.display_name || team.name}
                        label={t('teamChannels.announcement', 'Announcement channel')}
                        clearLabel={t('teamChannels.clearAnnouncement', 'Clear the announcement channel of {team}', {team: team.display_name || team.name})}
                        channelId={chosen[team.id]?.announcement_channel_id || ''}
                        disabled={disabled}
                        onChoose={(id) => choose(team.id, 'announcement_channel_id', id)}
                    />
                    <ChannelPicker
                        teamId={team.id}
                        teamName={team.display_name || team.name}
                        label={t('teamChannels.digest', 'Digest channel')}
                        clearLabel={t('teamChannels.clearDigest', 'Clear the digest channel of {team}', {team: team.display_name || team.name})}
                        channelId={chosen[team.id]?.digest_channel_id || ''}
                        disabled={disabled}
                        onChoose={(id) => choose(team.id, 'digest_channel_id', id)}
                    />
                </fieldset>
            ))}
        </div>
    );
}

let pickers = 0;

// One channel of one team: the current choice with a button to clear it, and a search over the
// team's channels (public and private, not archived: the System Console's channel search).
function ChannelPicker({teamId, teamName, label, clearLabel, channelId, disabled, onChoose}: {
    teamId: string;
    teamName: string;
    label: string;
    clearLabel: string;
    channelId: string;
    disabled: boolean;
    onChoose: (channelId: string) => void;
}): React.ReactElement {
    const t = useT();
    const [inputId] = React.useState(() => `${CLS}-pick-${++pickers}`);
    const [term, setTerm] = React.useState('');
    const current = useChannel(channelId);
    const {found, error} = useChannelSearch(term, searchTeamChannels, (c) => c.team_id === teamId && !c.delete_at && c.id !== channelId,
        channelId, (e) => errorMessage(e, t), teamId);

    let currentText = t('teamChannels.none', 'None');
    if (channelId && current === 'missing') {
        currentText = t('teamChannels.missing', 'A channel that is archived or no longer exists ({id}): clear it', {id: channelId});
    } else if (channelId && current && current !== 'missing') {
        currentText = `~${current.display_name || current.name}${current.type === 'P' ? ` ${t('teamChannels.private', '(private)')}` : ''}`;
    } else if (channelId) {
        currentText = '…';
    }
    let status = '';
    if (error) {
        status = error;
    } else if (found && !found.length) {
        status = t('teamChannels.noMatch', 'No channel of this team matches “{term}”.', {term: term.trim()});
    }
    return (
        <div className={`${CLS}-admin-setting__picker`}>
            <label
                className={`${CLS}-page__label`}
                htmlFor={inputId}
            >
                {label}
            </label>
            <div className={`${CLS}-admin-setting__current`}>
                <span data-testid='current-channel'>{currentText}</span>
                {channelId && (
                    <button
                        type='button'
                        className={`${CLS}-link-button`}
                        disabled={disabled}
                        aria-label={clearLabel}
                        onClick={() => onChoose('')}
                    >
                        {t('teamChannels.clearShort', 'Clear')}
                    </button>
                )}
            </div>
            <input
                id={inputId}
                className={`${CLS}-input`}
                type='search'
                value={term}
                disabled={disabled}
                placeholder={t('teamChannels.placeholder', 'Find a channel of {team}', {team: teamName})}
                aria-describedby={`${inputId}-status`}
                onChange={(e) => setTerm(e.target.value)}
            />
            <ChannelResults
                found={found}
                label={t('teamChannels.results', 'Channels of {team}', {team: teamName})}
                describe={(c) => (c.type === 'P' ?
                    t('teamChannels.usePrivate', 'Use ~{name} (private)', {name: c.display_name || c.name}) :
                    t('teamChannels.use', 'Use ~{name}', {name: c.display_name || c.name}))}
                onChoose={(c) => {
                    onChoose(c.id);
                    setTerm('');
                }}
            />
            <div
                id={`${inputId}-status`}
                className={`${CLS}-small ${CLS}-muted`}
                role={error ? 'alert' : 'status'}
            >
                {status}
            </div>
        </div>
    );
}

// The channel a saved id names: the channel, 'missing' when the server has none (deleted or
// never existed), null while loading or for no id.
function useChannel(channelId: string): Channel | 'missing' | null {
    const fetched = useFetched<Channel>((signal) => (channelId ? getChannel(channelId, signal) : undefined), [channelId]);
    // Nothing (null) while there is no channel or it is being read; 'missing' if it cannot be read or was deleted.
    if (!channelId || fetched.loading || !(fetched.data || fetched.error)) {
        return null;
    }
    return fetched.error || fetched.data?.delete_at ? 'missing' : fetched.data;
}
