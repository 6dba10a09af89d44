import React from 'react';

import type {PluginUI} from '../ui';

// Where the start and add-to-timeline forms are rendered. The host mounts Root components only
// in the channel view, not on the plugin's own pages, while the RHS and the App Bar are
// everywhere; so a ModalHost is rendered in the Root component, in each page and in the RHS.
// They register with PluginUI in mount order and only the first still mounted renders the forms:
// a form shows once, and when its host unmounts (leaving the channel view) the next one takes it
// over (the request stays in PluginUI, so the form reopens there).
export function ModalHost({ui, children}: {ui: PluginUI; children: React.ReactNode}): React.ReactElement | null {
    const token = React.useRef<object>({});
    const [active, setActive] = React.useState(false);
    React.useEffect(() => {
        const host = token.current;
        const update = () => setActive(ui.isActiveHost(host));
        const unsubscribe = ui.subscribe(update);
        const remove = ui.addHost(host);
        update();
        return () => {
            unsubscribe();
            remove();
        };
    }, [ui]);
    if (!active) {
        return null;
    }
    // Into the page's body, so a host inside the RHS (which the host may animate with a
    // transform) does not confine the fixed backdrop.
    const createPortal = (window as unknown as {ReactDOM?: {createPortal?: (node: React.ReactNode, el: Element) => React.ReactElement}})
        .ReactDOM?.createPortal;
    return typeof createPortal === 'function' ? createPortal(<>{children}</>, document.body) : <>{children}</>;
}
