// Translations reach our UI through the host's IntlProvider: the page harness
// (test-support/page_harness.mjs) mounts the host's shell inside ReactIntl.IntlProvider with
// window.__harness.locale and .messages, as Mattermost does with the user's locale and the
// translations it has merged. Here the locale is French with a handful of our messages: those
// show in French (including one that puts an element elsewhere in the sentence, and one inside
// another component), the rest in English, which react-intl reports as missing translations.
// Against the real plugin (tests/conformance/cmd/devserver) and the real dist/main.js, like the
// other Chromium suites; skipped without BUNDLE_TGZ.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';

import {THEMES, devserverClient, launchChromium, skipReason, startHarness, stopHarness} from '../test-support/devserver.mjs';
import {REACT_VERSIONS} from '../test-support/host-globals.mjs';
import {HARNESS_HTML} from '../test-support/page_harness.mjs';

const FRENCH = {
    'incident-response.rhs.listTitle': 'Incidents en cours',
    'incident-response.rhs.startIncident': 'Déclarer un incident',
    // The element (a <time>) after the words in English, before them here.
    'incident-response.rhs.cardStarted': '{ago} (début)',
    'incident-response.time.justNow': 'à l’instant',
    'incident-response.page.title': 'Tous les incidents',
    'incident-response.page.pager.position': 'Page {page} sur {pages}',
};

const skip = skipReason;
if (skip) {
    // eslint-disable-next-line no-console
    console.log(`# translations.test.mjs skipped: ${skip}`);
}

for (const react of REACT_VERSIONS) {
    describe(`translations through the host's IntlProvider in Chromium (React ${react})`, {skip, timeout: 300_000}, () => {
        let work;
        let server;
        let origin;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];
        const {command} = devserverClient(() => origin);

        before(async () => {
            let seed;
            ({work, server, origin, seed} = await startHarness(react, HARNESS_HTML, 'ir-i18n-'));
            ({context, page} = await launchChromium(work, origin, {width: 1400, height: 820}, pageErrors, consoleErrors));
            assert.equal((await page.goto(origin + '/test/login?user=alice')).status(), 200);
            await command('alice', '/incident start Database down');

            // The user's locale and the host's translations, before the host mounts its shell.
            await page.goto(origin + '/', {waitUntil: 'load'});
            await page.evaluate((messages) => {
                window.__harness.locale = 'fr';
                window.__harness.messages = messages;
                window.__harness.showRHS = true;
            }, FRENCH);
            await page.evaluate(([s, u]) => window.__harness.boot(s, u), [seed, seed.users.alice.id]);
            assert.equal(await page.evaluate(() => window.__harness.initError), null);
            await page.evaluate((t) => window.__harness.setTheme(t), THEMES.denim);
        });

        after(() => stopHarness({context, server, work}));

        test('the RHS shows the translated messages in French and the others in English', async () => {
            // Untranslated: the region's name stays English.
            const rhs = page.getByRole('region', {name: 'Incidents', exact: true});
            await rhs.getByRole('heading', {name: /^Incidents en cours/, level: 2}).waitFor();
            await rhs.getByRole('button', {name: 'Déclarer un incident', exact: true}).waitFor();
            assert.equal(await rhs.getByText('Active incidents').count(), 0);
            assert.equal(await rhs.getByRole('button', {name: 'Start incident', exact: true}).count(), 0);
            // Untranslated: English, the default message.
            await rhs.getByRole('link', {name: 'All incidents', exact: true}).waitFor();

            const card = rhs.getByRole('button', {name: /INC-0001.*Database down/});
            await card.getByText('@alice').waitFor();
            // "Started {ago}" became "{ago} (début)": the <time> element first, with its own text
            // translated too (a message of another component, inside this one).
            const started = card.locator('time');
            assert.equal(await started.textContent(), 'à l’instant');
            const text = await card.textContent();
            // The reference carries the severity and status chips (P4, Investigating).
            assert.match(text, /INC-0001P4Investigatingà l’instant \(début\)Database down/);
            assert.doesNotMatch(text, /Started|just now/);
            // Untranslated: "Commander" stays English.
            assert.match(text, /Commander @alice/);
        });

        test('the incidents page too: translated title and pager position, English buttons', async () => {
            await page.getByRole('heading', {name: 'Tous les incidents', level: 1}).waitFor();
            await page.getByText('Page 1 sur 1', {exact: true}).waitFor();
            await page.getByRole('button', {name: 'Previous', exact: true}).waitFor();
            await page.getByRole('button', {name: 'Next', exact: true}).waitFor();
            assert.equal(await page.getByText('Page 1 of 1', {exact: true}).count(), 0);
        });

        test('nothing failed; react-intl reported the untranslated ones, by our prefixed ids', async () => {
            assert.deepEqual(pageErrors, []);
            assert.ok(consoleErrors.some((e) => e.includes('MISSING_TRANSLATION') && e.includes('"incident-response.rhs.allIncidents"')),
                consoleErrors.slice(0, 5).join('\n'));
            const others = consoleErrors.filter((e) => !/MISSING_TRANSLATION/.test(e));
            assert.deepEqual(others, []);
            // None of the translated ids is reported missing.
            for (const id of Object.keys(FRENCH)) {
                assert.ok(!consoleErrors.some((e) => e.includes(`"${id}"`)), `${id} reported missing`);
            }
        });
    });
}
