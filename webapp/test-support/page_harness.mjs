// The host page for the plugin's product pages (registerNeedsTeamRoute): Mattermost's globals for
// one React version, a redux-like store with the current team, a registry that keeps what the
// plugin registers, and a shell that renders one registered route in the centre
// (window.__harness.route, '/incidents' unless set; setRoute switches) and, on demand, the RHS.
// window.WebappUtils has a recording browserHistory, as the host's router would.
import {BUNDLE_URL, PLUGIN_ID} from './devserver.mjs';
import {HOST_MOUNT_JS} from './host-globals.mjs';

export const HARNESS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Incident Response page harness</title>
<link rel="icon" href="data:,">
<style>
  html, body { margin: 0; height: 100%; }
  body { font-family: "Open Sans", "Liberation Sans", Arial, sans-serif; font-size: 14px; background: var(--center-channel-bg); color: var(--center-channel-color); -webkit-font-smoothing: antialiased; }
  #app { display: flex; height: 100vh; }
  #lhs { width: 200px; background: var(--sidebar-bg); color: var(--sidebar-text); flex: none; }
  #lhs h1 { margin: 0; padding: 14px 16px; font-size: 16px; background: var(--sidebar-header-bg); }
  #center { flex: 1; display: flex; min-width: 0; min-height: 0; }
  #sidebar-right { width: 400px; flex: none; display: flex; flex-direction: column; border-left: 1px solid rgba(var(--center-channel-color-rgb), .12); }
</style>
<script src="/vendor/host.js"></script>
<script>
(function () {
    var h = window.__harness = {initError: null, routes: {}, route: '/incidents', rhs: null, wsHandlers: {}, nextId: 1, pushed: [], showRHS: false};
${HOST_MOUNT_JS}
    window.plugins = {};
    window.registerPlugin = function (id, plugin) { window.plugins[id] = plugin; };
    window.WebappUtils = {browserHistory: {push: function (p) { h.pushed.push(p); }}};
    var state = {entities: {teams: {currentTeamId: '', teams: {}}, channels: {currentChannelId: ''}, users: {currentUserId: ''},
        posts: {posts: {}}, general: {config: {}}}, views: {rhs: {pluggableId: '', open: false}}};
    var listeners = [];
    h.store = {
        getState: function () { return state; },
        dispatch: function (a) {
            if (a && a.type === 'SET_CURRENT') {
                state = Object.assign({}, state, {entities: Object.assign({}, state.entities, {
                    teams: {currentTeamId: a.teamId, teams: a.teams || {}}, channels: {currentChannelId: a.channelId}, users: {currentUserId: a.userId}})});
            }
            listeners.slice().forEach(function (l) { l(); });
            return a;
        },
        subscribe: function (l) { listeners.push(l); return function () { listeners = listeners.filter(function (x) { return x !== l; }); }; },
    };
    h.registry = new Proxy({}, {
        get: function (target, name) {
            if (typeof name !== 'string') { return undefined; }
            return function (a, b) {
                var id = 'c-' + (h.nextId++);
                if (name === 'registerRightHandSidebarComponent') {
                    h.rhs = a;
                    return {id: id, showRHSPlugin: {type: 'SHOW'}, hideRHSPlugin: {type: 'HIDE'}, toggleRHSPlugin: {type: 'TOGGLE'}};
                }
                if (name === 'registerNeedsTeamRoute') { h.routes[a] = b; }
                if (name === 'registerWebSocketEventHandler') { h.wsHandlers[a] = b; }
                return id;
            };
        },
    });
    var rerender = function () {};
    h.setShowRHS = function (v) { h.showRHS = v; rerender(); };
    h.setRoute = function (r) { h.route = r; rerender(); };
    function Shell() {
        var e = React.createElement;
        var s = React.useState(0); var bump = s[1];
        React.useEffect(function () { rerender = function () { bump(function (n) { return n + 1; }); }; }, []);
        var Page = h.routes[h.route];
        return e(React.Fragment, null,
            e('nav', {id: 'lhs', 'aria-label': 'Channels'}, e('h1', null, 'Ops')),
            e('main', {id: 'center'}, Page ? e(Page, {}) : 'no route'),
            h.showRHS && h.rhs && e('aside', {id: 'sidebar-right', 'aria-label': 'Right sidebar'}, e(h.rhs, {})));
    }
    h.boot = function (seed, userId) {
        var teams = {}; teams[seed.team_id] = {id: seed.team_id, name: seed.team_name};
        h.store.dispatch({type: 'SET_CURRENT', teamId: seed.team_id, channelId: seed.town_square_id, userId: userId, teams: teams});
        return new Promise(function (resolve, reject) {
            var script = document.createElement('script');
            script.defer = true;
            script.src = '${BUNDLE_URL}';
            script.onerror = function () { reject(new Error('failed to load the bundle')); };
            script.onload = function () {
                try { window.plugins['${PLUGIN_ID}'].initialize(h.registry, h.store); } catch (err) { h.initError = String(err && err.stack || err); }
                h.mount(Shell);
                resolve();
            };
            document.head.appendChild(script);
        });
    };
    h.setTheme = function (vars) {
        Object.keys(vars).forEach(function (k) { document.documentElement.style.setProperty('--' + k, vars[k]); });
    };
})();
</script>
</head>
<body>
<div id="app"></div>
</body>
</html>`;
