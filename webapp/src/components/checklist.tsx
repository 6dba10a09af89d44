import React from 'react';

import {fill, slots, useT} from '../i18n';
import type {ChecklistItem, ChecklistSection, ItemState, User} from '../types/incident';

import {fromZoneInput, fullDate, toZoneInput} from '../time';

import {BY_WHOM_WHEN, ByWhomWhen, CLS, FormButtons, UserName, closeOnEscape, useMounted, useSave} from './common';
import {Markdown} from './markdown';
import {UserPicker} from './user_picker';

// Add an assignee (a user id) or unassign everyone (null), take one person off, set or clear
// the due time, remove, skip or restore, move, run the item's command; each resolves to whether
// the server agreed.
export interface ItemActions {
    teamId: string;
    onAssign: (item: ChecklistItem, userId: string | null) => Promise<boolean>;
    onUnassign: (item: ChecklistItem, userId: string) => Promise<boolean>;
    onDue: (item: ChecklistItem, dueAt: number | null) => Promise<boolean>;
    onRemove: (item: ChecklistItem) => Promise<boolean>;
    onSkip: (item: ChecklistItem, skip: boolean) => Promise<boolean>;
    // section: 1-based; position: 1-based, in that section once moved.
    onMove: (item: ChecklistItem, section: number, position: number) => Promise<boolean>;
    // Runs the item's slash command in the incident channel: the command's answer, or throws the
    // server's refusal.
    onRun: (item: ChecklistItem) => Promise<string>;
    // Every section (titles and sizes), for "Move to section".
    sections: Array<{id: string; title: string; count: number}>;
}

// Where an item is: its section (0-based), its index in it, and how many items the section has.
export interface ItemPlace {
    section: number;
    index: number;
    count: number;
}

interface SectionProps {
    section: ChecklistSection;
    index: number; // 0-based
    readOnly: boolean;
    now: number;
    busyItem: string;
    onSetState: (item: ChecklistItem, state: ItemState) => void;
    onAdd: (sectionNumber: number, title: string) => Promise<boolean>;
    // Renames the section; resolves to whether the server agreed.
    onRename?: (section: ChecklistSection, title: string) => Promise<boolean>;
    actions: ItemActions;
}

// The item's last completion: the current one while it is done, else the latest "checked" in its
// history (unchecking clears completed_at but keeps the history).
function lastCompletion(item: ChecklistItem): {by: string; at: number; current: boolean} | null {
    if (item.state === 'done' && item.completed_by && item.completed_at) {
        return {by: item.completed_by, at: item.completed_at, current: true};
    }
    for (let i = item.history.length - 1; i >= 0; i--) {
        const h = item.history[i];
        if (h.change?.type === 'checked') {
            return {by: h.actor_id, at: h.at, current: false};
        }
    }
    return null;
}

type Mode = 'closed' | 'menu' | 'assign' | 'due' | 'remove';

// The item's actions, behind a disclosure button so the list stays quiet: assign (with the user
// picker), unassign, remove (after a confirmation).
function ItemActionsPanel({item, place, mode, setMode, actions, toggleRef}: {
    item: ChecklistItem;
    place: ItemPlace;
    mode: Mode;
    setMode: (m: Mode) => void;
    actions: ItemActions;
    toggleRef: React.RefObject<HTMLButtonElement>;
}): React.ReactElement | null {
    const t = useT();
    const [saving, setSaving] = React.useState(false);
    const firstRef = React.useRef<HTMLButtonElement>(null);
    const upRef = React.useRef<HTMLButtonElement>(null);
    const downRef = React.useRef<HTMLButtonElement>(null);
    const otherSections = actions.sections.map((sec, i) => ({...sec, number: i + 1})).filter((sec) => sec.number !== place.section + 1);
    const [target, setTarget] = React.useState('');
    const mounted = useMounted();
    React.useEffect(() => {
        if (mode === 'menu' || mode === 'remove') {
            firstRef.current?.focus();
        }
    }, [mode]);
    const close = () => {
        setMode('closed');
        window.setTimeout(() => toggleRef.current?.focus(), 0);
    };
    const run = async (what: () => Promise<boolean>) => {
        setSaving(true);
        const ok = await what();
        if (!mounted.current) {
            return;
        }
        setSaving(false);
        if (ok) {
            close();
        }
    };
    // Up and down keep the menu open on the moved item, so the key can be pressed again.
    const step = async (delta: -1 | 1) => {
        setSaving(true);
        // Positions are 1-based and counted once the item has left its place.
        const ok = await actions.onMove(item, place.section + 1, place.index + 1 + delta);
        if (!mounted.current) {
            return;
        }
        setSaving(false);
        if (ok) {
            window.setTimeout(() => {
                const next = delta < 0 ? upRef.current : downRef.current;
                (next && !next.disabled ? next : (delta < 0 ? downRef.current : upRef.current))?.focus();
            }, 0);
        }
    };
    const onEscape = (e: React.KeyboardEvent) => {
        if (e.key === 'Escape') {
            e.stopPropagation();
            close();
        }
    };
    if (mode === 'assign') {
        return (
            <div className={`${CLS}-item__panel`}>
                <UserPicker
                    teamId={actions.teamId}
                    label={t('checklist.assignLabel', 'Assign “{title}” to', {title: item.title})}
                    excludeIds={item.assignee_ids}
                    busy={saving}
                    onPick={(u: User) => run(() => actions.onAssign(item, u.id))}
                    onCancel={close}
                />
            </div>
        );
    }
    if (mode === 'due') {
        return (
            <div className={`${CLS}-item__panel`}>
                <DueForm
                    item={item}
                    busy={saving}
                    onSave={(dueAt) => run(() => actions.onDue(item, dueAt))}
                    onCancel={close}
                />
            </div>
        );
    }
    if (mode === 'remove') {
        const titleId = `${CLS}-remove-${item.id}`;
        return (
            <div
                className={`${CLS}-item__panel ${CLS}-confirm`}
                role='alertdialog'
                aria-modal='false'
                aria-labelledby={titleId}
                onKeyDown={onEscape}
            >
                <p
                    id={titleId}
                    className={`${CLS}-confirm__text`}
                >
                    {t('checklist.removeConfirm', 'Remove “{title}” from the checklist?', {title: item.title})}
                </p>
                <div className={`${CLS}-confirm__actions`}>
                    <button
                        ref={firstRef}
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                        onClick={close}
                        disabled={saving}
                    >
                        {t('common.cancel', 'Cancel')}
                    </button>
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--danger ${CLS}-button--small`}
                        onClick={() => run(() => actions.onRemove(item))}
                        disabled={saving}
                    >
                        {saving ? t('checklist.removing', 'Removing…') : t('checklist.removeItem', 'Remove item')}
                    </button>
                </div>
            </div>
        );
    }
    if (mode === 'menu') {
        return (
            <div
                className={`${CLS}-item__panel ${CLS}-item__actions`}
                role='group'
                aria-label={t('checklist.itemActions', 'Actions for {title}', {title: item.title})}
                onKeyDown={onEscape}
            >
                <button
                    ref={firstRef}
                    type='button'
                    className={`${CLS}-link-button`}
                    onClick={() => setMode('assign')}
                    disabled={saving}
                >
                    {item.assignee_ids.length > 0 ? t('checklist.addAssignee', 'Add an assignee…') : t('checklist.assign', 'Assign…')}
                </button>
                {item.assignee_ids.length > 0 && (
                    <button
                        type='button'
                        className={`${CLS}-link-button`}
                        onClick={() => run(() => actions.onAssign(item, null))}
                        disabled={saving}
                    >
                        {item.assignee_ids.length > 1 ? t('checklist.unassignAll', 'Unassign everyone') : t('checklist.unassign', 'Unassign')}
                    </button>
                )}
                <button
                    type='button'
                    className={`${CLS}-link-button`}
                    onClick={() => setMode('due')}
                    disabled={saving}
                >
                    {item.due_at ? t('checklist.changeDue', 'Change the due time…') : t('checklist.setDue', 'Set a due time…')}
                </button>
                <button
                    type='button'
                    className={`${CLS}-link-button`}
                    onClick={() => run(() => actions.onSkip(item, item.state !== 'skipped'))}
                    disabled={saving}
                >
                    {item.state === 'skipped' ? t('checklist.restore', 'Restore') : t('checklist.skip', 'Skip')}
                </button>
                <button
                    ref={upRef}
                    type='button'
                    className={`${CLS}-link-button`}
                    aria-label={t('checklist.moveUpLabel', 'Move “{title}” up', {title: item.title})}
                    onClick={() => step(-1)}
                    disabled={saving || place.index === 0}
                >
                    {t('checklist.moveUp', 'Move up')}
                </button>
                <button
                    ref={downRef}
                    type='button'
                    className={`${CLS}-link-button`}
                    aria-label={t('checklist.moveDownLabel', 'Move “{title}” down', {title: item.title})}
                    onClick={() => step(1)}
                    disabled={saving || place.index >= place.count - 1}
                >
                    {t('checklist.moveDown', 'Move down')}
                </button>
                {otherSections.length > 0 && (
                    <span className={`${CLS}-item__move-to`}>
                        <select
                            className={`${CLS}-input ${CLS}-select ${CLS}-input--small`}
                            aria-label={t('checklist.moveToLabel', 'Section to move “{title}” to', {title: item.title})}
                            value={target}
                            disabled={saving}
                            onChange={(e) => setTarget(e.target.value)}
                        >
                            <option value=''>{t('checklist.moveToPick', 'Move to section…')}</option>
                            {otherSections.map((sec) => (
                                <option
                                    key={sec.id}
                                    value={String(sec.number)}
                                >
                                    {sec.title}
                                </option>
                            ))}
                        </select>
                        <button
                            type='button'
                            className={`${CLS}-link-button`}
                            disabled={saving || !target}
                            onClick={() => {
                                const to = otherSections.find((sec) => String(sec.number) === target);
                                if (to) {
                                    // To the end of that section.
                                    run(() => actions.onMove(item, to.number, to.count + 1));
                                }
                            }}
                        >
                            {t('checklist.move', 'Move')}
                        </button>
                    </span>
                )}
                <button
                    type='button'
                    className={`${CLS}-link-button ${CLS}-link-button--danger`}
                    onClick={() => setMode('remove')}
                    disabled={saving}
                >
                    {t('checklist.remove', 'Remove…')}
                </button>
            </div>
        );
    }
    return null;
}

// The due time in the viewer's own time (a datetime-local field), saved as Unix ms; Clear takes
// it away.
function DueForm({item, busy, onSave, onCancel}: {
    item: ChecklistItem;
    busy: boolean;
    onSave: (dueAt: number | null) => void;
    onCancel: () => void;
}): React.ReactElement {
    const t = useT();
    const inputRef = React.useRef<HTMLInputElement>(null);
    const [value, setValue] = React.useState(item.due_at ? toZoneInput(item.due_at) : '');
    React.useEffect(() => {
        inputRef.current?.focus();
    }, []);
    const at = fromZoneInput(value);
    return (
        <form
            className={`${CLS}-form ${CLS}-form--inline`}
            onSubmit={(e) => {
                e.preventDefault();
                if (!Number.isNaN(at)) {
                    onSave(at);
                }
            }}
            onKeyDown={closeOnEscape(onCancel)}
        >
            <label className={`${CLS}-label`}>
                {t('checklist.dueLabel', 'Due “{title}” at', {title: item.title})}
                <input
                    ref={inputRef}
                    type='datetime-local'
                    className={`${CLS}-input ${CLS}-input--small`}
                    value={value}
                    disabled={busy}
                    onChange={(e) => setValue(e.target.value)}
                />
            </label>
            {item.due_at ? (
                <button
                    type='button'
                    className={`${CLS}-link-button`}
                    disabled={busy}
                    onClick={() => onSave(null)}
                >
                    {t('checklist.clearDue', 'No due time')}
                </button>
            ) : null}
            <FormButtons
                busy={busy}
                canSubmit={!Number.isNaN(at)}
                onCancel={onCancel}
                submitLabel={t('common.save', 'Save')}
                busyLabel={t('common.saving', 'Saving…')}
            />
        </form>
    );
}


// The item's slash command with a Run button, its last run, and what the command answered.
function CommandRow({item, readOnly, now, actions}: {
    item: ChecklistItem;
    readOnly: boolean;
    now: number;
    actions: ItemActions;
}): React.ReactElement {
    const t = useT();
    const [running, setRunning] = React.useState(false);
    const [answer, setAnswer] = React.useState('');
    const [error, setError] = React.useState('');
    const mounted = useMounted();
    const command = item.command ?? '';
    const run = async () => {
        setRunning(true);
        setAnswer('');
        setError('');
        try {
            const said = await actions.onRun(item);
            if (mounted.current) {
                setAnswer(said);
            }
        } catch (e) {
            if (mounted.current) {
                setError(e instanceof Error && e.message ? e.message : t('common.somethingWentWrong', 'Something went wrong. Try again.'));
            }
        } finally {
            if (mounted.current) {
                setRunning(false);
            }
        }
    };
    return (
        <div className={`${CLS}-item__command`}>
            <span className={`${CLS}-item__command-row`}>
                <code className={`${CLS}-code`}>{command}</code>
                {!readOnly && (
                    <button
                        type='button'
                        className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                        aria-label={t('checklist.runLabel', 'Run {command} in the incident channel', {command})}
                        aria-busy={running || undefined}
                        disabled={running}
                        onClick={run}
                    >
                        {running ? t('checklist.running', 'Running…') : t('checklist.run', 'Run')}
                    </button>
                )}
            </span>
            {item.last_run_at && item.last_run_by ? (
                <span className={`${CLS}-muted ${CLS}-small`}>
                    <ByWhomWhen
                        message={t('checklist.lastRun', 'Last run by {user}, {ago}', BY_WHOM_WHEN)}
                        userId={item.last_run_by}
                        at={item.last_run_at}
                        now={now}
                    />
                </span>
            ) : null}
            <div
                className={`${CLS}-small ${CLS}-item__answer`}
                role='status'
            >
                {answer && <Markdown text={answer}/>}
            </div>
            {error && (
                <span
                    className={`${CLS}-small ${CLS}-field-error`}
                    role='alert'
                >
                    {error}
                </span>
            )}
        </div>
    );
}

function Item({item, place, readOnly, now, busy, onSetState, actions}: {
    item: ChecklistItem;
    place: ItemPlace;
    readOnly: boolean;
    now: number;
    busy: boolean;
    onSetState: (item: ChecklistItem, state: ItemState) => void;
    actions: ItemActions;
}): React.ReactElement {
    const t = useT();
    const [mode, setMode] = React.useState<Mode>('closed');
    const toggleRef = React.useRef<HTMLButtonElement>(null);
    const inputId = `${CLS}-item-${item.id}`;
    const metaId = `${inputId}-meta`;
    const descId = `${inputId}-desc`;
    const description = (item.description ?? '').trim();
    const done = lastCompletion(item);
    const skipped = item.state === 'skipped';
    const assignees = item.assignee_ids ?? [];
    const due = item.state === 'open' && item.due_at ? item.due_at : null;
    const overdue = due !== null && now > due;
    const evidence = item.state === 'done' ? (item.evidence ?? '').trim() : '';
    const hasMeta = Boolean(done || skipped || assignees.length > 0 || due || evidence);
    return (
        <li className={`${CLS}-item${item.state === 'done' ? ` ${CLS}-item--done` : ''}${skipped ? ` ${CLS}-item--skipped` : ''}`}>
            <input
                id={inputId}
                type='checkbox'
                className={`${CLS}-checkbox`}
                checked={item.state === 'done'}
                disabled={readOnly}
                aria-busy={busy || undefined}
                aria-describedby={[description ? descId : '', hasMeta ? metaId : ''].filter(Boolean).join(' ') || undefined}
                onChange={(e) => {
                    // Kept focusable while saving (a disabled control drops keyboard focus).
                    if (!busy) {
                        onSetState(item, e.target.checked ? 'done' : 'open');
                    }
                }}
            />
            <div className={`${CLS}-item__body`}>
                <label
                    htmlFor={inputId}
                    className={`${CLS}-item__title`}
                >
                    {item.title}
                </label>
                {description && (
                    <Markdown
                        id={descId}
                        className={`${CLS}-item__description`}
                        text={description}
                    />
                )}
                {item.command && (
                    <CommandRow
                        item={item}
                        readOnly={readOnly}
                        now={now}
                        actions={actions}
                    />
                )}
                {hasMeta && (
                    <div
                        id={metaId}
                        className={`${CLS}-item__meta`}
                    >
                        {skipped && <span className={`${CLS}-tag`}>{t('itemState.skipped', 'Skipped')}</span>}
                        {overdue && <span className={`${CLS}-tag ${CLS}-tag--danger`}>{t('checklist.overdue', 'Overdue')}</span>}
                        {due !== null && (
                            <span>
                                {t('checklist.dueAt', 'Due {time}', {time: fullDate(due)})}
                            </span>
                        )}
                        {done && (
                            <span>
                                <ByWhomWhen
                                    message={done.current ? t('checklist.doneBy', 'Done by {user} {ago}', BY_WHOM_WHEN) :
                                        t('checklist.lastDoneBy', 'Last done by {user} {ago}', BY_WHOM_WHEN)}
                                    userId={done.by}
                                    at={done.at}
                                    now={now}
                                />
                            </span>
                        )}
                        {assignees.length > 0 && (
                            <span>
                                {fill(t('checklist.assignedTo', 'Assigned to {user}', slots('user')), {
                                    user: (
                                        <React.Fragment>
                                            {assignees.map((a, i) => (
                                                <React.Fragment key={a}>
                                                    {i > 0 && ', '}
                                                    <UserName
                                                        userId={a}
                                                        avatar={false}
                                                    />
                                                </React.Fragment>
                                            ))}
                                        </React.Fragment>
                                    ),
                                })}
                            </span>
                        )}
                        {evidence && (
                            <span className={`${CLS}-item__evidence`}>
                                {t('checklist.evidence', 'Evidence: {text}', {text: evidence})}
                            </span>
                        )}
                    </div>
                )}
                {!readOnly && (
                    <ItemActionsPanel
                        item={item}
                        place={place}
                        mode={mode}
                        setMode={setMode}
                        actions={actions}
                        toggleRef={toggleRef}
                    />
                )}
            </div>
            {!readOnly && (
                <button
                    ref={toggleRef}
                    type='button'
                    className={`${CLS}-icon-button${mode === 'closed' ? '' : ` ${CLS}-icon-button--on`}`}
                    aria-label={t('checklist.itemActions', 'Actions for {title}', {title: item.title})}
                    aria-expanded={mode !== 'closed'}
                    onClick={() => setMode(mode === 'closed' ? 'menu' : 'closed')}
                >
                    <span aria-hidden='true'>{'\u22ef'}</span>
                </button>
            )}
        </li>
    );
}

function AddItemForm({sectionTitle, onAdd, onClose}: {
    sectionTitle: string;
    onAdd: (title: string) => Promise<boolean>;
    onClose: () => void;
}): React.ReactElement {
    const t = useT();
    const [title, setTitle] = React.useState('');
    const {saving, save} = useSave();
    const inputRef = React.useRef<HTMLInputElement>(null);
    React.useEffect(() => {
        inputRef.current?.focus();
    }, []);
    const submit = async (e: React.FormEvent) => {
        e.preventDefault();
        const trimmed = title.trim();
        if (!trimmed) {
            return;
        }
        if (await save(() => onAdd(trimmed))) {
            setTitle('');
            inputRef.current?.focus();
        }
    };
    return (
        <form
            className={`${CLS}-add-form`}
            onSubmit={submit}
            onKeyDown={closeOnEscape(onClose)}
        >
            <input
                ref={inputRef}
                className={`${CLS}-input`}
                type='text'
                value={title}
                maxLength={500}
                aria-label={t('checklist.newItemLabel', 'New item in {section}', {section: sectionTitle})}
                placeholder={t('checklist.taskPlaceholder', 'Describe the task')}
                onChange={(e) => setTitle(e.target.value)}
                disabled={saving}
            />
            <div className={`${CLS}-add-form__actions`}>
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    onClick={onClose}
                >
                    {t('common.cancel', 'Cancel')}
                </button>
                <button
                    type='submit'
                    className={`${CLS}-button ${CLS}-button--primary ${CLS}-button--small`}
                    disabled={!title.trim() || saving}
                >
                    {saving ? t('common.adding', 'Adding…') : t('checklist.add', 'Add')}
                </button>
            </div>
        </form>
    );
}

// The section's new title, inline in its heading; Escape or Cancel keeps the old one.
function RenameSectionForm({section, onRename, onClose}: {
    section: ChecklistSection;
    onRename: (section: ChecklistSection, title: string) => Promise<boolean>;
    onClose: () => void;
}): React.ReactElement {
    const t = useT();
    const [title, setTitle] = React.useState(section.title);
    const {saving, save} = useSave();
    const inputRef = React.useRef<HTMLInputElement>(null);
    React.useEffect(() => {
        inputRef.current?.focus();
        inputRef.current?.select();
    }, []);
    return (
        <form
            className={`${CLS}-section__rename`}
            aria-label={t('checklist.renameSectionForm', 'Rename the section {section}', {section: section.title})}
            onSubmit={async (e) => {
                e.preventDefault();
                const trimmed = title.trim();
                if (!trimmed || saving) {
                    return;
                }
                if (trimmed === section.title || await save(() => onRename(section, trimmed))) {
                    onClose();
                }
            }}
            onKeyDown={closeOnEscape(onClose)}
        >
            <input
                ref={inputRef}
                className={`${CLS}-input ${CLS}-input--small`}
                type='text'
                value={title}
                maxLength={200}
                aria-label={t('checklist.sectionTitleLabel', 'New title for the section {section}', {section: section.title})}
                onChange={(e) => setTitle(e.target.value)}
                disabled={saving}
            />
            <FormButtons
                busy={saving}
                canSubmit={Boolean(title.trim())}
                onCancel={onClose}
                submitLabel={t('common.save', 'Save')}
                busyLabel={t('common.saving', 'Saving…')}
            />
        </form>
    );
}

export function ChecklistSectionView({section, index, readOnly, now, busyItem, onSetState, onAdd, onRename, actions}: SectionProps): React.ReactElement {
    const t = useT();
    const [expanded, setExpanded] = React.useState(true);
    const [adding, setAdding] = React.useState(false);
    const [renaming, setRenaming] = React.useState(false);
    const renameRef = React.useRef<HTMLButtonElement>(null);
    const addButtonRef = React.useRef<HTMLButtonElement>(null);
    const headingId = `${CLS}-section-${section.id}`;
    const listId = `${headingId}-items`;
    // Items for another severity are left out (the server marks them applies: false); they keep
    // their places, so moves still count every item.
    const shown = section.items.filter((i) => i.applies !== false);
    const leftOut = section.items.length - shown.length;
    const done = shown.filter((i) => i.state !== 'open').length;
    const close = () => {
        setAdding(false);
        window.setTimeout(() => addButtonRef.current?.focus(), 0);
    };
    return (
        <section
            className={`${CLS}-section`}
            aria-labelledby={headingId}
        >
            {renaming && onRename ? (
                <RenameSectionForm
                    section={section}
                    onRename={onRename}
                    onClose={() => {
                        setRenaming(false);
                        window.setTimeout(() => renameRef.current?.focus(), 0);
                    }}
                />
            ) : null}
            <div
                className={`${CLS}-section__head`}
                hidden={renaming}
            >
                <h3 className={`${CLS}-section__heading`}>
                    <button
                        type='button'
                        id={headingId}
                        className={`${CLS}-section__toggle`}
                        aria-expanded={expanded}
                        aria-controls={listId}
                        onClick={() => setExpanded(!expanded)}
                    >
                        <span
                            className={`${CLS}-chevron${expanded ? ` ${CLS}-chevron--open` : ''}`}
                            aria-hidden='true'
                        />
                        <span className={`${CLS}-section__title`}>{section.title}</span>
                        <span className={`${CLS}-muted ${CLS}-small`}>{t('checklist.sectionProgress', '{done}/{total}', {done, total: shown.length})}</span>
                    </button>
                </h3>
                {!readOnly && onRename && (
                    <button
                        ref={renameRef}
                        type='button'
                        className={`${CLS}-link-button ${CLS}-section__rename-button`}
                        aria-label={t('checklist.renameSection', 'Rename the section {section}', {section: section.title})}
                        onClick={() => setRenaming(true)}
                    >
                        {t('checklist.rename', 'Rename')}
                    </button>
                )}
            </div>
            <div
                id={listId}
                hidden={!expanded}
            >
                {section.items.length > 0 ? (
                    <ul className={`${CLS}-items`}>
                        {section.items.map((item, n) => item.applies !== false && (
                            <Item
                                key={item.id}
                                item={item}
                                place={{section: index, index: n, count: section.items.length}}
                                readOnly={readOnly}
                                now={now}
                                busy={busyItem === item.id}
                                onSetState={onSetState}
                                actions={actions}
                            />
                        ))}
                    </ul>
                ) : (
                    <p className={`${CLS}-muted ${CLS}-small ${CLS}-items-empty`}>{t('common.noItems', 'No items.')}</p>
                )}
                {leftOut > 0 && (
                    <p className={`${CLS}-muted ${CLS}-small ${CLS}-items-empty`}>
                        {t('checklist.leftOut', '{count, plural, one {# item does} other {# items do}} not apply to this incident now.', {count: leftOut})}
                    </p>
                )}
                {!readOnly && (adding ? (
                    <AddItemForm
                        sectionTitle={section.title}
                        onAdd={(title) => onAdd(index + 1, title)}
                        onClose={close}
                    />
                ) : (
                    <button
                        ref={addButtonRef}
                        type='button'
                        className={`${CLS}-link-button ${CLS}-add-item`}
                        aria-label={t('checklist.addItemTo', 'Add item to {section}', {section: section.title})}
                        onClick={() => setAdding(true)}
                    >
                        <span aria-hidden='true'>{'+'}</span>{t('checklist.addItem', 'Add item')}
                    </button>
                ))}
            </div>
        </section>
    );
}

// For an incident without any checklist yet: the first item names its section.
export function NewSectionForm({onAdd}: {onAdd: (section: string, title: string) => Promise<boolean>}): React.ReactElement {
    const t = useT();
    const [section, setSection] = React.useState(() => t('checklist.defaultSection', 'Tasks'));
    const [title, setTitle] = React.useState('');
    const [saving, setSaving] = React.useState(false);
    const mounted = useMounted();
    const submit = async (e: React.FormEvent) => {
        e.preventDefault();
        if (!section.trim() || !title.trim() || saving) {
            return;
        }
        setSaving(true);
        const ok = await onAdd(section.trim(), title.trim());
        if (!mounted.current) {
            return;
        }
        setSaving(false);
        if (ok) {
            setTitle('');
        }
    };
    return (
        <form
            className={`${CLS}-add-form`}
            onSubmit={submit}
            aria-label={t('checklist.firstItemForm', 'Add the first checklist item')}
        >
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-small ${CLS}-muted`}>{t('checklist.section', 'Section')}</span>
                <input
                    className={`${CLS}-input`}
                    type='text'
                    value={section}
                    onChange={(e) => setSection(e.target.value)}
                    disabled={saving}
                />
            </label>
            <label className={`${CLS}-field`}>
                <span className={`${CLS}-small ${CLS}-muted`}>{t('checklist.item', 'Item')}</span>
                <input
                    className={`${CLS}-input`}
                    type='text'
                    value={title}
                    placeholder={t('checklist.taskPlaceholder', 'Describe the task')}
                    onChange={(e) => setTitle(e.target.value)}
                    disabled={saving}
                />
            </label>
            <div className={`${CLS}-add-form__actions`}>
                <button
                    type='submit'
                    className={`${CLS}-button ${CLS}-button--primary ${CLS}-button--small`}
                    disabled={!section.trim() || !title.trim() || saving}
                >
                    {t('checklist.addItem', 'Add item')}
                </button>
            </div>
        </form>
    );
}
