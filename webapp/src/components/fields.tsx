import React from 'react';

import {useT} from '../i18n';
import type {FieldDefinition, Incident, IncidentField} from '../types/incident';
import {useUser} from '../users';

import {CLS, FormButtons, UserName, useSave} from './common';

// Custom fields (docs/api.md): inputs for the start form and the sidebar, and their values shown.

const MATTERMOST_ID = /^[a-z0-9]{26}$/;

// One field's input, labelled by its name; a user field shows @username for a stored id.
function FieldInput({field, value, onChange, disabled}: {
    field: FieldDefinition;
    value: string;
    onChange: (value: string) => void;
    disabled?: boolean;
}): React.ReactElement {
    const t = useT();
    const user = useUser(field.kind === 'user' && MATTERMOST_ID.test(value) ? value : null);
    const shown = user ? `@${user.username}` : value;
    const common = {className: `${CLS}-input`, disabled, 'aria-label': field.name};
    let input: React.ReactElement;
    if (field.kind === 'select') {
        input = (
            <select
                {...common}
                className={`${CLS}-input ${CLS}-select`}
                value={value}
                onChange={(e) => onChange(e.target.value)}
            >
                <option value=''>{t('fields.none', '—')}</option>
                {field.options.map((o) => <option
                    key={o}
                    value={o}
                >{o}</option>)}
            </select>
        );
    } else {
        input = (
            <input
                {...common}
                type={field.kind === 'link' ? 'url' : 'text'}
                inputMode={field.kind === 'number' ? 'decimal' : undefined}
                placeholder={{user: '@username', link: 'https://…', number: '0', text: ''}[field.kind]}
                value={shown}
                onChange={(e) => onChange(e.target.value)}
            />
        );
    }
    return (
        <label className={`${CLS}-field`}>
            <span className={`${CLS}-label`}>{field.name}</span>
            {input}
        </label>
    );
}

// Inputs for several fields; `values` by field name.
export function FieldInputs({fields, values, onChange, disabled}: {
    fields: FieldDefinition[];
    values: Record<string, string>;
    onChange: (name: string, value: string) => void;
    disabled?: boolean;
}): React.ReactElement {
    return (
        <>
            {fields.map((f) => (
                <FieldInput
                    key={f.name}
                    field={f}
                    value={values[f.name] ?? ''}
                    onChange={(v) => onChange(f.name, v)}
                    disabled={disabled}
                />
            ))}
        </>
    );
}

// A value as shown: a person by name, a link that opens in a new tab, other values as text.
export function FieldValue({field}: {field: IncidentField}): React.ReactElement {
    const t = useT();
    if (field.value === null || field.value === '') {
        return <span className={`${CLS}-muted`}>{t('fields.notSet', 'Not set')}</span>;
    }
    if (field.kind === 'user') {
        return <UserName userId={field.value}/>;
    }
    if (field.kind === 'link' && /^https?:\/\//i.test(field.value)) {
        return (
            <a
                href={field.value}
                target='_blank'
                rel='noopener noreferrer'
            >{field.value}</a>
        );
    }
    return <span>{field.value}</span>;
}

// The incident's fields as `dt`/`dd` pairs (inside a `dl`).
export function FieldTerms({incident}: {incident: Incident}): React.ReactElement {
    return (
        <>
            {(incident.fields ?? []).map((f) => (
                <React.Fragment key={f.name}>
                    <dt>{f.name}</dt>
                    <dd><FieldValue field={f}/></dd>
                </React.Fragment>
            ))}
        </>
    );
}

// The sidebar's fields: shown, and edited in place while the incident is active.
// `onSave` sends the changed values (null clears) and answers whether they were saved; a
// refusal shows where the sidebar shows errors, and the form stays open.
export function IncidentFields({incident, onSave}: {
    incident: Incident;
    onSave: (changed: Record<string, string | null>) => Promise<boolean>;
}): React.ReactElement | null {
    const t = useT();
    const fields = incident.fields ?? [];
    const [draft, setDraft] = React.useState<Record<string, string> | null>(null);
    const {saving, save} = useSave();
    if (fields.length === 0) {
        return null;
    }
    const initial = () => Object.fromEntries(fields.map((f) => [f.name, f.value ?? '']));
    const submit = async (e: React.FormEvent) => {
        e.preventDefault();
        const before = initial();
        const changed: Record<string, string | null> = {};
        for (const [name, value] of Object.entries(draft ?? {})) {
            if (value.trim() !== before[name]) {
                changed[name] = value.trim() || null;
            }
        }
        if (Object.keys(changed).length === 0) {
            setDraft(null);
            return;
        }
        if (await save(() => onSave(changed))) {
            setDraft(null);
        }
    };
    return (
        <section
            className={`${CLS}-pad ${CLS}-fields`}
            aria-label={t('fields.label', 'Fields')}
        >
            <h2 className={`${CLS}-subheading`}>
                {t('fields.label', 'Fields')}
                {!draft && incident.state === 'active' && (
                    <button
                        type='button'
                        className={`${CLS}-link-button`}
                        aria-label={t('fields.editLabel', 'Edit the fields of {reference}', {reference: incident.reference})}
                        onClick={() => setDraft(initial())}
                    >
                        {t('detail.edit', 'Edit')}
                    </button>
                )}
            </h2>
            {draft ? (
                <form onSubmit={submit}>
                    <FieldInputs
                        fields={fields}
                        values={draft}
                        onChange={(name, value) => setDraft({...draft, [name]: value})}
                        disabled={saving}
                    />
                    <div className={`${CLS}-update-form__actions`}>
                        <FormButtons
                            busy={saving}
                            onCancel={() => setDraft(null)}
                            submitLabel={t('common.save', 'Save')}
                            busyLabel={t('common.saving', 'Saving…')}
                        />
                    </div>
                </form>
            ) : (
                <dl className={`${CLS}-props`}>
                    <FieldTerms incident={incident}/>
                </dl>
            )}
        </section>
    );
}
