import React from 'react';

import {assignRole, getConduct, postStatusUpdate, setSeverity, setStatus} from '../client';
import type {UpdateDraft} from '../client';
import {useT} from '../i18n';
import type {Conduct, Incident} from '../types/incident';

import {Ago, CLS, UserName, errorMessage, isAbort} from './common';
import {UserPicker} from './user_picker';

// The conduct changes only when an admin edits the settings: fetch it once per page.
let conductOnce: Promise<Conduct> | null = null;
function loadConduct(): Promise<Conduct> {
    if (!conductOnce) {
        conductOnce = getConduct();
        conductOnce.catch(() => {
            conductOnce = null;
        });
    }
    return conductOnce;
}

export function useConduct(): {conduct: Conduct | null; error: string} {
    const t = useT();
    const [conduct, setConduct] = React.useState<Conduct | null>(null);
    const [error, setError] = React.useState('');
    React.useEffect(() => {
        let live = true;
        loadConduct().then(
            (c) => live && setConduct(c),
            (e) => live && !isAbort(e) && setError(errorMessage(e, t)),
        );
        return () => {
            live = false;
        };
    }, [t]);
    return {conduct, error};
}

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
    const [message, setMessage] = React.useState('');
    const [next, setNext] = React.useState(30);
    const [saving, setSaving] = React.useState(false);
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
                const draft: UpdateDraft = {message, impact};
                if (status && status !== incident.status) {
                    draft.status = status;
                }
                if (next > 0) {
                    draft.next_update_at = Date.now() + (next * 60_000);
                }
                setSaving(true);
                const ok = await onChange(() => postStatusUpdate(incident.id, draft));
                setSaving(false);
                if (ok) {
                    onClose();
                }
            }}
            onKeyDown={(e) => {
                if (e.key === 'Escape') {
                    e.stopPropagation();
                    onClose();
                }
            }}
        >
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-label`}>{t('update.status', 'Status')}</span>
                <select
                    className={`${CLS}-input ${CLS}-select`}
                    value={status}
                    onChange={(e) => setStatusChoice(e.target.value)}
                >
                    {conduct.statuses.map((s) => (
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
            <div className={`${CLS}-update-form__actions`}>
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    onClick={onClose}
                    disabled={saving}
                >
                    {t('common.cancel', 'Cancel')}
                </button>
                <button
                    type='submit'
                    className={`${CLS}-button ${CLS}-button--primary ${CLS}-button--small`}
                    disabled={saving}
                >
                    {saving ? t('update.posting', 'Posting…') : t('update.post', 'Post update')}
                </button>
            </div>
        </form>
    );
}

// Severity and status (as menus), the roles with claim/assign/clear, and the latest status
// update with a form for the next one.
export function ConductPanel({incident, now, myUserId, onChange}: {
    incident: Incident;
    now: number;
    myUserId: string;
    onChange: Change;
}): React.ReactElement | null {
    const t = useT();
    const {conduct, error} = useConduct();
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
            {levels.map((l) => (
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
        </section>
    );
}
