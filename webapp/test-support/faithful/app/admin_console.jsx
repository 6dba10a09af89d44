// The System Console's page of one plugin's settings (/admin_console/plugins/plugin_<id>), rule
// by rule from mattermost/mattermost webapp/channels/src/components/admin_console/
// (custom_plugin_settings/index.ts, schema_admin_settings.tsx, setting.tsx; sources in
// ../README.md):
// - the settings are the manifest's settings_schema.settings (GET /api/v4/plugins), each under
//   the key PluginSettings.Plugins.<id>.<key lower-cased>; its value is that key of the config
//   (GET /api/v4/config), undefined when unset;
// - a "custom" setting is drawn by the component the plugin registered for its key (the
//   registry lower-cases it) with the props id, label, helpText, value, disabled, config,
//   license, setByEnv, onChange, registerSaveAction, setSaveNeeded, unRegisterSaveAction,
//   cancelSubmit, showConfirm; with showTitle the page draws the label and help text around it;
//   without a registered component, a warning banner instead;
// - onChange(id, value) keeps the value in the page's state and makes Save possible; Save
//   (disabled until something changed) writes every setting's value into a copy of the config
//   and sends it with PUT /api/v4/config/patch, then runs the registered save actions; an error
//   is shown beside the button.
// Not modelled: Markdown in help texts (shown as text), the plugin's Enable setting, sections,
// settings hidden by hosting, translations of the page's own words.
import React from 'react';

const e = React.createElement;

function csrfToken() {
    const m = document.cookie.match(/(?:^|;\s*)MMCSRF=([^;]*)/);
    return m ? decodeURIComponent(m[1]) : '';
}

async function call(method, path, body) {
    const headers = {'X-Requested-With': 'XMLHttpRequest'};
    if (method !== 'GET') {
        headers['X-CSRF-Token'] = csrfToken();
        headers['Content-Type'] = 'application/json';
    }
    const res = await fetch(`${window.basename}${path}`, {method, credentials: 'same-origin', headers, body: body === undefined ? undefined : JSON.stringify(body)});
    const data = await res.json().catch(() => null);
    if (!res.ok) {
        throw new Error((data && (data.message || data.error)) || `${method} ${path}: HTTP ${res.status}`);
    }
    return data;
}

function readPath(config, path) {
    return path.split('.').reduce((obj, part) => (obj ? obj[part.replace(/\+/g, '.')] : null), config);
}

function writePath(config, path, value) {
    const parts = path.split('.').map((p) => p.replace(/\+/g, '.'));
    let obj = config;
    for (const part of parts.slice(0, -1)) {
        if (obj[part] === undefined || obj[part] === null) {
            obj[part] = {};
        }
        obj = obj[part];
    }
    obj[parts[parts.length - 1]] = value;
}

// setting.tsx: the label (for the input) and, beside it, the control with its help text.
function Setting({label, inputId, helpText, children}) {
    return e('div', {className: 'form-group admin-setting'},
        e('label', {className: 'control-label', htmlFor: inputId}, label),
        e('div', {className: 'admin-setting__control'}, children, helpText ? e('div', {className: 'help-text'}, helpText) : null));
}

function PlainSetting({setting, value, onChange}) {
    const id = setting.key;
    const current = value ?? setting.default ?? '';
    let control;
    if (setting.type === 'bool') {
        const on = value ?? setting.default ?? false;
        control = e('div', {role: 'radiogroup', 'aria-label': setting.label}, [true, false].map((v) =>
            e('label', {key: String(v)}, e('input', {type: 'radio', name: id, checked: on === v, onChange: () => onChange(id, v)}), v ? ' True ' : ' False ')));
    } else if (setting.type === 'dropdown') {
        control = e('select', {id, value: value ?? setting.options?.[0]?.value, onChange: (ev) => onChange(id, ev.target.value)},
            (setting.options || []).map((o) => e('option', {key: o.value, value: o.value}, o.display_name)));
    } else if (setting.type === 'radio') {
        const chosen = value ?? setting.options?.find((o) => o.value === setting.default)?.value ?? setting.options?.[0]?.value;
        control = e('div', {role: 'radiogroup', 'aria-label': setting.label}, (setting.options || []).map((o) =>
            e('label', {key: o.value}, e('input', {type: 'radio', name: id, checked: chosen === o.value, onChange: () => onChange(id, o.value)}), ` ${o.display_name} `)));
    } else if (setting.type === 'longtext') {
        control = e('textarea', {id, value: current, placeholder: setting.placeholder, rows: 3, onChange: (ev) => onChange(id, ev.target.value)});
    } else {
        control = e('input', {id, type: setting.type === 'number' ? 'number' : 'text', value: current, placeholder: setting.placeholder, onChange: (ev) => onChange(id, ev.target.value)});
    }
    return e(Setting, {label: setting.label, inputId: id, helpText: setting.help_text}, control);
}

export function AdminConsolePluginPage({host, pluginId}) {
    const [schema, setSchema] = React.useState(null);
    const [config, setConfig] = React.useState(null);
    const [values, setValues] = React.useState({});
    const [saveNeeded, setSaveNeeded] = React.useState(false);
    const [saving, setSaving] = React.useState(false);
    const [serverError, setServerError] = React.useState('');
    const saveActions = React.useRef([]);

    const settingsOf = (manifest) => ((manifest && manifest.settings_schema && manifest.settings_schema.settings) || []).map((s) => ({
        ...s,
        key: `PluginSettings.Plugins.${pluginId.replace(/\./g, '+')}.${s.key.toLowerCase()}`,
        settingKey: s.key.toLowerCase(),
        label: s.display_name,
    }));
    const stateFrom = (cfg, settings) => Object.fromEntries(settings.map((s) => [s.key, readPath(cfg, s.key) ?? undefined]));

    React.useEffect(() => {
        Promise.all([call('GET', '/api/v4/plugins'), call('GET', '/api/v4/config')]).then(([plugins, cfg]) => {
            const manifest = [...(plugins.active || []), ...(plugins.inactive || [])].find((m) => m.id === pluginId) || null;
            setSchema(manifest);
            setConfig(cfg);
            setValues(stateFrom(cfg, settingsOf(manifest)));
        }).catch((err) => setServerError(String(err.message || err)));
    }, [pluginId]);

    if (!schema) {
        return e('main', {className: 'center admin-console'}, serverError ? e('p', {role: 'alert'}, serverError) : e('p', null, 'Loading…'));
    }
    const settings = settingsOf(schema);
    const handleChange = (id, value) => {
        setValues((v) => ({...v, [id]: value}));
        setSaveNeeded(true);
    };
    const customs = host.adminConsoleSettings[pluginId] || {};
    const save = async (ev) => {
        ev.preventDefault();
        setSaving(true);
        setServerError('');
        const next = JSON.parse(JSON.stringify(config));
        for (const s of settings) {
            writePath(next, s.key, values[s.key]);
        }
        let failed = false;
        try {
            const saved = await call('PUT', '/api/v4/config/patch', next);
            setConfig(saved);
            setValues(stateFrom(saved, settings));
        } catch (err) {
            failed = true;
            setServerError(String(err.message || err));
        }
        const results = await Promise.all(saveActions.current.map((a) => a()));
        failed = failed || results.some((r) => r && r.error && r.error.message);
        setSaving(false);
        if (!failed) {
            setSaveNeeded(false);
        }
    };
    const rendered = settings.map((s) => {
        if (s.type !== 'custom') {
            return e(PlainSetting, {key: s.key, setting: s, value: values[s.key], onChange: handleChange});
        }
        const custom = customs[s.settingKey];
        if (!custom) {
            return e('div', {key: s.key, className: 'banner warning'}, 'In order to view this setting, enable the plugin and click Save.');
        }
        const instance = e(custom.component, {
            key: `${pluginId}_custom_${s.key}`, id: s.key, label: s.label,
            helpText: s.help_text ? e('span', null, s.help_text) : e('span', null, ''),
            value: values[s.key], disabled: false, config, license: {}, setByEnv: false,
            onChange: handleChange,
            registerSaveAction: (a) => saveActions.current.push(a),
            unRegisterSaveAction: (a) => {
                saveActions.current = saveActions.current.filter((x) => x !== a);
            },
            setSaveNeeded: () => setSaveNeeded(true),
            cancelSubmit: () => undefined,
            showConfirm: false,
        });
        return custom.options.showTitle ? e(Setting, {key: s.key, label: s.label, inputId: s.key, helpText: s.help_text}, instance) : instance;
    });
    return e('main', {className: 'center admin-console', 'aria-label': 'System Console'},
        e('h1', {className: 'admin-console__header'}, schema.name),
        schema.settings_schema?.header ? e('div', {className: 'banner'}, schema.settings_schema.header) : null,
        e('form', {className: 'form-horizontal', onSubmit: save}, rendered),
        e('div', {className: 'admin-console-save'},
            e('button', {type: 'button', id: 'saveSetting', className: 'btn btn-primary', disabled: !saveNeeded || saving, onClick: save}, saving ? 'Saving Config...' : 'Save'),
            e('div', {className: 'error-message', 'data-testid': 'errorMessage', role: serverError ? 'alert' : undefined}, serverError)));
}
