// What a commander needs first, in real Chromium against the REAL plugin (through
// tests/conformance/cmd/devserver, as rhs.test.mjs): the start form from a plugin page (where the
// host renders no Root components), the link to the incident channel and joining it, item
// descriptions rendered through the host's PostUtils, running an item's slash command, editing
// the name and summary, skipping, moving and renaming from the RHS, and following, reminders and
// the impact window from the panel.
//
// The page below plays the host: React on window, a redux-like store, a registry, and a router
// with the two layouts Mattermost has: a channel view (channel header, Root components) and a
// plugin page /<team>/incident-response/<page> (only the page; no Root components). The App Bar
// and the RHS are at the root in both. window.WebappUtils.browserHistory.push moves between
// them; window.PostUtils stands for the host's Markdown pipeline (a small stand-in that marks
// what it was asked).
//
// Needs dist/main.js (`npm run build`) and BUNDLE_TGZ; skipped without BUNDLE_TGZ.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync} from 'node:fs';
import path from 'node:path';

import {
    BUNDLE_URL, PLUGIN_ID, THEMES, outDir, skipReason,
    devserverClient, settledFocus, startHarness, launchChromium, stopHarness,
} from '../test-support/devserver.mjs';
import {HOST_MOUNT_JS, REACT_VERSIONS, screenshotName} from '../test-support/host-globals.mjs';

const HARNESS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Incident Response commander harness</title>
<link rel="icon" href="data:,">
<style>
  html, body { margin: 0; height: 100%; }
  body { font-family: "Open Sans", "Liberation Sans", Arial, sans-serif; font-size: 14px; background: var(--center-channel-bg); color: var(--center-channel-color); }
  #app { display: flex; height: 100vh; }
  #lhs { width: 200px; background: var(--sidebar-bg); color: var(--sidebar-text); flex: none; }
  #lhs h1 { margin: 0; padding: 14px 16px; font-size: 16px; }
  #center { flex: 1; display: flex; flex-direction: column; min-width: 0; overflow: auto; }
  #channel-header { height: 56px; display: flex; align-items: center; justify-content: space-between; padding: 0 16px; border-bottom: 1px solid rgba(var(--center-channel-color-rgb), .12); }
  #channel-header button { font: inherit; font-size: 12px; }
  #sidebar-right { width: 420px; flex: none; display: flex; flex-direction: column; border-left: 1px solid rgba(var(--center-channel-color-rgb), .12); }
  #sidebar-right[hidden] { display: none; }
  #rhsContainer { flex: 1; min-height: 0; display: flex; flex-direction: column; }
  #app-bar { width: 48px; flex: none; border-left: 1px solid rgba(var(--center-channel-color-rgb), .12); display: flex; flex-direction: column; align-items: center; padding-top: 8px; }
  #app-bar button { width: 32px; height: 32px; border: 0; background: transparent; padding: 4px; cursor: pointer; }
  #app-bar img { width: 24px; height: 24px; }
</style>
<script src="/vendor/host.js"></script>
<script>
(function () {
    var h = window.__harness = {initError: null, wsHandlers: {}, rhs: null, nextId: 1, roots: [], postActions: [], headerMenu: [],
        appBar: [], routes: {}, pushed: [], formatCalls: [], componentCalls: []};
    window.plugins = {};
    window.registerPlugin = function (id, plugin) { window.plugins[id] = plugin; };
${HOST_MOUNT_JS}

    var state = {entities: {teams: {currentTeamId: '', teams: {}}, channels: {currentChannelId: ''}, users: {currentUserId: ''},
        posts: {posts: {}}, general: {config: {}}}, views: {rhs: {pluggableId: '', open: false}}, route: '/'};
    var listeners = [];
    function reduce(s, a) {
        var rhs = s.views.rhs;
        switch (a && a.type) {
        case 'SHOW_RHS_PLUGIN': rhs = {pluggableId: a.pluggableId, open: true}; break;
        case 'HIDE_RHS_PLUGIN': rhs = {pluggableId: '', open: false}; break;
        case 'TOGGLE_RHS_PLUGIN': rhs = rhs.open && rhs.pluggableId === a.pluggableId ? {pluggableId: '', open: false} : {pluggableId: a.pluggableId, open: true}; break;
        case 'ROUTE': return Object.assign({}, s, {route: a.path});
        case 'SET_CURRENT': return Object.assign({}, s, {route: a.route, entities: Object.assign({}, s.entities, {
            teams: {currentTeamId: a.teamId, teams: a.teams || {}}, channels: {currentChannelId: a.channelId}, users: {currentUserId: a.userId},
            general: {config: {SiteURL: a.siteURL || ''}}})});
        default: return s;
        }
        return Object.assign({}, s, {views: {rhs: rhs}});
    }
    h.store = {
        getState: function () { return state; },
        dispatch: function (a) { state = reduce(state, a); listeners.slice().forEach(function (l) { l(); }); return a; },
        subscribe: function (l) { listeners.push(l); return function () { listeners = listeners.filter(function (x) { return x !== l; }); }; },
    };
    // The host's history: in-app navigation changes the route without a reload.
    window.WebappUtils = {browserHistory: {push: function (p) { h.pushed.push(p); h.store.dispatch({type: 'ROUTE', path: p}); }}};

    // A stand-in for the host's Markdown pipeline: escapes, then **bold**, \`code\` and line breaks.
    function esc(t) { return t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'); }
    function toReact(node, key) {
        if (node.nodeType === 3) { return node.textContent; }
        if (node.nodeType !== 1) { return null; }
        var tag = node.tagName.toLowerCase();
        if (['p', 'strong', 'code', 'br', 'em'].indexOf(tag) < 0) { return node.textContent; }
        var kids = Array.prototype.map.call(node.childNodes, function (c, i) { return toReact(c, i); });
        return React.createElement.apply(null, [tag, {key: key, 'data-host-markdown': ''}].concat(tag === 'br' ? [] : kids));
    }
    h.postUtils = {
        formatText: function (text, options) {
            h.formatCalls.push(options);
            return '<p>' + esc(text).replace(/\\*\\*([^*]+)\\*\\*/g, '<strong>$1</strong>').replace(/\`([^\`]+)\`/g, '<code>$1</code>').replace(/\\n/g, '<br>') + '</p>';
        },
        messageHtmlToComponent: function (html, options) {
            h.componentCalls.push(options);
            var doc = new DOMParser().parseFromString('<body>' + html + '</body>', 'text/html');
            return Array.prototype.map.call(doc.body.childNodes, function (c, i) { return toReact(c, i); });
        },
    };
    window.PostUtils = h.postUtils;

    h.registry = {
        registerRightHandSidebarComponent: function (component, title) {
            var id = 'rhs-' + (h.nextId++);
            h.rhs = {id: id, component: component, title: title};
            return {id: id, showRHSPlugin: {type: 'SHOW_RHS_PLUGIN', pluggableId: id},
                hideRHSPlugin: {type: 'HIDE_RHS_PLUGIN', pluggableId: id}, toggleRHSPlugin: {type: 'TOGGLE_RHS_PLUGIN', pluggableId: id}};
        },
        registerChannelHeaderButtonAction: function () { return 'header-' + (h.nextId++); },
        registerWebSocketEventHandler: function (event, handler) { h.wsHandlers[event] = handler; },
        unregisterWebSocketEventHandler: function (event) { delete h.wsHandlers[event]; },
        registerReconnectHandler: function () {},
        unregisterReconnectHandler: function () {},
        registerRootComponent: function (component) { var id = 'root-' + (h.nextId++); h.roots.push({id: id, component: component}); return id; },
        registerPostDropdownMenuAction: function (text, action, filter) {
            var id = 'post-' + (h.nextId++); h.postActions.push({id: id, text: text, action: action, filter: filter}); return id;
        },
        registerChannelHeaderMenuAction: function (text, action) {
            var id = 'menu-' + (h.nextId++); h.headerMenu.push({id: id, text: text, action: action}); return id;
        },
        registerAppBarComponent: function (iconUrl, action, tooltipText) {
            var id = 'appbar-' + (h.nextId++); h.appBar.push({id: id, iconUrl: iconUrl, action: action, tooltipText: tooltipText}); return id;
        },
        registerNeedsTeamRoute: function (route, component) { h.routes[route] = component; return 'route-' + (h.nextId++); },
        registerTranslations: function () {},
        unregisterComponent: function () {},
    };

    var PAGE = new RegExp('^/[^/]+/${PLUGIN_ID}(/[a-z]+)$');
    function Shell() {
        var e = React.createElement;
        var s = React.useState(h.store.getState()); var st = s[0]; var set = s[1];
        React.useEffect(function () { return h.store.subscribe(function () { set(h.store.getState()); }); }, []);
        var rhsOpen = st.views.rhs.open && h.rhs && st.views.rhs.pluggableId === h.rhs.id;
        var m = PAGE.exec(st.route);
        var center;
        if (m && h.routes[m[1]]) {
            // A plugin page: the page component alone, no channel view and no Root components.
            center = e('main', {id: 'center', 'data-layout': 'page'}, e(h.routes[m[1]], {key: m[1]}));
        } else {
            center = e(React.Fragment, null,
                e('nav', {id: 'lhs', 'aria-label': 'Channels'}, e('h1', null, 'Ops')),
                e('main', {id: 'center', 'data-layout': 'channel'},
                    e('header', {id: 'channel-header'}, e('strong', null, st.route),
                        e('div', {role: 'toolbar', 'aria-label': 'Channel header'}, h.headerMenu.map(function (mi) {
                            return e('button', {key: mi.id, type: 'button', onClick: function () { mi.action(st.entities.channels.currentChannelId); }}, mi.text);
                        })))),
                h.roots.map(function (r) { return e(r.component, {key: r.id}); }));
        }
        return e(React.Fragment, null, center,
            e('aside', {id: 'sidebar-right', hidden: !rhsOpen, 'aria-label': 'Right sidebar'},
                rhsOpen && e('div', {id: 'rhsContainer'}, e(h.rhs.component, {}))),
            e('div', {id: 'app-bar', role: 'toolbar', 'aria-label': 'App Bar'}, h.appBar.map(function (b) {
                return e('button', {key: b.id, type: 'button', 'aria-label': b.tooltipText, onClick: function () { b.action(); }},
                    e('img', {src: b.iconUrl, alt: ''}));
            })));
    }

    h.boot = function (seed, userId, route) {
        var teams = {}; teams[seed.team_id] = {id: seed.team_id, name: seed.team_name};
        h.store.dispatch({type: 'SET_CURRENT', teamId: seed.team_id, channelId: seed.town_square_id, userId: userId, teams: teams,
            siteURL: seed.site_url, route: route});
        return new Promise(function (resolve, reject) {
            var script = document.createElement('script');
            script.src = '${BUNDLE_URL}';
            script.onerror = function () { reject(new Error('failed to load the bundle')); };
            script.onload = function () {
                try { window.plugins['${PLUGIN_ID}'].initialize(h.registry, h.store); } catch (err) { h.initError = String(err && err.stack || err); }
                h.mount(Shell);
                resolve();
            };
            document.head.appendChild(script);
        });
    };
    h.go = function (p) { h.store.dispatch({type: 'ROUTE', path: p}); };
    h.setTheme = function (vars) {
        Object.keys(vars).forEach(function (k) { document.documentElement.style.setProperty('--' + k, vars[k]); });
    };
})();
</script>
</head>
<body>
<div id="app"></div>
</body>
</html>`;

const skip = skipReason;
if (skip) {
    // eslint-disable-next-line no-console
    console.log(`# commander.test.mjs skipped: ${skip}`);
}

for (const react of REACT_VERSIONS) {
    describe(`The commander's first hour in the UI (React ${react})`, {skip, timeout: 300_000}, () => {
        let work;
        let server;
        let origin;
        let seed;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];
        const {api, command} = devserverClient(() => origin);
        const host = async (user, method, p, body) => {
            const res = await fetch(origin + p, {method, headers: {'X-Test-User': user, ...(body ? {'Content-Type': 'application/json'} : {})},
                body: body ? JSON.stringify(body) : undefined});
            return {status: res.status, data: await res.json().catch(() => null)};
        };
        const get = async (id) => (await api('alice', 'GET', `/incidents/${id}`)).data;
        const byTitle = (inc, title) => inc.checklists.flatMap((s) => s.items).find((i) => i.title === title);
        const text = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();
        async function until(fn, what, ms = 10_000) {
            const end = Date.now() + ms;
            while (!(await fn())) {
                if (Date.now() > end) { throw new Error(what); }
                await new Promise((r) => setTimeout(r, 50));
            }
        }
        async function shot(name) {
            mkdirSync(outDir, {recursive: true});
            const file = screenshotName(name, react);
            if (file) {
                await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
                await page.screenshot({path: path.join(outDir, `${file}.png`)});
            }
        }
        const rhs = () => page.getByRole('region', {name: 'Incidents'});
        async function boot(user, route) {
            const login = await page.goto(origin + `/test/login?user=${user}`);
            assert.equal(login.status(), 200);
            await page.goto(origin + '/', {waitUntil: 'load'});
            await page.evaluate(([s, u, r]) => window.__harness.boot(s, u, r), [seed, seed.users[user].id, route]);
            assert.equal(await page.evaluate(() => window.__harness.initError), null);
            await page.evaluate((t) => window.__harness.setTheme(t), THEMES.denim);
        }
        // Opens the RHS (App Bar) on the list, then the incident's detail.
        async function openDetail(name) {
            if (!(await rhs().isVisible())) {
                await page.getByRole('toolbar', {name: 'App Bar'}).getByRole('button', {name: 'Incident Response'}).click();
            }
            const back = rhs().getByRole('button', {name: 'All incidents'});
            if (await back.isVisible()) {
                await back.click();
            }
            await rhs().getByRole('button', {name: new RegExp(name)}).click();
            await rhs().getByRole('heading', {name, level: 2}).waitFor();
        }

        let runbook; // a playbook whose items have descriptions and commands
        let incQ; // alice's, from the runbook

        before(async () => {
            ({work, server, origin, seed} = await startHarness(react, HARNESS_HTML, 'ir-commander-'));
            ({context, page} = await launchChromium(work, origin, {width: 1280, height: 900}, pageErrors, consoleErrors));
            const created = await api('sysadmin', 'POST', '/playbooks', {
                team_id: seed.team_id, title: 'Database runbook', description: '', channel_name_template: '', private_channel: false,
                default_commander_id: null, announcement_channel_ids: [], member_ids: [], editor_ids: [seed.users.alice.id],
                checklists: [
                    {title: 'Triage', items: [
                        {title: 'Check free space', description: '**Check** the volume with `df -h`\n<img src=x onerror="window.__pwned=1">', default_assignee_id: null, command: '/incident info'},
                        {title: 'Page the DBA', description: '', default_assignee_id: null, command: '/nosuch now'},
                        {title: 'Open a ticket', description: '', default_assignee_id: null, command: null},
                    ]},
                    {title: 'Fix', items: [
                        {title: 'Grow the volume', description: '', default_assignee_id: null, command: null},
                    ]},
                ],
            });
            assert.equal(created.status, 201, JSON.stringify(created.data));
            runbook = created.data;
            const started = await api('alice', 'POST', '/incidents', {team_id: seed.team_id, name: 'Replica lag', playbook_id: runbook.id, private: false});
            assert.equal(started.status, 201, JSON.stringify(started.data));
            incQ = started.data;
        });

        after(() => stopHarness({context, server, work}));

        test('A: on a plugin page (no Root components), "Start incident" in the RHS opens the form, once', async () => {
            await boot('alice', `/${seed.team_name}/${PLUGIN_ID}/incidents`);
            assert.equal(await page.getAttribute('#center', 'data-layout'), 'page');
            await page.getByRole('toolbar', {name: 'App Bar'}).getByRole('button', {name: 'Incident Response'}).click();
            await rhs().getByRole('button', {name: 'Start incident'}).click();
            const dialog = page.getByRole('dialog');
            await dialog.waitFor();
            assert.equal(await dialog.count(), 1);
            await dialog.getByRole('textbox', {name: /Name/}).first().fill('Disk full on db-2');
            await dialog.getByRole('button', {name: /^Start/}).click();
            await dialog.waitFor({state: 'detached'});
            await rhs().getByRole('heading', {name: 'Disk full on db-2', level: 2}).waitFor();

            // Into the channel view: the page's host goes, the RHS's keeps the forms; the channel
            // menu's item opens the form once there too.
            await page.evaluate(() => window.__harness.go('/ops/channels/town-square'));
            assert.equal(await page.getAttribute('#center', 'data-layout'), 'channel');
            await page.getByRole('toolbar', {name: 'Channel header'}).getByRole('button', {name: 'Start incident'}).click();
            await page.getByRole('dialog').waitFor();
            assert.equal(await page.getByRole('dialog').count(), 1);
            await page.keyboard.press('Escape');
            await page.getByRole('dialog').waitFor({state: 'detached'});

            // With the RHS closed, the Root component's host takes over.
            await page.getByRole('toolbar', {name: 'App Bar'}).getByRole('button', {name: 'Incident Response'}).click();
            await rhs().waitFor({state: 'detached'});
            await page.getByRole('toolbar', {name: 'Channel header'}).getByRole('button', {name: 'Start incident'}).click();
            await page.getByRole('dialog').waitFor();
            assert.equal(await page.getByRole('dialog').count(), 1);
            await page.keyboard.press('Escape');
            await page.getByRole('dialog').waitFor({state: 'detached'});
        });

        test('B: a link to the incident channel navigates in the app; Join for a public one; who to ask for a private one', async () => {
            await openDetail('Disk full on db-2');
            const list = await api('alice', 'GET', `/incidents?team_id=${seed.team_id}&state=active`);
            const incP = list.data.items.find((i) => i.name === 'Disk full on db-2');
            const channel = await host('alice', 'GET', `/api/v4/channels/${incP.channel_id}`);
            assert.equal(channel.status, 200);
            const link = rhs().getByRole('link', {name: /^Go to the incident channel/});
            await link.waitFor();
            assert.equal(await link.getAttribute('href'), `/${seed.team_name}/channels/${channel.data.name}`);
            await link.click();
            assert.equal(await page.evaluate(() => window.__harness.pushed.at(-1)), `/${seed.team_name}/channels/${channel.data.name}`);

            // A public incident sysadmin started: alice is not in its channel.
            const other = await api('sysadmin', 'POST', '/incidents', {team_id: seed.team_id, name: 'Cache stampede', private: false});
            assert.equal(other.status, 201, JSON.stringify(other.data));
            assert.equal((await host('alice', 'GET', `/api/v4/channels/${other.data.channel_id}/members/me`)).status, 404);
            await rhs().getByRole('button', {name: 'All incidents'}).click();
            await rhs().getByRole('button', {name: 'Try again'}).or(rhs().getByRole('button', {name: /Cache stampede/})).first().waitFor().catch(() => {});
            // The list refreshes on the next event; reopen the RHS to read it again.
            await page.getByRole('toolbar', {name: 'App Bar'}).getByRole('button', {name: 'Incident Response'}).click();
            await page.getByRole('toolbar', {name: 'App Bar'}).getByRole('button', {name: 'Incident Response'}).click();
            const join = rhs().getByRole('button', {name: /^Join the incident channel/});
            await join.waitFor();
            assert.equal(await join.count(), 1);
            await shot('commander-join-light');
            await join.click();
            await until(async () => (await host('alice', 'GET', `/api/v4/channels/${other.data.channel_id}/members/me`)).status === 200, 'alice is a member');
            await join.waitFor({state: 'detached'});
            const cardLinks = rhs().getByRole('link', {name: /^Go to the incident channel/});
            await until(async () => (await cardLinks.count()) >= 3, 'every card has its channel link');

            // The incidents page rows carry the link too.
            await page.evaluate((p) => window.__harness.go(p), `/${seed.team_name}/${PLUGIN_ID}/incidents`);
            const table = page.getByRole('table');
            await table.waitFor();
            await until(async () => (await table.getByRole('link', {name: /^Go to the incident channel/}).count()) >= 3, 'rows have channel links');

            // A private incident alice runs, seen by the admin who is not in its channel.
            const secret = await api('alice', 'POST', '/incidents', {team_id: seed.team_id, name: 'Leaked key', private: true});
            assert.equal(secret.status, 201, JSON.stringify(secret.data));
            await boot('sysadmin', '/ops/channels/town-square');
            await openDetail('Leaked key');
            await rhs().getByText(/The incident channel is private\. Ask the commander, @alice, to add you\./).waitFor();
            assert.equal(await rhs().getByRole('button', {name: /^Join/}).count(), 0);
            await boot('alice', '/ops/channels/town-square');
        });

        test('C: item descriptions go through the host\'s formatText and messageHtmlToComponent; plain text without them', async () => {
            await openDetail('Replica lag');
            const item = rhs().locator('li').filter({has: page.getByRole('checkbox', {name: 'Check free space', exact: true})});
            const strong = item.locator('strong[data-host-markdown]');
            await strong.waitFor();
            assert.equal(await strong.textContent(), 'Check');
            assert.equal(await item.locator('code[data-host-markdown]').textContent(), 'df -h');
            assert.equal(await item.locator('img').count(), 0);
            assert.equal(await page.evaluate(() => window.__pwned), undefined);
            const calls = await page.evaluate(() => [window.__harness.formatCalls.at(-1), window.__harness.componentCalls.at(-1)]);
            assert.equal(calls[0].markdown, true);
            assert.equal(calls[0].atMentions, true);
            assert.equal(calls[1].mentionHighlight, false);
            // The description describes the checkbox.
            const described = await item.getByRole('checkbox').getAttribute('aria-describedby');
            assert.match(await page.locator(`[id="${described.split(' ')[0]}"]`).innerText(), /Check the volume/);

            // A host without PostUtils: the text as it is, never as HTML.
            await page.evaluate(() => { delete window.PostUtils; });
            await rhs().getByRole('button', {name: 'All incidents'}).click();
            await rhs().getByRole('button', {name: /Replica lag/}).click();
            await item.getByText('**Check** the volume').waitFor();
            assert.equal(await item.locator('strong').count(), 0);
            assert.equal(await item.locator('img').count(), 0);
            await page.evaluate(() => { window.PostUtils = window.__harness.postUtils; });
        });

        test('C: the playbook editor edits an item\'s description', async () => {
            await page.evaluate((p) => window.__harness.go(p), `/${seed.team_name}/${PLUGIN_ID}/playbooks`);
            await page.getByRole('button', {name: 'Edit “Database runbook”'}).click();
            const box = page.getByRole('textbox', {name: 'Instructions for Open a ticket'});
            await box.fill('File it in **OPS**\nwith the incident reference');
            await page.getByRole('button', {name: 'Save playbook'}).click();
            await until(async () => {
                const pb = (await api('sysadmin', 'GET', `/playbooks/${runbook.id}`)).data;
                return pb.checklists[0].items[2].description === 'File it in **OPS**\nwith the incident reference';
            }, 'the playbook has the description').catch(async (e) => {
                const alerts = await page.getByRole('alert').allInnerTexts();
                throw new Error(`${e.message}; the page says: ${alerts.join(' | ')}; server has ${JSON.stringify((await api('sysadmin', 'GET', `/playbooks/${runbook.id}`)).data.checklists[0].items[2])}`);
            });
            await page.evaluate(() => window.__harness.go('/ops/channels/town-square'));
        });

        test('D: Run runs the item\'s command in the incident channel and records who ran it; a refusal shows the server\'s words', async () => {
            await openDetail('Replica lag');
            const item = rhs().locator('li').filter({has: page.getByRole('checkbox', {name: 'Check free space', exact: true})});
            assert.equal(await text(item.locator('code').last()), '/incident info');
            const ran = page.waitForResponse((r) => r.url().endsWith('/api/v4/commands/execute'));
            await item.getByRole('button', {name: 'Run /incident info in the incident channel'}).click();
            const body = JSON.parse((await ran).request().postData());
            assert.deepEqual(body, {channel_id: incQ.channel_id, team_id: incQ.team_id, command: '/incident info'});
            await item.getByRole('status').filter({hasText: /INC-\d+/}).waitFor();
            await item.getByText(/Last run by @alice, just now/).waitFor();
            const after = byTitle(await get(incQ.id), 'Check free space');
            assert.equal(after.last_run_by, seed.users.alice.id);
            assert.ok(after.last_run_at > 0);

            const dba = rhs().locator('li').filter({has: page.getByRole('checkbox', {name: 'Page the DBA', exact: true})});
            await dba.getByRole('button', {name: /^Run \/nosuch now/}).click();
            await dba.getByRole('alert').filter({hasText: "Command with a trigger of 'nosuch' not found."}).waitFor();
            assert.equal(byTitle(await get(incQ.id), 'Page the DBA').last_run_at ?? null, null);
            await shot('commander-checklist-light');
        });

        test('E: edit the name and summary from the detail; Escape cancels', async () => {
            await openDetail('Replica lag');
            await rhs().getByRole('button', {name: /^Edit the name and summary/}).click();
            const form = rhs().getByRole('form', {name: 'Edit the name and summary'});
            await form.getByRole('textbox', {name: 'Name'}).fill('Replica lag on db-3');
            await form.getByRole('textbox', {name: 'Summary'}).fill('Replication is 40 s behind since 09:12.');
            await form.getByRole('button', {name: 'Save'}).click();
            await rhs().getByRole('heading', {name: 'Replica lag on db-3', level: 2}).waitFor();
            const after = await get(incQ.id);
            assert.equal(after.name, 'Replica lag on db-3');
            assert.equal(after.summary, 'Replication is 40 s behind since 09:12.');
            await rhs().getByText('Replication is 40 s behind since 09:12.').waitFor();

            const edit = rhs().getByRole('button', {name: /^Edit the name and summary/});
            await edit.click();
            await form.getByRole('textbox', {name: 'Name'}).fill('Not this');
            await page.keyboard.press('Escape');
            await form.waitFor({state: 'detached'});
            assert.equal(await settledFocus(page, () => document.activeElement?.getAttribute('aria-label'), await edit.getAttribute('aria-label')),
                await edit.getAttribute('aria-label'));
            assert.equal((await get(incQ.id)).name, 'Replica lag on db-3');

            // An empty name is refused before it is sent.
            await edit.click();
            await form.getByRole('textbox', {name: 'Name'}).fill('  ');
            await form.getByRole('button', {name: 'Save'}).click();
            await form.getByRole('alert').filter({hasText: 'Give the incident a name.'}).waitFor();
            await page.keyboard.press('Escape');
        });

        test('F: skip and restore, move up and down by keyboard, move to another section, rename a section', async () => {
            await openDetail('Replica lag on db-3');
            const actionsFor = (title) => rhs().getByRole('button', {name: `Actions for ${title}`, exact: true});
            const menuFor = (title) => rhs().getByRole('group', {name: `Actions for ${title}`});

            await actionsFor('Open a ticket').click();
            await menuFor('Open a ticket').getByRole('button', {name: 'Skip'}).click();
            await until(async () => byTitle(await get(incQ.id), 'Open a ticket').state === 'skipped', 'skipped on the server');
            await rhs().locator('li').filter({has: page.getByRole('checkbox', {name: 'Open a ticket', exact: true})}).getByText('Skipped').waitFor();
            await actionsFor('Open a ticket').click();
            await menuFor('Open a ticket').getByRole('button', {name: 'Restore'}).click();
            await until(async () => byTitle(await get(incQ.id), 'Open a ticket').state === 'open', 'restored on the server');

            // Keyboard only: focus "Move up", Enter twice; the item ends first and focus stays in its menu.
            await actionsFor('Open a ticket').focus();
            await page.keyboard.press('Enter');
            const up = menuFor('Open a ticket').getByRole('button', {name: 'Move “Open a ticket” up'});
            await up.focus();
            await page.keyboard.press('Enter');
            await until(async () => (await get(incQ.id)).checklists[0].items[1].title === 'Open a ticket', 'moved to 2nd');
            await settledFocus(page, () => document.activeElement?.getAttribute('aria-label'), 'Move “Open a ticket” up');
            await page.keyboard.press('Enter');
            await until(async () => (await get(incQ.id)).checklists[0].items[0].title === 'Open a ticket', 'moved to 1st');
            // At the top, "up" is disabled and focus went to "down".
            assert.equal(await settledFocus(page, () => document.activeElement?.getAttribute('aria-label'), 'Move “Open a ticket” down'), 'Move “Open a ticket” down');
            assert.equal(await up.isDisabled(), true);
            await page.keyboard.press('Enter');
            await until(async () => (await get(incQ.id)).checklists[0].items[1].title === 'Open a ticket', 'moved down to 2nd');
            const order = (await get(incQ.id)).checklists[0].items.map((i) => i.title);
            assert.deepEqual(order, ['Check free space', 'Open a ticket', 'Page the DBA']);
            await page.keyboard.press('Escape');

            // To the end of another section.
            await actionsFor('Page the DBA').click();
            await menuFor('Page the DBA').getByRole('combobox', {name: 'Section to move “Page the DBA” to'}).selectOption({label: 'Fix'});
            await menuFor('Page the DBA').getByRole('button', {name: 'Move', exact: true}).click();
            await until(async () => {
                const inc = await get(incQ.id);
                return inc.checklists[1].items.map((i) => i.title).join('|') === 'Grow the volume|Page the DBA';
            }, 'moved into Fix');

            // Rename a section; Escape cancels a second rename.
            await rhs().getByRole('button', {name: 'Rename the section Fix'}).click();
            const title = rhs().getByRole('textbox', {name: 'New title for the section Fix'});
            await title.fill('Remediate');
            await title.press('Enter');
            await until(async () => (await get(incQ.id)).checklists[1].title === 'Remediate', 'renamed on the server');
            await rhs().getByRole('button', {name: /^Remediate \d/}).waitFor();
            await rhs().getByRole('button', {name: 'Rename the section Remediate'}).click();
            await rhs().getByRole('textbox', {name: 'New title for the section Remediate'}).fill('Nope');
            await page.keyboard.press('Escape');
            await rhs().getByRole('button', {name: /^Remediate \d/}).waitFor();
            assert.equal((await get(incQ.id)).checklists[1].title, 'Remediate');
        });

        test('G: follow and unfollow, reminders snooze/off/on, the impact window, from the panel', async () => {
            await openDetail('Replica lag on db-3');
            const follow = rhs().getByRole('group', {name: 'Following'}).getByRole('button');
            await until(async () => (await follow.isEnabled()), 'following state known');
            const followers = async () => (await api('alice', 'GET', `/incidents/${incQ.id}/followers`)).data.user_ids;
            const wasFollowing = (await followers()).includes(seed.users.alice.id);
            assert.equal(await follow.getAttribute('aria-pressed'), String(wasFollowing));
            await follow.click();
            await until(async () => (await followers()).includes(seed.users.alice.id) === !wasFollowing, 'follow toggled on the server');
            await until(async () => (await follow.getAttribute('aria-pressed')) === String(!wasFollowing), 'the button says so');
            await follow.click();
            await until(async () => (await followers()).includes(seed.users.alice.id) === wasFollowing, 'toggled back');

            const reminders = rhs().getByRole('group', {name: 'Update reminders'});
            await reminders.getByRole('combobox', {name: 'Snooze reminders for'}).selectOption('60');
            await reminders.getByRole('button', {name: 'Snooze'}).click();
            await until(async () => ((await get(incQ.id)).reminders_snoozed_until ?? 0) > Date.now() + 50 * 60_000, 'snoozed about an hour');
            await rhs().locator('.IncidentResponse-conduct__notice').filter({hasText: /\S/}).waitFor();
            await reminders.getByText(/Snoozed for (59|60) min/).waitFor();
            await reminders.getByRole('button', {name: 'Turn off'}).click();
            await until(async () => (await get(incQ.id)).reminders_off === true, 'reminders off');
            await reminders.getByRole('button', {name: 'Turn on'}).click();
            await until(async () => (await get(incQ.id)).reminders_off !== true, 'reminders on');

            // Times in the browser's local time, to the minute (what a datetime-local input holds).
            const minute = (ms) => Math.floor(ms / 60_000) * 60_000;
            const local = (ms) => {
                const d = new Date(ms);
                const p2 = (n) => String(n).padStart(2, '0');
                return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}`;
            };
            const start = minute(Date.now() - 20 * 60_000);
            const end = minute(Date.now() - 5 * 60_000);
            const impact = rhs().getByRole('group', {name: 'Customer impact'});
            await impact.getByLabel('Time of the impact change').fill(local(start));
            await impact.getByRole('button', {name: 'Set start'}).click();
            await until(async () => (await get(incQ.id)).impact_started_at === start, 'impact start recorded');
            // An end before the start: the server's words.
            await impact.getByLabel('Time of the impact change').fill(local(start - 10 * 60_000));
            await impact.getByRole('button', {name: 'Set end'}).click();
            await rhs().getByRole('alert').filter({hasText: /cannot end before it started/}).waitFor();
            await impact.getByLabel('Time of the impact change').fill(local(end));
            await impact.getByRole('button', {name: 'Set end'}).click();
            await until(async () => (await get(incQ.id)).impact_ended_at === end, 'impact end recorded');
            await impact.locator('time').nth(1).waitFor();
            await shot('commander-panel-light');
            await page.evaluate((t) => window.__harness.setTheme(t), THEMES.onyx);
            await shot('commander-panel-dark');
            await page.evaluate((t) => window.__harness.setTheme(t), THEMES.denim);
        });

        test('no page errors; console errors only for the refused requests', () => {
            assert.deepEqual(pageErrors, []);
            assert.deepEqual(consoleErrors.filter((t) => !/status of 40[0134]/.test(t)), []);
        });
    });
}
