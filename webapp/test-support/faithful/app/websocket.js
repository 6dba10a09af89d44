// The host's websocket (actions/websocket_actions): one connection to <basename>/api/v4/websocket,
// authenticated by the session cookie. Whatever the server sends this client goes to every
// plugin handler registered for exactly that event name (custom_<plugin id>_<event> for plugin
// events); the server decides who gets an event (its broadcast: user, channel members or team
// members), so a client only ever sees what was addressed to its user. After a reconnect the
// plugins' reconnect handlers run, as the real host calls them.
export function createWebSocket(_host) {
    const handlers = {}; // plugin id -> {event: handler}
    const reconnectHandlers = {}; // plugin id -> handler
    let socket = null;
    let everConnected = false;
    let closedByUs = false;
    const ws = {
        connected: false,
        received: [], // event names, for the tests
        registerPluginEvent(pluginId, event, handler) {
            handlers[pluginId] = {...(handlers[pluginId] || {}), [event]: handler};
        },
        unregisterPluginEvent(pluginId, event) {
            if (handlers[pluginId]) {
                delete handlers[pluginId][event];
            }
        },
        unregisterAllPluginEvents(pluginId) {
            delete handlers[pluginId];
        },
        registerReconnectHandler(pluginId, handler) {
            reconnectHandlers[pluginId] = handler;
        },
        unregisterReconnectHandler(pluginId) {
            delete reconnectHandlers[pluginId];
        },
        handlerCount() {
            return Object.values(handlers).reduce((n, h) => n + Object.keys(h).length, 0);
        },
        connect() {
            closedByUs = false;
            const url = `${location.origin.replace(/^http/, 'ws')}${window.basename}/api/v4/websocket`;
            socket = new WebSocket(url);
            socket.onmessage = (m) => {
                let msg;
                try {
                    msg = JSON.parse(m.data);
                } catch {
                    return;
                }
                if (!msg || !msg.event) {
                    return;
                }
                ws.received.push(msg.event);
                if (msg.event === 'hello') {
                    const again = everConnected;
                    everConnected = true;
                    ws.connected = true;
                    if (again) {
                        for (const h of Object.values(reconnectHandlers)) {
                            h();
                        }
                    }
                    return;
                }
                for (const events of Object.values(handlers)) {
                    if (Object.hasOwn(events, msg.event) && typeof events[msg.event] === 'function') {
                        events[msg.event](msg);
                    }
                }
            };
            socket.onclose = () => {
                ws.connected = false;
                if (!closedByUs) {
                    setTimeout(() => ws.connect(), 500);
                }
            };
        },
        // Drops the connection the way a network blip does; the host reconnects by itself.
        drop() {
            socket?.close();
        },
        close() {
            closedByUs = true;
            socket?.close();
        },
    };
    return ws;
}
