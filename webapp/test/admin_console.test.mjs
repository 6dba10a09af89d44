// The System Console's per-team channel picker (setting TeamChannels), in real Chromium against
// the REAL plugin, on the faithful host's admin console page (test-support/faithful/app/
// admin_console.jsx, drawn as Mattermost's schema_admin_settings.tsx draws a plugin's custom
// setting): a system admin picks a team's announcement and digest channels (a private one
// included) and another team's announcement channel, saves, sees the choice again after a
// reload, clears one and saves again; the plugin reads exactly what was saved.
//
// Needs dist/main.js (`npm run build`) and BUNDLE_TGZ; skipped without BUNDLE_TGZ. Screenshots
// go to webapp/test-output/.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';

import {PLUGIN_ID, THEMES, skipReason, launchChromium, stopHarness, until} from '../test-support/devserver.mjs';
import {screenshot} from '../test-support/screenshots.mjs';
import {REACT_VERSIONS} from '../test-support/faithful/build.mjs';
import {openAs, startFaithfulHost} from '../test-support/faithful/harness.mjs';

const skip = skipReason;
if (skip) {
    console.log(`# admin_console.test.mjs skipped: ${skip}`);
}

const ROUTE = `/admin_console/plugins/plugin_${PLUGIN_ID}`;

for (const react of REACT_VERSIONS) {
    describe(`System Console: announcement and digest channels per team (React ${react})`, {skip, timeout: 180_000}, () => {
        let host;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];
        const saved = async () => {
            const config = await (await fetch(`${host.base}/test/plugin-config`)).json();
            return config.teamchannels ? JSON.parse(config.teamchannels) : null;
        };
        const channelName = async (id) => {
            const res = await fetch(`${host.base}/api/v4/channels/${id}`, {headers: {'X-Test-User': 'sysadmin'}});
            return res.ok ? (await res.json()).name : `<${res.status}>`;
        };
        const setting = () => page.getByRole('group', {name: 'Announcement and digest channels per team'});
        const team = (name) => setting().getByRole('group', {name, exact: true});
        const save = () => page.getByRole('button', {name: 'Save', exact: true});
        async function pick(teamName, label, term, choice) {
            await team(teamName).getByLabel(label, {exact: true}).fill(term);
            await team(teamName).getByRole('button', {name: choice, exact: true}).click();
        }

        before(async () => {
            host = await startFaithfulHost({react, prefix: 'ir-admin-'});
            ({context, page} = await launchChromium(host.work, host.origin, {width: 1100, height: 900}, pageErrors, consoleErrors));
            await openAs(page, host, 'sysadmin', ROUTE, pageErrors);
            await page.evaluate((t) => window.__host.setTheme(t), THEMES.denim);
        });

        after(() => stopHarness(host?.stopArgs(context) ?? {}));

        test('the plugin registered its setting under the key of plugin.json, as Mattermost looks it up', async () => {
            const keys = await page.evaluate((id) => Object.keys(window.__host.adminConsoleSettings[id] || {}), PLUGIN_ID);
            assert.deepEqual(keys, ['teamchannels']);
            await team('Ops').waitFor();
            await team('Dev').waitFor();
            assert.equal(await save().isDisabled(), true, 'nothing to save yet');
        });

        test('an admin picks channels per team, private ones included, and saves them', async () => {
            await pick('Ops', 'Announcement channel', 'announ', 'Use ~Announcements');
            await pick('Ops', 'Digest channel', 'lead', 'Use ~Leadership (private)');
            // Only the team's own channels are offered.
            await team('Ops').getByLabel('Announcement channel', {exact: true}).fill('dev');
            await team('Ops').getByText('No channel of this team matches “dev”.').waitFor();
            await team('Ops').getByLabel('Announcement channel', {exact: true}).fill('');
            await pick('Dev', 'Announcement channel', 'alerts', 'Use ~Dev alerts');
            assert.equal(await save().isDisabled(), false);
            await screenshot(page, 'admin-console-team-channels-light', react);
            await save().click();
            await until(async () => save().isDisabled(), 'the page has nothing left to save');
            const value = await saved();
            assert.deepEqual(Object.keys(value).sort(), [host.seed.team_id, host.seed.dev_team_id].sort());
            const ops = value[host.seed.team_id];
            assert.deepEqual([await channelName(ops.announcement_channel_id), await channelName(ops.digest_channel_id)], ['announcements', 'leadership']);
            const dev = value[host.seed.dev_team_id];
            assert.equal(await channelName(dev.announcement_channel_id), 'dev-alerts');
            assert.equal(dev.digest_channel_id, '');
        });

        test('after a reload the choices show by name; clearing one saves it empty', async () => {
            await page.reload({waitUntil: 'load'});
            await team('Ops').getByText('~Announcements', {exact: true}).waitFor();
            await team('Ops').getByText('~Leadership (private)', {exact: true}).waitFor();
            await team('Dev').getByText('~Dev alerts', {exact: true}).waitFor();
            await team('Ops').getByRole('button', {name: 'Clear the digest channel of Ops'}).click();
            await team('Ops').getByText('None', {exact: true}).waitFor();
            await save().click();
            await until(async () => (await saved())?.[host.seed.team_id]?.digest_channel_id === '', 'the cleared digest channel saved');
            assert.equal(await channelName((await saved())[host.seed.team_id].announcement_channel_id), 'announcements');
        });

        test('no page errors, no console errors', () => {
            assert.deepEqual(pageErrors, []);
            assert.deepEqual(consoleErrors, []);
        });
    });
}
