import React from 'react';

import {getTasks} from '../client';
import type {IncidentEvents} from '../events';
import {useFetched} from '../hooks/use_fetched';
import {useT} from '../i18n';
import {fullDate} from '../time';
import type {Task} from '../types/incident';

import {CLS, errorMessage} from './common';

// The viewer's open checklist items across the team's active incidents (GET /tasks), overdue
// first; each opens its incident. Shown above the RHS list when there is any.
export function MyTasks({teamId, events, onOpen}: {
    teamId: string;
    events: IncidentEvents;
    onOpen: (incidentId: string) => void;
}): React.ReactElement | null {
    const t = useT();
    const tasks = useFetched((signal) => (teamId ? getTasks(teamId, signal) : undefined), [teamId]);
    const {reload} = tasks;
    React.useEffect(() => events.subscribe(() => reload()), [events, reload]);
    if (tasks.error) {
        return (
            <p
                className={`${CLS}-muted ${CLS}-small ${CLS}-tasks__error`}
                role='status'
            >
                {t('tasks.error', 'Your tasks could not be loaded: {error}', {error: errorMessage(tasks.error, t)})}
            </p>
        );
    }
    const items = tasks.data?.items ?? [];
    if (items.length === 0) {
        return null;
    }
    const headingId = `${CLS}-tasks-heading`;
    return (
        <section
            className={`${CLS}-tasks`}
            aria-labelledby={headingId}
        >
            <h3
                id={headingId}
                className={`${CLS}-heading ${CLS}-tasks__heading`}
            >
                {t('tasks.heading', 'Your tasks ({count})', {count: items.length})}
            </h3>
            <ul className={`${CLS}-tasks__list`}>
                {items.map((task: Task) => (
                    <li
                        key={`${task.incident_id}-${task.item_id}`}
                        className={`${CLS}-tasks__item`}
                    >
                        <button
                            type='button'
                            className={`${CLS}-tasks__open`}
                            onClick={() => onOpen(task.incident_id)}
                        >
                            <span className={`${CLS}-tasks__title`}>{task.title}</span>
                            {' '}
                            <span className={`${CLS}-small ${CLS}-muted`}>
                                {t('tasks.where', '{reference} {name}, item {number}',
                                    {reference: task.reference, name: task.incident_name, number: task.number})}
                            </span>
                            {' '}
                            {task.overdue && <span className={`${CLS}-tag ${CLS}-tag--danger`}>{t('checklist.overdue', 'Overdue')}</span>}
                            {task.due_at !== null && !task.overdue && (
                                <span className={`${CLS}-small ${CLS}-muted`}>
                                    {t('checklist.dueAt', 'Due {time}', {time: fullDate(task.due_at)})}
                                </span>
                            )}
                        </button>
                    </li>
                ))}
            </ul>
        </section>
    );
}
