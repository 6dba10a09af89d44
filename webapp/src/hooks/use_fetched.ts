import React from 'react';

import {isAbort} from '../components/common';

export interface Fetched<T> {
    // The last answer; kept while a newer request runs, so a list does not blank on every refetch.
    data: T | null;
    // The last request's failure (null once one succeeds); format it with errorMessage(error, t).
    error: unknown;
    loading: boolean;
    // Fetch again now (after an event or a change), aborting a request still running.
    reload: () => void;
}

interface State<T> {
    data: T | null;
    error: unknown;
    loading: boolean;
}

// One request per change of deps: load gets an AbortSignal, which is aborted when deps change, on
// reload, and on unmount; an aborted request sets nothing (React 17 warns of updates after
// unmount). load may answer undefined to fetch nothing (no team yet). The lint checks deps at
// each call as it does useEffect's (additionalHooks in eslint.config.mjs).
export function useFetched<T>(load: (signal: AbortSignal) => Promise<T> | undefined, deps: React.DependencyList): Fetched<T> {
    const [state, setState] = React.useState<State<T>>({data: null, error: null, loading: false});
    const [reloads, setReloads] = React.useState(0);
    const reload = React.useCallback(() => setReloads((n) => n + 1), []);

    React.useEffect(() => {
        const controller = new AbortController();
        const pending = load(controller.signal);
        if (!pending) {
            setState((s) => (s.loading ? {...s, loading: false} : s));
            return undefined;
        }
        setState((s) => ({...s, loading: true}));
        // An answer that arrives after the abort (it was already on its way when deps changed or
        // the component unmounted) sets nothing either.
        pending.then(
            (data) => {
                if (!controller.signal.aborted) {
                    setState({data, error: null, loading: false});
                }
            },
            (e) => {
                if (!isAbort(e) && !controller.signal.aborted) {
                    setState((s) => ({...s, error: e, loading: false}));
                }
            },
        );
        return () => controller.abort();
        // load is a new closure on every render; deps name what it reads, and the lint checks them
        // at each call site (additionalHooks), so they and reloads are the whole list here.
        // eslint-disable-next-line react-hooks/exhaustive-deps
    }, [...deps, reloads]);

    return {...state, reload};
}
