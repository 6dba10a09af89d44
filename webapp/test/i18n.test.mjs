// The message helper (src/i18n.ts) in Node: our strings go through the host's react-intl when
// an IntlProvider is there (a registered translation wins, ids carry the plugin's prefix), and
// the English default is formatted by hand when none is. Also the relative times and durations
// (src/time.ts), whose words are messages too.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

import {build} from 'esbuild';
import React from 'react';
import {renderToStaticMarkup} from 'react-dom/server';
import {IntlProvider, createIntl} from 'react-intl';

import {webappDir} from '../test-support/devserver.mjs';

// Built inside node_modules so that its imports of react and react-intl resolve there.
mkdirSync(path.join(webappDir, 'node_modules', '.cache'), {recursive: true});
const work = mkdtempSync(path.join(webappDir, 'node_modules', '.cache', 'ir-i18n-'));
await build({
    entryPoints: [path.join(webappDir, 'src', 'i18n.ts'), path.join(webappDir, 'src', 'time.ts')],
    outdir: work,
    outExtension: {'.js': '.mjs'},
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'error',
});
const {english, fill, formatDefault, messageId, slots, useT} = await import(pathToFileURL(path.join(work, 'i18n.mjs')).href);
const {ago, duration} = await import(pathToFileURL(path.join(work, 'time.mjs')).href);
rmSync(work, {recursive: true, force: true});

test('ids carry the plugin id, so they cannot replace Mattermost\'s own strings', () => {
    assert.equal(messageId('rhs.title'), 'incident-response.rhs.title');
});

test('default messages are formatted without a provider: names, plurals, exact matches', () => {
    assert.equal(formatDefault('Hello {name}!', {name: 'Ada'}), 'Hello Ada!');
    const items = '{count, plural, =0 {no items} one {# item} other {# items}} left';
    assert.equal(formatDefault(items, {count: 0}), 'no items left');
    assert.equal(formatDefault(items, {count: 1}), '1 item left');
    assert.equal(formatDefault(items, {count: 7}), '7 items left');
    assert.equal(formatDefault('{done} of {total, plural, one {# item} other {# items}} done', {done: 2, total: 3}), '2 of 3 items done');
    assert.equal(formatDefault('Missing {nope}', {}), 'Missing {nope}');
    assert.equal(formatDefault('Unclosed {brace', {}), 'Unclosed {brace');
});

function Probe({count}) {
    const t = useT();
    return React.createElement('span', null, t('probe.items', '{count, plural, one {# item} other {# items}}', {count}));
}

test('under the host\'s IntlProvider, a registered translation is used and the default fills in otherwise', () => {
    const fr = {'incident-response.probe.items': '{count, plural, one {# élément} other {# éléments}}'};
    const translated = renderToStaticMarkup(React.createElement(IntlProvider, {locale: 'fr', messages: fr}, React.createElement(Probe, {count: 2})));
    assert.equal(translated, '<span>2 éléments</span>');
    const english = renderToStaticMarkup(React.createElement(IntlProvider, {locale: 'en', messages: {}, onError: () => {}},
        React.createElement(Probe, {count: 1})));
    assert.equal(english, '<span>1 item</span>');
});

test('with no IntlProvider at all, components still render English', () => {
    assert.equal(renderToStaticMarkup(React.createElement(Probe, {count: 3})), '<span>3 items</span>');
});

test('a message with elements in it: the translation places them, each where its slot is', () => {
    function Started() {
        const t = useT();
        return React.createElement('p', null, fill(t('probe.started', 'Started {ago} by {user}', slots('ago', 'user')), {
            ago: React.createElement('time', null, '5 min ago'),
            user: React.createElement('b', null, '@alice'),
        }));
    }
    const render = (locale, messages) => renderToStaticMarkup(React.createElement(IntlProvider, {locale, messages, onError: () => {}},
        React.createElement(Started)));
    assert.equal(render('en', {}), '<p>Started <time>5 min ago</time> by <b>@alice</b></p>');
    assert.equal(render('fr', {'incident-response.probe.started': '{user} a commencé {ago}'}), '<p><b>@alice</b> a commencé <time>5 min ago</time></p>');
    // Without a provider too; a slot nobody fills is left empty, text without slots stays as is.
    assert.equal(renderToStaticMarkup(React.createElement(Started)), '<p>Started <time>5 min ago</time> by <b>@alice</b></p>');
    assert.equal(renderToStaticMarkup(React.createElement('p', null, fill(english('x', 'A {a} B', slots('a')), {}))), '<p>A  B</p>');
    assert.equal(renderToStaticMarkup(React.createElement('p', null, fill('plain', {}))), '<p>plain</p>');
});

// Through react-intl in English, as under the host's provider with no translation.
const intl = createIntl({locale: 'en', defaultLocale: 'en', messages: {}});
const hostT = (id, defaultMessage, values) => intl.formatMessage({id: messageId(id), defaultMessage}, values);

test('relative times read as before, with and without the host\'s react-intl', () => {
    const now = 1_800_000_000_000;
    const cases = [
        [0, 'just now'], [44_000, 'just now'], [45_000, '1 min ago'], [5 * 60_000, '5 min ago'], [59 * 60_000, '59 min ago'],
        [60 * 60_000, '1 h ago'], [23 * 3_600_000, '23 h ago'], [24 * 3_600_000, '1 day ago'], [47 * 3_600_000, '1 day ago'],
        [48 * 3_600_000, '2 days ago'], [-5_000, 'just now'],
    ];
    for (const [ms, expected] of cases) {
        assert.equal(ago(now - ms, now, english), expected, `${ms} ms`);
        assert.equal(ago(now - ms, now, hostT), expected, `${ms} ms, react-intl`);
    }
});

test('durations read as before, with and without the host\'s react-intl', () => {
    const cases = [
        [0, '0 s'], [1_000, '1 s'], [59_000, '59 s'], [60_000, '1 min'], [61 * 60_000, '1 h 1 min'], [2 * 3_600_000, '2 h'],
        [(2 * 3_600_000) + (5 * 60_000), '2 h 5 min'], [24 * 3_600_000, '1 day'], [25 * 3_600_000, '1 day 1 h'],
        [3 * 86_400_000, '3 days'], [(3 * 86_400_000) + (4 * 3_600_000), '3 days 4 h'],
    ];
    for (const [ms, expected] of cases) {
        assert.equal(duration(ms, english), expected, `${ms} ms`);
        assert.equal(duration(ms, hostT), expected, `${ms} ms, react-intl`);
    }
});
