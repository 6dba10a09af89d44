// What a commander needs first, in real Chromium against the REAL plugin, on the faithful host
// (test-support/faithful): tests/conformance/cmd/devserver runs the built bundle (BUNDLE_TGZ)
// under Mattermost's plugin host code, and the host boots and lays the plugin out the way
// Mattermost's web app does. Covered: the start form from a plugin page (where the host renders
// no Root components) and from the channel menu's "More actions", the link to the incident
// channel (a real in-app navigation), joining it and the notice for a private one, item
// descriptions rendered through the host's PostUtils (never as raw HTML), running an item's
// slash command, editing the name and summary, skipping, moving and renaming from the RHS, and
// following, reminders and the impact window from the panel. Live updates arrive by themselves
// over the host's websocket.
//
// Needs dist/main.js (`npm run build`) and BUNDLE_TGZ; skipped without BUNDLE_TGZ. Screenshots
// go to webapp/test-output/.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';

import {PLUGIN_ID, THEMES, skipReason, settledFocus, launchChromium, stopHarness, until} from '../test-support/devserver.mjs';
import {screenshot} from '../test-support/screenshots.mjs';
import {REACT_VERSIONS} from '../test-support/faithful/build.mjs';
import {navigate, openAs, startFaithfulHost} from '../test-support/faithful/harness.mjs';

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const skip = skipReason;
if (skip) {
    console.log(`# commander.test.mjs skipped: ${skip}`);
}

for (const react of REACT_VERSIONS) {
    describe(`The commander's first hour in the UI (React ${react})`, {skip, timeout: 300_000}, () => {
        let host;
        let seed;
        let team;
        let context;
        let page;
        const pageErrors = [];
        const consoleErrors = [];
        const api = (...a) => host.api(...a);
        // Mattermost's REST API as a user, from Node.
        const rest = async (user, method, p, body) => {
            const res = await fetch(host.base + p, {method, headers: {'X-Test-User': user, 'X-Requested-With': 'XMLHttpRequest',
                ...(body ? {'Content-Type': 'application/json'} : {})}, body: body ? JSON.stringify(body) : undefined});
            return {status: res.status, data: await res.json().catch(() => null)};
        };
        const get = async (id) => (await api('alice', 'GET', `/incidents/${id}`)).data;
        const byTitle = (inc, title) => inc.checklists.flatMap((s) => s.items).find((i) => i.title === title);
        const text = async (locator) => (await locator.textContent()).replace(/\s+/g, ' ').trim();
        const shot = (name) => screenshot(page, name, react);
        // Mattermost's default config shows the App Bar; its icon is named by the img alt, the plugin id.
        const appBarIcon = () => page.getByRole('navigation', {name: 'App Bar'}).getByRole('button', {name: PLUGIN_ID});
        const rhs = () => page.getByRole('region', {name: 'Incidents', exact: true});
        const card = (name) => rhs().getByRole('button', {name: new RegExp(`^INC-\\d+.*${escapeRegExp(name)}`)});
        const pluginPage = (p) => `/${team}/${PLUGIN_ID}/${p}`;
        const channelRoute = (name) => `/${team}/channels/${name}`;
        // The channel menu's "More actions" > "Start incident", as the host draws it.
        async function startFromChannelMenu() {
            await page.getByRole('button', {name: /Town Square channel menu/}).click();
            await page.getByRole('menuitem', {name: /More actions/}).click();
            await page.getByRole('menuitem', {name: 'Start incident', exact: true}).click();
        }
        async function login(user, route) {
            await openAs(page, host, user, route, pageErrors);
            await page.evaluate((t) => window.__host.setTheme(t), THEMES.denim);
        }
        // Opens the RHS (App Bar) on the list, then the incident's detail.
        async function openDetail(name) {
            if (!(await rhs().isVisible())) {
                await appBarIcon().click();
            }
            const back = rhs().getByRole('button', {name: 'All incidents', exact: true});
            if (await back.isVisible()) {
                await back.click();
            }
            await card(name).click();
            await rhs().getByRole('heading', {name, exact: true, level: 2}).waitFor();
        }

        let runbook; // a playbook whose items have descriptions and commands
        let incQ; // alice's, from the runbook

        before(async () => {
            host = await startFaithfulHost({react, prefix: 'ir-commander-'});
            seed = host.seed;
            team = seed.team_name;
            ({context, page} = await launchChromium(host.work, host.origin, {width: 1280, height: 900}, pageErrors, consoleErrors));
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

        after(() => stopHarness(host?.stopArgs(context) ?? {}));

        test('A: on a plugin page (no Root components), "Start incident" in the RHS opens the form, once', async () => {
            await login('alice', pluginPage('incidents'));
            // A plugin page: no channel sidebar, no channel header (and so no Root components).
            await page.getByRole('heading', {name: 'Incidents', level: 1}).waitFor();
            assert.equal(await page.getByRole('navigation', {name: 'Channels'}).count(), 0);
            assert.equal(await page.locator('#channel-header').count(), 0);
            await appBarIcon().click();
            await rhs().getByRole('button', {name: 'Start incident', exact: true}).click();
            const dialog = page.getByRole('dialog', {name: 'Start an incident'});
            await dialog.waitFor();
            assert.equal(await page.getByRole('dialog').count(), 1);
            await dialog.getByRole('textbox', {name: 'Name', exact: true}).fill('Disk full on db-2');
            await dialog.getByRole('button', {name: 'Start incident', exact: true}).click();
            await dialog.waitFor({state: 'detached'});
            await rhs().getByRole('heading', {name: 'Disk full on db-2', exact: true, level: 2}).waitFor();

            // Into the channel view: the page's host goes, the RHS's keeps the forms; the channel
            // menu's item opens the form once there too.
            await navigate(page, channelRoute('town-square'));
            await page.getByRole('navigation', {name: 'Channels'}).waitFor();
            await page.locator('#channel-header').waitFor();
            await startFromChannelMenu();
            await dialog.waitFor();
            assert.equal(await page.getByRole('dialog').count(), 1);
            await page.keyboard.press('Escape');
            await dialog.waitFor({state: 'detached'});

            // With the RHS closed, the Root component's host takes over.
            await appBarIcon().click();
            await rhs().waitFor({state: 'detached'});
            await startFromChannelMenu();
            await dialog.waitFor();
            assert.equal(await page.getByRole('dialog').count(), 1);
            await page.keyboard.press('Escape');
            await dialog.waitFor({state: 'detached'});
        });

        test('B: a link to the incident channel navigates in the app; Join for a public one; who to ask for a private one', async () => {
            // The channel started in A is not in the host's store yet: the route to it makes the
            // host look it up, as Mattermost's channel router does; no reload.
            await openDetail('Disk full on db-2');
            const list = await api('alice', 'GET', `/incidents?team_id=${seed.team_id}&state=active`);
            const incP = list.data.items.find((i) => i.name === 'Disk full on db-2');
            const channel = await rest('alice', 'GET', `/api/v4/channels/${incP.channel_id}`);
            assert.equal(channel.status, 200);
            const link = rhs().getByRole('link', {name: /^Go to the incident channel/});
            await link.waitFor();
            assert.equal(await link.getAttribute('href'), channelRoute(channel.data.name));
            await link.click();
            // A real history push: the URL is the channel's, and the channel view shows it.
            await until(async () => new URL(page.url()).pathname === channelRoute(channel.data.name), `the page is at ${page.url()}`);
            await page.locator('#channel-header').getByRole('button', {name: new RegExp(`^${escapeRegExp(channel.data.display_name)} channel menu`)}).waitFor();
            assert.equal(await page.getByRole('navigation', {name: 'Channels'}).getByRole('link', {name: new RegExp(escapeRegExp(channel.data.display_name))})
                .getAttribute('aria-current'), 'page');

            // A public incident sysadmin started: alice is not in its channel. It reaches her list
            // by itself (team-wide event) with a Join button.
            const other = await api('sysadmin', 'POST', '/incidents', {team_id: seed.team_id, name: 'Cache stampede', private: false});
            assert.equal(other.status, 201, JSON.stringify(other.data));
            assert.equal((await rest('alice', 'GET', `/api/v4/channels/${other.data.channel_id}/members/me`)).status, 404);
            await rhs().getByRole('button', {name: 'All incidents', exact: true}).click();
            await card('Cache stampede').waitFor();
            const join = rhs().getByRole('button', {name: /^Join the incident channel/});
            await join.waitFor();
            assert.equal(await join.count(), 1);
            await shot('commander-join-light');
            await join.click();
            await until(async () => (await rest('alice', 'GET', `/api/v4/channels/${other.data.channel_id}/members/me`)).status === 200, 'alice is a member');
            await join.waitFor({state: 'detached'});
            const cardLinks = rhs().getByRole('link', {name: /^Go to the incident channel/});
            await until(async () => (await cardLinks.count()) >= 3, 'every card has its channel link');

            // The incidents page rows carry the link too.
            await navigate(page, pluginPage('incidents'));
            const table = page.getByRole('table');
            await table.waitFor();
            await until(async () => (await table.getByRole('link', {name: /^Go to the incident channel/}).count()) >= 3, 'rows have channel links');

            // A private incident alice runs, seen by the admin who is not in its channel.
            const secret = await api('alice', 'POST', '/incidents', {team_id: seed.team_id, name: 'Leaked key', private: true});
            assert.equal(secret.status, 201, JSON.stringify(secret.data));
            await login('sysadmin', channelRoute('town-square'));
            await openDetail('Leaked key');
            await rhs().getByText(/The incident channel is private\. Ask the commander, @alice, to add you\./).waitFor();
            assert.equal(await rhs().getByRole('button', {name: /^Join/}).count(), 0);
            await login('alice', channelRoute('town-square'));
        });

        test('C: item descriptions go through the host\'s formatText and messageHtmlToComponent; plain text without them', async () => {
            const description = '**Check** the volume with `df -h`\n<img src=x onerror="window.__pwned=1">';
            await openDetail('Replica lag');
            const item = rhs().locator('li').filter({has: page.getByRole('checkbox', {name: 'Check free space', exact: true})});
            const strong = item.locator('strong');
            await strong.waitFor();
            assert.equal(await strong.textContent(), 'Check');
            assert.equal(await item.locator('code').first().textContent(), 'df -h');
            assert.equal(await item.locator('img').count(), 0);
            // The tag is shown as text, never as HTML.
            await item.getByText('<img src=x onerror="window.__pwned=1">').waitFor();
            assert.equal(await page.evaluate(() => window.__pwned), undefined);
            // The host's pipeline was asked: the description's text through formatText (as a post's
            // message is), then that HTML through messageHtmlToComponent.
            const calls = await page.evaluate((d) => {
                const c = window.__host.postUtilsCalls;
                const format = c.formatText.filter((x) => x.text === d).at(-1);
                return {format, component: format ? c.messageHtmlToComponent.filter((x) => x.html.includes('<strong>Check</strong>')).at(-1) : null};
            }, description);
            assert.ok(calls.format, 'formatText was not called with the description');
            assert.equal(calls.format.options.markdown, true);
            assert.equal(calls.format.options.atMentions, true);
            assert.ok(calls.component, 'messageHtmlToComponent was not called with formatText\'s HTML');
            assert.equal(calls.component.options.mentionHighlight, false);
            // The description describes the checkbox.
            const described = await item.getByRole('checkbox').getAttribute('aria-describedby');
            assert.match(await page.locator(`[id="${described.split(' ')[0]}"]`).innerText(), /Check the volume/);

            // A host without PostUtils: the text as it is, never as HTML.
            await page.evaluate(() => {
                window.__savedPostUtils = window.PostUtils;
                delete window.PostUtils;
            });
            try {
                await rhs().getByRole('button', {name: 'All incidents', exact: true}).click();
                await card('Replica lag').click();
                await item.getByText('**Check** the volume').waitFor();
                assert.equal(await item.locator('strong').count(), 0);
                assert.equal(await item.locator('img').count(), 0);
                assert.equal(await page.evaluate(() => window.__pwned), undefined);
            } finally {
                await page.evaluate(() => {
                    window.PostUtils = window.__savedPostUtils;
                    delete window.__savedPostUtils;
                });
            }
        });

        test('C: the playbook editor edits an item\'s description', async () => {
            await navigate(page, pluginPage('playbooks'));
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
            await navigate(page, channelRoute('town-square'));
            await page.locator('#channel-header').waitFor();
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
            // The menu closes when the panel has the answer; only then is the next click its own.
            await menuFor('Open a ticket').waitFor({state: 'detached'});
            await rhs().locator('li').filter({has: page.getByRole('checkbox', {name: 'Open a ticket', exact: true})}).getByText('Skipped').waitFor();
            await actionsFor('Open a ticket').click();
            await menuFor('Open a ticket').getByRole('button', {name: 'Restore'}).click();
            await until(async () => byTitle(await get(incQ.id), 'Open a ticket').state === 'open', 'restored on the server');
            await menuFor('Open a ticket').waitFor({state: 'detached'});

            // Keyboard only: focus "Move up", Enter twice; the item ends first and focus stays in its menu.
            await actionsFor('Open a ticket').focus();
            await page.keyboard.press('Enter');
            const up = menuFor('Open a ticket').getByRole('button', {name: 'Move “Open a ticket” up'});
            await up.focus();
            await page.keyboard.press('Enter');
            await until(async () => (await get(incQ.id)).checklists[0].items[1].title === 'Open a ticket', 'moved to 2nd');
            // The server has it; the panel is done once its buttons are enabled again (they wait
            // for the answer), with focus still on "Move up".
            await until(async () => !(await up.isDisabled()), 'Move up enabled after the first move');
            assert.equal(await settledFocus(page, () => document.activeElement?.getAttribute('aria-label'), 'Move “Open a ticket” up'), 'Move “Open a ticket” up');
            await page.keyboard.press('Enter');
            await until(async () => (await get(incQ.id)).checklists[0].items[0].title === 'Open a ticket', 'moved to 1st');
            // At the top, "up" is disabled and focus went to "down".
            assert.equal(await settledFocus(page, () => document.activeElement?.getAttribute('aria-label'), 'Move “Open a ticket” down'), 'Move “Open a ticket” down');
            assert.equal(await up.isDisabled(), true);
            const down = menuFor('Open a ticket').getByRole('button', {name: 'Move “Open a ticket” down'});
            await until(async () => !(await down.isDisabled()), 'Move down enabled after the second move');
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
            // At P1 (every 30 min by default) the plan line says when the next update is due,
            // how often the reminder repeats and when it escalates, as GET .../reminders does.
            const raised = await api('alice', 'POST', `/incidents/${incQ.id}/severity`, {severity: 'P1'});
            assert.equal(raised.status, 200, JSON.stringify(raised.data));
            const plan = rhs().getByRole('note', {name: 'Reminder plan'});
            await plan.filter({hasText: /^Next update due .+ · repeats every 25 min · escalates .+$/}).waitFor();
            const served = (await api('alice', 'GET', `/incidents/${incQ.id}/reminders`)).data;
            assert.equal(served.state, 'snoozed', 'turning reminders back on keeps the hour snoozed above');
            assert.equal(served.escalates_at - served.next_due_at, 50 * 60_000, 'two repeats of 25 minutes');

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
            await page.evaluate((t) => window.__host.setTheme(t), THEMES.onyx);
            await shot('commander-panel-dark');
            await page.evaluate((t) => window.__host.setTheme(t), THEMES.denim);
        });

        test('no page errors; console errors only for the refused requests', () => {
            assert.deepEqual(pageErrors, []);
            assert.deepEqual(consoleErrors.filter((t) => !/status of 40[0349]/.test(t)), []);
        });
    });
}
