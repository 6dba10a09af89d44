import type {Translate} from './i18n';

// "just now", "5 min ago", "3 h ago", "2 days ago": short enough for a narrow sidebar.
export function ago(at: number, now: number, t: Translate): string {
    const s = Math.max(0, Math.round((now - at) / 1000));
    if (s < 45) {
        return t('time.justNow', 'just now');
    }
    const m = Math.round(s / 60);
    if (m < 60) {
        return t('time.minutesAgo', '{count, plural, one {# min ago} other {# min ago}}', {count: m});
    }
    const h = Math.floor(m / 60);
    if (h < 24) {
        return t('time.hoursAgo', '{count, plural, one {# h ago} other {# h ago}}', {count: h});
    }
    const d = Math.floor(h / 24);
    return t('time.daysAgo', '{count, plural, one {# day ago} other {# days ago}}', {count: d});
}

// How long something lasted: "2 h 5 min", "3 days 4 h", "45 s".
export function duration(ms: number, t: Translate): string {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) {
        return t('time.seconds', '{count, plural, one {# s} other {# s}}', {count: s});
    }
    const m = Math.floor(s / 60);
    if (m < 60) {
        return t('time.minutes', '{count, plural, one {# min} other {# min}}', {count: m});
    }
    const h = Math.floor(m / 60);
    if (h < 24) {
        return m % 60 ?
            t('time.hoursMinutes', '{hours, plural, one {# h} other {# h}} {minutes, plural, one {# min} other {# min}}', {hours: h, minutes: m % 60}) :
            t('time.hours', '{count, plural, one {# h} other {# h}}', {count: h});
    }
    const d = Math.floor(h / 24);
    return h % 24 ?
        t('time.daysHours', '{days, plural, one {# day} other {# days}} {hours, plural, one {# h} other {# h}}', {days: d, hours: h % 24}) :
        t('time.days', '{count, plural, one {# day} other {# days}}', {count: d});
}

// The viewer's Mattermost time zone (an IANA name), set from the host's state (index.tsx);
// undefined: the browser's, as Mattermost itself does when the user has none.
let viewerZone: string | undefined;

export function setViewerTimeZone(zone: string | undefined): void {
    viewerZone = zone;
}

// User.timezone as mattermost-redux's getUserCurrentTimezone reads it: the automatic zone when
// useAutomaticTimezone is "true" (a boolean in some states), else the manual one; undefined
// when unset or unknown to this browser.
export function preferredTimeZone(tz?: {useAutomaticTimezone?: string | boolean; automaticTimezone?: string; manualTimezone?: string}): string | undefined {
    const zone = tz && (String(tz.useAutomaticTimezone) === 'true' ? tz.automaticTimezone : tz.manualTimezone);
    try {
        return zone ? new Intl.DateTimeFormat('en', {timeZone: zone}).resolvedOptions().timeZone : undefined;
    } catch {
        return undefined;
    }
}

// For the tooltip and the <time> element, in the viewer's zone.
export function fullDate(at: number): string {
    return new Date(at).toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short', timeZone: viewerZone});
}

// The wall clock of `at` in the viewer's zone as [year, month, day, hour, minute].
function wallClock(at: number): number[] {
    const parts = new Intl.DateTimeFormat('en-US', {timeZone: viewerZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric'}).formatToParts(at);
    return ['year', 'month', 'day', 'hour', 'minute'].map((k) => Number(parts.find((p) => p.type === k)?.value));
}

// `2026-12-01T14:05` in the viewer's zone, as a datetime-local field shows it.
export function toZoneInput(at: number): string {
    const [y, mo, d, h, mi] = wallClock(at).map((n) => String(n).padStart(2, '0'));
    return `${y}-${mo}-${d}T${h}:${mi}`;
}

// A datetime-local value (or a yyyy-mm-dd day, at its midnight) read in the viewer's zone, to
// ms; NaN when it is none. A time the clocks skip reads as the one an hour later.
export function fromZoneInput(value: string): number {
    const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(value);
    if (!m) {
        return NaN;
    }
    const wanted = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0));
    const offset = (at: number) => {
        const [y, mo, d, h, mi] = wallClock(at);
        return Date.UTC(y, mo - 1, d, h, mi) - (at - (at % 60_000));
    };
    const guess = wanted - offset(wanted);
    return wanted - offset(guess);
}

export function isoDate(at: number): string {
    return new Date(at).toISOString();
}
