// The bundle budget of issue 4: dist/main.js at most 200 KB, and nothing the host provides
// bundled a second time (a second React breaks hooks and contexts in the host).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, readFileSync, statSync} from 'node:fs';

const distMain = new URL('../dist/main.js', import.meta.url);
const LIMIT = 200 * 1024;

test('dist/main.js is at most 200 KB', () => {
    assert.ok(existsSync(distMain), 'dist/main.js is missing: run `npm run build` first');
    const size = statSync(distMain).size;
    console.log(`# dist/main.js: ${size} bytes (limit ${LIMIT})`);
    assert.ok(size <= LIMIT, `dist/main.js is ${size} bytes, over the ${LIMIT}-byte budget`);
});

test('dist/main.js bundles no React, ReactDOM, Redux or react-intl', () => {
    const src = readFileSync(distMain, 'utf8');
    for (const marker of [
        '__SECRET_INTERNALS', '__CLIENT_INTERNALS', 'ReactCurrentOwner', 'react.production', 'react.development',
        'react-dom.production', 'jsx-runtime', 'react.element', 'scheduler.production', '@@redux/INIT', 'formatjs',
    ]) {
        assert.ok(!src.includes(marker), `dist/main.js contains "${marker}": host libraries must come from window`);
    }
    // Imports of host libraries resolve to the host's globals.
    assert.ok(src.includes('window.React'), 'dist/main.js does not take React from window');
});
