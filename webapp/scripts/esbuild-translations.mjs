// esbuild plugin for the translation tables (src/translations/*.json) in the bundle: the same
// objects as the JSON files, in fewer bytes. Every table repeats the same ids, each starting with
// the plugin id, so en.json becomes its ids without the prefix plus its messages in that order,
// and any other table only its messages in the order of en.json's ids (plus, with the full id,
// anything en.json does not have). Importers still get {full id: message}.
import {readFileSync} from 'node:fs';
import path from 'node:path';

import {pluginIdPrefix} from './extract-messages.mjs';

const TABLE = /[\\/]src[\\/]translations[\\/][^\\/]+\.json$/;

// The object the module's default export rebuilds: prefix + ids[i] -> messages[i], then extra.
const rebuild = (prefix) => `const t={},p=${JSON.stringify(prefix)};` +
    'ids.forEach((k,i)=>{if(typeof v[i]=="string")t[p+k]=v[i]});Object.assign(t,x);export default t;';
// With short ids (see esbuild-messages.mjs) the id of messages[i] is prefix + i in base 36.
const rebuildShort = (prefix) => `const t={},p=${JSON.stringify(prefix)};` +
    'v.forEach((m,i)=>{if(typeof m=="string")t[p+i.toString(36)]=m});Object.assign(t,x);export default t;';

/**
 * The module text for one table, given the English table's ids. `short`: key the messages by
 * their short ids (prefix + index of the id among en.json's, base 36) instead of the full ids.
 */
export function tableModule(file, prefix = pluginIdPrefix(), short = false) {
    const table = JSON.parse(readFileSync(file, 'utf8'));
    const english = path.basename(file) === 'en.json';
    const ids = Object.keys(english ? table : JSON.parse(readFileSync(path.join(path.dirname(file), 'en.json'), 'utf8')))
        .filter((id) => id.startsWith(prefix));
    const inIds = new Set(ids);
    const extra = Object.fromEntries(Object.entries(table).filter(([id]) => !inIds.has(id)));
    const values = ids.map((id) => (typeof table[id] === 'string' ? table[id] : null));
    if (short) {
        return `const v=${JSON.stringify(values)},x=${JSON.stringify(extra)};${rebuildShort(prefix)}`;
    }
    const bare = JSON.stringify(ids.map((id) => id.slice(prefix.length)));
    return (english ? `export const ids=${bare};` : 'import {ids} from "./en.json";') +
        `const v=${JSON.stringify(values)},x=${JSON.stringify(extra)};${rebuild(prefix)}`;
}

export const translationTables = {
    name: 'translation-tables',
    setup(b) {
        b.onLoad({filter: TABLE}, (args) => ({
            contents: tableModule(args.path),
            loader: 'js',
            resolveDir: path.dirname(args.path),
            watchFiles: [args.path, path.join(path.dirname(args.path), 'en.json')],
        }));
    },
};
