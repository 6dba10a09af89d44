import React from 'react';

import {deletePlaybook, exportPlaybook, importPlaybook, listArchivedPlaybooks, listPlaybooks, restorePlaybook} from '../client';
import {currentTeamId, useHostState} from '../host';
import {useT} from '../i18n';
import type {Playbook} from '../types/incident';
import type {Store} from '../types/mattermost';

import {CLS, ErrorBanner, PageNotice, errorMessage, isAbort, useAction} from './common';
import {PageNav} from './page_nav';
import {PlaybookEditor} from './playbook_editor';

// The file name an export is saved under: the title, made safe for file systems.
export function exportFileName(title: string): string {
    const slug = title.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '').slice(0, 60);
    return `${slug || 'playbook'}.playbook.json`;
}

function download(name: string, data: unknown): void {
    const blob = new Blob([JSON.stringify(data, null, 2) + '\n'], {type: 'application/json'});
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.style.display = 'none';
    document.body.appendChild(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

type Editing = {playbook: Playbook | null} | null;

// The team's playbooks: list, create, edit, delete, export to a file and import one.
export function PlaybooksPage({store}: {store: Store}): React.ReactElement {
    const t = useT();
    const teamId = useHostState(store, currentTeamId);
    const [playbooks, setPlaybooks] = React.useState<Playbook[] | null>(null);
    // Deleted playbooks are archived: listed apart, each with Restore.
    const [archived, setArchived] = React.useState<Playbook[]>([]);
    const [editing, setEditing] = React.useState<Editing>(null);
    const [confirming, setConfirming] = React.useState<string | null>(null);
    const [reloads, setReloads] = React.useState(0);
    const {busy, error, notice, setError, setNotice, act} = useAction(t, () => setReloads((n) => n + 1));
    const fileRef = React.useRef<HTMLInputElement>(null);
    const newRef = React.useRef<HTMLButtonElement>(null);

    React.useEffect(() => {
        if (!teamId) {
            return undefined;
        }
        const controller = new AbortController();
        listPlaybooks(teamId, controller.signal).then(
            (res) => {
                setPlaybooks(res.items || []);
                setError('');
            },
            (e) => {
                if (!isAbort(e)) {
                    setPlaybooks((p) => p ?? []);
                    setError(errorMessage(e));
                }
            },
        );
        listArchivedPlaybooks(teamId, controller.signal).then(
            (res) => setArchived(res.items || []),
            // Aborted: the page is gone (or reads again), so nothing may be set.
            (e) => !isAbort(e) && setArchived([]),
        );
        return () => controller.abort();
    }, [teamId, reloads, setError]);


    const onExport = (p: Playbook) => act(async () => {
        download(exportFileName(p.title), await exportPlaybook(p.id));
        return t('playbooks.exported', 'Exported “{title}”.', {title: p.title});
    });

    const onDelete = (p: Playbook) => act(async () => {
        await deletePlaybook(p.id);
        setConfirming(null);
        return t('playbooks.deleted', 'Deleted “{title}”.', {title: p.title});
    });

    const onRestore = (p: Playbook) => act(async () => {
        await restorePlaybook(p.id);
        return t('playbooks.restored', 'Restored “{title}”.', {title: p.title});
    });

    const onImportFile = (file: File) => act(async () => {
        let parsed: unknown;
        try {
            parsed = JSON.parse(await file.text());
        } catch {
            throw new Error(t('playbooks.notJson', '“{file}” is not a playbook export: it is not JSON.', {file: file.name}));
        }
        const imported = await importPlaybook(teamId, parsed);
        return t('playbooks.imported', 'Imported “{title}”.', {title: imported.title});
    });

    if (editing) {
        return (
            <div className={`${CLS}-page`}>
                <div className={`${CLS}-page__main`}>
                    <PageNav
                        store={store}
                        current='playbooks'
                    />
                    <PlaybookEditor
                        teamId={teamId}
                        playbook={editing.playbook}
                        onDone={(saved) => {
                            setEditing(null);
                            if (saved) {
                                setNotice(t('playbooks.saved', 'Saved “{title}”.', {title: saved.title}));
                                setReloads((n) => n + 1);
                            }
                            window.setTimeout(() => newRef.current?.focus(), 0);
                        }}
                    />
                </div>
            </div>
        );
    }

    const items = playbooks ?? [];
    const itemCount = (p: Playbook) => p.checklists.reduce((n, s) => n + s.items.length, 0);
    return (
        <div className={`${CLS}-page`}>
            <div className={`${CLS}-page__main`}>
                <PageNav
                    store={store}
                    current='playbooks'
                />
                <header className={`${CLS}-page__header`}>
                    <h1 className={`${CLS}-page__title`}>{t('playbooks.title', 'Playbooks')}</h1>
                    <div className={`${CLS}-page__actions`}>
                        <button
                            type='button'
                            className={`${CLS}-button ${CLS}-button--tertiary`}
                            onClick={() => fileRef.current?.click()}
                            disabled={busy || !teamId}
                        >
                            {t('playbooks.import', 'Import')}
                        </button>
                        <input
                            ref={fileRef}
                            type='file'
                            accept='.json,application/json'
                            hidden={true}
                            aria-label={t('playbooks.importFile', 'Playbook file to import')}
                            onChange={(e) => {
                                const file = e.target.files?.[0];
                                e.target.value = '';
                                if (file) {
                                    onImportFile(file);
                                }
                            }}
                        />
                        <button
                            ref={newRef}
                            type='button'
                            className={`${CLS}-button ${CLS}-button--primary`}
                            onClick={() => setEditing({playbook: null})}
                            disabled={!teamId}
                        >
                            {t('playbooks.new', 'New playbook')}
                        </button>
                    </div>
                </header>
                {error && <ErrorBanner message={error}/>}
                <PageNotice text={notice}/>
                <div className={`${CLS}-page__table-wrap`}>
                    <table className={`${CLS}-page__table`}>
                        <caption className={`${CLS}-page__caption`}>
                            {playbooks === null ? t('playbooks.loading', 'Loading playbooks…') :
                                t('playbooks.count', '{count, plural, =0 {No playbooks} one {# playbook} other {# playbooks}}', {count: items.length})}
                        </caption>
                        <thead>
                            <tr>
                                <th scope='col'>{t('playbooks.col.title', 'Title')}</th>
                                <th scope='col'>{t('playbooks.col.checklist', 'Checklist')}</th>
                                <th scope='col'>{t('playbooks.col.channel', 'Channel')}</th>
                                <th scope='col'>{t('playbooks.col.actions', 'Actions')}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {items.map((p) => (
                                <tr key={p.id}>
                                    <th scope='row'>
                                        <button
                                            type='button'
                                            className={`${CLS}-page__name`}
                                            onClick={() => setEditing({playbook: p})}
                                            aria-label={t('playbooks.edit', 'Edit “{title}”', {title: p.title})}
                                        >
                                            {p.title}
                                        </button>
                                        {p.description && <div className={`${CLS}-small ${CLS}-muted ${CLS}-page__clamp`}>{p.description}</div>}
                                    </th>
                                    <td>
                                        {t('playbooks.shape', '{sections, plural, one {# section} other {# sections}}, {items, plural, one {# item} other {# items}}',
                                            {sections: p.checklists.length, items: itemCount(p)})}
                                    </td>
                                    <td>
                                        <code className={`${CLS}-page__code`}>{p.channel_name_template || 'inc-{number}-{name}'}</code>
                                        <div className={`${CLS}-small ${CLS}-muted`}>
                                            {p.private_channel ? t('playbooks.private', 'Private') : t('playbooks.public', 'Public')}
                                        </div>
                                    </td>
                                    <td>
                                        {confirming === p.id ? (
                                            <div
                                                className={`${CLS}-page__confirm`}
                                                role='group'
                                                aria-label={t('playbooks.confirmLabel', 'Confirm deleting “{title}”', {title: p.title})}
                                            >
                                                <span className={`${CLS}-small`}>
                                                    {t('playbooks.confirm', 'Delete it? Incidents started from it keep their checklists, and it stays among the archived playbooks, where it can be restored.')}
                                                </span>
                                                <button
                                                    type='button'
                                                    className={`${CLS}-button ${CLS}-button--danger ${CLS}-button--small`}
                                                    onClick={() => onDelete(p)}
                                                    disabled={busy}
                                                >
                                                    {t('playbooks.delete', 'Delete')}
                                                </button>
                                                <button
                                                    type='button'
                                                    className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                                                    onClick={() => setConfirming(null)}
                                                    disabled={busy}
                                                >
                                                    {t('common.cancel', 'Cancel')}
                                                </button>
                                            </div>
                                        ) : (
                                            <div className={`${CLS}-page__row-actions`}>
                                                <button
                                                    type='button'
                                                    className={`${CLS}-link-button`}
                                                    onClick={() => onExport(p)}
                                                    disabled={busy}
                                                    aria-label={t('playbooks.exportOne', 'Export “{title}”', {title: p.title})}
                                                >
                                                    {t('playbooks.export', 'Export')}
                                                </button>
                                                <button
                                                    type='button'
                                                    className={`${CLS}-link-button ${CLS}-link-button--danger`}
                                                    onClick={() => setConfirming(p.id)}
                                                    disabled={busy}
                                                    aria-label={t('playbooks.deleteOne', 'Delete “{title}”', {title: p.title})}
                                                >
                                                    {t('playbooks.delete', 'Delete')}
                                                </button>
                                            </div>
                                        )}
                                    </td>
                                </tr>
                            ))}
                        </tbody>
                    </table>
                    {archived.length > 0 && (
                        <section
                            className={`${CLS}-page__archived`}
                            aria-labelledby={`${CLS}-archived-heading`}
                        >
                            <h3
                                id={`${CLS}-archived-heading`}
                                className={`${CLS}-heading`}
                            >
                                {t('playbooks.archived', 'Archived playbooks')}
                            </h3>
                            <ul className={`${CLS}-page__archived-list`}>
                                {archived.map((p) => (
                                    <li key={p.id}>
                                        <span>{p.title}</span>
                                        {' '}
                                        <button
                                            type='button'
                                            className={`${CLS}-link-button`}
                                            onClick={() => onRestore(p)}
                                            disabled={busy}
                                            aria-label={t('playbooks.restoreOne', 'Restore “{title}”', {title: p.title})}
                                        >
                                            {t('playbooks.restore', 'Restore')}
                                        </button>
                                    </li>
                                ))}
                            </ul>
                        </section>
                    )}
                </div>
            </div>
        </div>
    );
}
