import React from 'react';

import {getSimilar} from '../client';
import type {SimilarIncident} from '../client';
import {useT} from '../i18n';
import {duration} from '../time';

import {CLS} from './common';

// Past incidents like this one (the plugin's full-text search), with how they ended and their
// follow-up actions still open. Nothing is shown while loading, on failure, or when none is
// similar: it is a hint, not a part of the incident.
export function SimilarIncidents({incidentId}: {incidentId: string}): React.ReactElement | null {
    const t = useT();
    const [items, setItems] = React.useState<SimilarIncident[]>([]);
    React.useEffect(() => {
        const controller = new AbortController();
        setItems([]);
        getSimilar(incidentId, controller.signal).then((res) => setItems(res.items || []), () => undefined);
        return () => controller.abort();
    }, [incidentId]);
    if (!items.length) {
        return null;
    }
    const heading = t('similar.heading', 'Similar incidents');
    return (
        <section aria-label={heading}>
            <h2 className={`${CLS}-subheading`}>{heading}</h2>
            <ul className={`${CLS}-pad ${CLS}-small`}>
                {items.map((s) => (
                    <li key={s.id}>
                        <strong>{s.reference}</strong>{' '}{s.name}{': '}
                        {s.time_to_resolve_ms === null ? t('similar.active', 'still active') : t('similar.resolved', 'resolved in {duration}', {duration: duration(s.time_to_resolve_ms, t)})}
                        {s.open_actions > 0 && `; ${t('similar.openActions', '{count, plural, one {# follow-up action still open} other {# follow-up actions still open}}', {count: s.open_actions})}`}
                        {s.report_url && `; ${t('similar.report', 'report written')}`}
                    </li>
                ))}
            </ul>
        </section>
    );
}
