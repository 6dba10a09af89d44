// Where the plugin's surfaces are, as Mattermost's web app places them, on the faithful host
// (test-support/faithful) against the real plugin (tests/conformance/cmd/devserver): the App
// Bar icon (Mattermost's default) or the channel-header button (DisableAppBar), the plugin's
// own pages without the channel view, the channel menu's "More actions", a post's "Message
// actions", the forms opening from each, live refresh for whoever may see an incident, the
// plugin's French through registerTranslations, and a Mattermost below a subpath.
// Skipped without BUNDLE_TGZ.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';

import {PLUGIN_ID, THEMES, launchChromium, skipReason, stopHarness, until, webappDir} from '../test-support/devserver.mjs';
import {REACT_VERSIONS} from '../test-support/faithful/build.mjs';
import {navigate, openAs, startFaithfulHost} from '../test-support/faithful/harness.mjs';
import {screenshot} from '../test-support/screenshots.mjs';

const FR = JSON.parse(readFileSync(path.join(webappDir, 'src', 'translations', 'fr.json'), 'utf8'));
const fr = (id) => FR[`${PLUGIN_ID}.${id}`];


if (skipReason) {
    console.log(`# surfaces.test.mjs skipped: ${skipReason}`);
}

for (const react of REACT_VERSIONS) {
    describe(`surfaces where Mattermost puts them, default config (React ${react})`, {skip: skipReason, timeout: 300_000}, () => {
        let host;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];
        let team;
        const appBarIcon = () => page.getByRole('navigation', {name: 'App Bar'}).getByRole('button', {name: PLUGIN_ID});
        const rhs = () => page.getByRole('region', {name: 'Incidents', exact: true});
        const shot = (name) => screenshot(page, name, react);

        before(async () => {
            host = await startFaithfulHost({react, prefix: 'ir-surfaces-'});
            team = host.seed.team_name;
            ({context, page} = await launchChromium(host.work, host.origin, {width: 1280, height: 760}, pageErrors, consoleErrors));
            await openAs(page, host, 'alice', `/${team}/${PLUGIN_ID}/incidents`, pageErrors);
            await page.evaluate((t) => window.__host.setTheme(t), THEMES.denim);
        });

        after(() => stopHarness(host?.stopArgs(context) ?? {}));

        test('a plugin page has only the page in the centre: no channel sidebar, no Root; the App Bar stays, the header button is not drawn', async () => {
            await page.getByRole('heading', {name: 'Incidents', level: 1}).waitFor();
            assert.equal(await page.getByRole('navigation', {name: 'Channels'}).count(), 0);
            assert.equal(await page.locator('#channel-header').count(), 0);
            await appBarIcon().waitFor();
            assert.equal(await page.getByRole('button', {name: 'Incident Response'}).count(), 0);
            await shot('layout-plugin-page-light');
        });

        test('on a plugin page, the App Bar opens the RHS and its "Start incident" opens the form and starts one', async () => {
            await appBarIcon().click();
            await rhs().getByRole('heading', {name: /Active incidents/}).waitFor();
            await rhs().getByRole('button', {name: 'Start incident'}).click();
            const dialog = page.getByRole('dialog', {name: 'Start an incident'});
            await dialog.waitFor();
            await dialog.getByRole('textbox', {name: 'Name', exact: true}).fill('Queue backlog growing');
            await shot('start-on-plugin-page-light');
            await dialog.getByRole('button', {name: 'Start incident'}).click();
            await dialog.waitFor({state: 'detached'});
            await rhs().getByRole('heading', {name: 'Queue backlog growing', level: 2}).waitFor();
            const list = await host.api('alice', 'GET', `/incidents?team_id=${host.seed.team_id}`);
            assert.ok(list.data.items.some((i) => i.name === 'Queue backlog growing'));
            // The App Bar icon toggles it closed again.
            await appBarIcon().click();
            await rhs().waitFor({state: 'detached'});
        });

        test('in the channel view: the channel menu\'s "More actions" has "Start incident"; a form opened there survives leaving the channel view, with what was typed', async () => {
            await navigate(page, `/${team}/channels/town-square`);
            await page.getByRole('navigation', {name: 'Channels'}).waitFor();
            await page.getByRole('button', {name: /Town Square channel menu/}).click();
            // Not at the top level of the menu: under "More actions".
            await page.getByRole('menuitem', {name: /More actions/}).waitFor();
            assert.equal(await page.getByRole('menu').getByRole('menuitem', {name: 'Start incident'}).count(), 0);
            await page.getByRole('menuitem', {name: /More actions/}).click();
            await page.getByRole('menuitem', {name: 'Start incident'}).click();
            const dialog = page.getByRole('dialog', {name: 'Start an incident'});
            await dialog.waitFor();
            await dialog.getByRole('textbox', {name: 'Name', exact: true}).fill('Half typed');
            // The plugin navigates (or the user does): the channel view and its Root unmount.
            await navigate(page, `/${team}/${PLUGIN_ID}/reports`);
            await page.getByRole('navigation', {name: 'Channels'}).waitFor({state: 'detached'});
            await dialog.waitFor();
            // The form reopened where the page draws it, with what was typed.
            assert.equal(await dialog.getByRole('textbox', {name: 'Name', exact: true}).inputValue(), 'Half typed');
            await page.keyboard.press('Escape');
            await dialog.waitFor({state: 'detached'});
            await navigate(page, `/${team}/channels/town-square`);
        });

        test('a person\'s post has both items under "Message actions"; a system post has no such menu; the timeline form opens', async () => {
            const post = await host.post('bob', 'Error rate on checkout at 7% since 10:02', host.seed.town_square_id);
            await page.evaluate((p) => window.__host.receivePost(p), post);
            await page.evaluate((ch) => window.__host.receivePost({id: 'sys00000000000000000000000', channel_id: ch, type: 'system_join_channel',
                message: 'bob joined the channel.', create_at: Date.now()}), host.seed.town_square_id);
            const item = page.getByRole('listitem').filter({hasText: 'Error rate on checkout'});
            const system = page.getByRole('listitem').filter({hasText: 'bob joined the channel.'});
            await system.waitFor();
            assert.equal(await system.getByRole('button', {name: 'Message actions'}).count(), 0);
            await item.getByRole('button', {name: 'Message actions'}).click();
            assert.deepEqual(await page.getByRole('menu', {name: 'Message actions'}).getByRole('menuitem').allInnerTexts(),
                ['Start incident from this message', 'Add to incident timeline']);
            await shot('post-menu-light');
            await page.getByRole('menuitem', {name: 'Add to incident timeline'}).click();
            const dialog = page.getByRole('dialog', {name: 'Add to incident timeline'});
            await dialog.waitFor();
            await page.keyboard.press('Escape');
            await dialog.waitFor({state: 'detached'});
            await item.getByRole('button', {name: 'Message actions'}).click();
            await page.getByRole('menuitem', {name: 'Start incident from this message'}).click();
            const start = page.getByRole('dialog', {name: 'Start an incident'});
            await start.waitFor();
            assert.match(await start.getByRole('textbox', {name: 'Summary'}).inputValue(), /Error rate on checkout at 7%/);
            await page.keyboard.press('Escape');
            await start.waitFor({state: 'detached'});
        });

        test('live refresh: a public incident reaches a team member outside its channel; a private one reaches only its channel', async () => {
            const bobErrors = [];
            const bob = await launchChromium(host.work, host.origin, {width: 1100, height: 700}, bobErrors, bobErrors, 'chromium-bob');
            try {
                await openAs(bob.page, host, 'bob', `/${team}/${PLUGIN_ID}/incidents`, bobErrors);
                await bob.page.waitForFunction(() => window.__host.websocket.connected);
                await bob.page.getByRole('navigation', {name: 'App Bar'}).getByRole('button', {name: PLUGIN_ID}).click();
                const bobRhs = bob.page.getByRole('region', {name: 'Incidents', exact: true});
                await bobRhs.getByRole('heading', {name: /Active incidents/}).waitFor();
                const mark = (await host.eventsSince(0)).next;
                const secret = await host.api('alice', 'POST', '/incidents', {team_id: host.seed.team_id, name: 'Leaked credentials', private: true});
                assert.equal(secret.status, 201, JSON.stringify(secret.data));
                const open = await host.api('alice', 'POST', '/incidents', {team_id: host.seed.team_id, name: 'Search is slow'});
                assert.equal(open.status, 201, JSON.stringify(open.data));
                // What the server addressed: the private incident's channel only, the public one's team.
                const {events} = await host.eventsSince(mark);
                const to = (id) => events.filter((ev) => ev.data.incident_id === id).map((ev) => ev.broadcast);
                assert.ok(to(secret.data.id).length > 0 && to(secret.data.id).every((b) => b.channel_id === secret.data.channel_id && !b.team_id),
                    JSON.stringify(to(secret.data.id)));
                assert.ok(to(open.data.id).some((b) => b.team_id === host.seed.team_id && !b.channel_id), JSON.stringify(to(open.data.id)));
                for (const ev of events) {
                    assert.deepEqual(Object.keys(ev.data), ['incident_id'], 'a team-wide event carries no detail');
                }
                // Bob's list shows the public one without a reload, never the private one.
                await bobRhs.getByRole('button', {name: /^INC-\d+.*Search is slow/}).waitFor();
                assert.equal(await bobRhs.getByText('Leaked credentials').count(), 0);
                // Alice, in both channels, sees both in her list without a reload.
                await appBarIcon().click();
                await rhs().getByRole('button', {name: /^INC-\d+.*Search is slow/}).waitFor();
                await rhs().getByRole('button', {name: /^INC-\d+.*Leaked credentials/}).waitFor();
                // Bob is not in the incidents' channels: the plugin asks whether he is (404) to offer Join.
                assert.deepEqual(bobErrors.filter((t) => !/status of 40[034]/.test(t)), []);
            } finally {
                await bob.context.close().catch(() => {});
            }
        });

        test('French from the plugin\'s registered translations, not injected: the host asks for the user\'s locale', async () => {
            await host.setLocale('sysadmin', 'fr');
            const frErrors = [];
            const admin = await launchChromium(host.work, host.origin, {width: 1100, height: 700}, frErrors, frErrors, 'chromium-fr');
            try {
                await openAs(admin.page, host, 'sysadmin', `/${team}/channels/town-square`, frErrors);
                await admin.page.getByRole('navigation', {name: 'App Bar'}).getByRole('button', {name: PLUGIN_ID}).click();
                const region = admin.page.getByRole('region', {name: 'Incidents', exact: true});
                assert.ok(fr('rhs.listTitle') && fr('rhs.startIncident'));
                await region.getByRole('heading', {name: fr('rhs.listTitle')}).waitFor();
                await region.getByRole('button', {name: fr('rhs.startIncident')}).waitFor();
                assert.equal(await region.getByText('Active incidents').count(), 0);
                // The channel menu item is registered as text by the plugin; the host's own words are French.
                await admin.page.getByRole('button', {name: /Town Square menu du canal/i}).click();
                await admin.page.getByRole('menuitem', {name: /Plus d’actions/}).waitFor();
                await admin.page.keyboard.press('Escape');
                await screenshot(admin.page, 'rhs-list-french-light', react);
                assert.deepEqual(frErrors.filter((t) => !/status of 40[034]/.test(t)), []);
            } finally {
                await admin.context.close().catch(() => {});
            }
        });

        test('each surface in both layouts, light and dark (screenshots under React 18)', async () => {
            // Each surface is opened and seen before its picture; the pictures are for people.
            const both = async (name, ready) => {
                await ready.waitFor();
                await page.waitForFunction(() => !/loading…/i.test(document.body.innerText));
                for (const [theme, suffix] of [[THEMES.denim, 'light'], [THEMES.onyx, 'dark']]) {
                    await page.evaluate((t) => window.__host.setTheme(t), theme);
                    await shot(`surface-${name}-${suffix}`);
                }
                await page.evaluate((t) => window.__host.setTheme(t), THEMES.denim);
            };
            // Channel layout: App Bar + RHS list, the channel menu, a post's menu, the two forms.
            await navigate(page, `/${team}/channels/town-square`);
            if (await rhs().count() === 0) { await appBarIcon().click(); }
            await both('channel-rhs-list', rhs().getByRole('heading', {name: /Active incidents/}));
            await page.getByRole('button', {name: /Town Square channel menu/}).click();
            await page.getByRole('menuitem', {name: /More actions/}).click();
            await both('channel-menu', page.getByRole('menuitem', {name: 'Start incident'}));
            await page.getByRole('menuitem', {name: 'Start incident'}).click();
            await both('channel-start-form', page.getByRole('dialog', {name: 'Start an incident'}));
            await page.keyboard.press('Escape');
            const item = page.getByRole('listitem').filter({hasText: 'Error rate on checkout'});
            await item.getByRole('button', {name: 'Message actions'}).click();
            await both('channel-post-menu', page.getByRole('menu', {name: 'Message actions'}));
            await page.getByRole('menuitem', {name: 'Add to incident timeline'}).click();
            await both('channel-timeline-form', page.getByRole('dialog', {name: 'Add to incident timeline'}));
            await page.keyboard.press('Escape');
            await rhs().getByRole('button', {name: /^INC-\d+.*Search is slow/}).click();
            await both('channel-rhs-detail', rhs().getByRole('heading', {name: 'Search is slow', level: 2}));
            // Plugin-page layout: each page with the RHS beside it, and the start form over a page.
            for (const name of ['incidents', 'playbooks', 'reports']) {
                await navigate(page, `/${team}/${PLUGIN_ID}/${name}`);
                await both(`page-${name}`, page.getByRole('heading', {level: 1}).first());
            }
            await rhs().getByRole('button', {name: 'All incidents'}).click();
            await rhs().getByRole('button', {name: 'Start incident'}).click();
            await both('page-start-form', page.getByRole('dialog', {name: 'Start an incident'}));
            await page.keyboard.press('Escape');
        });

        test('no page errors or console errors', () => {
            assert.deepEqual(pageErrors, []);
            assert.deepEqual(consoleErrors.filter((t) => !/status of 40[039]/.test(t)), []);
        });
    });

    describe(`surfaces with the App Bar disabled by the admin (React ${react})`, {skip: skipReason, timeout: 120_000}, () => {
        let host;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];

        before(async () => {
            host = await startFaithfulHost({react, prefix: 'ir-noappbar-', disableAppBar: true});
            ({context, page} = await launchChromium(host.work, host.origin, {width: 1280, height: 760}, pageErrors, consoleErrors));
            await openAs(page, host, 'alice', `/${host.seed.team_name}/channels/town-square`, pageErrors);
            await page.evaluate((t) => window.__host.setTheme(t), THEMES.denim);
        });

        after(() => stopHarness(host?.stopArgs(context) ?? {}));

        test('no App Bar; the channel-header button, named by its icon, toggles the RHS', async () => {
            const button = page.locator('#channel-header').getByRole('button', {name: 'Incident Response'});
            await button.waitFor();
            assert.equal(await page.getByRole('navigation', {name: 'App Bar'}).count(), 0);
            await button.click();
            const region = page.getByRole('region', {name: 'Incidents', exact: true});
            await region.getByRole('heading', {name: /Active incidents/}).waitFor();
            await screenshot(page, 'layout-header-button-light', react);
            await button.click();
            await region.waitFor({state: 'detached'});
            assert.deepEqual(pageErrors, []);
            assert.deepEqual(consoleErrors, []);
        });
    });

    describe(`a Mattermost below a subpath, /chat (React ${react})`, {skip: skipReason, timeout: 120_000}, () => {
        let host;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];
        const requests = [];

        before(async () => {
            host = await startFaithfulHost({react, prefix: 'ir-subpath-', subpath: '/chat'});
            ({context, page} = await launchChromium(host.work, host.origin, {width: 1280, height: 760}, pageErrors, consoleErrors));
            page.on('request', (r) => requests.push(new URL(r.url()).pathname));
            await openAs(page, host, 'alice', `/${host.seed.team_name}/channels/town-square`, pageErrors);
        });

        after(() => stopHarness(host?.stopArgs(context) ?? {}));

        test('the RHS reads through /chat, and "All incidents" opens /chat/<team>/incident-response/incidents in the app', async () => {
            assert.equal(await page.evaluate(() => window.basename), '/chat');
            await host.command('alice', '/incident start Mail delayed');
            await page.getByRole('navigation', {name: 'App Bar'}).getByRole('button', {name: PLUGIN_ID}).click();
            const region = page.getByRole('region', {name: 'Incidents', exact: true});
            await region.getByRole('button', {name: /^INC-\d+.*Mail delayed/}).waitFor();
            await region.getByRole('link', {name: 'All incidents'}).click();
            await until(async () => new URL(page.url()).pathname === `/chat/${host.seed.team_name}/${PLUGIN_ID}/incidents`, `the page is at ${page.url()}`);
            await page.getByRole('heading', {name: 'Incidents', level: 1}).waitFor();
            await page.getByRole('table', {name: /Incidents of this team/}).getByRole('button', {name: 'Mail delayed', exact: true}).waitFor();
            assert.deepEqual(requests.filter((p) => !p.startsWith('/chat/')), []);
            assert.deepEqual(pageErrors, []);
            assert.deepEqual(consoleErrors.filter((t) => !/status of 40[034]/.test(t)), []);
        });
    });
}
