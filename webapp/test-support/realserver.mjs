// For the Chromium suite that runs against a REAL Mattermost server (tests/e2e starts one and
// passes it in E2E_MM_* variables): the server, the users' logins, REST calls with session
// tokens, and a host page that plays the Mattermost webapp on the server's own origin.
import {mkdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';

import {API, PLUGIN_ID} from './devserver.mjs';
import {HOST_MOUNT_JS, buildHostGlobals} from './host-globals.mjs';

export {API, PLUGIN_ID};

/** The server's URL, e.g. http://127.0.0.1:41234; empty when not running under tests/e2e. */
export const ORIGIN = (process.env.E2E_MM_URL || '').replace(/\/+$/, '');

/** {alice: {id, username, password}, ...} */
export const USERS = ORIGIN ? JSON.parse(process.env.E2E_MM_USERS || '{}') : {};

/** {id, name, channel_id}: the team, and a channel the users share. */
export const TEAM = ORIGIN ? JSON.parse(process.env.E2E_MM_TEAM || '{}') : {};

/** Why the suite is skipped, or false. `make e2e` (tests/e2e) always sets the variables. */
export const skipReason = ORIGIN ? false :
    'E2E_MM_URL is unset: this suite needs the real Mattermost server that tests/e2e starts (`make e2e`)';

/** The React major the server's own web client ships (Mattermost 11: React 18). */
export const SERVER_REACT = 18;

/** Logs in through the REST API; answers the session token (the `Token` header). */
export async function login(user) {
    const res = await fetch(`${ORIGIN}/api/v4/users/login`, {
        method: 'POST',
        headers: {'Content-Type': 'application/json'},
        body: JSON.stringify({login_id: user.username, password: user.password}),
    });
    if (res.status !== 200) {
        throw new Error(`login ${user.username}: HTTP ${res.status} ${await res.text()}`);
    }
    return res.headers.get('token');
}

/** A REST call with a session token: {status, data}. `p` is below the plugin's API unless it starts with /api/v4. */
export async function call(token, method, p, body) {
    const url = ORIGIN + (p.startsWith('/api/v4') ? p : API + p);
    const res = await fetch(url, {
        method,
        headers: {Authorization: `Bearer ${token}`, ...(body ? {'Content-Type': 'application/json'} : {})},
        body: body ? JSON.stringify(body) : undefined,
    });
    const data = await res.json().catch(() => null);
    return {status: res.status, data};
}

/**
 * The host page. tests/e2e names the folder the server serves below /static/ (its client
 * folder; there is no web client in it) in E2E_MM_STATIC_DIR; installHarness writes the page and
 * the host globals there, so the page really comes from the server's origin. It provides what
 * Mattermost's webapp gives a plugin: React, ReactDOM and ReactIntl on window (the React major
 * the server's web client ships), a redux-like store with the current team, channel and user,
 * and a registry that renders the registered right-hand sidebar and channel-header buttons.
 * Unlike a mock it keeps a real websocket to the server (authenticated by the session cookie)
 * and hands each event to the handler the plugin registered for it.
 */
export const STATIC_DIR = process.env.E2E_MM_STATIC_DIR || '';
const HARNESS_DIR = 'incident-response-e2e';
export const HARNESS_PATH = `/static/${HARNESS_DIR}/harness.html`;
const VENDOR_PATH = `/static/${HARNESS_DIR}/`;

export async function installHarness() {
    if (!STATIC_DIR) {
        throw new Error('E2E_MM_STATIC_DIR is unset: tests/e2e sets it to the folder the server serves as /static/');
    }
    const dir = path.join(STATIC_DIR, HARNESS_DIR);
    mkdirSync(dir, {recursive: true});
    await buildHostGlobals(SERVER_REACT, dir); // host.js: React, ReactDOM, ReactIntl on window
    writeFileSync(path.join(dir, 'harness.html'), harnessHtml());
}

export function harnessHtml() {
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Incident Response on a real Mattermost server</title>
<link rel="icon" href="data:,">
<style>
  body { margin: 0; font-family: "Open Sans", Arial, sans-serif; font-size: 14px; }
  #app { display: flex; height: 100vh; }
  #center { flex: 1; }
  #channel-header { height: 62px; display: flex; align-items: center; gap: 8px; padding: 0 16px; border-bottom: 1px solid #ddd; }
  #sidebar-right { width: 400px; display: flex; flex-direction: column; border-left: 1px solid #ddd; }
  #sidebar-right[hidden] { display: none; }
</style>
<script src="${VENDOR_PATH}host.js"></script>
<script>
(function () {
    var h = window.__harness = {initError: null, wsHandlers: {}, wsEvents: [], wsOpen: false, headerButtons: [], rhs: null, nextId: 1};
    ${HOST_MOUNT_JS}
    window.plugins = {};
    window.registerPlugin = function (id, plugin) { window.plugins[id] = plugin; };

    var state = {entities: {teams: {currentTeamId: '', teams: {}}, channels: {currentChannelId: ''}, users: {currentUserId: ''},
        posts: {posts: {}}, general: {config: {}}}, views: {rhs: {pluggableId: '', open: false}}};
    var listeners = [];
    function reduce(s, a) {
        var rhs = s.views.rhs;
        switch (a && a.type) {
        case 'SHOW_RHS_PLUGIN': rhs = {pluggableId: a.pluggableId, open: true}; break;
        case 'HIDE_RHS_PLUGIN': rhs = {pluggableId: '', open: false}; break;
        case 'TOGGLE_RHS_PLUGIN':
            rhs = rhs.open && rhs.pluggableId === a.pluggableId ? {pluggableId: '', open: false} : {pluggableId: a.pluggableId, open: true};
            break;
        case 'SET_CURRENT':
            var teams = {}; teams[a.team.id] = a.team;
            return Object.assign({}, s, {entities: Object.assign({}, s.entities, {
                teams: {currentTeamId: a.team.id, teams: teams}, channels: {currentChannelId: a.channelId},
                users: {currentUserId: a.userId}, general: {config: {SiteURL: location.origin}}})});
        default: return s;
        }
        return Object.assign({}, s, {views: {rhs: rhs}});
    }
    h.store = {
        getState: function () { return state; },
        dispatch: function (a) { state = reduce(state, a); listeners.slice().forEach(function (l) { l(); }); return a; },
        subscribe: function (l) { listeners.push(l); return function () { listeners = listeners.filter(function (x) { return x !== l; }); }; },
    };
    function noop() { return 'unused-' + (h.nextId++); }
    h.registry = {
        registerRightHandSidebarComponent: function (component, title) {
            var id = 'rhs-' + (h.nextId++);
            h.rhs = {id: id, component: component, title: title};
            return {id: id, showRHSPlugin: {type: 'SHOW_RHS_PLUGIN', pluggableId: id},
                hideRHSPlugin: {type: 'HIDE_RHS_PLUGIN', pluggableId: id}, toggleRHSPlugin: {type: 'TOGGLE_RHS_PLUGIN', pluggableId: id}};
        },
        registerChannelHeaderButtonAction: function (icon, action, dropdownText, tooltipText) {
            var id = 'header-' + (h.nextId++);
            h.headerButtons.push({id: id, icon: icon, action: action, label: tooltipText || dropdownText});
            return id;
        },
        registerWebSocketEventHandler: function (event, handler) { h.wsHandlers[event] = handler; },
        unregisterWebSocketEventHandler: function (event) { delete h.wsHandlers[event]; },
        registerReconnectHandler: noop, unregisterReconnectHandler: noop,
        registerRootComponent: noop, registerPostDropdownMenuAction: noop, registerChannelHeaderMenuAction: noop,
        registerAppBarComponent: noop, registerNeedsTeamRoute: noop, unregisterComponent: noop,
    };

    function Shell() {
        var e = React.createElement;
        var s = React.useState(h.store.getState()); var st = s[0]; var set = s[1];
        React.useEffect(function () { return h.store.subscribe(function () { set(h.store.getState()); }); }, []);
        var open = st.views.rhs.open && h.rhs && st.views.rhs.pluggableId === h.rhs.id;
        var channelId = st.entities.channels.currentChannelId;
        return e(React.Fragment, null,
            e('main', {id: 'center'}, e('header', {id: 'channel-header'}, e('strong', null, 'Operations'),
                h.headerButtons.map(function (b) {
                    return e('button', {key: b.id, type: 'button', 'aria-label': b.label,
                        onClick: function () { b.action({id: channelId}, {channel_id: channelId}); }}, b.icon);
                }))),
            e('aside', {id: 'sidebar-right', hidden: !open, 'aria-label': 'Right sidebar'},
                open && e(h.rhs.component, {theme: {}})));
    }

    // The server's websocket, as the Mattermost webapp keeps it: the session cookie
    // authenticates it; every event goes to the handler the plugin registered for it.
    h.connect = function () {
        return new Promise(function (resolve, reject) {
            var ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/api/v4/websocket');
            ws.onmessage = function (m) {
                var msg = JSON.parse(m.data);
                if (!msg.event) { return; }
                h.wsEvents.push(msg.event);
                if (msg.event === 'hello') { h.wsOpen = true; resolve(); }
                var handler = h.wsHandlers[msg.event];
                if (handler) { handler(msg); }
            };
            ws.onclose = function (c) {
                h.wsOpen = false;
                reject(new Error('the websocket closed: code ' + c.code + ' ' + c.reason));
            };
            h.socket = ws;
        });
    };

    h.boot = function (bundleUrl, team, channelId, userId) {
        h.store.dispatch({type: 'SET_CURRENT', team: team, channelId: channelId, userId: userId});
        return new Promise(function (resolve, reject) {
            var script = document.createElement('script');
            script.src = bundleUrl;
            script.onerror = function () { reject(new Error('failed to load ' + bundleUrl)); };
            script.onload = function () {
                try {
                    window.plugins['${PLUGIN_ID}'].initialize(h.registry, h.store);
                } catch (err) { h.initError = String(err && err.stack || err); }
                h.mount(Shell);
                resolve();
            };
            document.head.appendChild(script);
        });
    };
})();
</script>
</head>
<body><div id="app"></div></body>
</html>`;
}
