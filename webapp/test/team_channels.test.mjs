// The TeamChannels setting's value (src/components/team_channels_setting.tsx) in Node: what the
// picker reads from the saved config (JSON text, or the same as an object from a hand-edited
// config file; anything else is nothing chosen) and what it saves (teams with nothing chosen
// left out). The server reads the same JSON (incident_core::shared_channels).
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, mkdtempSync, rmSync} from 'node:fs';
import path from 'node:path';
import {pathToFileURL} from 'node:url';

import {build} from 'esbuild';

import {webappDir} from '../test-support/devserver.mjs';

mkdirSync(path.join(webappDir, 'node_modules', '.cache'), {recursive: true});
const work = mkdtempSync(path.join(webappDir, 'node_modules', '.cache', 'ir-team-channels-'));
await build({
    entryPoints: [path.join(webappDir, 'src', 'components', 'team_channels_setting.tsx')],
    outdir: work,
    outExtension: {'.js': '.mjs'},
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'error',
});
const {parseTeamChannels, withChoice} = await import(pathToFileURL(path.join(work, 'team_channels_setting.mjs')).href);
rmSync(work, {recursive: true, force: true});

test('the saved value is read from JSON text or an object; anything else is nothing chosen', () => {
    const text = JSON.stringify({t1: {announcement_channel_id: ' a1 ', digest_channel_id: 'd1'}, t2: {}, t3: 'x'});
    assert.deepEqual(parseTeamChannels(text), {t1: {announcement_channel_id: 'a1', digest_channel_id: 'd1'}});
    assert.deepEqual(parseTeamChannels({t1: {digest_channel_id: 'd1', other: 1}}), {t1: {announcement_channel_id: '', digest_channel_id: 'd1'}});
    for (const nothing of [undefined, null, '', '  ', '{not json', '[1,2]', 42, [{}], {t1: {announcement_channel_id: 7}}]) {
        assert.deepEqual(parseTeamChannels(nothing), {}, JSON.stringify(nothing));
    }
});

test('a choice replaces one channel of one team; a team with nothing left is left out', () => {
    let value = withChoice({}, 't1', 'announcement_channel_id', 'a1');
    assert.deepEqual(value, {t1: {announcement_channel_id: 'a1', digest_channel_id: ''}});
    value = withChoice(value, 't1', 'digest_channel_id', 'd1');
    value = withChoice(value, 't2', 'digest_channel_id', 'd2');
    assert.deepEqual(value, {t1: {announcement_channel_id: 'a1', digest_channel_id: 'd1'}, t2: {announcement_channel_id: '', digest_channel_id: 'd2'}});
    value = withChoice(value, 't2', 'digest_channel_id', '');
    assert.deepEqual(value, {t1: {announcement_channel_id: 'a1', digest_channel_id: 'd1'}});
    assert.deepEqual(parseTeamChannels(JSON.stringify(value)), value, 'what is saved reads back the same');
});
