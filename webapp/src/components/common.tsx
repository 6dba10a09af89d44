import React from 'react';

import {userImageURL} from '../client';
import {english, fill, slots, useT} from '../i18n';
import type {Translate} from '../i18n';
import {ago, fullDate, isoDate} from '../time';
import {displayUsername, useUser} from '../users';

export const CLS = 'IncidentResponse';

export function Avatar({userId, size = 20}: {userId: string; size?: number}): React.ReactElement {
    return (
        <img
            className={`${CLS}-avatar`}
            src={userImageURL(userId)}
            width={size}
            height={size}
            alt=''
            aria-hidden='true'
            loading='lazy'
        />
    );
}

// "@alice" with the avatar; falls back to the id when the host does not know the user.
export function UserName({userId, avatar = true}: {userId: string; avatar?: boolean}): React.ReactElement {
    const user = useUser(userId);
    return (
        <span className={`${CLS}-user`}>
            {avatar && <Avatar userId={userId}/>}
            <span className={`${CLS}-user__name`}>{displayUsername(userId, user)}</span>
        </span>
    );
}

export function Ago({at, now}: {at: number; now: number}): React.ReactElement {
    const t = useT();
    return (
        <time
            dateTime={isoDate(at)}
            title={fullDate(at)}
        >
            {ago(at, now, t)}
        </time>
    );
}

/**
 * "Done by @alice 5 min ago": a message whose {user} and {ago} slots become the person's name and
 * the relative time, wherever the translation puts them.
 */
export function ByWhomWhen({message, userId, at, now}: {message: string; userId: string; at: number; now: number}): React.ReactElement {
    return fill(message, {
        user: (
            <UserName
                userId={userId}
                avatar={false}
            />
        ),
        ago: (
            <Ago
                at={at}
                now={now}
            />
        ),
    });
}

/** The values that leave the {user} and {ago} slots for ByWhomWhen. */
export const BY_WHOM_WHEN = slots('user', 'ago');

/** An inline form's key handler: Escape closes it (and goes no further, so a dialog around it stays). */
export function closeOnEscape(close: () => void): (e: React.KeyboardEvent) => void {
    return (e) => {
        if (e.key === 'Escape') {
            e.stopPropagation();
            close();
        }
    };
}

/**
 * An inline form's save: `saving` while `run` is under way, one run at a time. `save` answers
 * run's outcome, or null when a run was already under way or the form went away meanwhile.
 */
export function useSave(): {saving: boolean; save: (run: () => Promise<boolean>) => Promise<boolean | null>} {
    const [saving, setSaving] = React.useState(false);
    const mounted = useMounted();
    const busy = React.useRef(false);
    const save = React.useCallback(async (run: () => Promise<boolean>) => {
        if (busy.current) {
            return null;
        }
        busy.current = true;
        setSaving(true);
        try {
            const ok = await run();
            return mounted.current ? ok : null;
        } finally {
            busy.current = false;
            if (mounted.current) {
                setSaving(false);
            }
        }
    }, [mounted]);
    return {saving, save};
}

/** A small form's Cancel and submit buttons; both wait while it saves. */
export function FormButtons({busy, canSubmit = true, onCancel, submitLabel, busyLabel}: {
    busy: boolean;
    canSubmit?: boolean;
    onCancel: () => void;
    submitLabel: string;
    busyLabel: string;
}): React.ReactElement {
    const t = useT();
    return (
        <>
            <button
                type='button'
                className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                onClick={onCancel}
                disabled={busy}
            >
                {t('common.cancel', 'Cancel')}
            </button>
            <button
                type='submit'
                className={`${CLS}-button ${CLS}-button--primary ${CLS}-button--small`}
                disabled={!canSubmit || busy}
            >
                {busy ? busyLabel : submitLabel}
            </button>
        </>
    );
}

/** A page's last outcome ("Saved.", "Imported …"), read out by screen readers; hidden when empty. */
export function PageNotice({text}: {text: string}): React.ReactElement {
    return (
        <div
            className={`${CLS}-small ${CLS}-page__notice`}
            role='status'
        >
            {text}
        </div>
    );
}

export function ErrorBanner({message, onDismiss}: {message: string; onDismiss?: () => void}): React.ReactElement {
    const t = useT();
    return (
        <div
            className={`${CLS}-error`}
            role='alert'
        >
            <span className={`${CLS}-error__text`}>{message}</span>
            {onDismiss && (
                <button
                    type='button'
                    className={`${CLS}-link-button`}
                    onClick={onDismiss}
                >
                    {t('common.dismiss', 'Dismiss')}
                </button>
            )}
        </div>
    );
}

// The error's own message (the server's words), else a generic one in the user's language (in
// English for a caller that passes no t).
export function errorMessage(e: unknown, t: Translate = english): string {
    if (e instanceof Error && e.message) {
        return e.message;
    }
    return t('common.somethingWentWrong', 'Something went wrong. Try again.');
}

export function isAbort(e: unknown): boolean {
    return (e as {name?: string})?.name === 'AbortError';
}

// False once the component has unmounted: code that resumes after a request checks it before
// touching state (the row it belongs to may have been removed by that very request).
export function useMounted(): React.MutableRefObject<boolean> {
    const mounted = React.useRef(true);
    React.useEffect(() => {
        mounted.current = true;
        return () => {
            mounted.current = false;
        };
    }, []);
    return mounted;
}

/**
 * Runs one user action at a time: `busy` while it runs, then its words in `notice` (and
 * `onDone`, e.g. to reload) or the server's refusal in `error`. State is left alone once the
 * component has unmounted.
 */
export function useAction(t: Translate, onDone?: () => void): {
    busy: boolean;
    error: string;
    notice: string;
    setError: (e: string) => void;
    setNotice: (n: string) => void;
    act: (what: () => Promise<string>) => Promise<void>;
} {
    const mounted = useMounted();
    const [busy, setBusy] = React.useState(false);
    const [error, setError] = React.useState('');
    const [notice, setNotice] = React.useState('');
    const act = async (what: () => Promise<string>) => {
        setBusy(true);
        setError('');
        setNotice('');
        try {
            const said = await what();
            if (mounted.current) {
                setNotice(said);
                onDone?.();
            }
        } catch (e) {
            if (mounted.current) {
                setError(errorMessage(e, t));
            }
        } finally {
            if (mounted.current) {
                setBusy(false);
            }
        }
    };
    return {busy, error, notice, setError, setNotice, act};
}
