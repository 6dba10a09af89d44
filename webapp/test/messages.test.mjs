// The message table as the source defines it: every `t('<id>', '<default>'` call in webapp/src.
// One id means one text, so an id used with two different English defaults fails here (a
// translation registered for it could only fit one of them); so does a default that is not a
// plain string literal, which this check could not read, and one react-intl cannot format.
// Reads the sources only.
import {test} from 'node:test';
import assert from 'node:assert/strict';

import {createIntl} from 'react-intl';

// The scanner is the one the catalog extractor uses (npm run i18n:extract).
import {conflicts, readSources, scanMessages, srcDir} from '../scripts/extract-messages.mjs';

export {conflicts, scanMessages};

const sources = readSources();
const {calls, nonLiteral} = scanMessages(sources);

test('the scan finds the calls it is meant to check', () => {
    // Our components alone hold well over a hundred; a scan that finds few is broken.
    assert.ok(calls.length >= 100, `only ${calls.length} t() calls found in ${srcDir}`);
    const startTitle = calls.filter((c) => c.id === 'startForm.title');
    assert.deepEqual(startTitle.map((c) => c.message), ['Start an incident']);
    assert.match(startTitle[0].where, /^src\/components\/start_modal\.tsx:\d+$/);
});

test('the conflict check tells a reused id with another text from a consistent one', () => {
    const sample = [
        ['a.tsx', "t('x.same', 'Same')\nt(\n    'x.same',\n    'Same',\n)\nt('x.two', 'One text')"],
        ['b.tsx', 't("x.two", "Another text", {n: 1})\nt(\'x.esc\', \'it\\\'s\')\nt(\'x.esc\', "it\'s")\nt(\'x.var\', label)'],
    ];
    const scanned = scanMessages(sample);
    assert.equal(scanned.calls.length, 6);
    assert.deepEqual(conflicts(scanned.calls), [{id: 'x.two', messages: {'One text': ['a.tsx:6'], 'Another text': ['b.tsx:1']}}]);
    assert.deepEqual(scanned.nonLiteral, [{id: 'x.var', where: 'b.tsx:4'}]);
});

test('each message id has one English default across webapp/src', () => {
    assert.deepEqual(conflicts(calls), [], 'ids used with different default messages');
});

test('every t() call gives its default as a string literal', () => {
    assert.deepEqual(nonLiteral, [], 't() calls whose default this check cannot read');
});

test('every default message is valid ICU that react-intl formats', () => {
    const errors = [];
    const intl = createIntl({locale: 'en', defaultLocale: 'en', messages: {}, onError: (e) => errors.push(e)});
    for (const c of calls) {
        // Every name in braces gets a number (a plural needs one); an extra value is harmless.
        const values = Object.fromEntries([...c.message.matchAll(/\{\s*([A-Za-z_]\w*)\s*[,}]/g)].map((m) => [m[1], 2]));
        errors.length = 0;
        const out = intl.formatMessage({id: c.id, defaultMessage: c.message}, values);
        assert.deepEqual(errors.map(String), [], `${c.where}: ${c.message}`);
        assert.equal(typeof out, 'string', c.where);
    }
});
