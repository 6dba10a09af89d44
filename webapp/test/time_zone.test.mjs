// Times in the viewer's own Mattermost time zone (issue 18), in real Chromium against the REAL
// plugin on the faithful host. The host sets the user's User.timezone the way Mattermost does
// (Settings > Display > Timezone saves {useAutomaticTimezone, automaticTimezone,
// manualTimezone}); the web app receives it with users/me into
// state.entities.users.profiles[currentUserId].timezone, where the plugin reads it. The browser
// keeps its own zone: what shows must follow the user's setting, not the browser's.
//
// Needs dist/main.js (`npm run build`) and BUNDLE_TGZ; without BUNDLE_TGZ the suite is skipped.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';

import {PLUGIN_ID, skipReason, launchChromium, stopHarness, until} from '../test-support/devserver.mjs';
import {openAs, startFaithfulHost} from '../test-support/faithful/harness.mjs';
import {REACT_VERSIONS} from '../test-support/faithful/build.mjs';

const skip = skipReason;
if (skip) {
    console.log(`# time_zone.test.mjs skipped: ${skip}`);
}

for (const react of REACT_VERSIONS) {
    describe(`times in the viewer's time zone in Chromium (React ${react})`, {skip, timeout: 300_000}, () => {
        let host;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];
        let incident;

        before(async () => {
            host = await startFaithfulHost({react, prefix: 'ir-tz-'});
            ({context, page} = await launchChromium(host.work, host.origin, {width: 1400, height: 820}, pageErrors, consoleErrors));
            await host.command('alice', '/incident start Clock skew');
            const list = await host.api('alice', 'GET', `/incidents?team_id=${host.seed.team_id}&state=all`);
            incident = list.data.items[0];
        });
        after(() => stopHarness(host?.stopArgs(context) ?? {}));

        // The first time in the incidents table: its text and the instant it names.
        async function shownStart() {
            const time = page.getByRole('table', {name: /Incidents of this team/}).locator('tbody time').first();
            await time.waitFor();
            return {text: await time.textContent(), iso: await time.getAttribute('datetime')};
        }
        // How the browser writes an instant in a zone (undefined: its own), as the plugin asks it to.
        const written = (iso, timeZone) => page.evaluate(([at, tz]) => new Date(at).toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short', timeZone: tz}), [iso, timeZone]);

        for (const [what, tz, zone] of [
            ['a manual zone', {useAutomaticTimezone: 'false', automaticTimezone: 'America/Los_Angeles', manualTimezone: 'Asia/Tokyo'}, 'Asia/Tokyo'],
            ['the automatic zone', {useAutomaticTimezone: 'true', automaticTimezone: 'America/Los_Angeles', manualTimezone: 'Asia/Tokyo'}, 'America/Los_Angeles'],
            ['a half-hour zone', {useAutomaticTimezone: 'false', automaticTimezone: '', manualTimezone: 'Asia/Kolkata'}, 'Asia/Kolkata'],
        ]) {
            test(`the incidents page shows times in ${what} (${zone})`, async () => {
                await host.setTimezone('alice', tz);
                await openAs(page, host, 'alice', `/${host.seed.team_name}/${PLUGIN_ID}/incidents`, pageErrors);
                const shown = await shownStart();
                assert.equal(Date.parse(shown.iso), incident.created_at);
                assert.equal(shown.text, await written(shown.iso, zone));
                const browsers = await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
                if (browsers !== zone) {
                    assert.notEqual(shown.text, await written(shown.iso, undefined), `not the browser's own zone (${browsers})`);
                }
            });
        }

        test('a user without a zone sees the browser\'s, as Mattermost shows it', async () => {
            await host.setTimezone('alice', {});
            await openAs(page, host, 'alice', `/${host.seed.team_name}/${PLUGIN_ID}/incidents`, pageErrors);
            const shown = await shownStart();
            assert.equal(shown.text, await written(shown.iso, undefined));
        });

        test('a due time typed in the RHS is read in the viewer\'s zone and shown in it', async () => {
            await host.setTimezone('alice', {useAutomaticTimezone: 'false', manualTimezone: 'Asia/Tokyo'});
            const added = await host.api('alice', 'POST', `/incidents/${incident.id}/items`, {section: 'Tasks', title: 'Check the clocks'});
            assert.equal(added.status, 201, JSON.stringify(added.data));
            await openAs(page, host, 'alice', `/${host.seed.team_name}/channels/town-square`, pageErrors);
            await page.getByRole('navigation', {name: 'App Bar'}).getByRole('button', {name: PLUGIN_ID}).click();
            const region = page.getByRole('region', {name: 'Incidents', exact: true});
            await region.getByRole('button', {name: /^INC-0001.*Clock skew/}).click();
            await region.getByRole('checkbox', {name: 'Check the clocks'}).waitFor();
            await region.getByRole('button', {name: 'Actions for Check the clocks'}).click();
            await region.getByRole('button', {name: 'Set a due time…'}).click();
            await region.getByLabel('Due “Check the clocks” at').fill('2030-12-01T14:00');
            await region.getByRole('button', {name: 'Save'}).click();
            // 14:00 in Tokyo (UTC+9, no summer time) is 05:00 UTC, whatever the browser's zone.
            const due = async () => (await host.api('alice', 'GET', `/incidents/${incident.id}`)).data.checklists.flatMap((x) => x.items).find((i) => i.title === 'Check the clocks').due_at;
            await until(async () => (await due()) !== null, 'the due time was not saved');
            assert.equal(await due(), Date.UTC(2030, 11, 1, 5, 0));
            const shown = `Due ${await written(new Date(Date.UTC(2030, 11, 1, 5, 0)).toISOString(), 'Asia/Tokyo')}`;
            await region.getByText(shown).first().waitFor();
            // The form shows it back as typed.
            await region.getByRole('button', {name: 'Actions for Check the clocks'}).click();
            await region.getByRole('button', {name: 'Change the due time…'}).click();
            assert.equal(await region.getByLabel('Due “Check the clocks” at').inputValue(), '2030-12-01T14:00');
            assert.deepEqual(pageErrors, []);
        });

        test('team admins choose the team\'s zone on the conduct card; an unknown one is refused', async () => {
            await openAs(page, host, 'sysadmin', `/${host.seed.team_name}/${PLUGIN_ID}/reports`, pageErrors);
            const card = page.getByRole('region', {name: 'Severities, statuses and roles'});
            const zone = card.getByRole('combobox', {name: 'Time zone of posts and reports (empty: the server\'s)'});
            const before = (await host.api('sysadmin', 'GET', `/conduct?team_id=${host.seed.team_id}`)).data;
            assert.equal(await zone.getAttribute('placeholder'), before.server_time_zone);
            await zone.fill('Europe/Pariss');
            await card.getByRole('button', {name: 'Save', exact: true}).click();
            await card.getByRole('alert').filter({hasText: /`Europe\/Pariss` is not a time zone/}).waitFor();
            assert.deepEqual((await host.api('sysadmin', 'GET', `/conduct?team_id=${host.seed.team_id}`)).data, before);
            await zone.fill('Europe/Paris');
            await card.getByRole('button', {name: 'Save', exact: true}).click();
            await card.getByRole('status').filter({hasText: 'Saved.'}).waitFor();
            const saved = (await host.api('sysadmin', 'GET', `/conduct?team_id=${host.seed.team_id}`)).data;
            assert.equal(saved.time_zone, 'Europe/Paris');
            assert.equal(saved.team.time_zone, 'Europe/Paris');
            const reply = await host.command('sysadmin', '/incident timezone');
            assert.match(reply, /\*\*Europe\/Paris\*\* \(the team's choice/);
        });
    });
}
