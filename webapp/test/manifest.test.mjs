// The webapp registers under the id Mattermost knows the plugin by (plugin.json); a mismatch
// would load the bundle but attach nothing to the plugin.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFile} from 'node:fs/promises';

test('webapp id and version match plugin.json', async () => {
    const manifest = JSON.parse(await readFile(new URL('../../plugin.json', import.meta.url), 'utf8'));
    const source = await readFile(new URL('../src/manifest.ts', import.meta.url), 'utf8');
    const id = source.match(/export const id = '([^']+)'/)?.[1];
    assert.equal(id, manifest.id);
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    assert.equal(pkg.version, manifest.version);
    assert.equal(manifest.webapp.bundle_path, 'webapp/dist/main.js');
});
