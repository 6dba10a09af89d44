// Builds the faithful host (app/*, a model of Mattermost's web app around a plugin) for one React
// major into <dir>/host.js, and writes the page that loads it. See README.md for the rules.
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

import {build} from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const webappDir = path.resolve(here, '..', '..');

const PACKAGES = {
    17: {react: 'react-17', 'react-dom': 'react-dom-17', client: false},
    18: {react: 'react', 'react-dom': 'react-dom', client: true},
    19: {react: 'react-19', 'react-dom': 'react-dom-19', client: true},
};

/** The React majors the suites run under; REACT_VERSIONS=18 (comma-separated) narrows it. */
export const REACT_VERSIONS = (process.env.REACT_VERSIONS || '17,18,19').split(',').map((v) => v.trim()).filter(Boolean);

/** Folder of the host below the server's /static/. */
export const HOST_FOLDER = 'faithful';

/** The devserver layout: `root` is served at the site's root, so host.js is root/static/faithful/host.js. */
export function devserverLayout(root, subpath = '') {
    return {jsDir: path.join(root, 'static', HOST_FOLDER), pagePath: path.join(root, 'index.html'),
        scriptPath: `${subpath.replace(/\/+$/, '')}/static/${HOST_FOLDER}/host.js`};
}

/** A real Mattermost's layout: its client folder is served at /static/ and root.html answers every web route. */
export function mattermostLayout(clientDir, subpath = '') {
    return {jsDir: path.join(clientDir, HOST_FOLDER), pagePath: path.join(clientDir, 'root.html'),
        scriptPath: `${subpath.replace(/\/+$/, '')}/static/${HOST_FOLDER}/host.js`};
}

/**
 * Builds host.js for React `major` into `jsDir` and writes the page a web route answers with to
 * `pagePath`. `scriptPath` is the URL path of host.js as the server serves it (with the
 * subpath, as Mattermost rewrites root.html's asset paths for one); `banner` is a line shown
 * on the page (the preview says what it is).
 */
export async function buildFaithfulHost(major, {jsDir, pagePath, scriptPath, banner = '', title = 'Mattermost'}) {
    const pkgs = PACKAGES[major];
    if (!pkgs) {
        throw new Error(`no host build for React ${major}: choose one of ${Object.keys(PACKAGES).join(', ')}`);
    }
    // Absolute: esbuild resolves a relative outfile against its working directory (webapp/).
    const dir = path.resolve(jsDir);
    pagePath = path.resolve(pagePath);
    mkdirSync(dir, {recursive: true});
    const alias = {};
    if (pkgs.react !== 'react') {
        alias.react = pkgs.react;
        alias['react-dom'] = pkgs['react-dom'];
    }
    if (!pkgs.client) {
        alias['react-dom/client'] = path.join(here, 'app', 'react_dom_client_stub.js');
    } else if (pkgs['react-dom'] !== 'react-dom') {
        alias['react-dom/client'] = `${pkgs['react-dom']}/client`;
    }
    await build({
        entryPoints: [path.join(here, 'app', 'main.jsx')],
        absWorkingDir: webappDir,
        nodePaths: [path.join(webappDir, 'node_modules')],
        bundle: true,
        format: 'iife',
        platform: 'browser',
        target: ['es2020'],
        outfile: path.join(dir, 'host.js'),
        jsx: 'transform',
        // The development builds: React's warnings reach the console, where the suites fail on them.
        define: {'process.env.NODE_ENV': '"development"'},
        alias,
        logLevel: 'error',
    });
    const css = readFileSync(path.join(here, 'host.css'), 'utf8');
    const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="icon" href="data:,">
<style>
${css}</style>
</head>
<body>
<div id="root"></div>
${banner ? `<div class="host-preview-banner" role="note">${banner}</div>\n` : ''}<script src="${scriptPath}"></script>
</body>
</html>`;
    mkdirSync(path.dirname(pagePath), {recursive: true});
    writeFileSync(pagePath, html);
    return {js: path.join(dir, 'host.js'), page: pagePath};
}

