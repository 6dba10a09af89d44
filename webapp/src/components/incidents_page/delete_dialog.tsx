import React from 'react';

import {deleteIncident} from '../../client';
import {useT} from '../../i18n';
import type {Incident} from '../../types/incident';
import {CLS, errorMessage, useMounted} from '../common';
import {ModalForm} from '../modal';

// Deleting an incident (team and system admins; the server decides and GET says so with
// may_delete): a confirmation that names what goes and what stays, with the choice to archive
// the channel too.
export function DeleteIncidentDialog({incident, onClose, onDeleted}: {
    incident: Incident;
    onClose: () => void;
    onDeleted: () => void;
}): React.ReactElement {
    const t = useT();
    const mounted = useMounted();
    const [archive, setArchive] = React.useState(false);
    const [busy, setBusy] = React.useState(false);
    const [error, setError] = React.useState('');
    const submit = async () => {
        setBusy(true);
        setError('');
        try {
            await deleteIncident(incident.id, archive);
            if (mounted.current) {
                onDeleted();
            }
        } catch (e) {
            if (mounted.current) {
                setError(errorMessage(e, t));
                setBusy(false);
            }
        }
    };
    return (
        <ModalForm
            id={`${CLS}-delete`}
            title={t('delete.title', 'Delete {reference}?', {reference: incident.reference})}
            busy={busy}
            error={error}
            submitLabel={t('delete.submit', 'Delete incident')}
            busyLabel={t('delete.busy', 'Deleting…')}
            onClose={onClose}
            onSubmit={submit}
        >
            <p>{t('delete.what', 'The record of {name} goes for good: its checklist, timeline, report and follow-up actions. Its number is not given again.', {name: incident.name})}</p>
            {incident.existing_channel ? <p>{t('delete.keepChannel', 'It runs in a channel it did not create: the channel stays.')}</p> : (
                <label className={`${CLS}-check-field`}>
                    <input
                        type='checkbox'
                        checked={archive}
                        onChange={(e) => setArchive(e.target.checked)}
                    />
                    {t('delete.archive', 'Also archive its channel (its messages stay readable)')}
                </label>
            )}
        </ModalForm>
    );
}
