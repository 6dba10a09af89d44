// The translations the plugin registers with the host (src/translations/): en.json is exactly
// what `npm run i18n:extract` makes of the current sources, fr.json translates every English
// message and nothing else, each translation is ICU that parses and uses the same arguments
// (names in braces, slots included) as its English text, and translationsFor(locale) picks
// the table for a Mattermost locale. Node only: reads the sources and bundles
// src/translations/index.ts with esbuild.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

import {parse, TYPE} from '@formatjs/icu-messageformat-parser';
import {build} from 'esbuild';
import {createIntl} from 'react-intl';

import {
    catalogOf, compareTranslation, englishFile, extract, formatCatalog, pluginIdPrefix, rewriteCalls, translationFiles,
    translationsDir, webappDir,
} from '../scripts/extract-messages.mjs';
import {compactMessages, shortIds} from '../scripts/esbuild-messages.mjs';
import {translationTables} from '../scripts/esbuild-translations.mjs';

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const RERUN = 'a message was added, changed or removed in webapp/src: run `npm run i18n:extract` in webapp/ ' +
    'and commit src/translations/en.json (then translate the new ids in the other src/translations/*.json)';

const english = readJson(englishFile);
const translations = Object.fromEntries(Object.entries(translationFiles()).map(([locale, file]) => [locale, readJson(file)]));

test('the extractor keys messages by full id, sorted, with the text of the first call', () => {
    const calls = [
        {id: 'b.one', message: 'One', where: 'x.tsx:1'},
        {id: 'a.two', message: 'Two {n}', where: 'x.tsx:2'},
        {id: 'b.one', message: 'One', where: 'y.tsx:9'},
    ];
    assert.deepEqual(Object.entries(catalogOf(calls, 'p.')), [['p.a.two', 'Two {n}'], ['p.b.one', 'One']]);
    assert.equal(formatCatalog({'p.a': 'A “{x}”'}), '{\n    "p.a": "A “{x}”"\n}\n');
    const sample = extract([['src/a.tsx', "t('x.a', 'A')\nt(\n  'x.b',\n  \"B's\",\n)"]], 'incident-response.');
    assert.deepEqual(sample.catalog, {'incident-response.x.a': 'A', 'incident-response.x.b': 'B\'s'});
});

test('src/translations/en.json is what `npm run i18n:extract` makes of the current sources', () => {
    const result = extract();
    assert.deepEqual(result.conflicts, [], 'ids with two default messages: give each text its own id, then run `npm run i18n:extract`');
    assert.deepEqual(result.nonLiteral, [], 't() calls whose default is not a string literal cannot be extracted');
    assert.ok(Object.keys(result.catalog).length >= 100, `only ${Object.keys(result.catalog).length} messages extracted`);
    const text = readFileSync(englishFile, 'utf8');
    if (text !== result.text) {
        const added = Object.keys(result.catalog).filter((id) => !(id in english));
        const removed = Object.keys(english).filter((id) => !(id in result.catalog));
        const changed = Object.keys(english).filter((id) => id in result.catalog && english[id] !== result.catalog[id]);
        assert.fail(`src/translations/en.json is out of date: ${RERUN}.\n` +
            `  not in en.json: ${added.join(', ') || '-'}\n` +
            `  no longer in the sources: ${removed.join(', ') || '-'}\n` +
            `  text changed: ${changed.join(', ') || '-'}\n` +
            `  (or only its layout differs: it is written by the script, not by hand)`);
    }
});

test('there is a French translation', () => {
    assert.ok(translations.fr, `no fr.json in ${translationsDir}`);
});

for (const [locale, table] of Object.entries(translations)) {
    test(`${locale}.json translates every English message, and only those`, () => {
        const {missing, extra} = compareTranslation(english, table);
        assert.deepEqual({missing, extra}, {missing: [], extra: []},
            `missing: ids of en.json that ${locale}.json lacks or leaves empty: translate them there; ` +
            `extra: ids in ${locale}.json that en.json does not have: remove them (or, if en.json is stale, ${RERUN})`);
        const notStrings = Object.keys(table).filter((id) => typeof table[id] !== 'string');
        assert.deepEqual(notStrings, [], `${locale}.json values must be strings`);
    });

    test(`${locale}.json: each message is ICU with the same arguments as the English one`, () => {
        const categories = new Set(new Intl.PluralRules(locale, {type: 'cardinal'}).resolvedOptions().pluralCategories);
        const problems = [];
        for (const [id, message] of Object.entries(table)) {
            if (typeof english[id] !== 'string' || typeof message !== 'string') {
                continue; // reported above
            }
            let ast;
            try {
                ast = parse(message);
            } catch (e) {
                problems.push(`${id}: does not parse as ICU (${e.message}): ${JSON.stringify(message)}`);
                continue;
            }
            const want = [...argumentsOf(parse(english[id]))].sort();
            const got = [...argumentsOf(ast, (selector) => {
                if (!/^=\d+$/.test(selector) && !categories.has(selector)) {
                    problems.push(`${id}: plural category '${selector}' does not exist in ${locale} (${[...categories].join(', ')}, or =N)`);
                }
            })].sort();
            if (JSON.stringify(want) !== JSON.stringify(got)) {
                problems.push(`${id}: arguments {${got.join('}, {')}} where English has {${want.join('}, {')}}: ${JSON.stringify(message)}`);
            }
        }
        assert.deepEqual(problems, []);
    });

    test(`${locale}.json: react-intl formats every message`, () => {
        const errors = [];
        const intl = createIntl({locale, defaultLocale: 'en', messages: table, onError: (e) => errors.push(e)});
        for (const [id, message] of Object.entries(table)) {
            const values = Object.fromEntries([...argumentsOf(parse(english[id] ?? message))].map((name) => [name, 2]));
            for (const n of [0, 1, 2]) {
                errors.length = 0;
                const out = intl.formatMessage({id, defaultMessage: english[id]}, Object.fromEntries(Object.keys(values).map((k) => [k, n])));
                assert.deepEqual(errors.map(String), [], `${id}: ${message}`);
                assert.equal(typeof out, 'string', id);
                assert.doesNotMatch(out, /[{}]/, `${id} formats with a brace left: ${out}`);
            }
        }
    });
}

test('the argument check sees names in plurals, slots and nested messages, and bad categories', () => {
    const seen = [];
    const names = argumentsOf(parse('{a} {n, plural, one {# {b}} other {{c} x}} {s, select, x {{d}} other {}}'), (c) => seen.push(c));
    assert.deepEqual([...names].sort(), ['a', 'b', 'c', 'd', 'n', 's']);
    assert.deepEqual(seen, ['one', 'other']);
    assert.throws(() => parse('{n, plural, one {x}}'));
    assert.throws(() => parse('Hello {name'));
});

/** The names of the arguments of a parsed ICU message, nested ones included; onPlural(selector) for each plural choice. */
function argumentsOf(elements, onPlural = () => {}) {
    const names = new Set();
    const walk = (els) => {
        for (const el of els) {
            if (el.type === TYPE.literal || el.type === TYPE.pound) {
                continue;
            }
            if (el.type === TYPE.tag) {
                walk(el.children);
                continue;
            }
            names.add(el.value);
            if (el.type === TYPE.plural || el.type === TYPE.select) {
                for (const [selector, option] of Object.entries(el.options)) {
                    if (el.type === TYPE.plural) {
                        onPlural(selector);
                    }
                    walk(option.value);
                }
            }
        }
    };
    walk(elements);
    return names;
}

// A module bundled as build.mjs does it, with the translation tables through its plugin.
mkdirSync(path.join(webappDir, 'node_modules', '.cache'), {recursive: true});
async function bundled(entry, plugins = [translationTables]) {
    const work = mkdtempSync(path.join(webappDir, 'node_modules', '.cache', 'ir-catalog-'));
    try {
        await build({
            entryPoints: [entry],
            outfile: path.join(work, 'out.mjs'),
            bundle: true,
            format: 'esm',
            platform: 'node',
            plugins,
            logLevel: 'error',
        });
        return await import(pathToFileURL(path.join(work, 'out.mjs')).href);
    } finally {
        rmSync(work, {recursive: true, force: true});
    }
}

const {translationsFor} = await bundled(path.join(translationsDir, 'index.ts'));

test('the bundle\'s compact tables are the JSON tables, even with ids missing or in excess', async () => {
    const dir = mkdtempSync(path.join(webappDir, 'node_modules', '.cache', 'ir-tables-'));
    try {
        mkdirSync(path.join(dir, 'src', 'translations'), {recursive: true});
        const en = {'incident-response.a.one': 'One {n}', 'incident-response.b.two': '“Two”', 'other.id': 'Other'};
        const xx = {'incident-response.b.two': '« Deux »', 'incident-response.gone': 'Parti', 'other.id': 'Autre'};
        writeFileSync(path.join(dir, 'src', 'translations', 'en.json'), JSON.stringify(en));
        writeFileSync(path.join(dir, 'src', 'translations', 'xx.json'), JSON.stringify(xx));
        writeFileSync(path.join(dir, 'src', 'translations', 'index.js'),
            'import en from "./en.json"; import xx from "./xx.json"; export {en, xx};');
        const tables = await bundled(path.join(dir, 'src', 'translations', 'index.js'));
        assert.deepEqual(tables.en, en);
        assert.deepEqual(tables.xx, xx);
    } finally {
        rmSync(dir, {recursive: true, force: true});
    }
});

test('translationsFor gives French for fr and its regional variants, English otherwise', () => {
    assert.deepEqual(translationsFor('fr'), translations.fr);
    assert.deepEqual(translationsFor('fr-CA'), translations.fr);
    assert.deepEqual(translationsFor('fr_CA'), translations.fr);
    assert.deepEqual(translationsFor('FR'), translations.fr);
    assert.deepEqual(translationsFor('en'), english);
    assert.deepEqual(translationsFor('en-AU'), english);
    assert.deepEqual(translationsFor('de'), english);
    assert.deepEqual(translationsFor(''), english);
    assert.deepEqual(translationsFor(undefined), english);
    // A French message the host would show for the user's locale, keyed by the full id.
    assert.equal(translationsFor('fr')['incident-response.rhs.startIncident'], 'Déclarer un incident');
    assert.equal(translationsFor('de')['incident-response.rhs.startIncident'], 'Start incident');
    assert.notEqual(translationsFor('fr-CA')['incident-response.rhs.startIncident'], 'Start incident');
});

test('the shipped bundle keys every message by its short id, with the same text in every table', async () => {
    const prefix = pluginIdPrefix();
    const short = shortIds(english, prefix);
    assert.equal(short.size, Object.keys(english).length);
    assert.equal(new Set(short.values()).size, short.size, 'short ids are unique');
    const compact = await bundled(path.join(translationsDir, 'index.ts'), [compactMessages]);
    for (const [locale, table] of [['en', english], ...Object.entries(translations)]) {
        const shipped = compact.translationsFor(locale);
        assert.equal(Object.keys(shipped).length, Object.keys(table).length, locale);
        for (const [id, message] of Object.entries(table)) {
            assert.equal(shipped[prefix + short.get(id.slice(prefix.length))], message, `${locale}: ${id}`);
        }
    }
    // The calls are renamed the same way, and their defaults emptied (src/i18n.ts reads en.json).
    const [id, message] = Object.entries(english)[7];
    const bare = id.slice(prefix.length);
    const call = `t(\n  '${bare}',\n  ${JSON.stringify(message)}, {n: 1})`;
    assert.equal(rewriteCalls(call, (x) => short.get(x)), `t("${short.get(bare)}", '', {n: 1})`);
});
