// The message catalog, read from the sources: every `t('<id>', '<default>'` call in webapp/src
// (.ts and .tsx), keyed by its full id (`incident-response.<id>`, as messageId() in src/i18n.ts
// makes it) and sorted, written to src/translations/en.json. Run it after adding or changing a
// message:
//
//     npm run i18n:extract            # writes src/translations/en.json
//     npm run i18n:extract -- --check # writes nothing; fails if en.json is not up to date
//
// It refuses to write when an id has two different defaults or a default is not a string
// literal (test/messages.test.mjs fails on those too), and lists the ids each other
// translation in src/translations/ is missing or has in excess.
//
// The scanner is shared with test/messages.test.mjs and test/catalog.test.mjs; importing this
// module writes nothing.
import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

export const webappDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const srcDir = path.join(webappDir, 'src');
export const translationsDir = path.join(srcDir, 'translations');
export const englishFile = path.join(translationsDir, 'en.json');

/** The prefix messageId() puts before every id (the plugin id, from src/manifest.ts). */
export function pluginIdPrefix() {
    const manifest = readFileSync(path.join(srcDir, 'manifest.ts'), 'utf8');
    const m = manifest.match(/export\s+const\s+id\s*=\s*['"]([^'"]+)['"]/);
    if (!m) {
        throw new Error('no `export const id = \'…\'` in src/manifest.ts');
    }
    return `${m[1]}.`;
}

/** The .ts and .tsx files under dir (not .d.ts), recursively. */
export function sourceFiles(dir = srcDir) {
    return readdirSync(dir, {withFileTypes: true}).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
            return sourceFiles(p);
        }
        return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
    }).sort();
}

/** [path relative to webapp/, text] for every source file. */
export function readSources(dir = srcDir) {
    return sourceFiles(dir).map((f) => [path.relative(webappDir, f).split(path.sep).join('/'), readFileSync(f, 'utf8')]);
}

// A quoted JS string literal's value ('…' or "…", with backslash escapes).
function unquote(literal) {
    const body = literal.slice(1, -1).replace(/\\'/g, '\'').replace(/\\"/g, '"').replace(/"/g, '\\"');
    return JSON.parse(`"${body}"`);
}

const STRING = String.raw`'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"`;
// t('id', 'default' — whitespace and line breaks allowed between the parts.
const CALL = new RegExp(String.raw`\bt\(\s*(${STRING})\s*,\s*(${STRING})`, 'g');
// t('id', <anything but a string literal>
const NON_LITERAL = new RegExp(String.raw`\bt\(\s*(${STRING})\s*,\s*(?!['"\s])`, 'g');

function lineOf(text, index) {
    return text.slice(0, index).split('\n').length;
}

/** Every t() call in the given sources: {id, message, where}, and the calls whose default is not a literal. */
export function scanMessages(files) {
    const calls = [];
    const nonLiteral = [];
    for (const [file, text] of files) {
        for (const m of text.matchAll(CALL)) {
            calls.push({id: unquote(m[1]), message: unquote(m[2]), where: `${file}:${lineOf(text, m.index)}`});
        }
        for (const m of text.matchAll(NON_LITERAL)) {
            nonLiteral.push({id: unquote(m[1]), where: `${file}:${lineOf(text, m.index)}`});
        }
    }
    return {calls, nonLiteral};
}

/**
 * The source with every t('<id>', '<default>' call (the calls scanMessages reads) written as
 * t('<rename(id)>', '': the bundle's compact form (scripts/esbuild-messages.mjs).
 */
export function rewriteCalls(text, rename) {
    return text.replace(CALL, (_call, id) => `t(${JSON.stringify(rename(unquote(id)))}, ''`);
}

/** The ids used with more than one default message, each with every default and where it is. */
export function conflicts(calls) {
    const byId = new Map();
    for (const c of calls) {
        if (!byId.has(c.id)) {
            byId.set(c.id, new Map());
        }
        const messages = byId.get(c.id);
        messages.set(c.message, [...(messages.get(c.message) ?? []), c.where]);
    }
    return [...byId].filter(([, messages]) => messages.size > 1).map(([id, messages]) => ({id, messages: Object.fromEntries(messages)}));
}

/** {full id: English default}, sorted by id, from the scanned calls (the first default of an id wins). */
export function catalogOf(calls, prefix) {
    const catalog = {};
    for (const c of [...calls].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
        const id = prefix + c.id;
        if (!(id in catalog)) {
            catalog[id] = c.message;
        }
    }
    return catalog;
}

/** A catalog as it is written to disk: 4-space JSON, one message a line, final newline. */
export function formatCatalog(catalog) {
    return `${JSON.stringify(catalog, null, 4)}\n`;
}

/** What the sources say: the catalog, its file text, and what keeps it from being written. */
export function extract(files = readSources(), prefix = pluginIdPrefix()) {
    const {calls, nonLiteral} = scanMessages(files);
    const catalog = catalogOf(calls, prefix);
    return {calls, nonLiteral, conflicts: conflicts(calls), catalog, text: formatCatalog(catalog)};
}

/** The translation files besides en.json: {locale: path}. */
export function translationFiles() {
    return Object.fromEntries(readdirSync(translationsDir)
        .filter((f) => f.endsWith('.json') && f !== 'en.json')
        .sort()
        .map((f) => [f.slice(0, -'.json'.length), path.join(translationsDir, f)]));
}

/** Ids of the English catalog a translation lacks (or leaves empty), and ids it has that English does not. */
export function compareTranslation(english, translated) {
    const missing = Object.keys(english).filter((id) => typeof translated[id] !== 'string' || translated[id].trim() === '');
    const extra = Object.keys(translated).filter((id) => !(id in english));
    return {missing, extra};
}

function main(args) {
    const check = args.includes('--check');
    const result = extract();
    let failed = false;
    for (const c of result.conflicts) {
        failed = true;
        console.error(`error: message id '${c.id}' has different default messages:\n${JSON.stringify(c.messages, null, 2)}`);
    }
    for (const c of result.nonLiteral) {
        failed = true;
        console.error(`error: ${c.where}: the default message of '${c.id}' is not a string literal`);
    }
    if (failed) {
        console.error('src/translations/en.json not written: one id, one English text, given as a string literal');
        return 1;
    }
    const rel = path.relative(webappDir, englishFile);
    let current = null;
    try {
        current = readFileSync(englishFile, 'utf8');
    } catch {
        // not written yet
    }
    const count = Object.keys(result.catalog).length;
    if (check) {
        if (current !== result.text) {
            console.error(`${rel} is out of date with the sources: run \`npm run i18n:extract\``);
            return 1;
        }
        console.log(`${rel} is up to date (${count} messages)`);
    } else if (current === result.text) {
        console.log(`${rel} unchanged (${count} messages)`);
    } else {
        writeFileSync(englishFile, result.text);
        console.log(`${rel} written (${count} messages)`);
    }
    for (const [locale, file] of Object.entries(translationFiles())) {
        const {missing, extra} = compareTranslation(result.catalog, JSON.parse(readFileSync(file, 'utf8')));
        if (missing.length || extra.length) {
            console.log(`${path.relative(webappDir, file)}: ${missing.length} to translate, ${extra.length} no longer in the sources`);
            for (const id of missing) {
                console.log(`  missing ${id}: ${JSON.stringify(result.catalog[id])}`);
            }
            for (const id of extra) {
                console.log(`  remove  ${id}`);
            }
        } else {
            console.log(`${path.relative(webappDir, file)}: complete (${locale})`);
        }
    }
    return 0;
}

if (process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url) {
    process.exitCode = main(process.argv.slice(2));
}
