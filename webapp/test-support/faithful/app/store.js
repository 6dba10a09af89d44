// The host's redux store, as far as plugins can see it: mattermost-redux's state paths that the
// bundle reads (entities.*), views.rhs, plugins.components, and thunk middleware (the real store
// is built with redux-thunk: `toggleRHSPlugin`/`hideRHSPlugin` are thunks). A small
// redux-compatible store rather than the redux package: plugins get it only through
// `initialize(registry, store)`, where its contract is getState/dispatch/subscribe.

export const ActionTypes = {
    RECEIVED_PLUGIN_COMPONENT: 'RECEIVED_PLUGIN_COMPONENT',
    REMOVED_PLUGIN_COMPONENT: 'REMOVED_PLUGIN_COMPONENT',
    REMOVED_WEBAPP_PLUGIN: 'REMOVED_WEBAPP_PLUGIN',
    UPDATE_RHS_STATE: 'UPDATE_RHS_STATE',
    RECEIVED_POST: 'RECEIVED_POST',
    RECEIVED_ME: 'RECEIVED_ME',
    RECEIVED_CONFIG: 'RECEIVED_CONFIG',
    RECEIVED_TEAMS: 'RECEIVED_TEAMS',
    SELECT_TEAM: 'SELECT_TEAM',
    RECEIVED_MY_CHANNELS: 'RECEIVED_MY_CHANNELS',
    SELECT_CHANNEL: 'SELECT_CHANNEL',
    RECEIVED_TRANSLATIONS: 'RECEIVED_TRANSLATIONS',
};

export const RHS_PLUGIN = 'plugin';

function initialState() {
    return {
        entities: {
            general: {config: {}},
            users: {currentUserId: '', profiles: {}},
            teams: {currentTeamId: '', teams: {}},
            channels: {currentChannelId: '', channels: {}, myMembers: {}},
            posts: {posts: {}},
        },
        views: {rhs: {rhsState: null, pluggableId: ''}},
        plugins: {components: {}},
        translations: {},
    };
}

function withEntity(state, key, value) {
    return {...state, entities: {...state.entities, [key]: value}};
}

function reduce(state, action) {
    const e = state.entities;
    switch (action.type) {
    case ActionTypes.RECEIVED_PLUGIN_COMPONENT: {
        const list = (state.plugins.components[action.name] || []).concat([action.data]);
        return {...state, plugins: {...state.plugins, components: {...state.plugins.components, [action.name]: list}}};
    }
    case ActionTypes.REMOVED_PLUGIN_COMPONENT: {
        const components = {};
        for (const [name, list] of Object.entries(state.plugins.components)) {
            components[name] = list.filter((c) => c.id !== action.id);
        }
        return {...state, plugins: {...state.plugins, components}};
    }
    case ActionTypes.REMOVED_WEBAPP_PLUGIN: {
        const components = {};
        for (const [name, list] of Object.entries(state.plugins.components)) {
            components[name] = list.filter((c) => c.pluginId !== action.data.id);
        }
        return {...state, plugins: {...state.plugins, components}};
    }
    case ActionTypes.UPDATE_RHS_STATE:
        // The rhs reducer keeps a pluggable id only while a plugin's RHS is what is shown.
        return {...state, views: {...state.views, rhs: {rhsState: action.state || null, pluggableId: action.state === RHS_PLUGIN ? action.pluggableId : ''}}};
    case ActionTypes.RECEIVED_POST:
        return withEntity(state, 'posts', {posts: {...e.posts.posts, [action.data.id]: action.data}});
    case ActionTypes.RECEIVED_ME:
        return withEntity(state, 'users', {currentUserId: action.data.id, profiles: {...e.users.profiles, [action.data.id]: action.data}});
    case ActionTypes.RECEIVED_CONFIG:
        return withEntity(state, 'general', {config: action.data});
    case ActionTypes.RECEIVED_TEAMS: {
        const teams = {};
        for (const t of action.data) { teams[t.id] = t; }
        return withEntity(state, 'teams', {...e.teams, teams});
    }
    case ActionTypes.SELECT_TEAM:
        return withEntity(state, 'teams', {...e.teams, currentTeamId: action.data});
    case ActionTypes.RECEIVED_MY_CHANNELS: {
        const channels = {...e.channels.channels};
        for (const c of action.data) { channels[c.id] = c; }
        return withEntity(state, 'channels', {...e.channels, channels});
    }
    case ActionTypes.SELECT_CHANNEL:
        return withEntity(state, 'channels', {...e.channels, currentChannelId: action.data});
    case ActionTypes.RECEIVED_TRANSLATIONS:
        return {...state, translations: {...state.translations, [action.locale]: action.data}};
    default:
        return state;
    }
}

export function createHostStore() {
    let state = initialState();
    let listeners = [];
    const store = {
        getState: () => state,
        subscribe(listener) {
            listeners.push(listener);
            return () => {
                listeners = listeners.filter((l) => l !== listener);
            };
        },
        dispatch(action) {
            // redux-thunk: a function is called with dispatch and getState, its result returned.
            if (typeof action === 'function') {
                return action(store.dispatch, store.getState);
            }
            if (!action || typeof action !== 'object' || typeof action.type === 'undefined') {
                // What redux itself throws for a non-action (a plugin dispatching a bad value).
                throw new Error('Actions must be plain objects with a "type" property. Got: ' + String(action));
            }
            state = reduce(state, action);
            for (const l of listeners.slice()) { l(); }
            return action;
        },
    };
    return store;
}

// actions/views/rhs.ts: showRHSPlugin is a plain action; hide/toggle are thunks that look at the
// RHS's current pluggable id; closeRightHandSide empties the RHS.
export const rhsActions = {
    show: (pluggableId) => ({type: ActionTypes.UPDATE_RHS_STATE, state: RHS_PLUGIN, pluggableId}),
    close: () => ({type: ActionTypes.UPDATE_RHS_STATE, state: null}),
    hide: (pluggableId) => (dispatch, getState) => {
        if (getState().views.rhs.pluggableId === pluggableId) {
            dispatch(rhsActions.close());
        }
        return {data: true};
    },
    toggle: (pluggableId) => (dispatch, getState) => {
        if (getState().views.rhs.pluggableId === pluggableId) {
            dispatch(rhsActions.hide(pluggableId));
            return {data: false};
        }
        dispatch(rhsActions.show(pluggableId));
        return {data: true};
    },
};
