import React from 'react';

import {assignRole, getConduct, getFollowers, getReminderPlan, pauseIncident, postStatusUpdate, resumeIncident, setFollowing, setImpact, setReminders, setSeverity, setStatus} from '../client';
import type {ReminderAction, ReminderPlan, UpdateDraft} from '../client';
import {useT} from '../i18n';
import {fromZoneInput, fullDate, toZoneInput} from '../time';
import type {Conduct, Incident} from '../types/incident';

import {Ago, CLS, FormButtons, UserName, closeOnEscape, errorMessage, isAbort, useMounted, useSave} from './common';
import {StatusPageBox} from './paging_settings';
import {UserPicker} from './user_picker';

// A team's lists change only when an admin edits them: fetched once per team and page
// (forgotten when they are saved here).
const conductOnce = new Map<string, Promise<Conduct>>();
export const forgetConduct = (teamId: string) => conductOnce.delete(teamId);
function loadConduct(teamId: string): Promise<Conduct> {
    let once = conductOnce.get(teamId);
    if (!once) {
        once = getConduct(teamId);
        conductOnce.set(teamId, once);
        once.catch(() => forgetConduct(teamId));
    }
    return once;
}

export function useConduct(teamId: string): {conduct: Conduct | null; error: string} {
    const t = useT();
    const [conduct, setConduct] = React.useState<Conduct | null>(null);
    const [error, setError] = React.useState('');
    React.useEffect(() => {
        let live = true;
        loadConduct(teamId).then(
            (c) => live && setConduct(c),
            (e) => live && !isAbort(e) && setError(errorMessage(e, t)),
        );
        return () => {
            live = false;
        };
    }, [teamId, t]);
    return {conduct, error};
}

// A name the incident holds that its team's list no longer has still shows as chosen.
const withCurrent = (levels: Conduct['statuses'], name: string) => (name && !levels.some((l) => l.name === name) ? [...levels, {name, description: ''}] : levels);

type Change = (what: () => Promise<Incident>) => Promise<boolean>;

const NEXT_UPDATE_CHOICES = [0, 15, 30, 60, 120];

function UpdateForm({incident, conduct, onChange, onClose}: {
    incident: Incident;
    conduct: Conduct;
    onChange: Change;
    onClose: () => void;
}): React.ReactElement {
    const t = useT();
    const [status, setStatusChoice] = React.useState(incident.status || conduct.statuses[0]?.name || '');
    const [impact, setImpact] = React.useState('');
    const [message, setMessage] = React.useState(incident.update_template ?? '');
    const [next, setNext] = React.useState(30);
    const [mirror, setMirror] = React.useState(false);
    const {saving, save} = useSave();
    const messageRef = React.useRef<HTMLTextAreaElement>(null);
    React.useEffect(() => {
        messageRef.current?.focus();
    }, []);
    const id = `${CLS}-update-${incident.id}`;
    return (
        <form
            className={`${CLS}-update-form`}
            aria-label={t('update.formLabel', 'Post a status update')}
            onSubmit={async (e) => {
                e.preventDefault();
                if (saving) {
                    return;
                }
                const draft: UpdateDraft = {message, impact, ...(mirror ? {statuspage: true} : {})};
                if (status && status !== incident.status) {
                    draft.status = status;
                }
                if (next > 0) {
                    draft.next_update_at = Date.now() + (next * 60_000);
                }
                if (await save(() => onChange(() => postStatusUpdate(incident.id, draft)))) {
                    onClose();
                }
            }}
            onKeyDown={closeOnEscape(onClose)}
        >
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('update.status', 'Status')}</span>
                <select
                    className={`${CLS}-input ${CLS}-select`}
                    value={status}
                    onChange={(e) => setStatusChoice(e.target.value)}
                >
                    {withCurrent(conduct.statuses, status).map((s) => (
                        <option
                            key={s.name}
                            value={s.name}
                        >
                            {s.name}
                        </option>
                    ))}
                </select>
            </label>
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('update.impact', 'Impact')}</span>
                <input
                    className={`${CLS}-input`}
                    value={impact}
                    placeholder={t('update.impactPlaceholder', 'Who is affected, and how (optional)')}
                    onChange={(e) => setImpact(e.target.value)}
                />
            </label>
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('update.message', 'Update')}</span>
                <textarea
                    ref={messageRef}
                    className={`${CLS}-input ${CLS}-textarea`}
                    rows={3}
                    value={message}
                    placeholder={t('update.messagePlaceholder', 'What happened, and what is next?')}
                    onChange={(e) => setMessage(e.target.value)}
                />
            </label>
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('update.next', 'Next update in')}</span>
                <select
                    id={`${id}-next`}
                    className={`${CLS}-input ${CLS}-select`}
                    value={next}
                    onChange={(e) => setNext(Number(e.target.value))}
                >
                    {NEXT_UPDATE_CHOICES.map((m) => (
                        <option
                            key={m}
                            value={m}
                        >
                            {m === 0 ? t('update.noPromise', 'No promise') : t('update.minutes', '{count} min', {count: m})}
                        </option>
                    ))}
                </select>
            </label>
            <StatusPageBox
                teamId={incident.team_id}
                checked={mirror}
                onChange={setMirror}
            />
            <div className={`${CLS}-update-form__actions`}>
                <FormButtons
                    busy={saving}
                    onCancel={onClose}
                    submitLabel={t('update.post', 'Post update')}
                    busyLabel={t('update.posting', 'Posting…')}
                />
            </div>
        </form>
    );
}

const SNOOZE_CHOICES = [15, 30, 60, 120, 240];


// The reminder plan in one line: when the next update is due, how often the reminder repeats,
// when it escalates; read again whenever the incident changes.
function ReminderPlanLine({incident}: {incident: Incident}): React.ReactElement | null {
    const t = useT();
    const [plan, setPlan] = React.useState<ReminderPlan | null>(null);
    React.useEffect(() => {
        const controller = new AbortController();
        getReminderPlan(incident.id, controller.signal).then(setPlan, (e) => !isAbort(e) && setPlan(null));
        return () => controller.abort();
    }, [incident]);
    if (!plan || !['on', 'snoozed'].includes(plan.state) || !plan.next_due_at) {
        return null;
    }
    const parts = [t('conduct.planDue', 'Next update due {time}', {time: fullDate(plan.next_due_at)})];
    if (plan.repeat_minutes > 0) {
        parts.push(t('conduct.planRepeat', 'repeats every {count} min', {count: plan.repeat_minutes}));
    }
    if (plan.escalated) {
        parts.push(t('conduct.planEscalated', 'escalated'));
    } else if (plan.escalates_at) {
        parts.push(t('conduct.planEscalates', 'escalates {time}', {time: fullDate(plan.escalates_at)}));
    }
    return (
        <p
            className={`${CLS}-muted ${CLS}-small`}
            role='note'
            aria-label={t('conduct.planLabel', 'Reminder plan')}
        >{parts.join(' · ')}</p>
    );
}

// What only commands could do before: follow or unfollow, snooze, stop or resume the update
// reminders, and set the customer-impact window.
function FollowRemindersImpact({incident, now, myUserId, onChange, onReload}: {
    incident: Incident;
    now: number;
    myUserId: string;
    onChange: Change;
    onReload: () => void;
}): React.ReactElement {
    const t = useT();
    const mounted = useMounted();
    const [following, setFollowingState] = React.useState<boolean | null>(null);
    const [busy, setBusy] = React.useState('');
    const [notice, setNotice] = React.useState('');
    const [error, setError] = React.useState('');
    const [snooze, setSnooze] = React.useState(30);
    const [impactAt, setImpactAt] = React.useState(() => toZoneInput(Date.now()));
    const [pauseReason, setPauseReason] = React.useState('');
    const ended = incident.state === 'ended';

    React.useEffect(() => {
        const controller = new AbortController();
        getFollowers(incident.id, controller.signal).then(
            (r) => setFollowingState((r.user_ids ?? []).includes(myUserId)),
            () => setFollowingState(null),
        );
        return () => controller.abort();
    }, [incident.id, myUserId]);

    // A call answering {message}: its words as the notice, then the incident read again.
    const say = async (key: string, what: () => Promise<{message: string}>, after?: () => void) => {
        setBusy(key);
        setError('');
        setNotice('');
        try {
            const r = await what();
            if (mounted.current) {
                setNotice(r?.message ?? '');
                after?.();
                onReload();
            }
        } catch (e) {
            if (mounted.current) {
                setError(errorMessage(e, t));
            }
        } finally {
            if (mounted.current) {
                setBusy('');
            }
        }
    };
    const impact = async (key: 'started_at' | 'ended_at') => {
        const at = impactAt ? fromZoneInput(impactAt) : Date.now();
        if (!Number.isFinite(at)) {
            setError(t('conduct.impactBadTime', 'Pick a date and time.'));
            return;
        }
        setBusy(key);
        setError('');
        setNotice('');
        await onChange(() => setImpact(incident.id, {[key]: at}));
        if (mounted.current) {
            setBusy('');
        }
    };
    // Pause with the reason typed, or resume.
    const pauseOrResume = async () => {
        setBusy('pause');
        setError('');
        setNotice('');
        const ok = await onChange(() => (incident.paused ? resumeIncident(incident.id) : pauseIncident(incident.id, pauseReason.trim())));
        if (mounted.current) {
            setBusy('');
            if (ok) {
                setPauseReason('');
            }
        }
    };
    const reminders = (action: ReminderAction, minutes?: number) => say(`reminders-${action}`, () => setReminders(incident.id, action, minutes));
    const snoozedUntil = incident.reminders_snoozed_until && incident.reminders_snoozed_until > now ? incident.reminders_snoozed_until : null;
    const id = `${CLS}-fri-${incident.id}`;
    return (
        <div className={`${CLS}-conduct__extra`}>
            <div
                className={`${CLS}-conduct__line`}
                role='group'
                aria-label={t('conduct.followGroup', 'Following')}
            >
                <span className={`${CLS}-label ${CLS}-small`}>{t('conduct.follow', 'Follow')}</span>
                <span className={`${CLS}-muted ${CLS}-small`}>
                    {following === null ? '' : following ? t('conduct.followingYes', 'You get its status updates.') : t('conduct.followingNo', 'You do not follow it.')}
                </span>
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    aria-pressed={following === null ? undefined : following}
                    disabled={following === null || Boolean(busy)}
                    onClick={() => {
                        const next = !following;
                        say('follow', () => setFollowing(incident.id, next), () => setFollowingState(next));
                    }}
                >
                    {following ? t('conduct.unfollow', 'Unfollow') : t('conduct.followButton', 'Follow')}
                </button>
            </div>
            {!ended && (
                <div
                    className={`${CLS}-conduct__line`}
                    role='group'
                    aria-label={t('conduct.remindersGroup', 'Update reminders')}
                >
                    <span className={`${CLS}-label ${CLS}-small`}>{t('conduct.reminders', 'Reminders')}</span>
                    <span className={`${CLS}-muted ${CLS}-small`}>
                        {incident.reminders_off ? t('conduct.remindersOff', 'Off') : snoozedUntil ?
                            t('conduct.remindersSnoozed', 'Snoozed for {minutes} min', {minutes: Math.max(1, Math.round((snoozedUntil - now) / 60_000))}) :
                            t('conduct.remindersOn', 'On')}
                    </span>
                    {incident.reminders_off ? (
                        <button
                            type='button'
                            className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                            disabled={Boolean(busy)}
                            onClick={() => reminders('on')}
                        >
                            {t('conduct.remindersTurnOn', 'Turn on')}
                        </button>
                    ) : (
                        <>
                            <select
                                className={`${CLS}-input ${CLS}-select ${CLS}-input--small`}
                                aria-label={t('conduct.snoozeFor', 'Snooze reminders for')}
                                value={snooze}
                                disabled={Boolean(busy)}
                                onChange={(e) => setSnooze(Number(e.target.value))}
                            >
                                {SNOOZE_CHOICES.map((m) => (
                                    <option
                                        key={m}
                                        value={m}
                                    >
                                        {t('update.minutes', '{count} min', {count: m})}
                                    </option>
                                ))}
                            </select>
                            <button
                                type='button'
                                className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                                disabled={Boolean(busy)}
                                onClick={() => reminders('snooze', snooze)}
                            >
                                {t('conduct.snooze', 'Snooze')}
                            </button>
                            <button
                                type='button'
                                className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                                disabled={Boolean(busy)}
                                onClick={() => reminders('off')}
                            >
                                {t('conduct.remindersTurnOff', 'Turn off')}
                            </button>
                        </>
                    )}
                </div>
            )}
            {!ended && <ReminderPlanLine incident={incident}/>}
            {!ended && (
                <div
                    className={`${CLS}-conduct__line`}
                    role='group'
                    aria-label={t('conduct.pauseGroup', 'Pause')}
                >
                    <span className={`${CLS}-label ${CLS}-small`}>{t('conduct.pause', 'Pause')}</span>
                    {incident.paused ? (
                        <>
                            <span className={`${CLS}-small`}>
                                {t('conduct.pausedSince', 'Paused since {time}: {reason}', {time: fullDate(incident.paused.since), reason: incident.paused.reason})}
                            </span>
                            <button
                                type='button'
                                className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                                disabled={Boolean(busy)}
                                onClick={pauseOrResume}
                            >
                                {t('conduct.resume', 'Resume')}
                            </button>
                        </>
                    ) : (
                        <>
                            <input
                                className={`${CLS}-input ${CLS}-input--small`}
                                aria-label={t('conduct.pauseReason', 'Why pause it?')}
                                placeholder={t('conduct.pausePlaceholder', 'Waiting for the vendor')}
                                maxLength={200}
                                value={pauseReason}
                                disabled={Boolean(busy)}
                                onChange={(e) => setPauseReason(e.target.value)}
                            />
                            <button
                                type='button'
                                className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                                disabled={Boolean(busy) || !pauseReason.trim()}
                                onClick={pauseOrResume}
                            >
                                {t('conduct.pauseButton', 'Pause')}
                            </button>
                        </>
                    )}
                </div>
            )}
            <div
                className={`${CLS}-conduct__line ${CLS}-conduct__impact`}
                role='group'
                aria-label={t('conduct.impactGroup', 'Customer impact')}
            >
                <span className={`${CLS}-label ${CLS}-small`}>{t('conduct.impact', 'Customer impact')}</span>
                <span className={`${CLS}-small`}>
                    {incident.impact_started_at ? (
                        <>
                            {t('conduct.impactFrom', 'from')}{' '}
                            <time dateTime={new Date(incident.impact_started_at).toISOString()}>{fullDate(incident.impact_started_at)}</time>
                            {' '}
                            {incident.impact_ended_at ? (
                                <>
                                    {t('conduct.impactTo', 'to')}{' '}
                                    <time dateTime={new Date(incident.impact_ended_at).toISOString()}>{fullDate(incident.impact_ended_at)}</time>
                                </>
                            ) : <span className={`${CLS}-muted`}>{t('conduct.impactOngoing', '(ongoing)')}</span>}
                        </>
                    ) : <span className={`${CLS}-muted`}>{t('conduct.impactNone', 'Not recorded')}</span>}
                </span>
                <span className={`${CLS}-conduct__impact-controls`}>
                    <input
                        id={`${id}-impact-at`}
                        type='datetime-local'
                        className={`${CLS}-input ${CLS}-input--small`}
                        aria-label={t('conduct.impactAt', 'Time of the impact change')}
                        value={impactAt}
                        onChange={(e) => setImpactAt(e.target.value)}
                    />
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                        disabled={Boolean(busy)}
                        onClick={() => impact('started_at')}
                    >
                        {t('conduct.impactStart', 'Set start')}
                    </button>
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                        disabled={Boolean(busy) || !incident.impact_started_at}
                        onClick={() => impact('ended_at')}
                    >
                        {t('conduct.impactEnd', 'Set end')}
                    </button>
                </span>
            </div>
            <p
                className={`${CLS}-small ${CLS}-conduct__notice`}
                role='status'
            >
                {notice}
            </p>
            {error && (
                <p
                    className={`${CLS}-small ${CLS}-field-error`}
                    role='alert'
                >
                    {error}
                </p>
            )}
        </div>
    );
}

// Severity and status (as menus), the roles with claim/assign/clear, the latest status update
// with a form for the next one, following, reminders and the impact window.
export function ConductPanel({incident, now, myUserId, onChange, onReload}: {
    incident: Incident;
    now: number;
    myUserId: string;
    onChange: Change;
    onReload?: () => void;
}): React.ReactElement | null {
    const t = useT();
    const {conduct, error} = useConduct(incident.team_id);
    const [picking, setPicking] = React.useState<string | null>(null);
    const [writing, setWriting] = React.useState(false);
    const writeRef = React.useRef<HTMLButtonElement>(null);
    if (error) {
        return <p className={`${CLS}-pad ${CLS}-small ${CLS}-field-error`}>{t('conduct.error', 'Severities and statuses could not be loaded: {error}', {error})}</p>;
    }
    if (!conduct) {
        return null;
    }
    const ended = incident.state === 'ended';
    const holder = (role: string) => incident.roles?.find((r) => r.role === role)?.user_id ?? null;
    const last = incident.updates?.length ? incident.updates[incident.updates.length - 1] : null;
    const select = (label: string, value: string, levels: Conduct['statuses'], onPick: (name: string) => void) => (
        <select
            className={`${CLS}-input ${CLS}-select ${CLS}-conduct__select`}
            aria-label={label}
            value={value}
            disabled={ended}
            onChange={(e) => onPick(e.target.value)}
        >
            {!value && <option value=''>{t('conduct.notSet', 'Not set')}</option>}
            {withCurrent(levels, value).map((l) => (
                <option
                    key={l.name}
                    value={l.name}
                    title={l.description}
                >
                    {l.name}
                </option>
            ))}
        </select>
    );
    return (
        <section
            className={`${CLS}-conduct`}
            aria-label={t('conduct.label', 'Severity, status and roles')}
        >
            <div className={`${CLS}-conduct__row`}>
                <label className={`${CLS}-conduct__field`}>
                    <span className={`${CLS}-label ${CLS}-small`}>{t('conduct.severity', 'Severity')}</span>
                    {select(t('conduct.severity', 'Severity'), incident.severity ?? '', conduct.severities, (name) => onChange(() => setSeverity(incident.id, name)))}
                </label>
                <label className={`${CLS}-conduct__field`}>
                    <span className={`${CLS}-label ${CLS}-small`}>{t('conduct.status', 'Status')}</span>
                    {select(t('conduct.status', 'Status'), incident.status ?? '', conduct.statuses, (name) => onChange(() => setStatus(incident.id, name)))}
                </label>
            </div>
            <ul
                className={`${CLS}-conduct__roles`}
                aria-label={t('conduct.roles', 'Roles')}
            >
                {conduct.roles.map((role) => {
                    const who = holder(role.name);
                    return (
                        <li
                            key={role.name}
                            className={`${CLS}-conduct__role`}
                        >
                            <span
                                className={`${CLS}-conduct__role-name`}
                                title={role.description}
                            >
                                {role.name}
                            </span>
                            {picking === role.name ? (
                                <UserPicker
                                    teamId={incident.team_id}
                                    label={t('conduct.assignRole', 'Give the {role} role to', {role: role.name})}
                                    onPick={async (u) => {
                                        if (await onChange(() => assignRole(incident.id, role.name, u.id))) {
                                            setPicking(null);
                                        }
                                    }}
                                    onCancel={() => setPicking(null)}
                                />
                            ) : (
                                <span className={`${CLS}-conduct__holder`}>
                                    {who ? <UserName userId={who}/> : <span className={`${CLS}-muted`}>{t('conduct.unfilled', 'Nobody yet')}</span>}
                                    {!ended && who !== myUserId && myUserId && (
                                        <button
                                            type='button'
                                            className={`${CLS}-link-button`}
                                            aria-label={t('conduct.claimLabel', 'Claim the {role} role', {role: role.name})}
                                            onClick={() => onChange(() => assignRole(incident.id, role.name, myUserId))}
                                        >
                                            {t('conduct.claim', 'Claim')}
                                        </button>
                                    )}
                                    {!ended && (
                                        <button
                                            type='button'
                                            className={`${CLS}-link-button`}
                                            aria-label={t('conduct.assignLabel', 'Assign the {role} role', {role: role.name})}
                                            onClick={() => setPicking(role.name)}
                                        >
                                            {t('conduct.assign', 'Assign')}
                                        </button>
                                    )}
                                    {!ended && who && (
                                        <button
                                            type='button'
                                            className={`${CLS}-link-button`}
                                            aria-label={t('conduct.clearLabel', 'Nobody as {role}', {role: role.name})}
                                            onClick={() => onChange(() => assignRole(incident.id, role.name, null))}
                                        >
                                            {t('conduct.clear', 'Clear')}
                                        </button>
                                    )}
                                </span>
                            )}
                        </li>
                    );
                })}
            </ul>
            <div className={`${CLS}-conduct__update`}>
                <h3 className={`${CLS}-label ${CLS}-small`}>{t('conduct.latest', 'Latest update')}</h3>
                {last ? (
                    <div className={`${CLS}-conduct__last`}>
                        <p className={`${CLS}-summary`}>{last.message}</p>
                        <p className={`${CLS}-muted ${CLS}-small`}>
                            <UserName
                                userId={last.author_id}
                                avatar={false}
                            />
                            {' · '}
                            <Ago
                                at={last.at}
                                now={now}
                            />
                            {last.next_update_at ? <>{' · '}{t('conduct.nextBy', 'next in {minutes} min', {minutes: Math.max(0, Math.round((last.next_update_at - now) / 60_000))})}</> : null}
                        </p>
                    </div>
                ) : <p className={`${CLS}-muted ${CLS}-small`}>{t('conduct.noUpdate', 'No status update yet.')}</p>}
                {!ended && (writing ? (
                    <UpdateForm
                        incident={incident}
                        conduct={conduct}
                        onChange={onChange}
                        onClose={() => {
                            setWriting(false);
                            window.setTimeout(() => writeRef.current?.focus(), 0);
                        }}
                    />
                ) : (
                    <button
                        ref={writeRef}
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                        onClick={() => setWriting(true)}
                    >
                        {t('update.open', 'Post update')}
                    </button>
                ))}
            </div>
            <FollowRemindersImpact
                incident={incident}
                now={now}
                myUserId={myUserId}
                onChange={onChange}
                onReload={onReload ?? (() => undefined)}
            />
        </section>
    );
}
