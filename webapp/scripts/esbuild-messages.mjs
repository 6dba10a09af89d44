// esbuild plugin for the shipped bundle: each message costs its English text once and a short id.
// - Every `t('<id>', '<default>'` in src/ becomes `t('<short id>', ''`: the short id is the
//   index of the id among en.json's ids in base 36 ('0', '1', … 'cw'), and src/i18n.ts looks an
//   empty default up in en.json, which the bundle carries anyway for the host.
// - The translation tables (src/translations/*.json) are keyed by the same short ids (prefixed
//   with the plugin id, as every message id is), so the host finds a translation as before.
// Ids are only renamed inside the bundle: sources, en.json and fr.json keep the readable ones.
// Before anything is renamed the build checks that en.json is exactly what the sources say
// (npm run i18n:extract), so no message can go missing from a stale table.
import {readFileSync} from 'node:fs';
import path from 'node:path';

import {englishFile, extract, pluginIdPrefix, rewriteCalls} from './extract-messages.mjs';
import {tableModule} from './esbuild-translations.mjs';

const SOURCE = /[\\/]src[\\/].*\.tsx?$/;
const TABLE = /[\\/]src[\\/]translations[\\/][^\\/]+\.json$/;

/** id without the prefix -> its short id, for the ids of the given English catalog. */
export function shortIds(catalog, prefix = pluginIdPrefix()) {
    return new Map(Object.keys(catalog).filter((id) => id.startsWith(prefix))
        .map((id, i) => [id.slice(prefix.length), i.toString(36)]));
}

export const compactMessages = {
    name: 'compact-messages',
    setup(b) {
        let short = new Map();
        b.onStart(() => {
            const {text, conflicts, nonLiteral, catalog} = extract();
            if (conflicts.length || nonLiteral.length || readFileSync(englishFile, 'utf8') !== text) {
                return {errors: [{text: 'src/translations/en.json is not what the sources say: run `npm run i18n:extract` (and fix what it reports)'}]};
            }
            short = shortIds(catalog);
            return undefined;
        });
        b.onLoad({filter: TABLE}, (args) => ({
            contents: tableModule(args.path, pluginIdPrefix(), true),
            loader: 'js',
            resolveDir: path.dirname(args.path),
        }));
        b.onLoad({filter: SOURCE}, (args) => {
            if (args.path.endsWith('.d.ts')) {
                return undefined;
            }
            return {
                // Every id is in `short`: en.json was just checked to hold every call's id.
                contents: rewriteCalls(readFileSync(args.path, 'utf8'), (id) => short.get(id)),
                loader: args.path.endsWith('x') ? 'tsx' : 'ts',
                resolveDir: path.dirname(args.path),
            };
        });
    },
};
