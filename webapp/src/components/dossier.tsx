import React from 'react';

import {dossierURL, importDossier} from '../client';
import {useT} from '../i18n';
import type {Incident} from '../types/incident';

import {CLS, ErrorBanner, PageNotice, useAction} from './common';

// The incident dossier (a ZIP of Markdown and dossier.json), downloaded as the browser does.
export function DossierLink({incident}: {incident: Incident}): React.ReactElement {
    const t = useT();
    return (
        <a
            className={`${CLS}-link-button`}
            href={dossierURL(incident.id)}
            download={`${incident.reference}-dossier.zip`}
        >
            {t('dossier.download', 'Download dossier')}
        </a>
    );
}

// Team and system admins (as the host knows its user) import a dossier as a new, ended incident.
export function mayImport(state: unknown, teamId: string): boolean {
    const e = (state as {entities?: {users?: {currentUserId?: string; profiles?: Record<string, {roles?: string}>}; teams?: {myMembers?: Record<string, {roles?: string}>}}})?.entities;
    const roles = `${e?.users?.profiles?.[e.users.currentUserId ?? '']?.roles ?? ''} ${e?.teams?.myMembers?.[teamId]?.roles ?? ''}`;
    return /\b(system_admin|team_admin)\b/.test(roles);
}

export function ImportDossier({teamId, onDone}: {teamId: string; onDone: () => void}): React.ReactElement {
    const t = useT();
    const {busy, error, notice, act} = useAction(t, onDone);
    const input = React.useRef<HTMLInputElement>(null);
    const onFile = (e: React.ChangeEvent<HTMLInputElement>) => {
        const file = e.target.files?.[0];
        e.target.value = '';
        if (file) {
            act(async () => t('dossier.imported', 'Imported as {reference}.', {reference: (await importDossier(teamId, file)).reference}));
        }
    };
    return (
        <div>
            <button
                type='button'
                className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                disabled={busy}
                onClick={() => input.current?.click()}
            >
                {busy ? t('dossier.importing', 'Importing…') : t('dossier.import', 'Import a dossier…')}
            </button>
            <input
                ref={input}
                type='file'
                accept='.zip,.json'
                hidden={true}
                aria-label={t('dossier.import', 'Import a dossier…')}
                onChange={onFile}
            />
            {notice && <PageNotice text={notice}/>}
            {error && <ErrorBanner message={error}/>}
        </div>
    );
}
