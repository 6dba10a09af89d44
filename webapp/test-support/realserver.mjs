// For the Chromium suite that runs against a REAL Mattermost server (tests/e2e starts one and
// passes it in E2E_MM_* variables): the server, the users' logins, REST calls with session
// tokens, and the faithful host page on the server's own origin.
import {API, PLUGIN_ID} from './devserver.mjs';
import {buildFaithfulHost, mattermostLayout} from './faithful/build.mjs';

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
 * The host page: the faithful host (test-support/faithful), written into the folder the server
 * serves as /static/ (tests/e2e names it in E2E_MM_STATIC_DIR; it holds no web client) as
 * root.html, which Mattermost answers every web route with (web/static.go reads it on each
 * request), and host.js below it. So the page comes from the server's own origin and boots
 * against the real server exactly as the web app does: client config, the user (a login form
 * when there is no session), teams, channels, the plugin bundles the server lists, the real
 * websocket.
 */
export const STATIC_DIR = process.env.E2E_MM_STATIC_DIR || '';

export async function installHarness() {
    if (!STATIC_DIR) {
        throw new Error('E2E_MM_STATIC_DIR is unset: tests/e2e sets it to the folder the server serves as /static/');
    }
    return buildFaithfulHost(SERVER_REACT, mattermostLayout(STATIC_DIR));
}
