import React from 'react';

import {useT} from '../i18n';
import type {FieldDefinition, FieldKind} from '../types/incident';

import {CLS} from './common';

const KINDS: FieldKind[] = ['text', 'select', 'user', 'link', 'number'];

interface Row {
    name: string;
    kind: FieldKind;
    // A select's options as typed, comma-separated.
    options: string;
}

// The playbook editor's custom fields: one line each (name, kind, a select's options).
export function PlaybookFieldsEditor({fields, onChange}: {
    fields: FieldDefinition[];
    onChange: (fields: FieldDefinition[]) => void;
}): React.ReactElement {
    const t = useT();
    const [rows, setRows] = React.useState<Row[]>(() => fields.map((f) => ({name: f.name, kind: f.kind, options: (f.options ?? []).join(', ')})));
    const update = (next: Row[]) => {
        setRows(next);
        onChange(next.map((r) => ({name: r.name, kind: r.kind, options: r.kind === 'select' ? r.options.split(',').map((o) => o.trim()).filter(Boolean) : []})));
    };
    const kindLabel = (k: FieldKind) => ({
        text: t('fields.kindText', 'Text'),
        select: t('fields.kindSelect', 'Choice'),
        user: t('fields.kindUser', 'Person'),
        link: t('fields.kindLink', 'Link'),
        number: t('fields.kindNumber', 'Number'),
    })[k];
    return (
        <fieldset className={`${CLS}-editor__group`}>
            <legend className={`${CLS}-page__h3`}>{t('fields.label', 'Fields')}</legend>
            <p className={`${CLS}-small ${CLS}-muted`}>{t('fields.editorHint', 'Incidents of this playbook get these fields, set in the start form and later with /incident set.')}</p>
            {rows.map((r, n) => {
                const which = r.name || t('fields.numbered', 'field {n}', {n: n + 1});
                return (
                    <div
                        key={n}
                        className={`${CLS}-editor__field-row`}
                    >
                        <input
                            className={`${CLS}-input ${CLS}-input--small`}
                            value={r.name}
                            maxLength={40}
                            placeholder={t('fields.namePlaceholder', 'Name')}
                            aria-label={t('fields.nameOf', 'Name of {field}', {field: which})}
                            onChange={(e) => update(rows.map((x, i) => (i === n ? {...x, name: e.target.value} : x)))}
                        />
                        <select
                            className={`${CLS}-input ${CLS}-select ${CLS}-input--small`}
                            value={r.kind}
                            aria-label={t('fields.kindOf', 'Kind of {field}', {field: which})}
                            onChange={(e) => update(rows.map((x, i) => (i === n ? {...x, kind: e.target.value as FieldKind} : x)))}
                        >
                            {KINDS.map((k) => <option
                                key={k}
                                value={k}
                            >{kindLabel(k)}</option>)}
                        </select>
                        {r.kind === 'select' && (
                            <input
                                className={`${CLS}-input ${CLS}-input--small`}
                                value={r.options}
                                placeholder={t('fields.optionsPlaceholder', 'EU, US, APAC')}
                                aria-label={t('fields.optionsOf', 'Choices of {field}, comma-separated', {field: which})}
                                onChange={(e) => update(rows.map((x, i) => (i === n ? {...x, options: e.target.value} : x)))}
                            />
                        )}
                        <button
                            type='button'
                            className={`${CLS}-icon-button ${CLS}-icon-button--on`}
                            aria-label={t('editor.remove', 'Remove {what}', {what: which})}
                            onClick={() => update(rows.filter((_, i) => i !== n))}
                        >
                            <span aria-hidden='true'>{'\u00d7'}</span>
                        </button>
                    </div>
                );
            })}
            <button
                type='button'
                className={`${CLS}-link-button`}
                onClick={() => update([...rows, {name: '', kind: 'text', options: ''}])}
            >
                {t('fields.add', '+ Add a field')}
            </button>
        </fieldset>
    );
}
