import React from 'react';

import {useT} from '../i18n';

import {CLS} from './common';

const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]),select:not([disabled]),textarea:not([disabled]),[tabindex]:not([tabindex="-1"])';

interface Props {
    // Prefix of the ids inside (title, error), unique on the page.
    id: string;
    title: string;
    // While busy, the form cannot be closed or sent twice.
    busy: boolean;
    error: string;
    submitLabel: string;
    busyLabel: string;
    onClose: () => void;
    onSubmit: () => void;
    // Focused when the dialog opens; the first focusable element otherwise.
    initialFocus?: React.RefObject<HTMLElement | null>;
    children: React.ReactNode;
}

// A modal form in Mattermost's style: a labelled dialog that keeps Tab inside, closes on Escape,
// the close button, Cancel or a click outside, shows the server's error in words, and gives focus
// back to whatever opened it.
export function ModalForm({id, title, busy, error, submitLabel, busyLabel, onClose, onSubmit, initialFocus, children}: Props): React.ReactElement {
    const t = useT();
    const dialogRef = React.useRef<HTMLDivElement>(null);

    React.useEffect(() => {
        const opener = document.activeElement as HTMLElement | null;
        const first = initialFocus?.current ?? dialogRef.current?.querySelector<HTMLElement>(FOCUSABLE);
        first?.focus();
        return () => {
            if (opener && document.contains(opener)) {
                opener.focus();
            }
        };
    // Only on open and close.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    }, []);

    // Escape closes from anywhere: focus falls to the page when the focused button is disabled
    // while the form is sent.
    const closeRef = React.useRef({busy, onClose});
    closeRef.current = {busy, onClose};
    React.useEffect(() => {
        const onEscape = (e: KeyboardEvent) => {
            if (e.key === 'Escape' && !closeRef.current.busy) {
                e.stopPropagation();
                closeRef.current.onClose();
            }
        };
        document.addEventListener('keydown', onEscape, true);
        return () => document.removeEventListener('keydown', onEscape, true);
    }, []);

    // After a refusal, focus goes back into the form instead of staying on the page.
    React.useEffect(() => {
        if (!busy && error && (!document.activeElement || document.activeElement === document.body)) {
            dialogRef.current?.querySelector<HTMLElement>('button[type=submit]')?.focus();
        }
    }, [busy, error]);

    const onKeyDown = (e: React.KeyboardEvent) => {
        if (e.key !== 'Tab' || !dialogRef.current) {
            return;
        }
        const nodes = Array.from(dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE));
        if (!nodes.length) {
            return;
        }
        const first = nodes[0];
        const last = nodes[nodes.length - 1];
        if (e.shiftKey && document.activeElement === first) {
            e.preventDefault();
            last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
            e.preventDefault();
            first.focus();
        }
    };

    return (
        <div
            className={`${CLS}-backdrop`}
            onMouseDown={(e) => {
                if (e.target === e.currentTarget && !busy) {
                    onClose();
                }
            }}
        >
            <div
                ref={dialogRef}
                className={`${CLS}-modal`}
                role='dialog'
                aria-modal='true'
                aria-labelledby={`${id}-title`}
                onKeyDown={onKeyDown}
            >
                <form
                    onSubmit={(e) => {
                        e.preventDefault();
                        if (!busy) {
                            onSubmit();
                        }
                    }}
                    noValidate={true}
                    aria-describedby={error ? `${id}-error` : undefined}
                >
                    <div className={`${CLS}-modal__header`}>
                        <h1
                            id={`${id}-title`}
                            className={`${CLS}-modal__title`}
                        >
                            {title}
                        </h1>
                        <button
                            type='button'
                            className={`${CLS}-icon-button ${CLS}-modal__close`}
                            aria-label={t('common.close', 'Close')}
                            onClick={onClose}
                            disabled={busy}
                        >
                            <span aria-hidden='true'>{'\u00d7'}</span>
                        </button>
                    </div>
                    <div className={`${CLS}-modal__body`}>
                        {children}
                        {error && (
                            <div
                                id={`${id}-error`}
                                className={`${CLS}-error`}
                                role='alert'
                            >
                                <span className={`${CLS}-error__text`}>{error}</span>
                            </div>
                        )}
                    </div>
                    <div className={`${CLS}-modal__footer`}>
                        <button
                            type='button'
                            className={`${CLS}-button ${CLS}-button--tertiary`}
                            onClick={onClose}
                            disabled={busy}
                        >
                            {t('common.cancel', 'Cancel')}
                        </button>
                        <button
                            type='submit'
                            className={`${CLS}-button ${CLS}-button--primary`}
                            disabled={busy}
                        >
                            {busy ? busyLabel : submitLabel}
                        </button>
                    </div>
                </form>
            </div>
        </div>
    );
}
