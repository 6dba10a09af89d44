// Minimal typings for the parts of the Mattermost webapp plugin API we use.
// Registry: mattermost/mattermost webapp/channels/src/plugins/registry.ts

import type {ReactNode} from 'react';

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

export interface PluginRegistry {
    // Returns the generated component id.
    registerChannelHeaderButtonAction(
        icon: ReactNode,
        action: ChannelHeaderButtonAction,
        dropdownText: ReactNode,
        tooltipText: ReactNode,
    ): string;
    unregisterComponent(componentId: string): void;
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
