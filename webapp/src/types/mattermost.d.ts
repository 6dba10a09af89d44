// Minimal typings for the parts of the Mattermost webapp plugin API we use.
// Registry: mattermost/mattermost webapp/channels/src/plugins/registry.ts

import type {ComponentType, ReactNode} from 'react';

export interface Channel {
    id: string;
    [key: string]: unknown;
}

export interface ChannelMembership {
    channel_id: string;
    user_id: string;
    [key: string]: unknown;
}

export type ChannelHeaderButtonAction = (channel: Channel, channelMember?: ChannelMembership) => void;

// What the host passes to a websocket event handler.
export interface WebSocketMessage<T = Record<string, unknown>> {
    event: string;
    data: T;
    broadcast?: {channel_id?: string; team_id?: string; user_id?: string};
    seq?: number;
}

// registerRightHandSidebarComponent answers redux actions for the host's store.
export interface RHSRegistration {
    id: string;
    showRHSPlugin: unknown;
    hideRHSPlugin: unknown;
    toggleRHSPlugin: unknown;
}

export interface PluginRegistry {
    // Returns the generated component id.
    registerChannelHeaderButtonAction(
        icon: ReactNode,
        action: ChannelHeaderButtonAction,
        dropdownText: ReactNode,
        tooltipText: ReactNode,
    ): string;
    registerRightHandSidebarComponent(component: ComponentType<Record<string, unknown>>, title: ReactNode): RHSRegistration;
    registerWebSocketEventHandler(event: string, handler: (msg: WebSocketMessage) => void): void;
    unregisterWebSocketEventHandler?(event: string): void;
    registerReconnectHandler?(handler: () => void): void;
    registerTranslations(getTranslationsForLocale: (locale: string) => Record<string, string>): void;
    unregisterReconnectHandler?(): void;
    unregisterComponent(componentId: string): void;
    // Not in every host version: feature-detect before calling.
    registerRootComponent?(component: ComponentType<Record<string, unknown>>): string;
    registerChannelHeaderMenuAction?(text: ReactNode, action: (channelId: string) => void, shouldRender?: (state: unknown) => boolean): string;
    registerPostDropdownMenuAction?(text: ReactNode, action: (postId: string) => void, filter?: (postId: string) => boolean): string;
    // Served at /<team>/<plugin id>/<route>.
    registerNeedsTeamRoute?(route: string, component: ComponentType<Record<string, unknown>>): string;
    // A System Console setting of type "custom", by its key in plugin.json (case-insensitive).
    // Any props: the host passes CustomSettingProps, and a component typed with them must be accepted.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    registerAdminConsoleCustomSetting?(key: string, component: ComponentType<any>, options?: {showTitle?: boolean}): void;
    registerAppBarComponent?(iconUrl: string, action: (channel?: Channel, member?: ChannelMembership) => void, tooltipText: ReactNode): string | {id: string};
}

export interface Store {
    getState(): unknown;
    dispatch(action: unknown): unknown;
    subscribe(listener: () => void): () => void;
}

export interface PluginClass {
    initialize(registry: PluginRegistry, store: Store): void | Promise<void>;
    uninitialize?(): void;
}

declare global {
    interface Window {
        registerPlugin(pluginId: string, plugin: PluginClass): void;
    }
}
