// Node side of the faithful host: a dev server (tests/conformance/cmd/devserver: the real plugin
// under Mattermost's plugin host code) that serves the host page for every web route, the
// host built for one React major, and the built main.js as the plugin's webapp bundle; then a
// Chromium page logged in as a test user, opened at a route, and booted the way Mattermost's
// web app boots (README.md). Suites use:
//
//   const host = await startFaithfulHost({react, prefix: 'ir-x-'});      // {base, seed, api, command, …}
//   const {context, page} = await launchChromium(host.work, host.origin, viewport, pageErrors, consoleErrors);
//   await openAs(page, host, 'alice', `/${host.seed.team_name}/channels/town-square`);
//   ... await stopHarness(host.stopArgs(context));
import assert from 'node:assert/strict';
import {copyFileSync, existsSync, mkdirSync, mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import path from 'node:path';

import {BUNDLE_TGZ, CHROMIUM, PLUGIN_ID, devserverBinary, devserverClient, distMain, startDevserver} from '../devserver.mjs';
import {buildFaithfulHost, devserverLayout} from './build.mjs';

/**
 * Starts a dev server with the faithful host. Options: `react` (17, 18, 19), `prefix` (the
 * work folder's), `subpath` ('' or e.g. '/chat': Mattermost below a subpath), `disableAppBar`
 * (the admin setting; Mattermost's default shows the App Bar).
 */
export async function startFaithfulHost({react, prefix, subpath = '', disableAppBar = false}) {
    assert.ok(existsSync(distMain), `${distMain} is missing: run \`npm run build\` first`);
    assert.ok(existsSync(BUNDLE_TGZ), `BUNDLE_TGZ=${BUNDLE_TGZ} does not exist`);
    assert.ok(existsSync(CHROMIUM), `Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\``);
    const work = mkdtempSync(path.join(tmpdir(), prefix));
    const staticRoot = path.join(work, 'static');
    await buildFaithfulHost(react, devserverLayout(staticRoot, subpath));
    const pluginDir = path.join(staticRoot, 'static', 'plugins', PLUGIN_ID);
    mkdirSync(pluginDir, {recursive: true});
    copyFileSync(distMain, path.join(pluginDir, 'main.js'));
    const args = [];
    if (subpath) { args.push('-subpath', subpath); }
    if (disableAppBar) { args.push('-disable-app-bar'); }
    const server = startDevserver(devserverBinary(work), staticRoot, args);
    const siteURL = await server.origin; // includes the subpath
    const base = siteURL.replace(/\/+$/, '');
    const origin = new URL(base).origin;
    const seed = await (await fetch(base + '/test/seed')).json();
    const {api, command} = devserverClient(() => base);
    async function eventsSince(n) {
        return (await fetch(`${base}/test/events?since=${n}`)).json();
    }
    async function setLocale(user, locale) {
        const res = await fetch(`${base}/test/locale`, {method: 'POST', body: JSON.stringify({user, locale})});
        assert.equal(res.status, 200);
    }
    // The user's Mattermost time zone (User.timezone, as Settings > Display saves it): read by
    // the web app from users/me and by the plugin through GetUser.
    async function setTimezone(user, timezone) {
        const res = await fetch(`${base}/test/timezone`, {method: 'POST', body: JSON.stringify({user, timezone})});
        assert.equal(res.status, 200);
    }
    async function post(user, message, channelId) {
        const res = await fetch(`${base}/test/post`, {method: 'POST', body: JSON.stringify({user, message, channel_id: channelId || ''})});
        assert.equal(res.status, 200);
        return res.json();
    }
    return {work, server, origin, base, subpath, seed, api, command, eventsSince, setLocale, setTimezone, post,
        stopArgs: (context) => ({context, server, work})};
}

/**
 * Logs `user` in (session and CSRF cookies) and opens the web route `route` (below the
 * subpath); answers once the host has mounted its routes. If a plugin's initialize threw, the
 * host never mounts (as Mattermost stays blank): this fails with the error.
 */
export async function openAs(page, host, user, route, pageErrors = []) {
    const login = await page.goto(`${host.base}/test/login?user=${user}`);
    assert.equal(login.status(), 200);
    await page.goto(host.base + route, {waitUntil: 'load'});
    await waitMounted(page, pageErrors);
}

export async function waitMounted(page, pageErrors = [], ms = 15_000) {
    const deadline = Date.now() + ms;
    for (;;) {
        const s = await page.evaluate(() => ({mounted: window.__host?.mounted === true, boot: window.__host?.bootError || null, login: !!window.__host?.needsLogin}));
        if (s.mounted) {
            return;
        }
        if (s.boot) {
            throw new Error(`the host did not boot: ${s.boot}`);
        }
        if (s.login) {
            throw new Error('the host asks for a login: the session cookie was not accepted');
        }
        if (Date.now() > deadline) {
            throw new Error(`the web app never mounted its routes (as Mattermost stays blank when a plugin's initialize throws); page errors: ${JSON.stringify(pageErrors)}`);
        }
        await new Promise((r) => setTimeout(r, 50));
    }
}

/** Navigates inside the single-page app the way a link or the plugin's browserHistory.push does. */
export async function navigate(page, route) {
    await page.evaluate((r) => window.__host.history.push(r), route);
}
