// Bundles src/index.tsx into dist/main.js: one minified IIFE, no sourcemap.
// Host libraries are NOT bundled: imports of them resolve to the globals that
// Mattermost puts on `window` (see webapp/channels/src/plugins/export.ts).
import {build} from 'esbuild';
import {fileURLToPath} from 'node:url';
import path from 'node:path';

import {compactMessages} from './scripts/esbuild-messages.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));

// import specifier -> window global provided by the Mattermost webapp
const HOST_GLOBALS = {
    react: 'React',
    'react-dom': 'ReactDOM',
    redux: 'Redux',
    'react-redux': 'ReactRedux',
    'react-intl': 'ReactIntl',
    'react-router-dom': 'ReactRouterDom',
    'prop-types': 'PropTypes',
};

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const hostGlobalsPlugin = {
    name: 'host-globals',
    setup(b) {
        const filter = new RegExp(`^(${Object.keys(HOST_GLOBALS).map(escapeRe).join('|')})$`);
        b.onResolve({filter}, (args) => ({path: args.path, namespace: 'host-global'}));
        b.onLoad({filter: /.*/, namespace: 'host-global'}, (args) => ({
            contents: `module.exports = window[${JSON.stringify(HOST_GLOBALS[args.path])}];`,
            loader: 'js',
        }));
    },
};

await build({
    absWorkingDir: root,
    entryPoints: ['src/index.tsx'],
    outfile: 'dist/main.js',
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    sourcemap: false,
    legalComments: 'none',
    // Non-ASCII text (French messages, typographic quotes) as UTF-8 rather than \u escapes:
    // Mattermost serves plugin bundles as text/javascript; charset=utf-8 (Go's FileServer) into
    // a utf-8 page.
    charset: 'utf8',
    jsx: 'transform',
    // Each element calls the injected local `jsxElement` (src/jsx.ts), not `React.createElement`
    // (which bundles as `x.default.createElement` at every element: 22 KB of the budget).
    jsxFactory: 'jsxElement',
    jsxFragment: 'JsxFragment',
    inject: ['src/jsx.ts'],
    define: {'process.env.NODE_ENV': '"production"'},
    // Messages: short ids, English only in en.json, the tables in fewer bytes (see the plugin).
    plugins: [hostGlobalsPlugin, compactMessages],
    logLevel: 'info',
});
