// The message helper (src/i18n.ts) in Node: our strings go through the host's react-intl when
// an IntlProvider is there (a registered translation wins, ids carry the plugin's prefix), and
// the English default is formatted by hand when none is.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

import {build} from 'esbuild';
import React from 'react';
import {renderToStaticMarkup} from 'react-dom/server';
import {IntlProvider} from 'react-intl';

import {webappDir} from '../test-support/devserver.mjs';

// Built inside node_modules so that its imports of react and react-intl resolve there.
mkdirSync(path.join(webappDir, 'node_modules', '.cache'), {recursive: true});
const work = mkdtempSync(path.join(webappDir, 'node_modules', '.cache', 'ir-i18n-'));
const out = path.join(work, 'i18n.mjs');
await build({
    entryPoints: [path.join(webappDir, 'src', 'i18n.ts')],
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'error',
});
const {formatDefault, messageId, useT} = await import(pathToFileURL(out).href);
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
