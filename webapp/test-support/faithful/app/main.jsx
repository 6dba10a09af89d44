// The faithful test host's entry: what Mattermost's web app does from page load until the
// plugin's components are on screen, in the same order (root.tsx, plugins/index.ts):
// globals, client config and the user, the user's teams and channels, the user's locale, then
// every webapp plugin the server lists (/api/v4/plugins/webapp) loaded by a <script
// id="plugin_<id>"> and initialised with initialize(registry, store) with no try/catch; the
// routes mount only once every initialize has returned. A throw leaves the app unmounted, as
// in Mattermost, where the whole web app stays blank.
import React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactDOMClient from 'react-dom/client';

import {installGlobals} from './globals.js';
import {THEMES} from './themes.js';
import {createHostHistory} from './history.js';
import {createIntl} from './intl.js';
import {HostApp} from './layout.jsx';
import {createRegistryClass} from './registry.js';
import {ActionTypes, createHostStore} from './store.js';
import {createWebSocket} from './websocket.js';

// root.tsx: window.basename is publicPath without its trailing "/static/". Here publicPath is
// where this script was served from (<subpath>/static/<folder>/host.js).
const scriptSrc = document.currentScript ? new URL(document.currentScript.src).pathname : '/static/x/host.js';
window.publicPath = scriptSrc.slice(0, scriptSrc.indexOf('/static/') + '/static/'.length);
window.basename = window.publicPath.substr(0, window.publicPath.length - '/static/'.length);

let intlListeners = [];
const host = {
    store: createHostStore(),
    history: createHostHistory(window.basename),
    theme: {},
    reducers: {},
    adminConsole: {},
    adminConsoleSettings: {},
    statsHandlers: {},
    unmodelledReads: [],
    mounted: false,
    loaded: [],
    onIntlChange(fn) {
        intlListeners.push(fn);
        return () => {
            intlListeners = intlListeners.filter((l) => l !== fn);
        };
    },
};
host.intl = createIntl(() => intlListeners.forEach((l) => l()));
host.websocket = createWebSocket(host);
const PluginRegistry = createRegistryClass(host);
host.PluginRegistry = PluginRegistry;
window.__host = host;
installGlobals(host);

async function get(path) {
    const res = await fetch(`${window.basename}${path}`, {credentials: 'same-origin', headers: {'X-Requested-With': 'XMLHttpRequest'}});
    if (!res.ok) {
        const err = new Error(`GET ${path}: HTTP ${res.status}`);
        err.status = res.status;
        throw err;
    }
    return res.json();
}

// plugins/index.ts: registerPlugin replaces a plugin already registered under the id, calling
// the old one's uninitialize first.
window.plugins = {};
window.registerPlugin = (id, plugin) => {
    const old = window.plugins[id];
    if (old && typeof old.uninitialize === 'function') {
        old.uninitialize();
    }
    window.plugins[id] = plugin;
};

function loadPlugin(manifest) {
    return new Promise((resolve, reject) => {
        // The server lists /static/<id>/<file>; the web app loads it from /static/plugins/…,
        // below the site URL.
        let bundlePath = manifest.webapp.bundle_path;
        if (bundlePath.includes('/static/') && !bundlePath.includes('/static/plugins/')) {
            bundlePath = bundlePath.replace('/static/', '/static/plugins/');
        }
        const script = document.createElement('script');
        script.id = `plugin_${manifest.id}`;
        script.type = 'text/javascript';
        script.src = `${window.location.origin}${window.basename}${bundlePath}`;
        script.defer = true;
        script.onload = () => {
            // initializePlugin: no try/catch, no await. If this throws, the error escapes the
            // load handler, resolve() is never reached and the app never mounts.
            const plugin = window.plugins[manifest.id];
            if (plugin && typeof plugin.initialize === 'function') {
                plugin.initialize(new PluginRegistry(manifest.id), host.store);
            }
            host.loaded.push(manifest.id);
            resolve();
        };
        script.onerror = () => reject(new Error(`failed to load ${script.src}`));
        document.head.appendChild(script);
    });
}

// plugins/index.ts removePlugin: uninitialize, then the host forgets the plugin's websocket
// events, reconnect handler, translations and components, and the script.
host.removePlugin = (id) => {
    const plugin = window.plugins[id];
    if (plugin && typeof plugin.uninitialize === 'function') {
        plugin.uninitialize();
    }
    delete window.plugins[id];
    host.websocket.unregisterAllPluginEvents(id);
    host.websocket.unregisterReconnectHandler(id);
    host.intl.unregisterSource(id);
    delete host.adminConsoleSettings[id];
    host.store.dispatch({type: ActionTypes.REMOVED_WEBAPP_PLUGIN, data: {id}});
    document.getElementById(`plugin_${id}`)?.remove();
};

// The route decides the current team and channel (the host's team and channel identifiers). A
// channel the store does not know yet (created, or joined, since the page loaded) is looked up
// again among the user's channels, as the channel identifier router fetches one it lacks.
function selectFromRoute() {
    const parts = host.history.location.pathname.split('/').filter(Boolean);
    const state = host.store.getState();
    const team = Object.values(state.entities.teams.teams).find((t) => t.name === parts[0]);
    if (team && state.entities.teams.currentTeamId !== team.id) {
        host.store.dispatch({type: ActionTypes.SELECT_TEAM, data: team.id});
    }
    if (team && parts[1] === 'channels') {
        const find = () => Object.values(host.store.getState().entities.channels.channels).find((c) => c.team_id === team.id && c.name === parts[2]);
        const channel = find();
        if (channel) {
            host.store.dispatch({type: ActionTypes.SELECT_CHANNEL, data: channel.id});
            return;
        }
        get(`/api/v4/users/me/teams/${team.id}/channels`).then((channels) => {
            host.store.dispatch({type: ActionTypes.RECEIVED_MY_CHANNELS, data: channels});
            const found = find();
            if (found) {
                host.store.dispatch({type: ActionTypes.SELECT_CHANNEL, data: found.id});
            }
        }).catch((err) => {
            host.bootError = host.bootError || `looking up channel ${parts[2]}: ${err}`;
        });
    }
}

function render(tree) {
    const el = document.getElementById('root');
    if (ReactDOMClient.createRoot) {
        ReactDOMClient.createRoot(el).render(tree);
    } else {
        ReactDOM.render(tree, el);
    }
}

function LoginPage() {
    const [error, setError] = React.useState('');
    const submit = async (ev) => {
        ev.preventDefault();
        const form = new FormData(ev.currentTarget);
        const res = await fetch(`${window.basename}/api/v4/users/login`, {method: 'POST', headers: {'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest'},
            body: JSON.stringify({login_id: form.get('login_id'), password: form.get('password')})});
        if (res.ok) {
            window.location.reload();
        } else {
            setError((await res.json().catch(() => ({}))).message || `HTTP ${res.status}`);
        }
    };
    const e = React.createElement;
    return e('form', {className: 'host-login', onSubmit: submit, 'aria-label': 'Log in'},
        e('h1', null, 'Log in'),
        e('label', null, 'Username ', e('input', {name: 'login_id', autoComplete: 'username'})),
        e('label', null, 'Password ', e('input', {name: 'password', type: 'password', autoComplete: 'current-password'})),
        error && e('p', {role: 'alert'}, error),
        e('button', {type: 'submit'}, 'Log in'));
}

host.boot = async () => {
    const config = await get('/api/v4/config/client?format=old');
    host.store.dispatch({type: ActionTypes.RECEIVED_CONFIG, data: config});
    let me;
    try {
        me = await get('/api/v4/users/me');
    } catch (err) {
        if (err.status === 401) {
            render(React.createElement(LoginPage));
            host.needsLogin = true;
            return;
        }
        throw err;
    }
    host.store.dispatch({type: ActionTypes.RECEIVED_ME, data: me});
    const teams = await get('/api/v4/users/me/teams');
    host.store.dispatch({type: ActionTypes.RECEIVED_TEAMS, data: teams});
    for (const t of teams) {
        const channels = await get(`/api/v4/users/me/teams/${t.id}/channels`);
        host.store.dispatch({type: ActionTypes.RECEIVED_MY_CHANNELS, data: channels});
    }
    if (host.history.location.pathname === '/' && teams[0]) {
        host.history.replace(`/${teams[0].name}/channels/town-square`);
    }
    selectFromRoute();
    host.history.listen(selectFromRoute);
    host.intl.setLocale(me.locale || 'en');
    host.websocket.connect();
    const manifests = await get('/api/v4/plugins/webapp');
    await Promise.all(manifests.filter((m) => m.webapp && m.webapp.bundle_path).map(loadPlugin));
    // The user's theme is applied before anything renders; a new user has the default, Denim.
    host.setTheme(THEMES.denim);
    render(React.createElement(HostApp, {host}));
    host.mounted = true;
};

// Tests and the preview page: the theme's CSS variables on <html>, where applyTheme puts them.
host.setTheme = (vars) => {
    for (const [k, v] of Object.entries(vars)) {
        document.documentElement.style.setProperty(`--${k}`, v);
    }
};
// Tests: a post as the host's store holds it after the server sent it.
host.receivePost = (post) => host.store.dispatch({type: ActionTypes.RECEIVED_POST, data: post});

host.boot().catch((err) => {
    host.bootError = String(err && err.stack || err);
});
