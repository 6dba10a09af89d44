// The plugin registry with exactly the methods of the real one (webapp/channels/src/plugins/
// registry.ts, read at mattermost/mattermost@00103498 and @b7bbc20f), each taking positional or
// one-object arguments (reArg) and answering what the real one answers. A plugin calling a
// method that does not exist fails here as it would in Mattermost. Components go into the
// store under the pluggable name the real host uses; the layout renders the ones the plugin
// uses (Root, RightHandSidebarComponent, AppBar, ChannelHeaderButton, ChannelHeader,
// PostDropdownMenu, NeedsTeamComponent) where the real host does.
import React from 'react';

import {reArg} from './rearg.js';
import {ActionTypes, rhsActions} from './store.js';

let counter = 0;
function generateId() {
    counter += 1;
    return `${Date.now().toString(36)}${counter.toString(36).padStart(6, '0')}`.padEnd(26, 'x').slice(0, 26);
}

// Like the real resolveReactElement: a component type becomes an element; elements, strings and
// nothing stay as they are.
function resolveReactElement(element) {
    if (element && !React.isValidElement(element) && typeof element !== 'string' &&
        (typeof element === 'function' || (typeof element === 'object' && element.$$typeof))) {
        return React.createElement(element);
    }
    return element;
}

const standardizeRoute = (route) => {
    const r = String(route).trim();
    return r[0] === '/' ? r.substring(1) : r;
};

export function createRegistryClass(host) {
    const {store} = host;
    const put = (name, data) => store.dispatch({type: ActionTypes.RECEIVED_PLUGIN_COMPONENT, name, data});
    const simple = (name) => function (pluginId) {
        return reArg(['component'], ({component}) => {
            const id = generateId();
            put(name, {id, pluginId, component});
            return id;
        });
    };
    const hookLike = (name) => function (pluginId) {
        return reArg(['hook'], ({hook}) => {
            const id = generateId();
            put(name, {id, pluginId, hook});
            return id;
        });
    };

    return class PluginRegistry {
        constructor(id) {
            this.id = id;
            const pid = id;
            this.supports = {globalAppBar: true, globalRhs: true};

            this.registerRootComponent = simple('Root')(pid);
            this.registerPopoverUserAttributesComponent = simple('PopoverUserAttributes')(pid);
            this.registerPopoverUserActionsComponent = simple('PopoverUserActions')(pid);
            this.registerLeftSidebarHeaderComponent = simple('LeftSidebarHeader')(pid);
            this.registerBottomTeamSidebarComponent = simple('BottomTeamSidebar')(pid);
            this.registerPostMessageAttachmentComponent = simple('PostMessageAttachment')(pid);
            this.registerLinkTooltipComponent = simple('LinkTooltip')(pid);
            this.registerActionAfterChannelCreation = reArg(['component', 'action'], ({component, action}) => {
                const cid = generateId();
                put('CreateBoardFromTemplate', {id: cid, pluginId: pid, component, action});
                return cid;
            });
            this.registerChannelHeaderButtonAction = reArg(['icon', 'action', 'dropdownText', 'tooltipText'], ({icon, action, dropdownText, tooltipText}) => {
                const cid = generateId();
                const data = {id: cid, pluginId: pid, icon: resolveReactElement(icon), action,
                    dropdownText: resolveReactElement(dropdownText), tooltipText: resolveReactElement(tooltipText)};
                put('ChannelHeaderButton', data);
                put('MobileChannelHeaderButton', data);
                return cid;
            });
            this.registerChannelIntroButtonAction = reArg(['icon', 'action', 'text'], ({icon, action, text}) => {
                const cid = generateId();
                put('ChannelIntroButton', {id: cid, pluginId: pid, icon: resolveReactElement(icon), action, text});
                return cid;
            });
            this.registerCallButtonAction = reArg(['button', 'dropdownButton', 'action'], ({button, dropdownButton, action}) => {
                const cid = generateId();
                const data = {id: cid, pluginId: pid, button: resolveReactElement(button), dropdownButton: resolveReactElement(dropdownButton), action};
                put('CallButton', data);
                put('MobileChannelHeaderButton', data);
                return cid;
            });
            this.registerPostTypeComponent = reArg(['type', 'component'], ({type, component}) => {
                const cid = generateId();
                put('PostType', {id: cid, pluginId: pid, type, component});
                return cid;
            });
            this.registerPostCardTypeComponent = reArg(['type', 'component'], ({type, component}) => {
                const cid = generateId();
                put('PostCardType', {id: cid, pluginId: pid, type, component});
                return cid;
            });
            this.registerPostWillRenderEmbedComponent = reArg(['match', 'component', 'toggleable'], ({match, component, toggleable}) => {
                const cid = generateId();
                put('PostWillRenderEmbedComponent', {id: cid, pluginId: pid, component, match, toggleable});
                return cid;
            });
            this.registerMainMenuAction = reArg(['text', 'action', 'mobileIcon'], ({text, action, mobileIcon}) => {
                const cid = generateId();
                put('MainMenu', {id: cid, pluginId: pid, text: resolveReactElement(text), action, mobileIcon: resolveReactElement(mobileIcon)});
                return cid;
            });
            this.registerChannelHeaderMenuAction = reArg(['text', 'action', 'shouldRender'], ({text, action, shouldRender = () => true}) => {
                const cid = generateId();
                put('ChannelHeader', {id: cid, pluginId: pid, text: resolveReactElement(text), action, shouldRender});
                return cid;
            });
            this.registerFileDropdownMenuAction = reArg(['match', 'text', 'action'], ({match, text, action}) => {
                const cid = generateId();
                put('FilesDropdown', {id: cid, pluginId: pid, match, text: resolveReactElement(text), action});
                return cid;
            });
            this.registerUserGuideDropdownMenuAction = reArg(['text', 'action'], ({text, action}) => {
                const cid = generateId();
                put('UserGuideDropdown', {id: cid, pluginId: pid, text: resolveReactElement(text), action});
                return cid;
            });
            this.registerPostDropdownMenuAction = reArg(['text', 'action', 'filter'], ({text, action, filter}) => {
                const cid = generateId();
                put('PostDropdownMenu', {id: cid, pluginId: pid, text: resolveReactElement(text), action, filter});
                return cid;
            });
            const postActionLike = (name) => reArg(['text', 'icon', 'subComponents', 'action', 'filter'], ({text, icon, subComponents, action, filter}) => {
                const cid = generateId();
                put(name, {id: cid, pluginId: pid, text, icon: resolveReactElement(icon), action, filter,
                    subComponents: subComponents.map((s) => ({id: generateId(), pluginId: pid, text: resolveReactElement(s.text), action: s.action, filter: s.filter}))});
                return cid;
            });
            this.registerPostAction = postActionLike('PostAction');
            this.registerPostEditorAction = postActionLike('PostEditorAction');
            this.registerPostDropdownSubMenuAction = reArg(['text', 'action', 'filter'], ({text, action, filter}) => {
                const rootId = generateId();
                const registerMenuItem = (itemId, parentMenuId, innerText, innerAction, innerFilter) => {
                    put('PostDropdownMenu', {id: itemId, parentMenuId, pluginId: pid, text: resolveReactElement(innerText), subMenu: [], action: innerAction, filter: innerFilter});
                    return (t, a, f) => {
                        if (parentMenuId) {
                            throw new Error('Submenus are currently limited to a single level.');
                        }
                        return registerMenuItem(generateId(), itemId, t, a, f);
                    };
                };
                return {id: rootId, rootRegisterMenuItem: registerMenuItem(rootId, null, text, action, filter)};
            });
            this.registerPostDropdownMenuComponent = simple('PostDropdownMenuItem')(pid);
            this.registerFileUploadMethod = reArg(['icon', 'action', 'text'], ({icon, action, text}) => {
                const cid = generateId();
                put('FileUploadMethod', {id: cid, pluginId: pid, text, action, icon});
                return cid;
            });
            this.registerFilesWillUploadHook = hookLike('FilesWillUploadHook')(pid);
            this.unregisterComponent = reArg(['componentId'], ({componentId}) => {
                store.dispatch({type: ActionTypes.REMOVED_PLUGIN_COMPONENT, id: componentId});
            });
            this.unregisterPostTypeComponent = reArg(['componentId'], ({componentId}) => {
                store.dispatch({type: ActionTypes.REMOVED_PLUGIN_COMPONENT, id: componentId});
            });
            this.registerReducer = reArg(['reducer'], ({reducer}) => {
                host.reducers[`plugins-${pid}`] = reducer;
            });
            this.registerWebSocketEventHandler = reArg(['event', 'handler'], ({event, handler}) => {
                host.websocket.registerPluginEvent(pid, event, handler);
            });
            this.unregisterWebSocketEventHandler = reArg(['event'], ({event}) => {
                host.websocket.unregisterPluginEvent(pid, event);
            });
            this.registerReconnectHandler = reArg(['handler'], ({handler}) => {
                host.websocket.registerReconnectHandler(pid, handler);
            });
            this.registerMessageWillBePostedHook = hookLike('MessageWillBePosted')(pid);
            this.registerSlashCommandWillBePostedHook = hookLike('SlashCommandWillBePosted')(pid);
            this.registerMessageWillFormatHook = hookLike('MessageWillFormat')(pid);
            this.registerFilePreviewComponent = reArg(['override', 'component'], ({override, component}) => {
                const cid = generateId();
                put('FilePreview', {id: cid, pluginId: pid, override, component});
                return cid;
            });
            this.registerTranslations = reArg(['getTranslationsForLocale'], ({getTranslationsForLocale}) => {
                host.intl.registerSource(pid, getTranslationsForLocale);
            });
            this.registerAdminConsolePlugin = reArg(['func'], ({func}) => {
                host.adminConsole[pid] = func;
            });
            // The admin console's reducer keeps them per plugin under the key lower-cased
            // (reducers/plugins adminConsoleCustomComponents); admin_console.jsx draws them.
            this.registerAdminConsoleCustomSetting = reArg(['key', 'component', 'options'], ({key, component, options: {showTitle} = {showTitle: false}}) => {
                host.adminConsoleSettings[pid] = {...host.adminConsoleSettings[pid], [String(key).toLowerCase()]: {pluginId: pid, key, component, options: {showTitle}}};
            });
            this.registerRightHandSidebarComponent = reArg(['component', 'title'], ({component, title}) => {
                const cid = generateId();
                put('RightHandSidebarComponent', {id: cid, pluginId: pid, component, title: resolveReactElement(title)});
                return {id: cid, showRHSPlugin: rhsActions.show(cid), hideRHSPlugin: rhsActions.hide(cid), toggleRHSPlugin: rhsActions.toggle(cid)};
            });
            this.registerNeedsTeamRoute = reArg(['route', 'component'], ({route, component}) => {
                const cid = generateId();
                put('NeedsTeamComponent', {id: cid, pluginId: pid, component, route: `${pid}/${standardizeRoute(route)}`});
                return cid;
            });
            this.registerCustomRoute = reArg(['route', 'component'], ({route, component}) => {
                const cid = generateId();
                put('CustomRouteComponent', {id: cid, pluginId: pid, component, route: `${pid}/${standardizeRoute(route)}`});
                return cid;
            });
            this.registerProduct = reArg(['baseURL', 'switcherIcon', 'switcherText', 'switcherLinkURL', 'mainComponent',
                'headerCentreComponent', 'headerRightComponent', 'showTeamSidebar', 'showAppBar', 'wrapped', 'publicComponent'], (p) => {
                const cid = generateId();
                put('Product', {id: cid, pluginId: pid, ...p});
                return cid;
            });
            this.registerMessageWillBeUpdatedHook = hookLike('MessageWillBeUpdated')(pid);
            this.registerSidebarChannelLinkLabelComponent = simple('SidebarChannelLinkLabel')(pid);
            this.registerChannelToastComponent = simple('ChannelToast')(pid);
            this.registerGlobalComponent = simple('Global')(pid);
            this.registerAppBarComponent = reArg(['iconUrl', 'action', 'tooltipText', 'supportedProductIds', 'rhsComponent', 'rhsTitle'],
                ({iconUrl, action, tooltipText, supportedProductIds = null, rhsComponent, rhsTitle}) => {
                    const cid = generateId();
                    const rhs = rhsComponent && this.registerRightHandSidebarComponent({title: rhsTitle, component: rhsComponent});
                    put('AppBar', {id: cid, pluginId: pid, iconUrl, tooltipText: resolveReactElement(tooltipText), supportedProductIds,
                        ...(rhs ? {action: () => store.dispatch(rhs.toggleRHSPlugin), rhsComponentId: rhs.id} : {action})});
                    return rhs ? {id: cid, rhsComponent: rhs} : cid;
                });
            this.registerSiteStatisticsHandler = reArg(['handler'], ({handler}) => {
                host.statsHandlers[pid] = handler;
            });
        }

        unregisterReconnectHandler() {
            host.websocket.unregisterReconnectHandler(this.id);
        }

        unregisterAdminConsolePlugin() {
            delete host.adminConsole[this.id];
        }
    };
}

// The real registry's public surface, to compare against in the tests (methods on instances).
export const REGISTRY_METHODS = [
    'registerRootComponent', 'registerPopoverUserAttributesComponent', 'registerPopoverUserActionsComponent',
    'registerLeftSidebarHeaderComponent', 'registerBottomTeamSidebarComponent', 'registerPostMessageAttachmentComponent',
    'registerLinkTooltipComponent', 'registerActionAfterChannelCreation', 'registerChannelHeaderButtonAction',
    'registerChannelIntroButtonAction', 'registerCallButtonAction', 'registerPostTypeComponent', 'registerPostCardTypeComponent',
    'registerPostWillRenderEmbedComponent', 'registerMainMenuAction', 'registerChannelHeaderMenuAction',
    'registerFileDropdownMenuAction', 'registerUserGuideDropdownMenuAction', 'registerPostDropdownMenuAction',
    'registerPostAction', 'registerPostEditorAction', 'registerPostDropdownSubMenuAction', 'registerPostDropdownMenuComponent',
    'registerFileUploadMethod', 'registerFilesWillUploadHook', 'unregisterComponent', 'unregisterPostTypeComponent',
    'registerReducer', 'registerWebSocketEventHandler', 'unregisterWebSocketEventHandler', 'registerReconnectHandler',
    'unregisterReconnectHandler', 'registerMessageWillBePostedHook', 'registerSlashCommandWillBePostedHook',
    'registerMessageWillFormatHook', 'registerFilePreviewComponent', 'registerTranslations', 'registerAdminConsolePlugin',
    'registerAdminConsoleCustomSetting', 'unregisterAdminConsolePlugin', 'registerRightHandSidebarComponent',
    'registerNeedsTeamRoute', 'registerCustomRoute', 'registerProduct', 'registerMessageWillBeUpdatedHook',
    'registerSidebarChannelLinkLabelComponent', 'registerChannelToastComponent', 'registerGlobalComponent',
    'registerAppBarComponent', 'registerSiteStatisticsHandler',
];
