import {id as pluginId} from './manifest';

export const apiBase = `/plugins/${pluginId}/api/v0`;

export interface HealthResult {
    ok: boolean;
    status: number;
    body: unknown;
}

// GET the server half's health endpoint. The X-Requested-With header is what
// Mattermost's own Client4 sends; it marks the request as an XHR-style call.
export async function fetchHealth(signal?: AbortSignal): Promise<HealthResult> {
    const response = await fetch(`${apiBase}/health`, {
        method: 'GET',
        headers: {'X-Requested-With': 'XMLHttpRequest'},
        credentials: 'same-origin',
        signal,
    });
    const contentType = response.headers.get('Content-Type') ?? '';
    const body: unknown = contentType.includes('application/json') ? await response.json() : await response.text();
    return {ok: response.ok, status: response.status, body};
}
