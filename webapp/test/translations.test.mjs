// Translations reach our UI the way Mattermost gives them: the plugin registers its own tables
// (src/translations/en.json, fr.json) with registry.registerTranslations, and the host asks
// that source for the user's locale, merges the answer into the messages of its IntlProvider and
// renders every plugin component inside it (test-support/faithful). Nothing is injected here:
// the user's locale is set on the server before the page opens. A French user sees French in
// the RHS and on the incidents page, including messages that place an element (a <time>, a user
// name) inside the sentence and a plural chosen by French rules; an English user sees English;
// no message id ever shows. The expected words come from the tables themselves.
// Against the real plugin (tests/conformance/cmd/devserver) and the real dist/main.js, like the
// other Chromium suites; skipped without BUNDLE_TGZ.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';

import {shortIds} from '../scripts/esbuild-messages.mjs';
import {PLUGIN_ID, THEMES, launchChromium, skipReason, stopHarness, until, webappDir} from '../test-support/devserver.mjs';
import {openAs, startFaithfulHost} from '../test-support/faithful/harness.mjs';
import {REACT_VERSIONS} from '../test-support/faithful/build.mjs';

const TABLES = {
    en: JSON.parse(readFileSync(path.join(webappDir, 'src', 'translations', 'en.json'), 'utf8')),
    fr: JSON.parse(readFileSync(path.join(webappDir, 'src', 'translations', 'fr.json'), 'utf8')),
};

// The message `id` (without the plugin-id prefix) of `locale`'s table, formatted with `values`
// for what this suite needs of ICU: `{name}` and `{name, plural, =N {…} one {…} other {…}}`
// with `#`, the plural category chosen by the locale's own rules (Intl.PluralRules).
function msg(locale, id, values = {}) {
    const message = TABLES[locale][`${PLUGIN_ID}.${id}`];
    assert.equal(typeof message, 'string', `${locale}.json has no ${PLUGIN_ID}.${id}`);
    return formatICU(message, values, locale);
}

function closingBrace(s, open) {
    let depth = 0;
    for (let i = open; i < s.length; i++) {
        if (s[i] === '{') {
            depth++;
        } else if (s[i] === '}' && --depth === 0) {
            return i;
        }
    }
    throw new Error(`unbalanced braces in ${s}`);
}

function formatICU(message, values, locale) {
    let out = '';
    for (let i = 0; i < message.length;) {
        if (message[i] !== '{') {
            out += message[i++];
            continue;
        }
        const end = closingBrace(message, i);
        const body = message.slice(i + 1, end);
        const [name, kind] = body.split(',', 2).map((p) => p.trim());
        assert.ok(name in values, `no value for {${name}} in ${message}`);
        if (kind === undefined) {
            out += String(values[name]);
        } else {
            assert.equal(kind, 'plural', `only plural arguments are formatted here: ${body}`);
            const n = Number(values[name]);
            const options = {};
            const rest = body.slice(body.indexOf('plural') + 'plural'.length).replace(/^\s*,/, '');
            const re = /\s*(=\d+|zero|one|two|few|many|other)\s*\{/y;
            for (let j = 0; ;) {
                re.lastIndex = j;
                const m = re.exec(rest);
                if (!m) { break; }
                const open = j + m[0].length - 1;
                const close = closingBrace(rest, open);
                options[m[1]] = rest.slice(open + 1, close);
                j = close + 1;
            }
            const chosen = options[`=${n}`] ?? options[new Intl.PluralRules(locale).select(n)] ?? options.other;
            assert.equal(typeof chosen, 'string', `no plural case for ${n} in ${body}`);
            out += formatICU(chosen.replace(/#/g, new Intl.NumberFormat(locale).format(n)), values, locale);
        }
        i = end + 1;
    }
    return out;
}

const squash = (s) => s.replace(/\s+/g, ' ').trim();

// Every text and accessible name on the page that could carry a message: none may be an id.
async function leakedIds(page) {
    return page.evaluate(() => {
        const found = [];
        const id = /incident-response\./;
        if (id.test(document.body.innerText)) {
            found.push(...document.body.innerText.split('\n').filter((l) => id.test(l)));
        }
        for (const el of document.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
            for (const a of ['aria-label', 'title', 'placeholder', 'alt']) {
                const v = el.getAttribute(a);
                if (v && id.test(v)) {
                    found.push(`${a}="${v}"`);
                }
            }
        }
        return found;
    });
}

const skip = skipReason;
if (skip) {
    console.log(`# translations.test.mjs skipped: ${skip}`);
}

for (const react of REACT_VERSIONS) {
    describe(`translations registered by the plugin, in the user's locale, in Chromium (React ${react})`, {skip, timeout: 300_000}, () => {
        let host;
        let team;
        let context;
        let page;
        let incident;
        let total;
        const pageErrors = [];
        const consoleErrors = [];
        const appBarIcon = (p) => p.getByRole('navigation', {name: 'App Bar'}).getByRole('button', {name: PLUGIN_ID});
        const incidentsPath = () => `/${team}/${PLUGIN_ID}/incidents`;

        before(async () => {
            host = await startFaithfulHost({react, prefix: 'ir-i18n-'});
            team = host.seed.team_name;
            ({context, page} = await launchChromium(host.work, host.origin, {width: 1400, height: 820}, pageErrors, consoleErrors));

            // One incident, just started (so "just now"), with open checklist items (none done:
            // a plural French puts in "one" and English in "other") and a new commander (a
            // timeline sentence with two user names inside it).
            await host.command('alice', '/incident start Database down');
            const list = await host.api('alice', 'GET', `/incidents?team_id=${host.seed.team_id}`);
            [incident] = list.data.items;
            assert.equal(incident?.name, 'Database down', JSON.stringify(list.data));
            let r = await host.api('alice', 'POST', `/incidents/${incident.id}/items`, {section: 'Triage', title: 'Page the on-call'});
            assert.equal(r.status, 201, JSON.stringify(r.data));
            r = await host.api('alice', 'POST', `/incidents/${incident.id}/commander`, {user_id: host.seed.users.sysadmin.id});
            assert.equal(r.status, 200, JSON.stringify(r.data));
            incident = (await host.api('alice', 'GET', `/incidents/${incident.id}`)).data;
            total = incident.checklists.reduce((n, s) => n + s.items.length, 0);
            assert.ok(total > 0 && incident.checklists.every((s) => s.items.every((i) => i.state === 'open')));

            // The user's locale, on the server, before the web app boots and asks for it.
            await host.setLocale('alice', 'fr');
            await openAs(page, host, 'alice', incidentsPath(), pageErrors);
            await page.evaluate((t) => window.__host.setTheme(t), THEMES.denim);
        });

        after(() => stopHarness(host?.stopArgs(context) ?? {}));

        test('the host asked the plugin\'s source for French', async () => {
            assert.equal(await page.evaluate(() => window.__host.intl.locale), 'fr');
            // The bundle keys messages by short ids (scripts/esbuild-messages.mjs).
            const short = shortIds(TABLES.en).get('rhs.listTitle');
            assert.equal(await page.evaluate((id) => window.__host.intl.messages[id], `${PLUGIN_ID}.${short}`), msg('fr', 'rhs.listTitle'));
        });

        test('the RHS in French: title, buttons, link, and the card\'s sentences with their elements and plural', async () => {
            await appBarIcon(page).click();
            const rhs = page.getByRole('region', {name: msg('fr', 'rhs.label'), exact: true});
            await rhs.getByRole('heading', {name: new RegExp(`^${msg('fr', 'rhs.listTitle')}`), level: 2}).waitFor();
            await rhs.getByRole('button', {name: msg('fr', 'rhs.startIncident'), exact: true}).waitFor();
            await rhs.getByRole('link', {name: msg('fr', 'rhs.allIncidents'), exact: true}).waitFor();
            assert.equal(await rhs.getByText(msg('en', 'rhs.listTitle')).count(), 0);
            assert.equal(await rhs.getByRole('button', {name: msg('en', 'rhs.startIncident'), exact: true}).count(), 0);
            assert.equal(await rhs.getByRole('link', {name: msg('en', 'rhs.allIncidents'), exact: true}).count(), 0);

            const card = rhs.getByRole('button', {name: /^INC-0001.*Database down/});
            await card.getByText('@sysadmin').waitFor();
            // "Started {ago}": the <time> element inside the sentence, with its own text a message
            // of another component, translated too.
            const started = card.locator('time');
            assert.equal(await started.textContent(), msg('fr', 'time.justNow'));
            assert.equal(squash(await started.evaluate((el) => el.parentElement.textContent)),
                squash(msg('fr', 'rhs.cardStarted', {ago: msg('fr', 'time.justNow')})));
            const text = squash(await card.textContent());
            // The reference carries the severity and status chips (P4, Investigating).
            assert.match(text, /^INC-0001/);
            assert.ok(text.includes(squash(msg('fr', 'rhs.cardStarted', {ago: msg('fr', 'time.justNow')}))), text);
            assert.ok(text.includes(`${msg('fr', 'field.commander')} @sysadmin`), text);
            // A plural: none done is "one" in French (0/N faite), "other" in English.
            assert.equal(new Intl.PluralRules('fr').select(0), 'one');
            const progress = msg('fr', 'rhs.cardProgress', {done: 0, total});
            assert.ok(text.includes(progress), `${progress} in ${text}`);
            assert.notEqual(progress, msg('fr', 'rhs.cardProgress', {done: 2, total}));
            for (const english of [msg('en', 'rhs.cardStarted', {ago: ''}).trim(), msg('en', 'time.justNow'), msg('en', 'rhs.cardProgress', {done: 0, total})]) {
                assert.ok(!text.includes(english), `"${english}" in ${text}`);
            }
            // Alice is in the incident's channel: its link, named in French.
            const goTo = await rhs.getByRole('listitem').filter({has: page.getByRole('button', {name: /^INC-0001.*Database down/})}).getByRole('link').getAttribute('aria-label');
            assert.ok(goTo.startsWith(msg('fr', 'channel.goTo', {channel: '~'})), goTo);
            await appBarIcon(page).click();
            await rhs.waitFor({state: 'detached'});
        });

        test('the incidents page in French: table, pager, and a timeline sentence with user names inside it', async () => {
            assert.equal(new URL(page.url()).pathname, incidentsPath());
            await page.getByRole('heading', {name: msg('fr', 'page.title'), level: 1}).waitFor();
            const table = page.getByRole('table', {name: msg('fr', 'page.caption')});
            await table.getByRole('button', {name: 'Database down', exact: true}).waitFor();
            assert.deepEqual((await table.locator('thead th[scope=col]').allInnerTexts()).map(squash),
                ['page.column.reference', 'field.name', 'field.state', 'field.commander', 'field.started', 'page.column.duration'].map((id) => msg('fr', id)));
            assert.ok(squash(await table.locator('caption').textContent()).includes(msg('fr', 'page.range', {first: 1, last: 1, total: 1})));

            const position = msg('fr', 'page.pager.position', {page: 1, pages: 1});
            await page.getByText(position, {exact: true}).waitFor();
            await page.getByRole('button', {name: msg('fr', 'page.pager.previous'), exact: true}).waitFor();
            await page.getByRole('button', {name: msg('fr', 'page.pager.next'), exact: true}).waitFor();
            assert.equal(await page.getByText(msg('en', 'page.pager.position', {page: 1, pages: 1}), {exact: true}).count(), 0);
            assert.equal(await page.getByRole('button', {name: msg('en', 'page.pager.previous'), exact: true}).count(), 0);

            await table.getByRole('button', {name: 'Database down', exact: true}).click();
            const detail = page.getByRole('region', {name: msg('fr', 'page.detailLabel')});
            const timeline = detail.getByRole('list', {name: msg('fr', 'page.timeline')});
            const events = timeline.locator(':scope > li');
            await events.first().waitFor();
            assert.deepEqual(incident.timeline.map((e) => e.kind.type).slice(-1), ['commander_changed']);
            // "{actor} changed the commander from {from} to {to}" becomes "{actor} a remplacé {from}
            // par {to} comme responsable de l’incident": the names are elements, and French words
            // follow the last one.
            const changed = events.nth(incident.timeline.length - 1);
            await changed.getByText('@sysadmin').waitFor();
            const sentence = msg('fr', 'timeline.commanderChanged', {actor: '@alice', from: '@alice', to: '@sysadmin'});
            // Each name is fetched on its own: the sentence is whole once the last one arrives.
            let shown = '';
            await until(async () => squash(shown = await changed.textContent()).includes(squash(sentence)), `${sentence} in ${shown}`)
                .catch(() => assert.fail(`${sentence} in ${shown}`));
            const after = await changed.getByText('@sysadmin', {exact: true}).evaluate((el) => {
                let node = el;
                while (node && !node.nextSibling) { node = node.parentElement; }
                return node?.nextSibling?.textContent ?? '';
            });
            const tail = sentence.slice(sentence.indexOf('@sysadmin') + '@sysadmin'.length);
            assert.ok(tail.trim().length > 0, 'in French, words follow the new commander');
            assert.equal(squash(after), squash(tail));
        });

        test('no message id shows anywhere on the French page', async () => {
            await appBarIcon(page).click();
            await page.getByRole('region', {name: msg('fr', 'rhs.label'), exact: true}).getByRole('heading', {level: 2}).first().waitFor();
            assert.deepEqual(await leakedIds(page), []);
        });

        test('a user whose locale is English sees English, and no id either', async () => {
            await host.setLocale('bob', 'en');
            const bobErrors = [];
            const bob = await launchChromium(host.work, host.origin, {width: 1400, height: 820}, bobErrors, bobErrors, 'chromium-bob');
            try {
                await openAs(bob.page, host, 'bob', incidentsPath(), bobErrors);
                assert.equal(await bob.page.evaluate(() => window.__host.intl.locale), 'en');
                await bob.page.getByRole('heading', {name: msg('en', 'page.title'), level: 1}).waitFor();
                const table = bob.page.getByRole('table', {name: msg('en', 'page.caption')});
                await table.getByRole('button', {name: 'Database down', exact: true}).waitFor();
                await bob.page.getByText(msg('en', 'page.pager.position', {page: 1, pages: 1}), {exact: true}).waitFor();
                await bob.page.getByRole('button', {name: msg('en', 'page.pager.previous'), exact: true}).waitFor();
                assert.equal(await bob.page.getByText(msg('fr', 'page.pager.position', {page: 1, pages: 1}), {exact: true}).count(), 0);
                assert.equal(await bob.page.getByRole('table', {name: msg('fr', 'page.caption')}).count(), 0);

                await appBarIcon(bob.page).click();
                const rhs = bob.page.getByRole('region', {name: msg('en', 'rhs.label'), exact: true});
                await rhs.getByRole('heading', {name: new RegExp(`^${msg('en', 'rhs.listTitle')}`), level: 2}).waitFor();
                await rhs.getByRole('button', {name: msg('en', 'rhs.startIncident'), exact: true}).waitFor();
                assert.equal(await rhs.getByText(msg('fr', 'rhs.listTitle')).count(), 0);
                const card = rhs.getByRole('button', {name: /^INC-0001.*Database down/});
                await card.getByText('@sysadmin').waitFor();
                const text = squash(await card.textContent());
                assert.ok(text.includes(msg('en', 'rhs.cardProgress', {done: 0, total})), text);
                assert.ok(text.includes(`${msg('en', 'field.commander')} @sysadmin`), text);
                assert.ok(!text.includes(msg('fr', 'rhs.cardProgress', {done: 0, total})), text);
                // Bob is not in the incident's channel: a Join button, in English.
                const join = rhs.getByRole('listitem').filter({has: bob.page.getByRole('button', {name: /^INC-0001.*Database down/})})
                    .getByRole('button', {name: msg('en', 'channel.joinLabel', {channel: '~'})});
                assert.equal(squash(await join.textContent()), msg('en', 'channel.join'));
                assert.deepEqual(await leakedIds(bob.page), []);
                assert.deepEqual(bobErrors.filter((t) => !/status of 40[0349]/.test(t)), []);
            } finally {
                await bob.context.close().catch(() => {});
            }
        });

        test('nothing failed, and react-intl found every message it was asked for', () => {
            assert.deepEqual(pageErrors, []);
            assert.ok(!consoleErrors.some((e) => /MISSING_TRANSLATION|incident-response\./.test(e)), consoleErrors.slice(0, 5).join('\n'));
            // 40x answers the plugin asks for on purpose (channel membership) are logged by Chromium.
            assert.deepEqual(consoleErrors.filter((t) => !/status of 40[0349]/.test(t)), []);
        });
    });
}
