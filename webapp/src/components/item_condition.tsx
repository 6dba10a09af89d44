import React from 'react';

import {useT} from '../i18n';
import type {ItemCondition} from '../types/incident';

import {CLS} from './common';

const list = (text: string): string[] => text.split(',');

// When a playbook item applies: always, at some severities, or while a custom field of the
// playbook has some values (any value when none are listed). The server normalises the lists.
export function ConditionInputs({condition, fields, itemName, onChange}: {
    condition: ItemCondition | null;
    fields: string[];
    itemName: string;
    onChange: (condition: ItemCondition | null) => void;
}): React.ReactElement {
    const t = useT();
    let on = '';
    if (condition?.field) {
        on = `field:${condition.field}`;
    } else if (condition) {
        on = 'severity';
    }
    const values = (condition?.field ? condition.values : condition?.severities) ?? [];
    const choose = (next: string) => {
        if (next === '') {
            onChange(null);
        } else if (next === 'severity') {
            onChange({severities: condition?.field ? [] : values});
        } else {
            onChange({field: next.slice('field:'.length), values: []});
        }
    };
    const setValues = (text: string) => onChange(condition?.field ? {field: condition.field, values: list(text)} : {severities: list(text)});
    return (
        <div className={`${CLS}-field ${CLS}-editor__due`}>
            <span className={`${CLS}-small ${CLS}-muted`}>{t('editor.onlyWhen', 'Applies')}</span>
            <select
                className={`${CLS}-input ${CLS}-input--small ${CLS}-select`}
                value={on}
                aria-label={t('editor.onlyWhenFor', 'When {item} applies', {item: itemName})}
                onChange={(e) => choose(e.target.value)}
            >
                <option value=''>{t('editor.always', 'Always')}</option>
                <option value='severity'>{t('editor.atSeverities', 'At severities…')}</option>
                {fields.map((f) => (
                    <option
                        key={f}
                        value={`field:${f}`}
                    >
                        {t('editor.whenField', 'When {field} is…', {field: f})}
                    </option>
                ))}
            </select>
            {condition && (
                <input
                    className={`${CLS}-input ${CLS}-input--small`}
                    value={values.join(',')}
                    placeholder={condition.field ? t('editor.anyValue', 'any value') : 'P1, P2'}
                    aria-label={t('editor.conditionValues', 'Values for which {item} applies', {item: itemName})}
                    onChange={(e) => setValues(e.target.value)}
                />
            )}
        </div>
    );
}
