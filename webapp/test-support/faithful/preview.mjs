// `make run` without a Mattermost web client: writes the faithful host into the server's client
// folder (root.html, which the server answers every web route with, and host.js below it), with
// a banner that says what it is. The server then serves, on its own origin, a page that logs in
// through the server, loads the plugin's real main.js where the server lists it and keeps the
// real websocket: a preview of the plugin's surfaces, not Mattermost's web app.
//
//   node webapp/test-support/faithful/preview.mjs <the server's client folder>
import {buildFaithfulHost, mattermostLayout} from './build.mjs';

const dir = process.argv[2];
if (!dir) {
    console.error('usage: node preview.mjs <client folder>');
    process.exit(2);
}
// Mattermost 11 ships React 18 (webapp/channels/package.json at 11.3.0).
await buildFaithfulHost(18, {
    ...mattermostLayout(dir),
    title: 'Mattermost',
    banner: 'Preview: the Incident Response plugin in a stand-in for Mattermost\u2019s web app (not the real web client)',
});
console.log(`preview: wrote ${dir}/root.html`);
