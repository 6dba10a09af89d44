import React from 'react';

import {fill, slots, useT} from '../../i18n';
import type {Translate} from '../../i18n';
import {duration, fullDate, isoDate} from '../../time';
import type {ChecklistItem, Incident, ItemChange, TimelineEvent} from '../../types/incident';
import {CLS, UserName} from '../common';

// The words and small pieces the page's table and detail share: times, quotes, people, the
// timeline's events and an item's history in sentences, state badges.
export function LocalTime({at}: {at: number}): React.ReactElement {
    return <time dateTime={isoDate(at)}>{fullDate(at)}</time>;
}

function Quoted({text}: {text: unknown}): React.ReactElement {
    const t = useT();
    return <span className={`${CLS}-page__quote`}>{t('page.quoted', '“{text}”', {text: String(text ?? '')})}</span>;
}

export function Who({userId}: {userId: unknown}): React.ReactElement {
    const t = useT();
    return typeof userId === 'string' && userId ? <UserName
        userId={userId}
        avatar={false}
    /> : <span>{t('page.someone', 'someone')}</span>;
}

// One timeline event in words, with its actor first in English: "@alice checked “Page the on-call”".
export function TimelineWords({actor, kind}: {actor: React.ReactNode; kind: TimelineEvent['kind']}): React.ReactElement {
    const t = useT();
    const q = (text: unknown) => <Quoted text={text}/>;
    const who = (userId: unknown) => <Who userId={userId}/>;
    switch (kind.type) {
    case 'incident_started':
        return kind.playbook ? fill(t('timeline.startedFromPlaybook', '{actor} started the incident {name} from the playbook {playbook}',
            slots('actor', 'name', 'playbook')), {actor, name: q(kind.name), playbook: q(kind.playbook)}) :
            fill(t('timeline.started', '{actor} started the incident {name}', slots('actor', 'name')), {actor, name: q(kind.name)});
    case 'commander_changed':
        return fill(t('timeline.commanderChanged', '{actor} changed the commander from {from} to {to}', slots('actor', 'from', 'to')),
            {actor, from: who(kind.from), to: who(kind.to)});
    case 'item_checked':
        return kind.evidence ?
            fill(t('timeline.itemCheckedWithEvidence', '{actor} checked {title}: {evidence}', slots('actor', 'title', 'evidence')),
                {actor, title: q(kind.title), evidence: q(kind.evidence)}) :
            fill(t('timeline.itemChecked', '{actor} checked {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_unchecked':
        return fill(t('timeline.itemUnchecked', '{actor} unchecked {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_skipped':
        return fill(t('timeline.itemSkipped', '{actor} skipped {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_restored':
        return fill(t('timeline.itemRestored', '{actor} restored {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_added':
        return fill(t('timeline.itemAdded', '{actor} added {title} to {section}', slots('actor', 'title', 'section')),
            {actor, title: q(kind.title), section: q(kind.section)});
    case 'item_removed':
        return fill(t('timeline.itemRemoved', '{actor} removed {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_assigned':
        return kind.assignee ? fill(t('timeline.itemAssigned', '{actor} assigned {title} to {assignee}', slots('actor', 'title', 'assignee')),
            {actor, title: q(kind.title), assignee: who(kind.assignee)}) :
            fill(t('timeline.itemUnassigned', '{actor} unassigned {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_assignees_changed': {
        const people = (ids: unknown) => (
            <React.Fragment>
                {(Array.isArray(ids) ? ids : []).map((id, i) => (
                    <React.Fragment key={String(id)}>
                        {i > 0 && ', '}
                        {who(id)}
                    </React.Fragment>
                ))}
            </React.Fragment>
        );
        const added = Array.isArray(kind.added) && kind.added.length > 0;
        const removed = Array.isArray(kind.removed) && kind.removed.length > 0;
        if (added && !removed) {
            return fill(t('timeline.itemAssigned', '{actor} assigned {title} to {assignee}', slots('actor', 'title', 'assignee')),
                {actor, title: q(kind.title), assignee: people(kind.added)});
        }
        if (removed && !added) {
            return fill(t('timeline.itemAssigneesRemoved', '{actor} took {people} off {title}', slots('actor', 'people', 'title')),
                {actor, people: people(kind.removed), title: q(kind.title)});
        }
        return fill(t('timeline.itemAssigneesReplaced', '{actor} assigned {title} to {assignee} instead of {people}',
            slots('actor', 'title', 'assignee', 'people')), {actor, title: q(kind.title), assignee: people(kind.added), people: people(kind.removed)});
    }
    case 'item_due_changed':
        return typeof kind.due_at === 'number' ?
            fill(t('timeline.itemDue', '{actor} set {title} due {time}', {...slots('actor', 'title'), time: fullDate(kind.due_at)}),
                {actor, title: q(kind.title)}) :
            fill(t('timeline.itemDueCleared', '{actor} cleared the due time of {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'item_renamed':
        return fill(t('timeline.itemRenamed', '{actor} renamed {from} to {to}', slots('actor', 'from', 'to')),
            {actor, from: q(kind.from), to: q(kind.to)});
    case 'item_moved':
        return fill(t('timeline.itemMoved', '{actor} moved {title}', slots('actor', 'title')), {actor, title: q(kind.title)});
    case 'field_set':
        return kind.value === null || kind.value === undefined ?
            fill(t('timeline.fieldCleared', '{actor} cleared {name}', slots('actor', 'name')), {actor, name: q(kind.name)}) :
            fill(t('timeline.fieldSet', '{actor} set {name} to {value}', slots('actor', 'name', 'value')),
                {actor, name: q(kind.name), value: kind.kind === 'user' ? who(kind.value) : q(kind.value)});
    case 'incident_paused':
        return fill(t('timeline.paused', '{actor} paused the incident: {reason}', slots('actor', 'reason')), {actor, reason: q(kind.reason)});
    case 'incident_resumed':
        return fill(t('timeline.resumed', '{actor} resumed the incident after {paused}', {...slots('actor'), paused: duration(Number(kind.paused_ms) || 0, t)}),
            {actor});
    case 'incident_ended':
        return fill(t('timeline.ended', '{actor} ended the incident', slots('actor')), {actor});
    case 'post_added': {
        const parts = {actor, author: who(kind.author_id), excerpt: q(kind.excerpt)};
        return kind.note ? fill(t('timeline.postAddedWithNote', '{actor} added a message by {author} to the timeline: {excerpt} — {note}',
            slots('actor', 'author', 'excerpt', 'note')), {...parts, note: <span className={`${CLS}-page__note`}>{String(kind.note)}</span>}) :
            fill(t('timeline.postAdded', '{actor} added a message by {author} to the timeline: {excerpt}', slots('actor', 'author', 'excerpt')), parts);
    }
    case 'note_added': {
        const label = {key_event: t('timeline.kindKeyEvent', 'key event'), decision: t('timeline.kindDecision', 'decision'),
            hypothesis: t('timeline.kindHypothesis', 'hypothesis')}[String(kind.category)] ?? t('timeline.kindNote', 'note');
        return fill(t('timeline.noteAdded', '{actor} added a {kind}: {text}', {...slots('actor', 'text'), kind: label}), {actor, text: q(kind.text)});
    }
    case 'note_edited':
        return fill(t('timeline.noteEdited', '{actor} edited a note to {text}', slots('actor', 'text')), {actor, text: q(kind.to)});
    case 'impact_started':
        return fill(t('timeline.impactStarted', '{actor} recorded the start of customer impact at {time}', slots('actor', 'time')),
            {actor, time: <LocalTime at={Number(kind.at)}/>});
    case 'impact_ended':
        return fill(t('timeline.impactEnded', '{actor} recorded the end of customer impact at {time}', slots('actor', 'time')),
            {actor, time: <LocalTime at={Number(kind.at)}/>});
    case 'severity_changed':
        return fill(t('timeline.severityChanged', '{actor} changed the severity from {from} to {to}', slots('actor', 'from', 'to')),
            {actor, from: q(kind.from || '—'), to: q(kind.to)});
    case 'status_changed':
        return fill(t('timeline.statusChanged', '{actor} changed the status from {from} to {to}', slots('actor', 'from', 'to')),
            {actor, from: q(kind.from || '—'), to: q(kind.to)});
    case 'role_assigned':
        if (kind.to) {
            return fill(t('timeline.roleAssigned', '{actor} made {user} the {role}', slots('actor', 'user', 'role')),
                {actor, user: who(kind.to), role: q(kind.role)});
        }
        return fill(t('timeline.roleCleared', '{actor} left the {role} role empty', slots('actor', 'role')), {actor, role: q(kind.role)});
    case 'update_posted':
        return fill(t('timeline.updatePosted', '{actor} posted a status update ({status})', slots('actor', 'status')), {actor, status: q(kind.status)});
    case 'incident_reopened':
        return fill(t('timeline.reopened', '{actor} reopened the incident', slots('actor')), {actor});
    case 'reminders_snoozed':
        return fill(t('timeline.remindersSnoozed', '{actor} snoozed update reminders', slots('actor')), {actor});
    case 'update_escalated':
        return fill(t('timeline.updateEscalated', '{actor} escalated a missing status update to the commander and stakeholders', slots('actor')), {actor});
    case 'reminders_set':
        return kind.on ? fill(t('timeline.remindersOn', '{actor} turned update reminders back on', slots('actor')), {actor}) :
            fill(t('timeline.remindersOff', '{actor} stopped update reminders', slots('actor')), {actor});
    case 'paged':
        return fill(t('timeline.paged', '{actor} paged the on-call of {service}', slots('actor', 'service')), {actor, service: q(kind.service)});
    case 'page_resolved':
        return fill(t('timeline.pageResolved', '{actor} resolved the page of {service}', slots('actor', 'service')), {actor, service: q(kind.service)});
    case 'status_page_mirrored':
        return fill(t('timeline.statusPage', '{actor} updated the public status page ({status})', slots('actor', 'status')), {actor, status: q(kind.status)});
    case 'paging_failed':
        return fill(t('timeline.pagingFailed', '{actor}: a page or status page update failed: {reason}', slots('actor', 'reason')), {actor, reason: q(kind.reason)});
    default:
        return fill(t('timeline.other', '{actor} made a change ({type})', {...slots('actor'), type: kind.type.replace(/_/g, ' ')}), {actor});
    }
}

// One change in an item's history, with its actor first in English: "@alice checked it".
function HistoryWords({actor, change}: {actor: React.ReactNode; change: ItemChange['change']}): React.ReactElement {
    const t = useT();
    switch (change.type) {
    case 'checked':
        return fill(t('history.checked', '{actor} checked it', slots('actor')), {actor});
    case 'unchecked':
        return fill(t('history.unchecked', '{actor} unchecked it', slots('actor')), {actor});
    case 'skipped':
        return fill(t('history.skipped', '{actor} skipped it', slots('actor')), {actor});
    case 'restored':
        return fill(t('history.restored', '{actor} restored it', slots('actor')), {actor});
    case 'assigned':
        return change.to ? fill(t('history.assigned', '{actor} assigned it to {user}', slots('actor', 'user')), {actor, user: <Who userId={change.to}/>}) :
            fill(t('history.unassigned', '{actor} unassigned it', slots('actor')), {actor});
    case 'renamed':
        return fill(t('history.renamed', '{actor} renamed it from {from} to {to}', slots('actor', 'from', 'to')),
            {actor, from: <Quoted text={change.from}/>, to: <Quoted text={change.to}/>});
    case 'moved':
        return fill(t('history.moved', '{actor} moved it', slots('actor')), {actor});
    default:
        return fill(t('history.other', '{actor} changed it ({type})', {...slots('actor'), type: change.type.replace(/_/g, ' ')}), {actor});
    }
}

function itemStateWord(state: string, t: Translate): string {
    switch (state) {
    case 'open':
        return t('itemState.open', 'Open');
    case 'done':
        return t('itemState.done', 'Done');
    case 'skipped':
        return t('itemState.skipped', 'Skipped');
    default:
        return state;
    }
}

export function ItemWithHistory({item}: {item: ChecklistItem}): React.ReactElement {
    const t = useT();
    return (
        <li className={`${CLS}-page__item`}>
            <div className={`${CLS}-page__item-top`}>
                <span className={`${CLS}-page__item-state ${CLS}-page__item-state--${item.state}`}>{itemStateWord(item.state, t)}</span>
                <span className={`${CLS}-page__item-title`}>{item.title}</span>
                {(item.assignee_ids ?? []).map((a) => (
                    <span
                        key={a}
                        className={`${CLS}-small ${CLS}-muted`}
                    >{fill(t('page.itemAssignee', 'Assignee {user}', slots('user')), {
                            user: (
                                <UserName
                                    userId={a}
                                    avatar={false}
                                />
                            ),
                        })}</span>
                ))}
            </div>
            {item.history.length > 0 ? (
                <ol
                    className={`${CLS}-page__history`}
                    aria-label={t('page.itemHistory', 'History of {title}', {title: item.title})}
                >
                    {item.history.map((h, i) => (
                        <li
                            key={i}
                            className={`${CLS}-small`}
                        >
                            <HistoryWords
                                actor={<Who userId={h.actor_id}/>}
                                change={h.change}
                            />
                            <span className={`${CLS}-muted`}>{' · '}<LocalTime at={h.at}/></span>
                        </li>
                    ))}
                </ol>
            ) : (
                <p className={`${CLS}-page__history ${CLS}-small ${CLS}-muted`}>{t('page.noChanges', 'No changes yet.')}</p>
            )}
        </li>
    );
}

export function StateBadge({state}: {state: Incident['state']}): React.ReactElement {
    const t = useT();
    return <span className={`${CLS}-badge ${CLS}-badge--${state}`}>{state === 'active' ? t('incidentState.active', 'Active') : t('incidentState.ended', 'Ended')}</span>;
}
