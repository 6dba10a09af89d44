// Loads the built bundle (dist/main.js) into real Chromium, inside a page that
// plays the Mattermost host: real React/ReactDOM 18 on window, a recording
// window.registerPlugin and a fake registry. Run `npm run build` first.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import http from 'node:http';
import {tmpdir} from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {chromium} from 'playwright-core';

import {REACT_VERSIONS, buildHostGlobals} from '../test-support/host-globals.mjs';

const PLUGIN_ID = 'incident-response';
const HEALTH_PATH = `/plugins/${PLUGIN_ID}/api/v0/health`;
const BUNDLE_PATH = `/static/plugins/${PLUGIN_ID}/main.js`;
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const webappDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const distMain = path.join(webappDir, 'dist', 'main.js');

// The page the "host" serves. Like Mattermost: host globals first, then the
// plugin script is appended with `defer`; on load, initialize(registry, store).
const HARNESS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>incident-response harness</title>
<link rel="icon" href="data:,">
<script src="/vendor/host.js"></script>
<script>
(function () {
    var h = window.__harness = {registerPluginCalls: [], registryCalls: [], initialized: false, initError: null, nextId: 1};
    window.plugins = {};
    window.registerPlugin = function (id, plugin) {
        h.registerPluginCalls.push(id);
        window.plugins[id] = plugin;
    };
    // Records every register*/unregister* call; returns a component id like MM.
    h.registry = new Proxy({}, {
        get: function (target, name) {
            if (typeof name !== 'string') { return undefined; }
            return function () {
                var args = Array.prototype.slice.call(arguments);
                var compId = 'component-' + (h.nextId++);
                h.registryCalls.push({name: name, args: args, id: compId});
                if (name === 'registerRightHandSidebarComponent') {
                    // Like Mattermost: redux actions that show, hide or toggle this RHS.
                    return {
                        id: compId,
                        showRHSPlugin: {type: 'SHOW_RHS_PLUGIN', pluggableId: compId},
                        hideRHSPlugin: {type: 'HIDE_RHS_PLUGIN', pluggableId: compId},
                        toggleRHSPlugin: {type: 'TOGGLE_RHS_PLUGIN', pluggableId: compId},
                    };
                }
                return compId;
            };
        },
    });
    var state = {entities: {channels: {currentChannelId: 'channel-1'}}};
    h.store = {
        getState: function () { return state; },
        dispatch: function (a) { h.dispatched = (h.dispatched || []).concat([a]); return a; },
        subscribe: function () { return function () {}; },
    };
    h.loadPlugin = function (id, src) {
        return new Promise(function (resolve, reject) {
            var script = document.createElement('script');
            script.id = 'plugin_' + id;
            script.defer = true;
            script.src = src;
            script.onerror = function () { reject(new Error('failed to load ' + src)); };
            script.onload = function () {
                try {
                    var plugin = window.plugins[id];
                    if (!plugin) { throw new Error('plugin ' + id + ' did not call registerPlugin'); }
                    var r = plugin.initialize(h.registry, h.store);
                    Promise.resolve(r).then(function () { h.initialized = true; resolve(); }, function (e) { h.initError = String(e && e.stack || e); resolve(); });
                } catch (e) {
                    h.initError = String(e && e.stack || e);
                    resolve();
                }
            };
            document.head.appendChild(script);
        });
    };
    // Render the registered channel-header buttons the way the host does:
    // a <button> labelled by the tooltip text, wrapping the plugin's icon.
    h.renderHeaderButtons = function () {
        var e = React.createElement;
        var buttons = h.registryCalls.filter(function (c) { return c.name === 'registerChannelHeaderButtonAction'; });
        var channel = {id: 'channel-1', name: 'town-square'};
        var member = {channel_id: 'channel-1', user_id: 'user-1'};
        var tree = e('div', {role: 'toolbar', 'aria-label': 'Channel header'}, buttons.map(function (c) {
            return e('button', {key: c.id, type: 'button', 'aria-label': c.args[3], onClick: function () { c.args[1](channel, member); }}, c.args[0]);
        }));
        var el = document.getElementById('channel-header');
        if (ReactDOM.createRoot) {
            var root = ReactDOM.createRoot(el);
            ReactDOM.flushSync(function () { root.render(tree); });
        } else {
            ReactDOM.render(tree, el); // React 17: synchronous
        }
    };
})();
</script>
</head>
<body>
<div id="channel-header"></div>
</body>
</html>`;

function startServer(hostJs) {
    const requests = [];
    const server = http.createServer((req, res) => {
        requests.push({method: req.method, url: req.url, headers: req.headers});
        const send = (status, type, body) => {
            res.writeHead(status, {'Content-Type': type, 'Cache-Control': 'no-store'});
            res.end(body);
        };
        switch (req.url) {
        case '/':
            return send(200, 'text/html; charset=utf-8', HARNESS_HTML);
        case '/vendor/host.js':
            return send(200, 'text/javascript', readFileSync(hostJs));
        case BUNDLE_PATH:
            return send(200, 'text/javascript', readFileSync(distMain));
        case HEALTH_PATH:
            return send(200, 'application/json', JSON.stringify({status: 'ok'}));
        default:
            return send(404, 'text/plain', 'not found');
        }
    });
    return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve({server, requests, origin: `http://127.0.0.1:${server.address().port}`}));
    });
}

const missingBundle = `${distMain} is missing: run \`npm run build\` in webapp/ before \`npm test\`.`;

test('dist/main.js has been built', () => {
    assert.ok(existsSync(distMain), missingBundle);
});

for (const react of REACT_VERSIONS) {
    describe(`webapp bundle in Chromium (React ${react})`, {timeout: 60_000}, () => {
        let srv;
        let userDataDir;
        let context;
        let page;
        const consoleErrors = [];
        const consoleLogs = [];
        const pageErrors = [];

        before(async () => {
            if (!existsSync(distMain)) {
                throw new Error(missingBundle);
            }
            if (!existsSync(CHROMIUM)) {
                throw new Error(`Chromium not found at ${CHROMIUM}: install it with \`apt-get install -y chromium\`.`);
            }
            userDataDir = mkdtempSync(path.join(tmpdir(), 'ir-webapp-chromium-'));
            srv = await startServer(await buildHostGlobals(react, path.join(userDataDir, 'vendor')));
            context = await chromium.launchPersistentContext(userDataDir, {
                executablePath: CHROMIUM,
                headless: true,
                timeout: 30_000,
                args: [
                    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                    '--disable-background-networking', '--disable-component-update', '--disable-sync',
                ],
            });
            context.setDefaultTimeout(10_000);
            // Only our own test server may be reached.
            await context.route('**/*', (route) => {
                const url = route.request().url();
                return url.startsWith(srv.origin + '/') || url.startsWith('data:') ? route.continue() : route.abort();
            });
            page = context.pages()[0] ?? await context.newPage();
            page.on('console', (msg) => {
                if (msg.type() === 'error') { consoleErrors.push(msg.text()); }
                if (msg.type() === 'log') { consoleLogs.push(msg.text()); }
            });
            page.on('pageerror', (err) => pageErrors.push(String(err)));
            await page.goto(srv.origin + '/', {waitUntil: 'load'});
            await page.evaluate(([id, src]) => window.__harness.loadPlugin(id, src), [PLUGIN_ID, BUNDLE_PATH]);
        });

        after(async () => {
            await context?.close().catch(() => {});
            if (srv) { await new Promise((resolve) => srv.server.close(resolve)); }
            if (userDataDir) { rmSync(userDataDir, {recursive: true, force: true}); }
        });

        test('bundle contains no copy of React', () => {
            const src = readFileSync(distMain, 'utf8');
            for (const marker of ['__SECRET_INTERNALS', 'ReactCurrentOwner', 'react.production', 'jsx-runtime']) {
                assert.ok(!src.includes(marker), `dist/main.js contains "${marker}"; React must come from window.React`);
            }
        });

        test(`the page runs React ${react}, and the bundle uses it`, async () => {
            assert.equal(await page.evaluate(() => window.React.version.split('.')[0]), String(react));
        });

        test('registerPlugin is called exactly once with the plugin id', async () => {
            const calls = await page.evaluate(() => window.__harness.registerPluginCalls);
            assert.deepEqual(calls, [PLUGIN_ID]);
        });

        test('initialize runs without throwing', async () => {
            const h = await page.evaluate(() => ({initialized: window.__harness.initialized, initError: window.__harness.initError}));
            assert.equal(h.initError, null);
            assert.equal(h.initialized, true);
        });

        test('a channel header button is registered', async () => {
            const calls = await page.evaluate(() => window.__harness.registryCalls.map((c) => ({
                name: c.name,
                argTypes: c.args.map((a) => typeof a),
                texts: c.args.filter((a) => typeof a === 'string'),
            })));
            const header = calls.filter((c) => c.name === 'registerChannelHeaderButtonAction');
            assert.equal(header.length, 1, `registry calls: ${JSON.stringify(calls)}`);
            assert.deepEqual(header[0].argTypes, ['object', 'function', 'string', 'string']);
            assert.deepEqual(header[0].texts, ['Incident Response', 'Incident Response']);
        });

        test('an RHS and the incident websocket handler are registered', async () => {
            const calls = await page.evaluate(() => window.__harness.registryCalls.map((c) => ({
                name: c.name,
                argTypes: c.args.map((a) => typeof a),
                first: typeof c.args[0] === 'string' ? c.args[0] : null,
                title: typeof c.args[1] === 'string' ? c.args[1] : null,
            })));
            const rhs = calls.filter((c) => c.name === 'registerRightHandSidebarComponent');
            assert.equal(rhs.length, 1, JSON.stringify(calls));
            assert.deepEqual(rhs[0].argTypes, ['function', 'string']);
            assert.equal(rhs[0].title, 'Incidents');
            const ws = calls.filter((c) => c.name === 'registerWebSocketEventHandler');
            assert.deepEqual(ws.map((c) => [c.first, c.argTypes[1]]), [[`custom_${PLUGIN_ID}_incident_updated`, 'function']]);
        });

        test('entry points: start form at the root, channel menu, post menu, App Bar icon', async () => {
            const calls = await page.evaluate(() => window.__harness.registryCalls.map((c) => ({
                name: c.name,
                argTypes: c.args.map((a) => typeof a),
                first: typeof c.args[0] === 'string' ? c.args[0].slice(0, 40) : null,
                tooltip: typeof c.args[2] === 'string' ? c.args[2] : null,
            })));
            const byName = (n) => calls.filter((c) => c.name === n);
            assert.deepEqual(byName('registerRootComponent').map((c) => c.argTypes), [['function']]);
            assert.deepEqual(byName('registerChannelHeaderMenuAction').map((c) => [c.first, ...c.argTypes.slice(1)]),
                [['Start incident', 'function', 'function']]);
            assert.deepEqual(byName('registerPostDropdownMenuAction').map((c) => [c.first, ...c.argTypes.slice(1)]),
                [['Start incident from this message', 'function', 'function'], ['Add to incident timeline', 'function', 'function']]);
            const appBar = byName('registerAppBarComponent');
            assert.equal(appBar.length, 1, JSON.stringify(calls));
            assert.match(appBar[0].first, /^data:image\/svg\+xml,/);
            assert.deepEqual(appBar[0].argTypes, ['string', 'function', 'string']);
            assert.equal(appBar[0].tooltip, 'Incident Response');
        });

        test('a host without the optional registry methods still gets the RHS and header button', async () => {
            const result = await page.evaluate((id) => {
                const calls = [];
                const rec = (name) => (...args) => {
                    calls.push(name);
                    return name === 'registerRightHandSidebarComponent' ?
                        {id: 'x', showRHSPlugin: {}, hideRHSPlugin: {}, toggleRHSPlugin: {}} : 'id-' + calls.length;
                };
                const registry = {};
                for (const n of ['registerRightHandSidebarComponent', 'registerChannelHeaderButtonAction',
                    'registerWebSocketEventHandler', 'unregisterComponent']) {
                    registry[n] = rec(n);
                }
                const store = {getState: () => ({}), dispatch: (a) => a, subscribe: () => () => {}};
                try {
                    const plugin = new window.plugins[id].constructor();
                    plugin.initialize(registry, store);
                    plugin.uninitialize();
                    return {calls, error: null};
                } catch (e) {
                    return {calls, error: String(e)};
                }
            }, PLUGIN_ID);
            assert.equal(result.error, null);
            assert.deepEqual(result.calls, ['registerRightHandSidebarComponent', 'registerChannelHeaderButtonAction', 'registerWebSocketEventHandler']);
        });

        test('the icon renders with an accessible name and the button toggles the RHS', async () => {
            await page.evaluate(() => window.__harness.renderHeaderButtons());
            await page.getByRole('img', {name: 'Incident Response'}).waitFor({state: 'visible'});
            await page.getByRole('button', {name: 'Incident Response'}).click();
            const dispatched = await page.evaluate(() => window.__harness.dispatched || []);
            const rhsId = await page.evaluate(() => window.__harness.registryCalls.find((c) => c.name === 'registerRightHandSidebarComponent').id);
            assert.deepEqual(dispatched, [{type: 'TOGGLE_RHS_PLUGIN', pluggableId: rhsId}]);
        });

        test('uninitialize runs without throwing', async () => {
            const err = await page.evaluate((id) => {
                try { window.plugins[id].uninitialize(); return null; } catch (e) { return String(e); }
            }, PLUGIN_ID);
            assert.equal(err, null);
        });

        test('no console errors or page errors', () => {
            assert.deepEqual(pageErrors, []);
            assert.deepEqual(consoleErrors, []);
            const unexpected = srv.requests.filter((r) => ![
                '/', '/vendor/host.js', BUNDLE_PATH,
            ].includes(r.url));
            assert.deepEqual(unexpected.map((r) => r.url), []);
        });
    });
}
