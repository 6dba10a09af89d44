// What Mattermost puts on `window` for plugins (webapp/channels/src/plugins/export.ts), built
// for one React major: React, ReactDOM (with react-dom/client's createRoot where it exists, as
// Mattermost 12 does) and ReactIntl. Mattermost 10 ships React 17, 11 ships 18, 12 ships 19; the
// browser suites run our one bundle under each. React 19 has no UMD build, so every version is
// bundled here the same way, from the pinned packages react-17, react-dom-19, ... (package.json).
import {mkdirSync} from 'node:fs';
import path from 'node:path';

import {build} from 'esbuild';

import {webappDir} from './devserver.mjs';

/** The React majors the suites run under; REACT_VERSIONS=18 (comma-separated) narrows it. */
export const REACT_VERSIONS = (process.env.REACT_VERSIONS || '17,18,19').split(',').map((v) => v.trim()).filter(Boolean);

const PACKAGES = {
    17: {react: 'react-17', 'react-dom': 'react-dom-17', client: false},
    18: {react: 'react', 'react-dom': 'react-dom', client: true},
    19: {react: 'react-19', 'react-dom': 'react-dom-19', client: true},
};

/** Writes `<dir>/host.js` for React `major` and answers its path. */
export async function buildHostGlobals(major, dir) {
    const pkgs = PACKAGES[major];
    if (!pkgs) {
        throw new Error(`no host build for React ${major}: choose one of ${Object.keys(PACKAGES).join(', ')}`);
    }
    mkdirSync(dir, {recursive: true});
    const outfile = path.join(dir, 'host.js');
    const contents = [
        "import * as React from 'react';",
        "import * as ReactDOMAll from 'react-dom';",
        pkgs.client ? "import * as ReactDOMClient from 'react-dom/client';" : 'const ReactDOMClient = {};',
        "import * as ReactIntl from 'react-intl';",
        'window.React = React;',
        'window.ReactDOM = Object.assign({}, ReactDOMAll, ReactDOMClient);',
        'window.ReactIntl = ReactIntl;',
    ].join('\n');
    await build({
        stdin: {contents, resolveDir: webappDir, loader: 'js'},
        absWorkingDir: webappDir,
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: ['es2020'],
        outfile,
        // The development builds: React's warnings reach the console, where the suites fail on them.
        define: {'process.env.NODE_ENV': '"development"'},
        alias: pkgs.react === 'react' ? {} : {react: pkgs.react, 'react-dom': pkgs['react-dom']},
        logLevel: 'error',
    });
    return outfile;
}

/** React's version as the page sees it, to prove which one a suite ran under. */
export const reactVersionInPage = () => window.React.version;

/**
 * For the harness pages: `h.mount(Component)` renders the host's shell the way Mattermost does,
 * inside its IntlProvider (our components read messages through the host's react-intl), with
 * createRoot where React has it and ReactDOM.render on React 17.
 */
export const HOST_MOUNT_JS = `
    h.mount = function (Component) {
        var el = document.getElementById('app');
        var tree = React.createElement(ReactIntl.IntlProvider, {locale: h.locale || 'en', defaultLocale: 'en', messages: h.messages || {}},
            React.createElement(Component));
        if (ReactDOM.createRoot) { ReactDOM.createRoot(el).render(tree); } else { ReactDOM.render(tree, el); }
    };`;

/** Screenshots are kept for React 18 (the reference); under 17 and 19 only these, suffixed. */
export function screenshotName(name, react) {
    if (String(react) === '18') {
        return name;
    }
    return ['rhs-detail-light', 'incidents-page-detail-light', 'add-to-timeline-light'].includes(name) ? `${name}-react${react}` : null;
}
