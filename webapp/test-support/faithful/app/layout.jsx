// The host's layout, rule by rule (each rule's source is in ../README.md):
// - the routes mount only after every plugin's initialize has returned;
// - /<team>/<plugin id>/<route>: only the plugin's NeedsTeam component in the centre (no channel
//   sidebar, no Root components); /<team>/channels/<name>: the channel view (channel sidebar,
//   header, posts) with the Root components inside it;
// - the RHS and the App Bar are outside the routes, so they stay on every page;
// - App Bar icons when the config's DisableAppBar is 'false'; then the channel-header buttons
//   of plugins that also registered an App Bar item are not drawn;
// - channel-menu items under the channel name's menu, in a "More actions" submenu;
// - post-menu items in a post's "Message actions" menu, which system posts do not have;
// - /admin_console/plugins/plugin_<id>: the plugin's System Console page (admin_console.jsx).
import React from 'react';
import * as ReactIntl from 'react-intl';

import {AdminConsolePluginPage} from './admin_console.jsx';
import {rhsActions} from './store.js';

const e = React.createElement;

function useStoreState(store) {
    const [state, setState] = React.useState(store.getState());
    React.useEffect(() => store.subscribe(() => setState(store.getState())), [store]);
    return state;
}

function useLocation(history) {
    const [loc, setLoc] = React.useState(history.location);
    React.useEffect(() => history.listen(setLoc), [history]);
    return loc;
}

const components = (state, name) => state.plugins.components[name] || [];

function currentChannel(state) {
    return state.entities.channels.channels[state.entities.channels.currentChannelId];
}

function textOf(node) {
    return typeof node === 'string' ? node : '';
}

function Menu({label, items, onClose, id}) {
    const ref = React.useRef(null);
    React.useEffect(() => {
        ref.current?.querySelector('[role=menuitem]')?.focus();
    }, []);
    const onKeyDown = (ev) => {
        if (ev.key === 'Escape') {
            ev.stopPropagation();
            onClose();
        }
    };
    return e('div', {role: 'menu', 'aria-label': label, className: 'host-menu', ref, onKeyDown, id}, items);
}

function ChannelHeaderMenu({host, state, channel}) {
    const [open, setOpen] = React.useState(false);
    const [sub, setSub] = React.useState(false);
    const button = React.useRef(null);
    const pluginItems = components(state, 'ChannelHeader').filter((item) => !item.shouldRender || item.shouldRender(state));
    const close = () => {
        setOpen(false);
        setSub(false);
        button.current?.focus();
    };
    const more = host.intl.hostMessage('pluginsMenu.more_actions');
    return e('div', {className: 'channel-header__menu'},
        e('button', {type: 'button', ref: button, className: 'channel-header__name', 'aria-haspopup': 'menu', 'aria-expanded': open,
            'aria-label': `${channel.display_name} ${host.intl.hostMessage('channel_header.channelMenuAriaLabel').toLowerCase()}`,
            onClick: () => setOpen(!open)}, channel.display_name, ' \u25BE'),
        open && e(Menu, {label: channel.display_name, onClose: close, items: [
            e('button', {key: 'info', type: 'button', role: 'menuitem', onClick: close}, 'View Info'),
            pluginItems.length > 0 && e('div', {key: 'more', className: 'host-submenu'},
                e('button', {type: 'button', role: 'menuitem', 'aria-haspopup': 'menu', 'aria-expanded': sub,
                    onClick: () => setSub(!sub), onKeyDown: (ev) => {
                        if (ev.key === 'ArrowRight') {
                            setSub(true);
                        }
                    }}, more, ' \u25B8'),
                sub && e(Menu, {label: more, onClose: () => setSub(false), items: pluginItems.map((item) =>
                    e('button', {key: item.id, type: 'button', role: 'menuitem', onClick: () => {
                        setOpen(false);
                        setSub(false);
                        item.action(channel.id);
                    }}, item.text)),
                })),
        ]}));
}

function ChannelHeader({host, state, channel, appBarOn}) {
    const pluginsWithAppBar = new Set(components(state, 'AppBar').map((c) => c.pluginId));
    const buttons = components(state, 'ChannelHeaderButton').filter((b) => !(appBarOn && pluginsWithAppBar.has(b.pluginId)));
    const member = state.entities.channels.myMembers[channel.id] || {channel_id: channel.id, user_id: state.entities.users.currentUserId};
    return e('header', {id: 'channel-header', className: 'channel-header'},
        e(ChannelHeaderMenu, {host, state, channel}),
        e('div', {className: 'channel-header__icons'}, buttons.map((b) =>
            e('button', {key: b.id, id: b.id, type: 'button', className: 'channel-header__icon', onClick: () => b.action(channel, member)}, b.icon))));
}

function PostActions({host, state, post}) {
    const [open, setOpen] = React.useState(false);
    const button = React.useRef(null);
    if (String(post.type || '').startsWith('system_')) {
        return null;
    }
    const items = components(state, 'PostDropdownMenu').filter((item) => !item.parentMenuId && (!item.filter || item.filter(post.id)));
    if (items.length === 0) {
        return null;
    }
    const label = host.intl.hostMessage('post_info.actions.tooltip.actions');
    const close = () => {
        setOpen(false);
        button.current?.focus();
    };
    return e('div', {className: 'post__actions'},
        e('button', {type: 'button', ref: button, 'aria-label': label, 'aria-haspopup': 'menu', 'aria-expanded': open, onClick: () => setOpen(!open)}, '\u2026'),
        open && e(Menu, {label, onClose: close, items: items.map((item) => e('button', {key: item.id, type: 'button', role: 'menuitem', onClick: () => {
            setOpen(false);
            item.action(post.id);
        }}, item.text))}));
}

function PostList({host, state, channel}) {
    const posts = Object.values(state.entities.posts.posts).filter((p) => p.channel_id === channel.id).sort((a, b) => (a.create_at || 0) - (b.create_at || 0));
    return e('div', {id: 'post-list', role: 'list', 'aria-label': `Messages in ${channel.display_name}`},
        posts.map((p) => e('div', {key: p.id, role: 'listitem', className: 'post', 'data-post-id': p.id},
            e('span', {className: 'post__message'}, p.message),
            e(PostActions, {host, state, post: p}))));
}

// A private channel's mark in the channel sidebar (an emoji would need a font the machine may lack).
function LockIcon() {
    return e('svg', {width: 10, height: 12, viewBox: '0 0 10 12', role: 'img', 'aria-label': 'private', style: {marginRight: 6}},
        e('path', {fill: 'currentColor', d: 'M2 5V3.5a3 3 0 0 1 6 0V5h1v7H1V5h1zm1.5 0h3V3.5a1.5 1.5 0 0 0-3 0V5z'}));
}

function ChannelView({host, state, team, appBarOn}) {
    const channel = currentChannel(state);
    const channels = Object.values(state.entities.channels.channels).filter((c) => c.team_id === team.id && (c.type === 'O' || c.type === 'P'))
        .sort((a, b) => a.display_name.localeCompare(b.display_name));
    const props = {theme: host.theme, webSocketClient: host.websocket};
    return e(React.Fragment, null,
        e('nav', {id: 'SidebarContainer', className: 'lhs', 'aria-label': host.intl.hostMessage('sidebar.channels')},
            e('h1', null, team.display_name),
            e('ul', null, channels.map((c) => e('li', {key: c.id}, e('a', {href: `${window.basename}/${team.name}/channels/${c.name}`,
                'aria-current': c.id === channel?.id ? 'page' : undefined,
                onClick: (ev) => {
                    ev.preventDefault();
                    host.history.push(`/${team.name}/channels/${c.name}`);
                }}, c.type === 'P' ? e(LockIcon) : '# ', c.display_name))))),
        e('main', {id: 'app-content', className: 'center'},
            channel ? e(React.Fragment, null, e(ChannelHeader, {host, state, channel, appBarOn}), e(PostList, {host, state, channel})) :
                e('p', {className: 'host-notice'}, 'Channel not found.')),
        // channel_controller.tsx: <Pluggable pluggableName='Root'/> is inside the channel view.
        components(state, 'Root').map((r) => e(r.component, {key: r.id, ...props})));
}

function SidebarRight({host, state}) {
    const rhs = state.views.rhs;
    const plugin = rhs.rhsState === 'plugin' ? components(state, 'RightHandSidebarComponent').find((c) => c.id === rhs.pluggableId) : null;
    if (!plugin) {
        return null;
    }
    const title = plugin.title;
    return e('div', {id: 'sidebar-right', className: 'sidebar--right', role: 'complementary', 'aria-label': textOf(title) || 'Right sidebar'},
        e('div', {className: 'sidebar--right__header'},
            e('span', {className: 'sidebar--right__title'}, title),
            e('button', {type: 'button', 'aria-label': host.intl.hostMessage('rhs_header.closeSidebarTooltip'),
                onClick: () => host.store.dispatch(rhsActions.close())}, '\u00D7')),
        e('div', {id: 'rhsContainer', className: 'sidebar-right__body'}, e(plugin.component, {theme: host.theme, webSocketClient: host.websocket})));
}

function AppBar({state}) {
    const channel = currentChannel(state);
    const member = channel ? state.entities.channels.myMembers[channel.id] : undefined;
    const active = components(state, 'RightHandSidebarComponent').find((c) => c.id === state.views.rhs.pluggableId);
    // Items for the channels product: supportedProductIds null (the default) or naming it.
    const items = components(state, 'AppBar').filter((c) => c.supportedProductIds === undefined || c.supportedProductIds === null || [].concat(c.supportedProductIds).some((p) => p === '*' || p === null));
    return e('div', {className: 'app-bar', role: 'navigation', 'aria-label': 'App Bar'}, items.map((c) =>
        e('div', {key: c.id, id: `app-bar-icon-${c.id}`, role: 'button', tabIndex: 0,
            className: `app-bar__icon${active && (c.rhsComponentId ? c.rhsComponentId === active.id : c.pluginId === active.pluginId) ? ' app-bar__icon--active' : ''}`,
            'data-tooltip': textOf(c.tooltipText),
            onClick: () => c.action?.(channel, member)},
        e('div', {className: 'app-bar__icon-inner'}, e('img', {src: c.iconUrl, alt: c.pluginId})))));
}

function NeedsTeam({host, state, route}) {
    const match = components(state, 'NeedsTeamComponent').find((c) => route === c.route || route.startsWith(`${c.route}/`));
    if (!match) {
        return e('main', {className: 'center host-notice'}, 'Page not found.');
    }
    // team_controller.tsx renders the pluggable with css={{gridArea: 'center'}} (a className).
    return e(match.component, {theme: host.theme, webSocketClient: host.websocket, className: 'needs-team-component'});
}

export function HostApp({host}) {
    const state = useStoreState(host.store);
    const loc = useLocation(host.history);
    const [, bump] = React.useState(0);
    React.useEffect(() => host.onIntlChange(() => bump((n) => n + 1)), [host]);
    const config = state.entities.general.config;
    const appBarOn = config.DisableAppBar === 'false';
    const parts = loc.pathname.split('/').filter(Boolean);
    const team = Object.values(state.entities.teams.teams).find((t) => t.name === parts[0]);
    let center;
    if (parts[0] === 'admin_console') {
        // /admin_console/plugins/plugin_<id>: the plugin's settings page (admin_console.jsx).
        const pluginId = parts[1] === 'plugins' && parts[2]?.startsWith('plugin_') ? parts[2].slice('plugin_'.length) : '';
        center = pluginId ? e(AdminConsolePluginPage, {key: pluginId, host, pluginId}) : e('main', {className: 'center host-notice'}, 'Page not found.');
    } else if (!team) {
        center = e('main', {className: 'center host-notice'}, 'Team not found.');
    } else if (parts[1] === 'channels') {
        center = e(ChannelView, {host, state, team, appBarOn});
    } else {
        center = e(NeedsTeam, {host, state, route: parts.slice(1).join('/')});
    }
    return e(ReactIntl.IntlProvider, {key: host.intl.locale, locale: host.intl.locale, messages: host.intl.messages, textComponent: 'span', wrapRichTextChunksInFragment: false},
        e('div', {className: `app__body${appBarOn ? ' app-bar-enabled' : ''}`, id: 'app-layout'},
            center,
            e(SidebarRight, {host, state}),
            appBarOn && e(AppBar, {state})),
        components(state, 'Global').map((g) => e(g.component, {key: g.id})));
}
