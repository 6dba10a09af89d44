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

// For the tooltip and the <time> element.
export function fullDate(at: number): string {
    return new Date(at).toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'});
}

export function isoDate(at: number): string {
    return new Date(at).toISOString();
}
