// The built bundle (dist/main.js) registering itself in real Chromium with the faithful host
// (test-support/faithful): the real registry's methods and nothing else, initialize called as
// Mattermost's loader calls it (no try/catch: a throw leaves the web app blank and fails
// here), what it registers and what the registry answers it, and uninitialize with the
// host's clean-up. Against the real plugin behind the dev server; skipped without BUNDLE_TGZ.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, readFileSync} from 'node:fs';

import {englishFile} from '../scripts/extract-messages.mjs';
import {shortIds} from '../scripts/esbuild-messages.mjs';
import {PLUGIN_ID, distMain, launchChromium, skipReason, stopHarness} from '../test-support/devserver.mjs';
import {REACT_VERSIONS} from '../test-support/faithful/build.mjs';
import {openAs, startFaithfulHost, waitMounted} from '../test-support/faithful/harness.mjs';

const missingBundle = `${distMain} is missing: run \`npm run build\` in webapp/ before \`npm test\`.`;

test('dist/main.js has been built', () => {
    assert.ok(existsSync(distMain), missingBundle);
});

test('bundle contains no copy of React and reads no host global the host does not give', () => {
    const src = readFileSync(distMain, 'utf8');
    for (const marker of ['__SECRET_INTERNALS', 'ReactCurrentOwner', 'react.production', 'jsx-runtime']) {
        assert.ok(!src.includes(marker), `dist/main.js contains "${marker}"; React must come from window.React`);
    }
});

if (skipReason) {
    console.log(`# register.test.mjs skipped: ${skipReason}`);
}

for (const react of REACT_VERSIONS) {
    describe(`registration on the faithful host in Chromium (React ${react})`, {skip: skipReason, timeout: 120_000}, () => {
        let host;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];
        const requests = [];
        const components = (name) => page.evaluate((n) => (window.__host.store.getState().plugins.components[n] || [])
            .map((c) => ({pluginId: c.pluginId, text: typeof c.text === 'string' ? c.text : null, route: c.route || null,
                iconUrl: c.iconUrl || null, tooltip: typeof c.tooltipText === 'string' ? c.tooltipText : null,
                title: typeof c.title === 'string' ? c.title : null})), name);

        before(async () => {
            host = await startFaithfulHost({react, prefix: 'ir-register-'});
            ({context, page} = await launchChromium(host.work, host.origin, {width: 1100, height: 700}, pageErrors, consoleErrors));
            page.on('request', (r) => requests.push(new URL(r.url()).pathname));
            await openAs(page, host, 'alice', `/${host.seed.team_name}/channels/town-square`, pageErrors);
        });

        after(() => stopHarness(host?.stopArgs(context) ?? {}));

        test(`the page runs React ${react}, and the bundle uses it`, async () => {
            assert.equal(await page.evaluate(() => window.React.version.split('.')[0]), String(react));
        });

        test('the host loaded the bundle the server lists, with the script id the real loader gives it', async () => {
            assert.deepEqual(await page.evaluate(() => window.__host.loaded), [PLUGIN_ID]);
            assert.deepEqual(await page.evaluate(() => Object.keys(window.plugins)), [PLUGIN_ID]);
            assert.equal(await page.evaluate((id) => document.getElementById(`plugin_${id}`)?.tagName, PLUGIN_ID), 'SCRIPT');
        });

        test('the registry has exactly the real methods: a method Mattermost lacks is not there', async () => {
            const {own, missing} = await page.evaluate(async () => {
                const r = new window.__host.PluginRegistry('probe');
                const names = [];
                for (let o = r; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
                    for (const k of Object.getOwnPropertyNames(o)) {
                        if (typeof r[k] === 'function' && k !== 'constructor' && !names.includes(k)) {
                            names.push(k);
                        }
                    }
                }
                return {own: names.sort(), missing: typeof r.registerChannelHeaderIcon};
            });
            const {REGISTRY_METHODS} = await import('../test-support/faithful/app/registry.js').catch(() => ({REGISTRY_METHODS: null}));
            assert.ok(REGISTRY_METHODS, 'registry.js exports the real method list');
            assert.deepEqual(own, [...REGISTRY_METHODS].sort());
            assert.equal(missing, 'undefined');
        });

        test('initialize registers translations, the App Bar item, the RHS, three team routes and both post menu items', async () => {
            assert.deepEqual(await page.evaluate(() => window.__host.unmodelledReads), []);
            // Translations: the host asks the plugin's source for the user's locale. The bundle
            // keys messages by short ids (scripts/esbuild-messages.mjs).
            const rhsTitle = shortIds(JSON.parse(readFileSync(englishFile, 'utf8'))).get('rhs.title');
            const table = await page.evaluate((key) => window.__host.intl.messages[key], `${PLUGIN_ID}.${rhsTitle}`);
            assert.equal(table, 'Incidents');
            assert.deepEqual(await components('AppBar'), [{pluginId: PLUGIN_ID, text: null, route: null,
                iconUrl: (await components('AppBar'))[0].iconUrl, tooltip: 'Incident Response', title: null}]);
            assert.match((await components('AppBar'))[0].iconUrl, /^data:image\/svg\+xml,/);
            assert.deepEqual((await components('RightHandSidebarComponent')).map((c) => c.title), ['Incidents']);
            assert.deepEqual((await components('NeedsTeamComponent')).map((c) => c.route),
                [`${PLUGIN_ID}/incidents`, `${PLUGIN_ID}/playbooks`, `${PLUGIN_ID}/reports`]);
            assert.deepEqual((await components('PostDropdownMenu')).map((c) => c.text),
                ['Start incident from this message', 'Add to incident timeline']);
            assert.deepEqual((await components('ChannelHeader')).map((c) => c.text), ['Start incident']);
            assert.equal((await components('Root')).length, 1);
            assert.deepEqual((await components('ChannelHeaderButton')).map((c) => c.pluginId), [PLUGIN_ID]);
            assert.equal(await page.evaluate(() => window.__host.websocket.handlerCount()), 1);
            assert.equal(await page.evaluate(() => document.querySelectorAll("style#IncidentResponse-styles").length), 1);
        });

        test('the registry answers the real shapes: a plain show action, hide and toggle thunks; both argument forms work', async () => {
            const shapes = await page.evaluate(() => {
                const r = new window.__host.PluginRegistry('probe');
                const positional = r.registerRightHandSidebarComponent(() => null, 'A');
                const named = r.registerRightHandSidebarComponent({component: () => null, title: 'B'});
                const lone = r.registerRootComponent(() => null);
                const s = window.__host.store;
                const before = s.getState().views.rhs.pluggableId;
                s.dispatch(positional.toggleRHSPlugin);
                const opened = s.getState().views.rhs.pluggableId;
                s.dispatch(positional.hideRHSPlugin);
                const hidden = s.getState().views.rhs.pluggableId;
                const titles = s.getState().plugins.components.RightHandSidebarComponent.filter((c) => c.pluginId === 'probe').map((c) => c.title);
                return {show: positional.showRHSPlugin, hide: typeof positional.hideRHSPlugin, toggle: typeof positional.toggleRHSPlugin,
                    id: typeof positional.id, namedId: typeof named.id, lone: typeof lone, before, opened: opened === positional.id, hidden, titles};
            });
            assert.deepEqual(shapes.show, {type: 'UPDATE_RHS_STATE', state: 'plugin', pluggableId: shapes.show.pluggableId});
            assert.deepEqual([shapes.hide, shapes.toggle, shapes.id, shapes.namedId, shapes.lone], ['function', 'function', 'string', 'string', 'string']);
            assert.deepEqual([shapes.before, shapes.opened, shapes.hidden], ['', true, '']);
            assert.deepEqual(shapes.titles, ['A', 'B']);
        });

        test('uninitialize and the host\'s clean-up leave nothing behind', async () => {
            const left = await page.evaluate((id) => {
                window.__host.removePlugin(id);
                const comps = Object.values(window.__host.store.getState().plugins.components).flat().filter((c) => c.pluginId === id);
                return {comps: comps.length, ws: window.__host.websocket.handlerCount(), styles: document.querySelectorAll("style#IncidentResponse-styles").length,
                    messages: Object.keys(window.__host.intl.messages).filter((k) => k.startsWith(`${id}.`)).length};
            }, PLUGIN_ID);
            assert.deepEqual(left, {comps: 0, ws: 0, styles: 0, messages: 0});
        });

        test('a throw in initialize leaves the web app unmounted, and the harness fails on it', async () => {
            const other = await context.newPage();
            const errors = [];
            other.on('pageerror', (e) => errors.push(String(e)));
            await other.route('**/static/plugins/**', (route) => route.fulfill({contentType: 'text/javascript',
                body: `window.registerPlugin(${JSON.stringify(PLUGIN_ID)}, {initialize() { throw new Error('boom in initialize'); }});`}));
            await other.goto(`${host.base}/${host.seed.team_name}/channels/town-square`);
            await assert.rejects(() => waitMounted(other, errors, 3000), /never mounted its routes/);
            assert.ok(errors.some((e) => e.includes('boom in initialize')), JSON.stringify(errors));
            assert.equal(await other.evaluate(() => document.getElementById('root').childElementCount), 0);
            await other.close();
        });

        test('no console errors, page errors or requests outside the host, the API and the bundle', () => {
            assert.deepEqual(pageErrors, []);
            assert.deepEqual(consoleErrors, []);
            const unexpected = requests.filter((p) => !(p.startsWith('/api/v4/') || p.startsWith(`/plugins/${PLUGIN_ID}/`) ||
                p.startsWith('/static/') || p === '/test/login' || p.startsWith(`/${host.seed.team_name}/`)));
            assert.deepEqual(unexpected, []);
        });
    });
}
