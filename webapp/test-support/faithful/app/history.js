// The host's browser history (utils/browser_history: createBrowserHistory({basename:
// window.basename})): paths given to push/replace are below the basename, which it adds.
export function createHostHistory(basename) {
    let listeners = [];
    const strip = (p) => (basename && p.startsWith(basename) ? p.slice(basename.length) || '/' : p);
    const history = {
        get location() {
            return {pathname: strip(window.location.pathname), search: window.location.search, hash: window.location.hash};
        },
        push(path) {
            window.history.pushState({}, '', basename + path);
            history.notify();
        },
        replace(path) {
            window.history.replaceState({}, '', basename + path);
            history.notify();
        },
        goBack() {
            window.history.back();
        },
        listen(fn) {
            listeners.push(fn);
            return () => {
                listeners = listeners.filter((l) => l !== fn);
            };
        },
        notify() {
            for (const l of listeners.slice()) {
                l(history.location);
            }
        },
    };
    window.addEventListener('popstate', () => history.notify());
    return history;
}
