import React from 'react';

import {createPlaybook, updatePlaybook} from '../client';
import type {PlaybookDraft} from '../client';
import {useT} from '../i18n';
import type {Playbook, PlaybookItem, PlaybookSection} from '../types/incident';

import {ChannelName, ChannelSearch} from './channel_search';
import {CLS, ErrorBanner, UserName, errorMessage, useMounted} from './common';
import {ConditionInputs} from './item_condition';
import {PlaybookFieldsEditor} from './playbook_fields';
import {UserPicker} from './user_picker';

interface Props {
    teamId: string;
    // null: a new playbook.
    playbook: Playbook | null;
    onDone: (saved: Playbook | null) => void;
}

// A new playbook's retrospective outline: the root cause first (incident-core's suggestion).
const SUGGESTED_RETROSPECTIVE = '### Root cause\n\n### Contributing factors\n\n### What went well\n\n### What to improve';

const blankItem = (): PlaybookItem => ({title: '', description: '', default_assignee_id: null, command: null, due_after_minutes: null});

function toDraft(teamId: string, p: Playbook | null): PlaybookDraft {
    if (!p) {
        return {team_id: teamId, title: '', description: '', checklists: [{title: 'Tasks', items: [blankItem()]}],
            channel_name_template: '', private_channel: false, default_commander_id: null, announcement_channel_ids: [],
            member_ids: [], editor_ids: [], keywords: [], fields: [], retrospective_template: SUGGESTED_RETROSPECTIVE};
    }
    // Members and editors are kept as they are: this form does not edit them.
    const {id: _id, created_at: _c, updated_at: _u, ...rest} = p;
    return {...rest, checklists: p.checklists.map((s) => ({...s, items: s.items.map((i) => ({...i}))}))};
}

function moved<T>(list: T[], from: number, delta: number): T[] {
    const to = from + delta;
    if (to < 0 || to >= list.length) {
        return list;
    }
    const out = list.slice();
    const [x] = out.splice(from, 1);
    out.splice(to, 0, x);
    return out;
}

// Which user picker is open: the default commander's, a person to add, or one item's default
// assignee.
type Picking = {kind: 'commander'} | {kind: 'invite'} | {kind: 'assignee'; section: number; item: number} | null;

export function PlaybookEditor({teamId, playbook, onDone}: Props): React.ReactElement {
    const t = useT();
    const mounted = useMounted();
    const [draft, setDraft] = React.useState<PlaybookDraft>(() => toDraft(teamId, playbook));
    const [picking, setPicking] = React.useState<Picking>(null);
    const [keywords, setKeywords] = React.useState(() => (playbook?.keywords ?? []).join(', '));
    const [groups, setGroups] = React.useState(() => (playbook?.invited_groups ?? []).join(', '));
    const invited = draft.invited_user_ids ?? [];
    const [saving, setSaving] = React.useState(false);
    const [error, setError] = React.useState('');
    const headingRef = React.useRef<HTMLHeadingElement>(null);
    const titleRef = React.useRef<HTMLInputElement>(null);

    React.useEffect(() => {
        headingRef.current?.focus();
    }, []);

    const set = (patch: Partial<PlaybookDraft>) => setDraft((d) => ({...d, ...patch}));
    const setSections = (f: (s: PlaybookSection[]) => PlaybookSection[]) => setDraft((d) => ({...d, checklists: f(d.checklists)}));
    const setSection = (s: number, patch: Partial<PlaybookSection>) =>
        setSections((all) => all.map((x, i) => (i === s ? {...x, ...patch} : x)));
    const setItems = (s: number, f: (items: PlaybookItem[]) => PlaybookItem[]) =>
        setSections((all) => all.map((x, i) => (i === s ? {...x, items: f(x.items)} : x)));
    const setItem = (s: number, n: number, patch: Partial<PlaybookItem>) =>
        setItems(s, (items) => items.map((x, i) => (i === n ? {...x, ...patch} : x)));

    const save = async (e: React.FormEvent) => {
        e.preventDefault();
        if (saving) {
            return;
        }
        if (!draft.title.trim()) {
            setError(t('editor.needTitle', 'Give the playbook a title.'));
            titleRef.current?.focus();
            return;
        }
        setSaving(true);
        setError('');
        const body: PlaybookDraft = {
            ...draft,
            keywords: keywords.split(',').map((k) => k.trim()).filter(Boolean),
            invited_groups: groups.split(',').map((g) => g.trim()).filter(Boolean),
            checklists: draft.checklists.map((s) => ({
                ...s,
                items: s.items.map((i) => ({
                    ...i,
                    command: i.command?.trim() ? i.command.trim() : null,
                    run_at_start: Boolean(i.run_at_start && i.command?.trim()),
                })),
            })),
        };
        try {
            const saved = playbook ? await updatePlaybook(playbook.id, body) : await createPlaybook(body);
            if (mounted.current) {
                onDone(saved);
            }
        } catch (err) {
            if (mounted.current) {
                setError(errorMessage(err));
                setSaving(false);
            }
        }
    };

    const id = `${CLS}-editor`;
    const picker = (label: string, onPick: (userId: string) => void) => (
        <UserPicker
            teamId={teamId}
            label={label}
            onPick={(u) => {
                onPick(u.id);
                setPicking(null);
            }}
            onCancel={() => setPicking(null)}
        />
    );
    return (
        <form
            className={`${CLS}-editor`}
            onSubmit={save}
            noValidate={true}
            aria-labelledby={`${id}-heading`}
        >
            <header className={`${CLS}-page__header`}>
                <h1
                    id={`${id}-heading`}
                    ref={headingRef}
                    tabIndex={-1}
                    className={`${CLS}-page__title ${CLS}-page__detail-title`}
                >
                    {playbook ? t('editor.editTitle', 'Edit playbook') : t('editor.newTitle', 'New playbook')}
                </h1>
            </header>

            <div className={`${CLS}-editor__group`}>
                <label className={`${CLS}-field`}>
                    <span className={`${CLS}-label`}>{t('editor.title', 'Title')}<span aria-hidden='true'>{' *'}</span></span>
                    <input
                        ref={titleRef}
                        className={`${CLS}-input`}
                        value={draft.title}
                        aria-required='true'
                        onChange={(e) => set({title: e.target.value})}
                    />
                </label>
                <label className={`${CLS}-field`}>
                    <span className={`${CLS}-label`}>{t('editor.description', 'Description')}</span>
                    <textarea
                        className={`${CLS}-input ${CLS}-textarea`}
                        rows={3}
                        value={draft.description}
                        onChange={(e) => set({description: e.target.value})}
                    />
                </label>
                <label className={`${CLS}-field`}>
                    <span className={`${CLS}-label`}>{t('editor.keywords', 'Keywords')}</span>
                    <input
                        className={`${CLS}-input`}
                        value={keywords}
                        placeholder={t('editor.keywordsPlaceholder', 'outage, site down')}
                        aria-describedby={`${id}-keywords-hint`}
                        onChange={(e) => setKeywords(e.target.value)}
                    />
                    <span
                        id={`${id}-keywords-hint`}
                        className={`${CLS}-small ${CLS}-muted`}
                    >
                        {t('editor.keywordsHint', 'Comma-separated; each a word of at least 4 letters, or several words. A message with one of them offers its poster to start an incident with this playbook.')}
                    </span>
                </label>
                <label className={`${CLS}-field`}>
                    <span className={`${CLS}-label`}>{t('editor.welcome', 'Welcome message')}</span>
                    <textarea
                        className={`${CLS}-input ${CLS}-textarea`}
                        rows={2}
                        value={draft.welcome_message ?? ''}
                        placeholder={t('editor.welcomeHint', 'Shown only to each person who joins the incident channel')}
                        onChange={(e) => set({welcome_message: e.target.value})}
                    />
                </label>
                <label className={`${CLS}-field`}>
                    <span className={`${CLS}-label`}>{t('editor.retrospective', 'Retrospective outline')}</span>
                    <textarea
                        className={`${CLS}-input ${CLS}-textarea`}
                        rows={4}
                        value={draft.retrospective_template ?? ''}
                        aria-describedby={`${id}-retro-hint`}
                        onChange={(e) => set({retrospective_template: e.target.value})}
                    />
                    <span
                        id={`${id}-retro-hint`}
                        className={`${CLS}-small ${CLS}-muted`}
                    >
                        {t('editor.retrospectiveHint', 'Ends the report draft; until the report is written, the commander is reminded daily for two weeks after the end. Empty: neither.')}
                    </span>
                </label>
                <label className={`${CLS}-field`}>
                    <span className={`${CLS}-label`}>{t('editor.updateTemplate', 'Status update template')}</span>
                    <textarea
                        className={`${CLS}-input ${CLS}-textarea`}
                        rows={3}
                        value={draft.update_template ?? ''}
                        placeholder={t('editor.updateTemplateHint', 'What each status update starts from, e.g. Impact: / Cause: / Next:')}
                        onChange={(e) => set({update_template: e.target.value})}
                    />
                </label>
            </div>

            <fieldset className={`${CLS}-editor__group`}>
                <legend className={`${CLS}-page__h3`}>{t('editor.channel', 'Incident channel')}</legend>
                <label className={`${CLS}-field`}>
                    <span className={`${CLS}-label`}>{t('editor.template', 'Channel name template')}</span>
                    <input
                        className={`${CLS}-input`}
                        value={draft.channel_name_template}
                        placeholder='inc-{number}-{name}'
                        aria-describedby={`${id}-template-hint`}
                        onChange={(e) => set({channel_name_template: e.target.value})}
                    />
                    <span
                        id={`${id}-template-hint`}
                        className={`${CLS}-small ${CLS}-muted`}
                    >
                        {t('editor.templateHint', '{number} becomes the incident number, {name} its name. Empty: {default}.',
                            {number: '{number}', name: '{name}', default: 'inc-{number}-{name}'})}
                    </span>
                </label>
                <label className={`${CLS}-check-field`}>
                    <input
                        type='checkbox'
                        className={`${CLS}-checkbox`}
                        checked={draft.private_channel}
                        onChange={(e) => set({private_channel: e.target.checked})}
                    />
                    <span>{t('editor.private', 'Private channel')}</span>
                </label>
                <label className={`${CLS}-field`}>
                    <span className={`${CLS}-label`}>{t('editor.sidebar', 'Sidebar category')}</span>
                    <input
                        className={`${CLS}-input`}
                        value={draft.sidebar_category ?? ''}
                        maxLength={22}
                        aria-describedby={`${id}-sidebar-hint`}
                        onChange={(e) => set({sidebar_category: e.target.value})}
                    />
                    <span
                        id={`${id}-sidebar-hint`}
                        className={`${CLS}-small ${CLS}-muted`}
                    >
                        {t('editor.sidebarHint', 'Where the channel goes in the sidebar of everyone added at the start; made if missing.')}
                    </span>
                </label>
                <div
                    className={`${CLS}-field`}
                    role='group'
                    aria-labelledby={`${id}-commander`}
                >
                    <span
                        id={`${id}-commander`}
                        className={`${CLS}-label`}
                    >
                        {t('editor.commander', 'Default commander')}
                    </span>
                    {picking?.kind === 'commander' ? picker(t('editor.commanderPick', 'Default commander'), (userId) => set({default_commander_id: userId})) : (
                        <div className={`${CLS}-editor__person`}>
                            {draft.default_commander_id ? <UserName userId={draft.default_commander_id}/> :
                                <span className={`${CLS}-muted`}>{t('editor.commanderNone', 'Whoever starts the incident')}</span>}
                            <button
                                type='button'
                                className={`${CLS}-link-button`}
                                onClick={() => setPicking({kind: 'commander'})}
                            >
                                {draft.default_commander_id ? t('editor.change', 'Change') : t('editor.choose', 'Choose')}
                            </button>
                            {draft.default_commander_id && (
                                <button
                                    type='button'
                                    className={`${CLS}-link-button`}
                                    onClick={() => set({default_commander_id: null})}
                                >
                                    {t('editor.clear', 'Clear')}
                                </button>
                            )}
                        </div>
                    )}
                </div>
                <div
                    className={`${CLS}-field`}
                    role='group'
                    aria-labelledby={`${id}-announce`}
                >
                    <span
                        id={`${id}-announce`}
                        className={`${CLS}-label`}
                    >
                        {t('editor.announce', 'Announce new incidents in')}
                    </span>
                    {draft.announcement_channel_ids.length > 0 && (
                        <ul className={`${CLS}-editor__chips`}>
                            {draft.announcement_channel_ids.map((channelId) => (
                                <li
                                    key={channelId}
                                    className={`${CLS}-editor__chip`}
                                >
                                    <ChannelName channelId={channelId}/>
                                    <button
                                        type='button'
                                        className={`${CLS}-icon-button ${CLS}-icon-button--on`}
                                        aria-label={t('editor.removeChannel', 'Remove this announcement channel')}
                                        onClick={() => set({announcement_channel_ids: draft.announcement_channel_ids.filter((c) => c !== channelId)})}
                                    >
                                        <span aria-hidden='true'>{'\u00d7'}</span>
                                    </button>
                                </li>
                            ))}
                        </ul>
                    )}
                    <ChannelSearch
                        teamId={teamId}
                        excludeIds={draft.announcement_channel_ids}
                        onPick={(c) => set({announcement_channel_ids: [...draft.announcement_channel_ids, c.id]})}
                    />
                </div>
                <div
                    className={`${CLS}-field`}
                    role='group'
                    aria-labelledby={`${id}-invite`}
                >
                    <span
                        id={`${id}-invite`}
                        className={`${CLS}-label`}
                    >
                        {t('editor.invite', 'Add to the incident channel')}
                    </span>
                    {invited.length > 0 && (
                        <ul className={`${CLS}-editor__chips`}>
                            {invited.map((userId) => (
                                <li
                                    key={userId}
                                    className={`${CLS}-editor__chip`}
                                >
                                    <UserName userId={userId}/>
                                    <button
                                        type='button'
                                        className={`${CLS}-icon-button ${CLS}-icon-button--on`}
                                        aria-label={t('editor.removeInvited', 'Remove this person')}
                                        onClick={() => set({invited_user_ids: invited.filter((u) => u !== userId)})}
                                    >
                                        <span aria-hidden='true'>{'\u00d7'}</span>
                                    </button>
                                </li>
                            ))}
                        </ul>
                    )}
                    {picking?.kind === 'invite' ? picker(t('editor.invitePick', 'Person to add'), (userId) => set({invited_user_ids: [...invited.filter((u) => u !== userId), userId]})) : (
                        <button
                            type='button'
                            className={`${CLS}-link-button`}
                            onClick={() => setPicking({kind: 'invite'})}
                        >
                            {t('editor.invitePerson', 'Add a person')}
                        </button>
                    )}
                    <input
                        className={`${CLS}-input`}
                        value={groups}
                        aria-label={t('editor.inviteGroups', 'User groups to add')}
                        placeholder={t('editor.inviteGroupsPlaceholder', 'User groups: sre, dba')}
                        onChange={(e) => setGroups(e.target.value)}
                    />
                </div>
            </fieldset>

            <PlaybookFieldsEditor
                fields={draft.fields ?? []}
                onChange={(fields) => set({fields})}
            />
            <fieldset className={`${CLS}-editor__group`}>
                <legend className={`${CLS}-page__h3`}>{t('editor.checklist', 'Checklist')}</legend>
                {draft.checklists.map((section, s) => {
                    const sectionName = section.title.trim() || t('editor.sectionN', 'Section {n}', {n: s + 1});
                    return (
                        <section
                            key={s}
                            className={`${CLS}-editor__section`}
                            aria-label={sectionName}
                        >
                            <div className={`${CLS}-editor__row`}>
                                <label className={`${CLS}-field ${CLS}-editor__grow`}>
                                    <span className={`${CLS}-label`}>{t('editor.sectionTitle', 'Section {n} title', {n: s + 1})}</span>
                                    <input
                                        className={`${CLS}-input`}
                                        value={section.title}
                                        onChange={(e) => setSection(s, {title: e.target.value})}
                                    />
                                </label>
                                <MoveButtons
                                    what={sectionName}
                                    first={s === 0}
                                    last={s === draft.checklists.length - 1}
                                    onMove={(delta) => setSections((all) => moved(all, s, delta))}
                                    onRemove={() => setSections((all) => all.filter((_, i) => i !== s))}
                                />
                            </div>
                            <ol className={`${CLS}-editor__items`}>
                                {section.items.map((item, n) => {
                                    const itemName = item.title.trim() || t('editor.itemN', 'Item {n}', {n: n + 1});
                                    return (
                                        <li
                                            key={n}
                                            className={`${CLS}-editor__item`}
                                        >
                                            <div className={`${CLS}-editor__row`}>
                                                <label className={`${CLS}-field ${CLS}-editor__grow`}>
                                                    <span className={`${CLS}-label`}>{t('editor.itemTitle', '{section}: item {n}', {section: sectionName, n: n + 1})}</span>
                                                    <input
                                                        className={`${CLS}-input`}
                                                        value={item.title}
                                                        onChange={(e) => setItem(s, n, {title: e.target.value})}
                                                    />
                                                </label>
                                                <MoveButtons
                                                    what={itemName}
                                                    first={n === 0}
                                                    last={n === section.items.length - 1}
                                                    onMove={(delta) => setItems(s, (items) => moved(items, n, delta))}
                                                    onRemove={() => setItems(s, (items) => items.filter((_, i) => i !== n))}
                                                />
                                            </div>
                                            <label className={`${CLS}-field ${CLS}-editor__description`}>
                                                <span className={`${CLS}-small ${CLS}-muted`}>{t('editor.itemDescription', 'Instructions (optional, Markdown)')}</span>
                                                <textarea
                                                    className={`${CLS}-input ${CLS}-textarea ${CLS}-input--small`}
                                                    rows={2}
                                                    value={item.description ?? ''}
                                                    aria-label={t('editor.descriptionFor', 'Instructions for {item}', {item: itemName})}
                                                    onChange={(e) => setItem(s, n, {description: e.target.value})}
                                                />
                                            </label>
                                            <div className={`${CLS}-editor__item-extra`}>
                                                <label className={`${CLS}-field ${CLS}-editor__grow`}>
                                                    <span className={`${CLS}-small ${CLS}-muted`}>{t('editor.command', 'Slash command (optional)')}</span>
                                                    <input
                                                        className={`${CLS}-input ${CLS}-input--small`}
                                                        value={item.command ?? ''}
                                                        placeholder='/status'
                                                        aria-label={t('editor.commandFor', 'Slash command for {item}', {item: itemName})}
                                                        onChange={(e) => setItem(s, n, {command: e.target.value})}
                                                    />
                                                </label>
                                                <label className={`${CLS}-field ${CLS}-editor__due`}>
                                                    <span className={`${CLS}-small ${CLS}-muted`}>{t('editor.dueAfter', 'Due after (minutes, optional)')}</span>
                                                    <input
                                                        className={`${CLS}-input ${CLS}-input--small`}
                                                        type='number'
                                                        min={1}
                                                        max={43200}
                                                        value={item.due_after_minutes ?? ''}
                                                        aria-label={t('editor.dueAfterFor', 'Minutes after the start {item} is due', {item: itemName})}
                                                        onChange={(e) => setItem(s, n, {due_after_minutes: e.target.value === '' ? null : Number(e.target.value)})}
                                                    />
                                                </label>
                                                <ConditionInputs
                                                    condition={item.condition ?? null}
                                                    fields={(draft.fields ?? []).map((f) => f.name).filter(Boolean)}
                                                    itemName={itemName}
                                                    onChange={(condition) => setItem(s, n, {condition})}
                                                />
                                                <label className={`${CLS}-check-field ${CLS}-small`}>
                                                    <input
                                                        type='checkbox'
                                                        checked={Boolean(item.run_at_start)}
                                                        disabled={!item.command?.trim()}
                                                        onChange={(e) => setItem(s, n, {run_at_start: e.target.checked})}
                                                    />
                                                    {t('editor.runAtStart', 'Run the command when the incident starts')}
                                                </label>
                                                <div className={`${CLS}-editor__person`}>
                                                    {picking?.kind === 'assignee' && picking.section === s && picking.item === n ?
                                                        picker(t('editor.assigneeFor', 'Default assignee for {item}', {item: itemName}),
                                                            (userId) => setItem(s, n, {default_assignee_id: userId})) : (
                                                            <>
                                                                {item.default_assignee_id ? <UserName userId={item.default_assignee_id}/> : null}
                                                                <button
                                                                    type='button'
                                                                    className={`${CLS}-link-button`}
                                                                    aria-label={t('editor.assignLabel', 'Default assignee for {item}', {item: itemName})}
                                                                    onClick={() => setPicking({kind: 'assignee', section: s, item: n})}
                                                                >
                                                                    {item.default_assignee_id ? t('editor.change', 'Change') : t('editor.assign', 'Assign by default')}
                                                                </button>
                                                                {item.default_assignee_id && (
                                                                    <button
                                                                        type='button'
                                                                        className={`${CLS}-link-button`}
                                                                        aria-label={t('editor.unassignLabel', 'No default assignee for {item}', {item: itemName})}
                                                                        onClick={() => setItem(s, n, {default_assignee_id: null})}
                                                                    >
                                                                        {t('editor.clear', 'Clear')}
                                                                    </button>
                                                                )}
                                                            </>
                                                        )}
                                                </div>
                                            </div>
                                        </li>
                                    );
                                })}
                            </ol>
                            <button
                                type='button'
                                className={`${CLS}-link-button`}
                                onClick={() => setItems(s, (items) => [...items, blankItem()])}
                            >
                                {t('editor.addItem', '+ Add an item to {section}', {section: sectionName})}
                            </button>
                        </section>
                    );
                })}
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                    onClick={() => setSections((all) => [...all, {title: '', items: [blankItem()]}])}
                >
                    {t('editor.addSection', 'Add a section')}
                </button>
            </fieldset>

            {error && <ErrorBanner message={error}/>}
            <div className={`${CLS}-editor__footer`}>
                <button
                    type='button'
                    className={`${CLS}-button ${CLS}-button--tertiary`}
                    onClick={() => onDone(null)}
                    disabled={saving}
                >
                    {t('common.cancel', 'Cancel')}
                </button>
                <button
                    type='submit'
                    className={`${CLS}-button ${CLS}-button--primary`}
                    disabled={saving}
                >
                    {saving ? t('editor.saving', 'Saving…') : t('editor.save', 'Save playbook')}
                </button>
            </div>
        </form>
    );
}

function MoveButtons({what, first, last, onMove, onRemove}: {
    what: string;
    first: boolean;
    last: boolean;
    onMove: (delta: number) => void;
    onRemove: () => void;
}): React.ReactElement {
    const t = useT();
    return (
        <div className={`${CLS}-editor__moves`}>
            <button
                type='button'
                className={`${CLS}-icon-button ${CLS}-icon-button--on`}
                aria-label={t('editor.moveUp', 'Move {what} up', {what})}
                disabled={first}
                onClick={() => onMove(-1)}
            >
                <span aria-hidden='true'>{'\u2191'}</span>
            </button>
            <button
                type='button'
                className={`${CLS}-icon-button ${CLS}-icon-button--on`}
                aria-label={t('editor.moveDown', 'Move {what} down', {what})}
                disabled={last}
                onClick={() => onMove(1)}
            >
                <span aria-hidden='true'>{'\u2193'}</span>
            </button>
            <button
                type='button'
                className={`${CLS}-icon-button ${CLS}-icon-button--on`}
                aria-label={t('editor.remove', 'Remove {what}', {what})}
                onClick={onRemove}
            >
                <span aria-hidden='true'>{'\u00d7'}</span>
            </button>
        </div>
    );
}
