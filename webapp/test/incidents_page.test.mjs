// The incidents page (registerNeedsTeamRoute('/incidents')) in real Chromium against the REAL
// plugin, served by tests/conformance/cmd/devserver, on the faithful host
// (test-support/faithful): the host boots as Mattermost's web app does (config, the user, teams,
// channels, the server's list of webapp plugins, initialize) and shows the plugin's route at
// /<team>/incident-response/incidents with the page alone in the centre (no channel sidebar),
// the App Bar and, when opened from it, the RHS. window.WebappUtils.browserHistory is a real
// history: the plugin's links change the address and the host renders the route. Live updates
// come through the host's websocket to the dev server, addressed by the server.
//
// Needs dist/main.js (`npm run build`) and BUNDLE_TGZ; without BUNDLE_TGZ the suite is skipped.
// Screenshots go to webapp/test-output/incidents-page-*.png (and playbook*, reports-page-*).
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import path from 'node:path';

import {PLUGIN_ID, THEMES, skipReason, settledFocus, launchChromium, stopHarness, until} from '../test-support/devserver.mjs';
import {navigate, openAs, startFaithfulHost} from '../test-support/faithful/harness.mjs';
import {REACT_VERSIONS} from '../test-support/faithful/build.mjs';
import {screenshot} from '../test-support/screenshots.mjs';

const skip = skipReason;
if (skip) {
    console.log(`# incidents_page.test.mjs skipped: ${skip}`);
}


for (const react of REACT_VERSIONS) {
    describe(`incidents page against the real plugin in Chromium (React ${react})`, {skip, timeout: 300_000}, () => {
        let host;
        let seed;
        let team;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];

        const api = (...a) => host.api(...a);
        const command = (...a) => host.command(...a);
        const text = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();
        const setTheme = (t) => page.evaluate((vars) => window.__host.setTheme(vars), t);
        const pagePath = (name) => `/${team}/${PLUGIN_ID}/${name}`;
        const pathname = () => new URL(page.url()).pathname;
        const shot = (name) => screenshot(page, name, react);
        // A fresh load of one of the plugin's pages, as alice, the way Mattermost boots.
        async function openPage(name, query = '') {
            await openAs(page, host, 'alice', pagePath(name) + query, pageErrors);
            await setTheme(THEMES.denim);
        }
        const open = (query = '') => openPage('incidents', query);
        const appBarIcon = () => page.getByRole('navigation', {name: 'App Bar'}).getByRole('button', {name: PLUGIN_ID});
        const rhs = () => page.getByRole('region', {name: 'Incidents', exact: true});
        const table = () => page.getByRole('table', {name: /Incidents of this team/});
        const bodyRows = () => table().locator('tbody tr');
        const caption = () => table().locator('caption');
        // The row's name button: the row also holds the incident channel's link (or Join button).
        const rowButton = (name) => table().getByRole('button', {name, exact: true});
        async function rowNames() {
            return bodyRows().locator('th[scope=row] > button').allInnerTexts();
        }
        async function expectRows(names, what) {
            const end = Date.now() + 10_000;
            let got;
            while (Date.now() < end) {
                got = await rowNames();
                if (JSON.stringify(got) === JSON.stringify(names)) { return; }
                await new Promise((r) => setTimeout(r, 50));
            }
            assert.deepEqual(got, names, what);
        }

        let incA; let incB;

        before(async () => {
            host = await startFaithfulHost({react, prefix: 'ir-page-'});
            ({seed} = host);
            team = seed.team_name;
            ({context, page} = await launchChromium(host.work, host.origin, {width: 1400, height: 820}, pageErrors, consoleErrors));

            // Three incidents the way users start them; one ended, one with checked items and a new
            // commander.
            await command('alice', '/incident start Database down');
            await command('alice', '/incident start Checkout latency above 2 s');
            await command('alice', '/incident start Login errors for SSO users');
            const list = await api('alice', 'GET', `/incidents?team_id=${seed.team_id}&state=all`);
            assert.equal(list.data.total, 3, JSON.stringify(list.data));
            [, incB, incA] = list.data.items; // newest first
            assert.equal(incA.name, 'Database down');
            await command('alice', '/incident end', incA.channel_id);
            let r = await api('alice', 'POST', `/incidents/${incB.id}/items`, {section: 'Triage', title: 'Page the payments on-call'});
            assert.equal(r.status, 201, JSON.stringify(r.data));
            const itemId = r.data.item_id;
            r = await api('alice', 'POST', `/incidents/${incB.id}/items`, {section: 'Triage', title: 'Roll back the 14:05 deploy'});
            assert.equal(r.status, 201);
            r = await api('alice', 'PATCH', `/incidents/${incB.id}/items/${itemId}`, {state: 'done'});
            assert.equal(r.status, 200, JSON.stringify(r.data));
            r = await api('alice', 'POST', `/incidents/${incB.id}/commander`, {user_id: seed.users.sysadmin.id});
            assert.equal(r.status, 200, JSON.stringify(r.data));
            incB = (await api('alice', 'GET', `/incidents/${incB.id}`)).data;

            await open();
        });

        after(() => stopHarness(host?.stopArgs(context) ?? {}));

        test('the route is registered and the table lists every incident, accessibly', async () => {
            assert.deepEqual(await page.evaluate(() => window.__host.store.getState().plugins.components.NeedsTeamComponent.map((c) => c.route)),
                [`${PLUGIN_ID}/incidents`, `${PLUGIN_ID}/playbooks`, `${PLUGIN_ID}/reports`]);
            assert.equal(pathname(), pagePath('incidents'));
            await page.getByRole('heading', {name: 'Incidents', level: 1}).waitFor();
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s', 'Database down'], 'state=all lists all 3');
            assert.match(await text(caption()), /1–3 of 3/);
            assert.deepEqual(await table().locator('thead th[scope=col]').allInnerTexts(),
                ['Reference', 'Name', 'State', 'Commander', 'Started', 'Duration / ended']);
            const rowA = bodyRows().filter({hasText: 'Database down'});
            assert.match(await text(rowA), /INC-0001.*Database down.*Ended.*@alice/);
            assert.match(await text(rowA), /ended/);
            const rowB = bodyRows().filter({hasText: 'Checkout latency'});
            await rowB.getByText('@sysadmin').waitFor();
            assert.match(await text(rowB), /Active.*ongoing/);
            await shot('incidents-page-list-light');
        });

        test('filters: state, text search, commander picker, dates', async () => {
            const state = page.getByRole('combobox', {name: 'State'});
            await state.selectOption('ended');
            await expectRows(['Database down'], 'ended shows 1');
            assert.match(await text(caption()), /1–1 of 1/);
            await state.selectOption('active');
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s'], 'active shows 2');
            await state.selectOption('all');
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s', 'Database down'], 'all again');

            const search = page.getByRole('searchbox', {name: 'Search'});
            await search.fill('checkout');
            await expectRows(['Checkout latency above 2 s'], 'search by name');
            await search.fill('INC-0003');
            await expectRows(['Login errors for SSO users'], 'search by reference');
            await search.fill('no such thing');
            await page.getByText('No incidents match these filters.').waitFor();
            await search.fill('');
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s', 'Database down'], 'search cleared');

            // The commander filter uses the user picker, from the keyboard.
            await page.getByRole('button', {name: 'Commander: anyone. Choose'}).click();
            const picker = page.getByRole('combobox', {name: 'Filter by commander'});
            await picker.fill('sys');
            await page.getByRole('option', {name: /@sysadmin/}).waitFor();
            await picker.press('Enter');
            await expectRows(['Checkout latency above 2 s'], 'commander sysadmin');
            assert.equal(await settledFocus(page, () => document.activeElement.getAttribute('aria-label'), 'Commander: @sysadmin. Change'), 'Commander: @sysadmin. Change');
            await page.getByRole('button', {name: 'Clear'}).click();
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s', 'Database down'], 'commander cleared');

            const day = (offset) => {
                const d = new Date(Date.now() + offset * 86_400_000);
                return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
            };
            const from = page.getByLabel('Started from');
            const to = page.getByLabel('Started to');
            await from.fill(day(1));
            await page.getByText('No incidents match these filters.').waitFor();
            await from.fill(day(0));
            await to.fill(day(0));
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s', 'Database down'], 'today');
            await to.fill(day(-1));
            await page.getByText('No incidents match these filters.').waitFor();
            await from.fill('');
            await to.fill('');
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s', 'Database down'], 'dates cleared');
        });

        test('select an incident: summary, commander, item history and the whole timeline in order', async () => {
            // From the keyboard: Tab to the row's name button, Enter.
            await rowButton('Checkout latency above 2 s').focus();
            await page.keyboard.press('Enter');
            const detail = page.getByRole('region', {name: 'Incident detail'});
            const heading = detail.getByRole('heading', {level: 2});
            await heading.waitFor();
            assert.match(await text(heading), /INC-0002 Checkout latency above 2 s/);
            assert.equal(await settledFocus(page, () => document.activeElement.tagName, 'H2'), 'H2');
            await detail.getByText('No summary yet.').waitFor();

            const timeline = detail.getByRole('list', {name: 'Timeline'});
            const events = timeline.locator(':scope > li');
            assert.equal(await events.count(), incB.timeline.length);
            assert.ok(incB.timeline.length >= 5, JSON.stringify(incB.timeline));
            const expected = [
                /@alice started the incident “Checkout latency above 2 s”/,
                /@alice added “Page the payments on-call” to “Triage”/,
                /@alice added “Roll back the 14:05 deploy” to “Triage”/,
                /@alice checked “Page the payments on-call”/,
                /@alice changed the commander from @alice to @sysadmin/,
            ];
            assert.deepEqual(incB.timeline.map((e) => e.kind.type),
                ['incident_started', 'item_added', 'item_added', 'item_checked', 'commander_changed']);
            await timeline.getByText('@sysadmin').waitFor();
            for (let i = 0; i < expected.length; i++) {
                const t = await text(events.nth(i));
                assert.match(t, expected[i], `event ${i}: ${t}`);
                // Local time of the event, as the browser formats it.
                const when = await events.nth(i).locator('time').getAttribute('datetime');
                assert.equal(when, new Date(incB.timeline[i].at).toISOString());
            }

            const history = detail.getByRole('list', {name: 'History of Page the payments on-call'});
            await history.getByText('@alice').waitFor();
            assert.match(await text(history), /@alice checked it · /);
            const facts = detail.locator('dl');
            await facts.getByText('@sysadmin').waitFor();
            assert.match(await text(facts), /Active.*Commander.*@sysadmin.*Started.*by @alice.*Active for/);
            await shot('incidents-page-detail-light');

            // The ended one reads as ended, with its duration.
            await rowButton('Database down').click();
            await detail.getByRole('heading', {name: /INC-0001 Database down/}).waitFor();
            assert.match(await text(detail.locator('dl')), /Ended.*lasted/);
            const lastEvent = detail.getByRole('list', {name: 'Timeline'}).locator(':scope > li').last();
            assert.match(await text(lastEvent), /@alice ended the incident/);

            // Escape closes the detail and gives focus back to the row.
            await page.keyboard.press('Escape');
            await detail.waitFor({state: 'detached'});
            assert.equal(await settledFocus(page, () => document.activeElement.textContent, 'Database down'), 'Database down');
        });

        test('live: another user\'s change reaches the open detail and the list through the websocket event', async () => {
            await page.waitForFunction(() => window.__host.websocket.connected);
            // A mark on this document: a reload would lose it.
            await page.evaluate(() => { window.__sameDocument = true; });
            const url = page.url();
            await rowButton('Checkout latency above 2 s').click();
            const detail = page.getByRole('region', {name: 'Incident detail'});
            const events = detail.getByRole('list', {name: 'Timeline'}).locator(':scope > li');
            await detail.getByRole('heading', {name: /INC-0002/}).waitFor();
            const before = await events.count();
            const roll = incB.checklists.flatMap((s) => s.items).find((i) => i.title === 'Roll back the 14:05 deploy');
            const r = await api('sysadmin', 'PATCH', `/incidents/${incB.id}/items/${roll.id}`, {state: 'skipped'});
            assert.equal(r.status, 200, JSON.stringify(r.data));
            // No reload and nothing injected: the server's event reaches the page through the host's websocket.
            await page.waitForFunction((n) => document.querySelectorAll('[aria-label="Timeline"] > li').length === n + 1, before);
            assert.match(await text(events.last()), /@sysadmin skipped “Roll back the 14:05 deploy”/);
            const history = detail.getByRole('list', {name: 'History of Roll back the 14:05 deploy'});
            await history.getByText('@sysadmin').waitFor();
            assert.match(await text(history), /@sysadmin skipped it/);
            assert.equal(page.url(), url);
            assert.equal(await page.evaluate(() => window.__sameDocument), true, 'no reload');
            incB = r.data;
            await detail.getByRole('button', {name: 'Close'}).click();
            await detail.waitFor({state: 'detached'});
        });

        test('dark theme: list and detail', async () => {
            await setTheme(THEMES.onyx);
            await rowButton('Checkout latency above 2 s').click();
            const detail = page.getByRole('region', {name: 'Incident detail'});
            await detail.getByRole('list', {name: 'Timeline'}).getByText('@sysadmin').first().waitFor();
            await shot('incidents-page-detail-dark');
            await detail.getByRole('button', {name: 'Close'}).click();
            await detail.waitFor({state: 'detached'});
            await shot('incidents-page-list-dark');
            const colors = await page.evaluate(() => {
                const c = getComputedStyle(document.querySelector('.IncidentResponse-page'));
                return [c.color, c.backgroundColor];
            });
            assert.deepEqual(colors, ['rgb(227, 228, 232)', 'rgb(25, 27, 31)']);
            await setTheme(THEMES.denim);
        });

        test('a server error is shown in its words', async () => {
            const bogus = await api('alice', 'GET', '/incidents?team_id=nosuchteam0000000000000000');
            assert.ok(bogus.status >= 400 && bogus.data?.error, JSON.stringify(bogus));
            // The host's store selects the current team (as Mattermost's SELECTED_TEAM does); the
            // page reads it from there and asks the server for that team's incidents.
            await page.evaluate(() => window.__host.store.dispatch({type: 'SELECT_TEAM', data: 'nosuchteam0000000000000000'}));
            const alert = page.getByRole('alert');
            await alert.waitFor();
            assert.equal(await text(alert), bogus.data.error);
            await page.evaluate((id) => window.__host.store.dispatch({type: 'SELECT_TEAM', data: id}), seed.team_id);
            await alert.waitFor({state: 'detached'});
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s', 'Database down'], 'back');
        });

        test('the RHS links to the page', async () => {
            // From another of the plugin's pages, so that following the link changes the page.
            await navigate(page, pagePath('reports'));
            await page.getByRole('heading', {name: 'Reports', level: 1}).waitFor();
            await appBarIcon().click();
            const link = rhs().getByRole('link', {name: 'All incidents'});
            assert.equal(await link.getAttribute('href'), pagePath('incidents'));
            await link.click();
            await until(async () => pathname() === pagePath('incidents'), `the page is at ${page.url()}`);
            await page.getByRole('heading', {name: 'Incidents', level: 1}).waitFor();
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s', 'Database down'], 'the incidents page, through the host\'s history');
            // The App Bar icon closes the RHS again.
            await appBarIcon().click();
            await rhs().waitFor({state: 'detached'});
        });

        test('paging: ?per_page=2 gives two pages with next and previous', async () => {
            await open('?per_page=2');
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s'], 'page 1');
            assert.match(await text(caption()), /1–2 of 3/);
            const prev = page.getByRole('button', {name: 'Previous'});
            const next = page.getByRole('button', {name: 'Next'});
            assert.equal(await prev.isDisabled(), true);
            await page.getByText('Page 1 of 2').waitFor();
            await next.click();
            await expectRows(['Database down'], 'page 2');
            assert.match(await text(caption()), /3–3 of 3/);
            assert.equal(await next.isDisabled(), true);
            await prev.click();
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s'], 'page 1 again');
        });

        // --- the playbooks page -------------------------------------------------------------
        const pbTable = () => page.getByRole('table', {name: /playbook/i});
        const pbRow = (title) => pbTable().locator('tbody tr').filter({has: page.getByRole('button', {name: `Edit “${title}”`, exact: true})});
        const editor = () => page.getByRole('form', {name: /playbook/});
        async function playbookNamed(title) {
            const r = await api('alice', 'GET', `/playbooks?team_id=${seed.team_id}`);
            return r.data.items.filter((p) => p.title === title);
        }
        async function openPlaybooks() {
            await openPage('playbooks');
            await page.getByRole('heading', {name: 'Playbooks', level: 1}).waitFor();
        }

        test('playbooks page: the team\'s playbooks, and links between the pages', async () => {
            await openPlaybooks();
            await pbRow('Service incident').waitFor();
            await pbRow('Security incident').waitFor();
            assert.match(await text(pbTable().locator('caption')), /^2 playbooks$/);
            assert.match(await text(pbRow('Security incident')), /sections?, \d+ items.*sec-\{number\}-\{name\}.*Private/);
            const nav = page.getByRole('navigation', {name: 'Incident Response pages'});
            assert.equal(await nav.getByRole('link', {name: 'Playbooks'}).getAttribute('aria-current'), 'page');
            assert.equal(await nav.getByRole('link', {name: 'Incidents'}).getAttribute('href'), pagePath('incidents'));
            await nav.getByRole('link', {name: 'Incidents'}).click();
            await until(async () => pathname() === pagePath('incidents'), `the page is at ${page.url()}`);
            await page.getByRole('heading', {name: 'Incidents', level: 1}).waitFor();
            assert.equal(await nav.getByRole('link', {name: 'Incidents'}).getAttribute('aria-current'), 'page');
            await expectRows(['Login errors for SSO users', 'Checkout latency above 2 s', 'Database down'], 'the incidents page');
        });

        test('playbook editor: a new playbook with sections, items, default people, channel settings', async () => {
            await openPlaybooks();
            await page.getByRole('button', {name: 'New playbook'}).click();
            const form = editor();
            await form.getByRole('heading', {name: 'New playbook'}).waitFor();
            // Without a title nothing is sent.
            await form.getByRole('button', {name: 'Save playbook'}).click();
            await form.getByRole('alert').filter({hasText: 'Give the playbook a title.'}).waitFor();
            assert.equal((await playbookNamed('Database failover')).length, 0);

            await form.getByRole('textbox', {name: 'Title', exact: true}).fill('Database failover');
            await form.getByRole('textbox', {name: 'Description'}).fill('When the primary database is lost.');
            await form.getByRole('textbox', {name: 'Keywords'}).fill('database down, Replication lag ');
            await form.getByRole('textbox', {name: 'Channel name template'}).fill('db-{number}-{name}');
            await form.getByRole('checkbox', {name: 'Private channel'}).check();
            const sidebar = form.getByRole('textbox', {name: 'Sidebar category'});
            assert.equal(await sidebar.getAttribute('maxlength'), '22');
            await sidebar.fill(' Incidents ');
            await form.getByRole('group', {name: 'Default commander'}).getByRole('button', {name: 'Choose'}).click();
            const commander = form.getByRole('combobox', {name: 'Default commander'});
            await commander.fill('bob');
            await page.getByRole('option', {name: /@bob/}).waitFor();
            await commander.press('Enter');
            await form.getByRole('group', {name: 'Default commander'}).getByText('@bob').waitFor();
            await form.getByRole('searchbox', {name: 'Add an announcement channel'}).fill('ann');
            await form.getByRole('button', {name: 'Add ~Announcements'}).click();
            await form.getByRole('group', {name: 'Announce new incidents in'}).getByText('~Announcements').waitFor();
            // Issue 17's conduct: welcome, update template, the suggested retrospective outline, people and groups.
            await form.getByRole('textbox', {name: 'Welcome message'}).fill('Read the failover runbook first.');
            await form.getByRole('textbox', {name: 'Status update template'}).fill('Impact:\nNext:');
            assert.match(await form.getByRole('textbox', {name: 'Retrospective outline'}).inputValue(), /^### Root cause\n/);
            await form.getByRole('group', {name: 'Add to the incident channel'}).getByRole('button', {name: 'Add a person'}).click();
            const invitee = form.getByRole('combobox', {name: 'Person to add'});
            await invitee.fill('bob');
            await page.getByRole('option', {name: /@bob/}).waitFor();
            await invitee.press('Enter');
            await form.getByRole('group', {name: 'Add to the incident channel'}).getByText('@bob').waitFor();
            await form.getByRole('textbox', {name: 'User groups to add'}).fill('dba, @SRE');

            await form.getByRole('textbox', {name: 'Section 1 title'}).fill('Failover');
            await form.getByRole('textbox', {name: 'Failover: item 1'}).fill('Point the app at the new primary');
            await form.getByRole('button', {name: '+ Add an item to Failover'}).click();
            await form.getByRole('textbox', {name: 'Failover: item 2'}).fill('Promote the replica');
            await form.getByRole('button', {name: 'Move Promote the replica up'}).click();
            assert.equal(await form.getByRole('textbox', {name: 'Failover: item 1'}).inputValue(), 'Promote the replica');
            await form.getByRole('textbox', {name: 'Slash command for Promote the replica'}).fill('/dbctl promote');
            await form.getByRole('spinbutton', {name: 'Minutes after the start Promote the replica is due'}).fill('15');
            await form.getByRole('button', {name: 'Default assignee for Point the app at the new primary'}).click();
            const assignee = form.getByRole('combobox', {name: 'Default assignee for Point the app at the new primary'});
            await assignee.fill('ali');
            await page.getByRole('option', {name: /@alice/}).waitFor();
            await assignee.press('Enter');
            await form.getByRole('button', {name: 'Add a section'}).click();
            await form.getByRole('textbox', {name: 'Section 2 title'}).fill('Follow-up');
            await form.getByRole('textbox', {name: 'Follow-up: item 1'}).fill('Write the review');
            await shot('playbook-editor-light');
            await form.getByRole('button', {name: 'Save playbook'}).click();

            await page.getByRole('status').filter({hasText: 'Saved “Database failover”.'}).waitFor();
            assert.match(await text(pbRow('Database failover')), /Database failover.*2 sections, 3 items.*db-\{number\}-\{name\}.*Private/);
            const [saved] = await playbookNamed('Database failover');
            const channels = await (await fetch(`${host.base}/api/v4/teams/${seed.team_id}/channels/autocomplete?name=ann`,
                {headers: {'X-Test-User': 'alice'}})).json();
            assert.equal(saved.description, 'When the primary database is lost.');
            assert.deepEqual(saved.keywords, ['database down', 'replication lag']);
            assert.equal(saved.channel_name_template, 'db-{number}-{name}');
            assert.equal(saved.private_channel, true);
            assert.equal(saved.sidebar_category, 'Incidents');
            assert.equal(saved.default_commander_id, seed.users.bob.id);
            assert.deepEqual(saved.announcement_channel_ids, [channels[0].id]);
            assert.equal(saved.welcome_message, 'Read the failover runbook first.');
            assert.equal(saved.update_template, 'Impact:\nNext:');
            assert.match(saved.retrospective_template, /^### Root cause/);
            assert.deepEqual(saved.invited_user_ids, [seed.users.bob.id]);
            assert.deepEqual(saved.invited_groups, ['dba', 'sre']);
            assert.deepEqual(saved.checklists.map((c) => [c.title, c.items.map((i) => [i.title, i.command, i.default_assignee_id])]), [
                ['Failover', [['Promote the replica', '/dbctl promote', null], ['Point the app at the new primary', null, seed.users.alice.id]]],
                ['Follow-up', [['Write the review', null, null]]],
            ]);
            assert.deepEqual(saved.checklists[0].items.map((i) => i.due_after_minutes ?? null), [15, null]);

            // What the editor saved is what an incident starts with.
            const started = await api('alice', 'POST', '/incidents', {team_id: seed.team_id, name: 'Primary lost', playbook_id: saved.id});
            assert.equal(started.status, 201, JSON.stringify(started.data));
            assert.equal(started.data.commander_id, seed.users.bob.id);
            assert.deepEqual(started.data.checklists.map((c) => c.title), ['Failover', 'Follow-up']);
            // The item due 15 minutes after the start is due then.
            const promote = started.data.checklists[0].items[0];
            assert.equal(promote.due_at, started.data.created_at + 15 * 60_000);
            assert.equal(started.data.update_template, 'Impact:\nNext:');
            await command('alice', '/incident end', started.data.channel_id);
        });

        test('playbook editor: the server\'s refusal is shown in its words and nothing changes; Cancel leaves it', async () => {
            await openPlaybooks();
            await page.getByRole('button', {name: 'Edit “Database failover”'}).click();
            const form = editor();
            await form.getByRole('heading', {name: 'Edit playbook'}).waitFor();
            assert.equal(await form.getByRole('textbox', {name: 'Title', exact: true}).inputValue(), 'Database failover');
            await form.getByRole('textbox', {name: 'Channel name template'}).fill('db-{bogus}');
            await form.getByRole('button', {name: 'Save playbook'}).click();
            await form.getByRole('alert').filter({hasText: 'unknown placeholder'}).waitFor();
            await form.getByRole('button', {name: 'Cancel'}).click();
            await pbRow('Database failover').waitFor();
            assert.equal((await playbookNamed('Database failover'))[0].channel_name_template, 'db-{number}-{name}');
        });

        test('playbooks: export to a file, import it back, refuse a file that is not JSON, delete with confirmation', async () => {
            await openPlaybooks();
            const [download] = await Promise.all([
                page.waitForEvent('download'),
                page.getByRole('button', {name: 'Export “Database failover”'}).click(),
            ]);
            assert.equal(download.suggestedFilename(), 'database-failover.playbook.json');
            const file = path.join(host.work, 'export.json');
            await download.saveAs(file);
            const exported = JSON.parse(readFileSync(file, 'utf8'));
            assert.equal(exported.format, 'incident-response-playbook');
            assert.equal(exported.playbook.title, 'Database failover');

            const input = page.getByLabel('Playbook file to import');
            await input.setInputFiles(file);
            await page.getByRole('status').filter({hasText: 'Imported “Database failover”.'}).waitFor();
            assert.equal((await playbookNamed('Database failover')).length, 2);
            await input.setInputFiles({name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a playbook')});
            await page.getByRole('alert').filter({hasText: '“notes.txt” is not a playbook export: it is not JSON.'}).waitFor();
            assert.equal((await playbookNamed('Database failover')).length, 2);

            const copies = pbTable().locator('tbody tr').filter({hasText: 'Database failover'});
            await copies.nth(1).getByRole('button', {name: 'Delete “Database failover”'}).click();
            const confirm = page.getByRole('group', {name: 'Confirm deleting “Database failover”'});
            await confirm.getByRole('button', {name: 'Cancel'}).click();
            assert.equal((await playbookNamed('Database failover')).length, 2);
            await copies.nth(1).getByRole('button', {name: 'Delete “Database failover”'}).click();
            await confirm.getByRole('button', {name: 'Delete'}).click();
            await page.getByRole('status').filter({hasText: 'Deleted “Database failover”.'}).waitFor();
            assert.equal((await playbookNamed('Database failover')).length, 1);
            // Deleted is archived (issue 17): listed apart, and restorable.
            const archivedList = page.getByRole('region', {name: 'Archived playbooks'});
            await archivedList.getByRole('button', {name: 'Restore “Database failover”'}).click();
            await page.getByRole('status').filter({hasText: 'Restored “Database failover”.'}).waitFor();
            assert.equal((await playbookNamed('Database failover')).length, 2);
            await archivedList.waitFor({state: 'detached'});
            await copies.nth(1).getByRole('button', {name: 'Delete “Database failover”'}).click();
            await confirm.getByRole('button', {name: 'Delete'}).click();
            await page.getByRole('status').filter({hasText: 'Deleted “Database failover”.'}).waitFor();
            assert.equal((await playbookNamed('Database failover')).length, 1);
            await setTheme(THEMES.onyx);
            await shot('playbooks-list-dark');
            await setTheme(THEMES.denim);
        });

        test('report and follow-up: a decision, an action, the report edited and published', async () => {
            await open();
            await rowButton('Database down').click();
            const detail = page.getByRole('region', {name: 'Incident detail'});
            const section = detail.getByRole('region', {name: 'Report and follow-up'});
            await section.waitFor();
            await section.getByRole('combobox', {name: 'Kind of entry'}).selectOption('decision');
            await section.getByRole('textbox', {name: 'Timeline entry'}).fill('Fail over to the replica');
            await section.getByRole('button', {name: 'Add', exact: true}).click();
            await detail.getByRole('list', {name: 'Timeline'}).getByText('“Fail over to the replica”').waitFor();

            await section.getByRole('textbox', {name: 'New action'}).fill('Alert on replication lag');
            await section.getByRole('combobox', {name: 'Type'}).selectOption('detective');
            await section.getByLabel('Due').fill('2030-01-15');
            await section.getByRole('button', {name: 'Add action'}).click();
            const action = section.getByRole('checkbox', {name: 'Alert on replication lag'});
            await action.waitFor();
            assert.match(await text(section.getByRole('list', {name: 'Follow-up actions'})), /Alert on replication lag detective · due 2030-01-15/);
            await action.click(); // checked once the server has it
            const actions = async () => (await api('alice', 'GET', `/incidents/${incA.id}/actions`)).data.items;
            await until(async () => (await actions())[0]?.state === 'done', 'the action is done on the server');
            await until(() => action.isChecked(), 'the box shows it');
            await action.click(); // and open again: it stays a follow-up to do
            await until(async () => (await actions())[0]?.state === 'open', 'open again on the server');
            await until(async () => !(await action.isChecked()), 'the box shows it open');

            await section.getByRole('button', {name: 'Open the report'}).click();
            const md = section.getByRole('textbox', {name: 'Report (Markdown)'});
            await md.waitFor();
            const generated = await md.inputValue();
            assert.match(generated, /^# INC-0001 · Database down — incident report/);
            assert.match(generated, /\*\*Decision\*\* Fail over to the replica/);
            assert.match(generated, /\| Alert on replication lag \| detective \| — \| 2030-01-15 \| open \|/);
            await shot('incidents-page-report-light');
            await md.fill(`${generated}\n## Lessons\n\nPractise failovers.\n`);
            await section.getByRole('button', {name: 'Save'}).click();
            await section.getByRole('status').filter({hasText: 'Report saved.'}).waitFor();
            assert.match((await api('alice', 'GET', `/incidents/${incA.id}/report`)).data.markdown, /## Lessons\n\nPractise failovers\./);
            // Someone saves the report meanwhile: the next save here is refused with the server's
            // words instead of overwriting theirs, and Reload brings their text (review #14).
            const saved = (await api('alice', 'GET', `/incidents/${incA.id}/report`)).data;
            await api('alice', 'PUT', `/incidents/${incA.id}/report`, {markdown: `${saved.markdown}\nFrom elsewhere.\n`, revision: saved.revision});
            await md.fill(`${generated}\n## Lessons\n\nPractise failovers often.\n`);
            await section.getByRole('button', {name: 'Save'}).click();
            await section.getByText(/Someone saved the report since you opened it/).waitFor();
            assert.match((await api('alice', 'GET', `/incidents/${incA.id}/report`)).data.markdown, /From elsewhere\./, 'their text is kept');
            await section.getByRole('button', {name: 'Reload'}).click();
            await until(async () => /From elsewhere\./.test(await md.inputValue()), 'the saved report is back in the editor');
            await section.getByRole('button', {name: 'Publish'}).click();
            await section.getByRole('status').filter({hasText: /Published in 1 channel\./}).waitFor();
            await setTheme(THEMES.onyx);
            await shot('incidents-page-report-dark');
            await setTheme(THEMES.denim);

            // The transcript downloads from the same REST call, as the logged-in user.
            const href = await section.getByRole('link', {name: 'Download (Markdown)'}).getAttribute('href');
            const transcript = await page.evaluate(async (u) => (await fetch(u)).text(), href);
            assert.match(transcript, /^# INC-0001 · Database down — channel transcript/);

            // Hiding an entry: gone from the shown timeline, kept in the record.
            const timeline = detail.getByRole('list', {name: 'Timeline'});
            await timeline.locator('li').filter({hasText: 'Fail over to the replica'}).getByRole('button', {name: 'Hide this entry from the timeline'}).click();
            await until(async () => (await timeline.getByText('“Fail over to the replica”').count()) === 0, 'the entry is hidden');
            const record = (await api('alice', 'GET', `/incidents/${incA.id}`)).data.timeline;
            assert.ok(record.some((e) => e.kind.type === 'note_added') && record.some((e) => e.kind.type === 'event_hidden'));
        });

        test('reports page: incidents per month and week, times, actions, review list, light and dark', async () => {
            await openPage('reports');
            await page.getByRole('heading', {name: 'Reports', level: 1}).waitFor();
            const chart = page.getByRole('img', {name: /^Incidents per period\./});
            await chart.waitFor();
            const month = new Date().toISOString().slice(0, 7);
            assert.match(await chart.getAttribute('aria-label'), new RegExp(`${month}: [1-9]`));
            const byPeriod = page.getByRole('region', {name: 'By period'});
            const lastRow = byPeriod.locator('tbody tr').last();
            assert.equal(await text(lastRow.locator('th')), month);  // a month's label is its YYYY-MM
            assert.ok(Number(await text(lastRow.locator('td').first())) >= 1, 'this month counts its incidents');
            const openActions = page.getByRole('region', {name: 'Open follow-up actions'});
            await openActions.getByRole('list', {name: 'Open actions, due soonest first'}).waitFor();
            assert.match(await text(openActions), /Alert on replication lag/, 'the action opened again above is listed');
            await shot('reports-page-light');
            await page.getByRole('combobox', {name: 'Per'}).selectOption('week');
            await page.getByRole('img', {name: /week|Incidents per period\..*\d{4}-\d{2}-\d{2}/}).first().waitFor();
            await setTheme(THEMES.onyx);
            await shot('reports-page-dark');
            await setTheme(THEMES.denim);
        });

        test('reports page: the Responders table, per person, accessibly, as the API counts it', async () => {
            await openPage('reports');
            const card = page.getByRole('region', {name: 'Responders'});
            const table = card.getByRole('table', {name: /^Responder load since \d{4}-\d{2}-\d{2}$/});
            await table.waitFor();
            assert.deepEqual(await table.locator('thead th[scope=col]').allInnerTexts(),
                ['Person', 'Holds now', 'Incidents per week, oldest first', 'Out of hours', 'Commander this month']);
            assert.match(await text(card), /outside Monday–Friday 09:00–18:00 in each person's own time zone/);
            const load = (await api('alice', 'GET', `/reports/responders?team_id=${seed.team_id}&weeks=8`)).data;
            const rows = table.locator('tbody tr');
            await until(async () => (await rows.count()) === load.people.length, 'a row per person of the API');
            assert.deepEqual(await rows.locator('th[scope=row]').evaluateAll((cells) => cells.map((c) => c.firstChild.textContent)),
                load.people.map((p) => `@${p.username}`));
            // alice commands the active incident she started and never handed over; sysadmin took over incB.
            const active = (await api('alice', 'GET', `/incidents?team_id=${seed.team_id}&state=active`)).data.items;
            const alicesActive = active.find((i) => i.name === 'Login errors for SSO users');
            const alice = rows.filter({has: page.locator('th', {hasText: '@alice'})});
            assert.match(await text(alice.locator('td').nth(0)), new RegExp(`Commander · ${alicesActive.reference}`));
            const weeks = (await text(alice.locator('td').nth(1))).split(' · ').map(Number);
            assert.equal(weeks.length, 8);
            assert.ok(weeks[7] >= 2, `alice worked this week's incidents: ${weeks}`);
            const sysadmin = rows.filter({has: page.locator('th', {hasText: '@sysadmin'})});
            assert.match(await text(sysadmin.locator('td').nth(0)), new RegExp(`Commander · ${incB.reference}`));
            const aliceCount = load.commanders_this_month.find((c) => c.username === 'alice').incidents;
            assert.ok(aliceCount >= 2, JSON.stringify(load.commanders_this_month));
            assert.equal(await text(alice.locator('td').nth(3)), String(aliceCount));
            assert.match(await text(card), new RegExp(`Commanders this month: .*@alice \\(${aliceCount}\\)`));
            await card.scrollIntoViewIfNeeded();
            await shot('reports-page-responders-light');
        });

        test('filters: severity, status, playbook and a custom field; the detail shows the fields; all teams for a system admin', async () => {
            const pb = await api('alice', 'POST', '/playbooks', {team_id: seed.team_id, title: 'Customer outage',
                fields: [{name: 'Region', kind: 'select', options: ['EU', 'US']}, {name: 'Ticket', kind: 'link'}]});
            assert.equal(pb.status, 201, JSON.stringify(pb.data));
            const started = await api('alice', 'POST', '/incidents', {team_id: seed.team_id, name: 'Payments failing in the EU',
                playbook_id: pb.data.id, severity: 'P1', fields: {Region: 'EU', Ticket: 'https://tracker.example/T-7'}});
            assert.equal(started.status, 201, JSON.stringify(started.data));
            await open();
            await page.getByRole('combobox', {name: 'State'}).selectOption('all');
            const severity = page.getByRole('combobox', {name: 'Severity'});
            await until(async () => (await severity.locator('option').allInnerTexts()).includes('P1'), 'the severities are offered');
            await severity.selectOption('P1');
            await expectRows(['Payments failing in the EU'], 'severity P1');
            await severity.selectOption('');
            const field = page.getByRole('searchbox', {name: 'Field'});
            await field.fill('region=eu');
            await expectRows(['Payments failing in the EU'], 'Region=EU, any case');
            await field.fill('Region=US');
            await page.getByText('No incidents match these filters.').waitFor();
            await field.fill('');
            const playbook = page.getByRole('combobox', {name: 'Playbook'});
            await until(async () => (await playbook.locator('option').allInnerTexts()).includes('Customer outage'), 'the playbooks are offered');
            await playbook.selectOption({label: 'Customer outage'});
            await expectRows(['Payments failing in the EU'], 'by playbook');
            await playbook.selectOption('');
            await page.getByRole('combobox', {name: 'Status'}).selectOption('Resolved');
            await until(async () => {
                const names = await rowNames();
                return names.includes('Database down') && !names.includes('Payments failing in the EU');
            }, 'Resolved lists the ended incident, not the active one');
            await page.getByRole('combobox', {name: 'Status'}).selectOption('');
            await shot('incidents-page-filters-light');

            await rowButton('Payments failing in the EU').click();
            const detail = page.getByRole('region', {name: 'Incident detail'});
            await detail.getByRole('link', {name: 'https://tracker.example/T-7'}).waitFor();
            assert.match((await detail.locator('dl').first().innerText()).replace(/\s+/g, ' '), /Region EU Ticket https:\/\/tracker\.example\/T-7/);

            // The reports page's table of every team: for a system admin only.
            await openAs(page, host, 'sysadmin', pagePath('reports'), pageErrors);
            const allTeams = page.getByRole('region', {name: 'All teams'});
            await allTeams.waitFor();
            const cells = await allTeams.locator('tbody tr').first().locator('th, td').allInnerTexts();
            assert.equal(cells.length, 5, JSON.stringify(cells));
            assert.ok(cells[0].trim() !== '' && Number(cells[1]) >= 4 && Number(cells[2]) >= 1, JSON.stringify(cells));
            await shot('reports-page-all-teams-light');
            await openPage('reports');
            await page.getByRole('region', {name: 'By period'}).waitFor();
            assert.equal(await page.getByRole('region', {name: 'All teams'}).count(), 0, 'alice is not a system admin');
        });

        test('delete: only admins see Delete…; the confirmation deletes and archives the channel', async () => {
            await command('alice', '/incident start Drill by mistake');
            const list = await api('alice', 'GET', `/incidents?team_id=${seed.team_id}&state=all`);
            const drill = list.data.items.find((i) => i.name === 'Drill by mistake');
            await open('?state=all');
            await rowButton('Drill by mistake').click();
            const detail = page.getByRole('region', {name: 'Incident detail'});
            await detail.getByRole('heading', {name: /Drill by mistake/}).waitFor();
            assert.equal(await detail.getByRole('button', {name: 'Delete…'}).count(), 0, 'alice is no admin');

            await openAs(page, host, 'sysadmin', pagePath('incidents') + '?state=all', pageErrors);
            await rowButton('Drill by mistake').click();
            await detail.getByRole('button', {name: 'Delete…'}).click();
            const dialog = page.getByRole('dialog', {name: `Delete ${drill.reference}?`});
            await dialog.getByText(/goes for good/).waitFor();
            await dialog.getByRole('checkbox', {name: /Also archive its channel/}).check();
            await shot('delete-dialog');
            await dialog.getByRole('button', {name: 'Delete incident'}).click();
            await dialog.waitFor({state: 'detached'});
            await until(async () => (await api('sysadmin', 'GET', `/incidents/${drill.id}`)).status === 404, 'the incident is gone');
            await until(async () => !(await rowNames()).includes('Drill by mistake'), 'its row is gone');
        });

        test('dossier: the detail links its download; admins import a dossier as a new, ended incident', async () => {
            await command('alice', '/incident start Dossier drill');
            const list = await api('alice', 'GET', `/incidents?team_id=${seed.team_id}&state=all`);
            const drill = list.data.items.find((i) => i.name === 'Dossier drill');
            await open('?state=all');
            assert.equal(await page.getByRole('button', {name: 'Import a dossier…'}).count(), 0, 'alice is no admin');
            await rowButton('Dossier drill').click();
            const detail = page.getByRole('region', {name: 'Incident detail'});
            const link = detail.getByRole('link', {name: 'Download dossier'});
            await link.waitFor();
            const href = await link.getAttribute('href');
            assert.ok(href.endsWith(`/api/v0/incidents/${drill.id}/dossier`), href);
            assert.equal(await link.getAttribute('download'), `${drill.reference}-dossier.zip`);
            // The browser's own request (its session) downloads the ZIP.
            const zip = await page.evaluate(async (url) => {
                const res = await fetch(url, {credentials: 'same-origin'});
                return {status: res.status, type: res.headers.get('Content-Type'), bytes: Array.from(new Uint8Array(await res.arrayBuffer()))};
            }, href);
            assert.equal(zip.status, 200);
            assert.equal(zip.type, 'application/zip');
            assert.deepEqual(zip.bytes.slice(0, 4), [0x50, 0x4b, 0x03, 0x04]);

            await openAs(page, host, 'sysadmin', pagePath('incidents') + '?state=all', pageErrors);
            await page.getByRole('button', {name: 'Import a dossier…'}).waitFor();
            await page.locator('input[type=file]').setInputFiles({name: `${drill.reference}-dossier.zip`, mimeType: 'application/zip', buffer: Buffer.from(zip.bytes)});
            const said = page.getByRole('status').filter({hasText: /^Imported as INC-\d{4}\.$/});
            await said.waitFor();
            const reference = (await said.innerText()).match(/INC-\d{4}/)[0];
            assert.notEqual(reference, drill.reference);
            await until(async () => (await rowNames()).filter((n) => n === 'Dossier drill').length === 2, 'the imported incident is listed beside the original');
            await page.locator('input[type=file]').setInputFiles({name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a dossier')});
            await page.getByRole('alert').filter({hasText: /Not a dossier this server can import/}).waitFor();
            await shot('incidents-page-import');
        });

        test('reports page: the paging settings card, for team and system admins only, keys write-only', async () => {
            await openPage('reports');
            await page.getByRole('heading', {name: 'Reports', level: 1}).waitFor();
            await page.getByRole('region', {name: 'Open follow-up actions'}).waitFor();
            assert.equal(await page.getByRole('region', {name: 'Paging and status page'}).count(), 0, 'alice is no admin');

            await openAs(page, host, 'sysadmin', pagePath('reports'), pageErrors);
            await setTheme(THEMES.denim);
            const card = page.getByRole('region', {name: 'Paging and status page'});
            await card.waitFor();
            await card.getByRole('button', {name: 'Add a service'}).click();
            await card.getByRole('textbox', {name: 'Service name'}).fill('db');
            await card.getByRole('combobox', {name: 'Provider'}).selectOption('opsgenie');
            await card.getByLabel('Key', {exact: true}).first().fill('og-key-for-the-chromium-test-1234');
            await card.getByRole('textbox', {name: 'Page on declare at (e.g. P1, P2)'}).fill('P1');
            await card.getByRole('textbox', {name: 'Page id (empty: none)'}).fill('chromiumpage');
            await card.getByLabel('Key', {exact: true}).last().fill('sp-key-for-the-chromium-test-5678');
            await card.getByRole('button', {name: 'Save paging settings'}).click();
            await card.getByRole('status').filter({hasText: 'Saved.'}).waitFor();
            // The keys are gone from the form; it says one is set, and its last four.
            await card.getByLabel('Key set (…1234); leave empty to keep it').waitFor();
            await card.getByLabel('Key set (…5678); leave empty to keep it').waitFor();
            assert.equal(await card.getByLabel('Key set (…1234); leave empty to keep it').inputValue(), '');
            const saved = await api('sysadmin', 'GET', `/paging?team_id=${seed.team_id}`);
            assert.equal(saved.status, 200);
            assert.deepEqual(saved.data.services, [{name: 'db', provider: 'opsgenie', page_on: ['P1'], key: {configured: true, last4: '1234'}}]);
            assert.ok(!JSON.stringify(saved.data).includes('chromium-test'), 'no key in the answer');
            // A refusal is shown in the server's words and changes nothing.
            await card.getByRole('textbox', {name: 'Service name'}).fill('not a name');
            await card.getByRole('button', {name: 'Save paging settings'}).click();
            await card.getByRole('alert').filter({hasText: /service name "not a name" must be/}).waitFor();
            assert.deepEqual((await api('sysadmin', 'GET', `/paging?team_id=${seed.team_id}`)).data, saved.data);
            await shot('reports-page-paging');
            await openPage('reports');
        });

        test('reports page: the team\'s own severities, statuses and roles, for its admins; the filters follow them', async () => {
            await openPage('reports');
            await page.getByRole('region', {name: 'Open follow-up actions'}).waitFor();
            assert.equal(await page.getByRole('region', {name: 'Severities, statuses and roles'}).count(), 0, 'alice is no admin');

            await openAs(page, host, 'sysadmin', pagePath('reports'), pageErrors);
            await setTheme(THEMES.denim);
            const card = page.getByRole('region', {name: 'Severities, statuses and roles'});
            const severities = card.getByRole('textbox', {name: 'Severities (worst first)'});
            // An empty list is the server's, shown as the placeholder.
            assert.equal(await severities.inputValue(), '');
            assert.match(await severities.getAttribute('placeholder'), /^P1: Critical\./);
            assert.equal(await card.getByRole('button', {name: 'Use server defaults'}).count(), 0, 'nothing to reset yet');
            await severities.fill('SEV1: all hands\nSEV2: degraded');
            await card.getByRole('button', {name: 'Save', exact: true}).click();
            await card.getByRole('status').filter({hasText: 'Saved.'}).waitFor();
            const saved = await api('sysadmin', 'GET', `/conduct?team_id=${seed.team_id}`);
            assert.equal(saved.data.source, 'team');
            assert.deepEqual(saved.data.severities.map((l) => l.name), ['SEV1', 'SEV2']);
            assert.equal(saved.data.statuses.length, 4, 'statuses stay the server\'s');
            // A refusal is shown in the parser's words and changes nothing.
            await card.getByRole('textbox', {name: 'Statuses, the last resolves'}).fill('Only one');
            await card.getByRole('button', {name: 'Save', exact: true}).click();
            await card.getByRole('alert').filter({hasText: /statuses: list at least two/}).waitFor();
            assert.deepEqual((await api('sysadmin', 'GET', `/conduct?team_id=${seed.team_id}`)).data, saved.data);
            await card.getByRole('textbox', {name: 'Statuses, the last resolves'}).fill('');
            await shot('reports-page-team-conduct');

            // The incidents page's severity filter offers the team's list.
            await openPage('incidents');
            const filter = page.getByRole('combobox', {name: 'Severity'}).first();
            await until(async () => (await filter.locator('option').allInnerTexts()).includes('SEV1'), 'the team\'s severities in the filter');
            assert.ok(!(await filter.locator('option').allInnerTexts()).includes('P1'));

            await openAs(page, host, 'sysadmin', pagePath('reports'), pageErrors);
            await card.getByRole('button', {name: 'Use server defaults'}).click();
            await card.getByRole('status').filter({hasText: 'Saved.'}).waitFor();
            assert.equal(await severities.inputValue(), '');
            assert.equal((await api('sysadmin', 'GET', `/conduct?team_id=${seed.team_id}`)).data.source, 'server');
            await openPage('reports');
        });

        test('no page errors or console errors', () => {
            assert.deepEqual(pageErrors, []);
            // 40x answers the plugin asks for on purpose (channel membership, the refused save) are
            // logged by Chromium as "Failed to load resource"; nothing else may be.
            assert.deepEqual(consoleErrors.filter((t) => !/status of 40[0349]/.test(t)), []);
        });
    });
}
