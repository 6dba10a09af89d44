import React from 'react';

import {autocompleteUsers} from '../client';
import {useT} from '../i18n';
import type {User} from '../types/incident';

import {Avatar, CLS, errorMessage, isAbort} from './common';

interface Props {
    teamId: string;
    label: string; // the accessible name of the text box, e.g. "New commander"
    excludeIds?: string[];
    busy?: boolean;
    onPick: (user: User) => void;
    onCancel: () => void;
}

let nextPickerId = 1;

function fullName(u: User): string {
    const name = [u.first_name, u.last_name].filter(Boolean).join(' ');
    return u.nickname ? (name ? `${name} (${u.nickname})` : u.nickname) : name;
}

// A type-ahead over the host's user autocomplete, as a WAI-ARIA combobox: the text box keeps
// focus; ArrowDown/ArrowUp move through the options, Enter picks, Escape cancels.
export function UserPicker({teamId, label, excludeIds = [], busy = false, onPick, onCancel}: Props): React.ReactElement {
    const t = useT();
    const [baseId] = React.useState(() => `${CLS}-picker-${nextPickerId++}`);
    const [term, setTerm] = React.useState('');
    const [users, setUsers] = React.useState<User[] | null>(null);
    const [error, setError] = React.useState('');
    const [active, setActive] = React.useState(0);
    const inputRef = React.useRef<HTMLInputElement>(null);
    const exclude = excludeIds.join(',');

    React.useEffect(() => {
        inputRef.current?.focus();
    }, []);

    React.useEffect(() => {
        const controller = new AbortController();
        // Wait for a pause in typing before asking the server.
        const timer = window.setTimeout(() => {
            autocompleteUsers(teamId, term.trim().replace(/^@/, ''), controller.signal).then(
                (res) => {
                    const skip = new Set(exclude ? exclude.split(',') : []);
                    setUsers((res.users || []).filter((u) => !skip.has(u.id) && !u.is_bot));
                    setActive(0);
                    setError('');
                },
                (e) => {
                    if (!isAbort(e)) {
                        setError(errorMessage(e, t));
                        setUsers([]);
                    }
                },
            );
        }, 150);
        return () => {
            window.clearTimeout(timer);
            controller.abort();
        };
    }, [teamId, term, exclude, t]);

    const listId = `${baseId}-list`;
    const optionId = (i: number) => `${baseId}-opt-${i}`;
    const open = users !== null && users.length > 0;
    const pick = (u: User | undefined) => {
        if (u && !busy) {
            onPick(u);
        }
    };

    const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
        const n = users?.length ?? 0;
        switch (e.key) {
        case 'ArrowDown':
            e.preventDefault();
            if (n) {
                setActive((a) => (a + 1) % n);
            }
            break;
        case 'ArrowUp':
            e.preventDefault();
            if (n) {
                setActive((a) => (a - 1 + n) % n);
            }
            break;
        case 'Home':
        case 'End':
            if (n && e.ctrlKey) {
                e.preventDefault();
                setActive(e.key === 'Home' ? 0 : n - 1);
            }
            break;
        case 'Enter':
            e.preventDefault();
            pick(users?.[active]);
            break;
        case 'Escape':
            e.preventDefault();
            e.stopPropagation();
            onCancel();
            break;
        default:
        }
    };

    let status: string;
    if (error) {
        status = error;
    } else if (users === null) {
        status = t('picker.searching', 'Searching…');
    } else if (users.length === 0) {
        status = term.trim() ? t('picker.noMatch', 'No one matches “{term}”.', {term: term.trim()}) : t('picker.noOne', 'No one to choose.');
    } else {
        status = t('picker.found', '{count, plural, one {# person} other {# people}} found. Use the arrow keys and Enter to choose.', {count: users.length});
    }

    return (
        <div className={`${CLS}-picker`}>
            <div className={`${CLS}-picker__row`}>
                <input
                    ref={inputRef}
                    className={`${CLS}-input`}
                    type='text'
                    role='combobox'
                    aria-label={label}
                    aria-autocomplete='list'
                    aria-expanded={open}
                    aria-controls={listId}
                    aria-activedescendant={open ? optionId(active) : undefined}
                    aria-describedby={`${baseId}-status`}
                    aria-busy={busy || undefined}
                    autoComplete='off'
                    spellCheck={false}
                    placeholder={t('picker.placeholder', 'Type a name')}
                    value={term}
                    onChange={(e) => setTerm(e.target.value)}
                    onKeyDown={onKeyDown}
                />
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    onClick={onCancel}
                >
                    {t('common.cancel', 'Cancel')}
                </button>
            </div>
            <ul
                id={listId}
                role='listbox'
                aria-label={label}
                className={`${CLS}-picker__list`}
                hidden={!open}
            >
                {(users || []).map((u, i) => (
                    <li
                        key={u.id}
                        id={optionId(i)}
                        role='option'
                        aria-selected={i === active}
                        className={`${CLS}-picker__option${i === active ? ` ${CLS}-picker__option--active` : ''}`}
                        onMouseDown={(e) => e.preventDefault()} // keep focus in the text box
                        onMouseEnter={() => setActive(i)}
                        onClick={() => pick(u)}
                    >
                        <Avatar userId={u.id}/>
                        <span className={`${CLS}-user__name`}>{`@${u.username}`}</span>
                        {fullName(u) && <span className={`${CLS}-muted ${CLS}-small`}>{fullName(u)}</span>}
                    </li>
                ))}
            </ul>
            <div
                id={`${baseId}-status`}
                className={`${CLS}-muted ${CLS}-small ${CLS}-picker__status${open && !error ? ` ${CLS}-sr-only` : ''}`}
                role={error ? 'alert' : 'status'}
            >
                {status}
            </div>
        </div>
    );
}
