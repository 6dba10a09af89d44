// Shared by the Chromium suites that drive the real plugin through tests/conformance/cmd/devserver:
// paths, Mattermost's two reference themes, and starting the dev server.
import assert from 'node:assert/strict';
import {spawn, execFileSync} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

export const PLUGIN_ID = 'incident-response';
export const API = `/plugins/${PLUGIN_ID}/api/v0`;
export const BUNDLE_URL = `/static/plugins/${PLUGIN_ID}/main.js`;
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const BUNDLE_TGZ = process.env.BUNDLE_TGZ || '';

export const webappDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = path.resolve(webappDir, '..');
export const conformanceDir = path.join(repoDir, 'tests', 'conformance');
export const distMain = path.join(webappDir, 'dist', 'main.js');
export const outDir = path.join(webappDir, 'test-output');

/** Why a suite is skipped, or false: without BUNDLE_TGZ there is no plugin to drive. */
export const skipReason = BUNDLE_TGZ ? false : 'BUNDLE_TGZ is unset: it must name the plugin bundle (dist/incident-response-<version>.tar.gz); `make test` sets it';

export {THEMES} from './faithful/app/themes.js';

export function devserverBinary(dir) {
    const bin = path.join(dir, 'devserver');
    execFileSync('go', ['build', '-o', bin, './cmd/devserver'], {cwd: conformanceDir, stdio: ['ignore', 'inherit', 'inherit']});
    return bin;
}

export function startDevserver(bin, staticDir, extraArgs = []) {
    const child = spawn(bin, ['-addr', '127.0.0.1:0', '-static', staticDir, ...extraArgs], {
        env: {...process.env, BUNDLE_TGZ: path.resolve(BUNDLE_TGZ)},
        stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => {
        stderr += d;
        if (stderr.length > 200_000) { stderr = stderr.slice(-100_000); }
    });
    const origin = new Promise((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`devserver printed no URL in 60 s:\n${stderr}`)), 60_000);
        child.stdout.on('data', (d) => {
            out += d;
            const nl = out.indexOf('\n');
            if (nl >= 0) {
                clearTimeout(timer);
                resolve(out.slice(0, nl).trim());
            }
        });
        child.once('exit', (code) => {
            clearTimeout(timer);
            reject(new Error(`devserver exited (${code}) before serving:\n${stderr}`));
        });
    });
    return {child, origin, stderr: () => stderr};
}


/**
 * Focus moves a tick after the event that causes it (the components focus in an effect or a
 * zero timeout, as React does), so read it until it settles, then compare.
 */
export async function settledFocus(page, read, expected, timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    let got = await page.evaluate(read);
    while (got !== expected && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
        got = await page.evaluate(read);
    }
    return got;
}

/**
 * REST and slash-command calls to the dev server as a named test user; `origin` is read at call
 * time because the server's address is known only once it has started.
 */
export function devserverClient(origin) {
    async function api(user, method, p, body) {
        const res = await fetch(origin() + API + p, {
            method,
            headers: {'X-Test-User': user, 'X-Requested-With': 'XMLHttpRequest', ...(body ? {'Content-Type': 'application/json'} : {})},
            body: body ? JSON.stringify(body) : undefined,
        });
        const data = await res.json().catch(() => null);
        return {status: res.status, data};
    }
    async function command(user, text, channelId) {
        const res = await fetch(origin() + '/test/command', {method: 'POST', body: JSON.stringify({user, command: text, channel_id: channelId || ''})});
        const out = await res.json();
        assert.equal(res.status, 200, JSON.stringify(out));
        assert.equal(out.error, null, `${text}: ${out.error}`);
        return out.text;
    }
    return {api, command};
}

/**
 * Debian Chromium on a fresh profile in `work`, headless, reaching only `origin` (and data:
 * URLs); page errors and console errors are collected (into the arrays given) for the suite's
 * last check.
 */
export async function launchChromium(work, origin, viewport, pageErrors = [], consoleErrors = [], profile = 'chromium') {
    const {chromium} = await import('playwright-core');
    const context = await chromium.launchPersistentContext(path.join(work, profile), {
        executablePath: CHROMIUM,
        headless: true,
        timeout: 30_000,
        viewport,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
            '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    context.setDefaultTimeout(10_000);
    await context.route('**/*', (route) => {
        const url = route.request().url();
        return url.startsWith(origin + '/') || url.startsWith('data:') ? route.continue() : route.abort();
    });
    const page = context.pages()[0] ?? await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(String(err)));
    page.on('console', (msg) => {
        if (msg.type() === 'error') { consoleErrors.push(msg.text()); }
    });
    return {context, page, pageErrors, consoleErrors};
}

/** Closes the browser, stops the dev server (TERM, then KILL after 10 s) and removes `work`. */
export async function stopHarness({context, server, work}) {
    const {rmSync} = await import('node:fs');
    await context?.close().catch(() => {});
    if (server) {
        const exited = new Promise((resolve) => server.child.once('exit', resolve));
        server.child.kill('SIGTERM');
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
        if (server.child.exitCode === null) { server.child.kill('SIGKILL'); }
    }
    if (work) { rmSync(work, {recursive: true, force: true}); }
}

/** Waits until `fn()` is truthy, checking every 50 ms; after `ms` fails with `what`. */
export async function until(fn, what, ms = 10_000) {
    const end = Date.now() + ms;
    while (!(await fn())) {
        if (Date.now() > end) { throw new Error(what); }
        await new Promise((r) => setTimeout(r, 50));
    }
}
