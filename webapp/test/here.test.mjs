// An incident in any channel (issue 18), in real Chromium against the REAL plugin on the faithful
// host: the start form opened from town-square's channel menu runs the incident there ("Run it in
// this channel"), a second one joins it by `/incident start --here`, and the RHS opened in
// town-square lists both to pick one instead of opening either.
//
// Needs dist/main.js (`npm run build`) and BUNDLE_TGZ; skipped without BUNDLE_TGZ.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';

import {PLUGIN_ID, THEMES, skipReason, launchChromium, stopHarness} from '../test-support/devserver.mjs';
import {screenshot} from '../test-support/screenshots.mjs';
import {REACT_VERSIONS} from '../test-support/faithful/build.mjs';
import {openAs, startFaithfulHost} from '../test-support/faithful/harness.mjs';

const skip = skipReason;
if (skip) {
    console.log(`# here.test.mjs skipped: ${skip}`);
}

for (const react of REACT_VERSIONS) {
    describe(`Incidents in an existing channel (React ${react})`, {skip, timeout: 300_000}, () => {
        let host;
        let seed;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];
        const api = (...a) => host.api(...a);
        const command = (...a) => host.command(...a);
        const appBarIcon = () => page.getByRole('navigation', {name: 'App Bar'}).getByRole('button', {name: PLUGIN_ID});
        const rhs = () => page.getByRole('region', {name: 'Incidents', exact: true});

        before(async () => {
            host = await startFaithfulHost({react, prefix: 'ir-here-'});
            seed = host.seed;
            ({context, page} = await launchChromium(host.work, host.origin, {width: 1280, height: 900}, pageErrors, consoleErrors));
            await openAs(page, host, 'alice', `/${seed.team_name}/channels/town-square`, pageErrors);
            await page.evaluate((t) => window.__host.setTheme(t), THEMES.denim);
        });

        after(() => stopHarness(host?.stopArgs(context) ?? {}));

        test('the start form from the channel menu runs the incident in that channel', async () => {
            await page.getByRole('button', {name: /Town Square channel menu/}).click();
            await page.getByRole('menuitem', {name: /More actions/}).click();
            await page.getByRole('menuitem', {name: 'Start incident', exact: true}).click();
            const dialog = page.getByRole('dialog', {name: 'Start an incident'});
            await dialog.waitFor();
            const here = dialog.getByRole('checkbox', {name: /Run it in this channel/});
            await dialog.getByText('~Town Square').waitFor(); // the channel, by its display name
            assert.equal(await here.isChecked(), false);
            assert.equal(await dialog.getByRole('textbox', {name: 'Channel name'}).count(), 1);
            await here.check();
            // A new channel's name and privacy no longer apply.
            assert.equal(await dialog.getByRole('textbox', {name: 'Channel name'}).count(), 0);
            assert.equal(await dialog.getByRole('checkbox', {name: 'Private channel'}).count(), 0);
            await dialog.getByRole('textbox', {name: 'Name', exact: true}).fill('Checkout slow');
            await dialog.getByRole('button', {name: 'Start incident', exact: true}).click();
            await dialog.waitFor({state: 'detached'});
            const list = await api('alice', 'GET', `/incidents?team_id=${seed.team_id}&state=active`);
            const started = list.data.items.find((i) => i.name === 'Checkout slow');
            assert.ok(started, JSON.stringify(list.data));
            assert.equal(started.channel_id, seed.town_square_id);
            assert.equal(started.existing_channel, true);
        });

        test('with two incidents in the channel, the RHS lists them to pick one', async () => {
            const reply = await command('alice', '/incident start --here Login down', seed.town_square_id);
            assert.match(reply, /INC-0002/);
            // Opened again in town-square: no incident is opened for the user; both are offered.
            if (await rhs().isVisible()) {
                await appBarIcon().click();
                await rhs().waitFor({state: 'detached'});
            }
            await appBarIcon().click();
            const picker = rhs().getByRole('navigation', {name: 'Incidents in this channel'});
            await picker.waitFor();
            const choices = await picker.getByRole('button').allInnerTexts();
            assert.deepEqual(choices.sort(), ['INC-0001 Checkout slow', 'INC-0002 Login down']);
            await screenshot(page, 'rhs-here-picker', react);
            await picker.getByRole('button', {name: 'INC-0002 Login down'}).click();
            await rhs().getByRole('heading', {name: 'Login down', exact: true, level: 2}).waitFor();
            // Back to the list: the picker is there again, and the channel was left as it was.
            await rhs().getByRole('button', {name: 'All incidents', exact: true}).click();
            await picker.waitFor();
            const channel = await api('alice', 'GET', `/incidents?team_id=${seed.team_id}&state=active`);
            assert.equal(channel.data.items.filter((i) => i.channel_id === seed.town_square_id).length, 2);
            assert.deepEqual(pageErrors, []);
        });
    });
}
