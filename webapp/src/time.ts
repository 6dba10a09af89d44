// "just now", "5 min ago", "3 h ago", "2 days ago": short enough for a narrow sidebar.
export function ago(at: number, now: number): string {
    const s = Math.max(0, Math.round((now - at) / 1000));
    if (s < 45) {
        return 'just now';
    }
    const m = Math.round(s / 60);
    if (m < 60) {
        return `${m} min ago`;
    }
    const h = Math.floor(m / 60);
    if (h < 24) {
        return `${h} h ago`;
    }
    const d = Math.floor(h / 24);
    return d === 1 ? '1 day ago' : `${d} days ago`;
}

// For the tooltip and the <time> element.
export function fullDate(at: number): string {
    return new Date(at).toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'});
}

export function isoDate(at: number): string {
    return new Date(at).toISOString();
}
