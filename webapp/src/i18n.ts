import React from 'react';
import * as ReactIntl from 'react-intl';

import {id as pluginId} from './manifest';
import englishTable from './translations/en.json';

// Messages go through the host's react-intl (window.ReactIntl and the IntlProvider Mattermost
// wraps every plugin component in), so a translation registered for the user's locale is used
// and English (the default message) is shown otherwise. Ids are prefixed with the plugin id:
// the host merges plugin translations into its own table, where a bare id could replace one of
// Mattermost's own strings.

export type MessageValues = Record<string, string | number>;
export type Translate = (id: string, defaultMessage: string, values?: MessageValues) => string;

export function messageId(id: string): string {
    return `${pluginId}.${id}`;
}

// The bundle leaves the defaults of t() calls empty (scripts/esbuild-messages.mjs): English comes
// from en.json, made from those same defaults. Unbundled (tests of single modules) the default is
// still there and wins.
const englishMessages = englishTable as Record<string, string>;
function defaultOf(id: string, defaultMessage: string): string {
    return defaultMessage || englishMessages[messageId(id)] || '';
}

type Formatter = {formatMessage: (d: {id: string; defaultMessage: string}, v?: MessageValues) => string};

// Outside any IntlProvider (or on a host without react-intl) the default message is formatted
// here: `{name}` and `{count, plural, one {…} other {…}}` with `#`, which is all our messages use.
export function formatDefault(message: string, values: MessageValues = {}): string {
    let out = '';
    let i = 0;
    while (i < message.length) {
        const open = message.indexOf('{', i);
        if (open < 0) {
            out += message.slice(i);
            break;
        }
        out += message.slice(i, open);
        const close = matchingBrace(message, open);
        if (close < 0) {
            out += message.slice(open);
            break;
        }
        out += formatArgument(message.slice(open + 1, close), values);
        i = close + 1;
    }
    return out;
}

function matchingBrace(text: string, open: number): number {
    let depth = 0;
    for (let j = open; j < text.length; j++) {
        if (text[j] === '{') {
            depth++;
        } else if (text[j] === '}') {
            depth--;
            if (depth === 0) {
                return j;
            }
        }
    }
    return -1;
}

function formatArgument(arg: string, values: MessageValues): string {
    const [name, kind] = arg.split(',').map((s) => s.trim());
    const value = values[name];
    if (kind !== 'plural') {
        return value === undefined ? `{${arg}}` : String(value);
    }
    const n = Number(value);
    const choices = new Map<string, string>();
    const re = /(=\d+|zero|one|two|few|many|other)\s*\{/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(arg)) !== null) {
        const open = m.index + m[0].length - 1;
        const close = matchingBrace(arg, open);
        if (close < 0) {
            break;
        }
        choices.set(m[1], arg.slice(open + 1, close));
        re.lastIndex = close + 1;
    }
    const chosen = choices.get(`=${n}`) ?? (n === 1 ? choices.get('one') : undefined) ?? choices.get('other') ?? '';
    return formatDefault(chosen.replace(/#/g, String(n)), values);
}

/** The default messages, formatted: for code that has no `t` from useT. */
export const english: Translate = (id, defaultMessage, values) => formatDefault(defaultOf(id, defaultMessage), values);

// The host's IntlContext; a context nobody provides when the host has no react-intl.
const HostIntl: React.Context<unknown> = (ReactIntl as unknown as {IntlContext?: React.Context<unknown>}).IntlContext ??
    React.createContext<unknown>(null);

/** `t('rhs.title', 'Incidents')`: the message in the user's language. */
export function useT(): Translate {
    const intl = React.useContext(HostIntl) as Formatter | null;
    return React.useCallback<Translate>((id, given, values) => {
        const defaultMessage = defaultOf(id, given);
        if (intl && typeof intl.formatMessage === 'function') {
            return intl.formatMessage({id: messageId(id), defaultMessage}, values);
        }
        return formatDefault(defaultMessage, values);
    }, [intl]);
}

// Messages with React elements inside (a user name, a link, a <time>): the whole sentence is one
// message, so a translation can put the elements anywhere. The message is formatted with
// slots(...) as the values of those placeholders, which leaves a marker where each goes, and
// fill(...) replaces the markers by the elements:
//   fill(t('checklist.assignedTo', 'Assigned to {user}', slots('user')), {user: <UserName …/>})
const SLOT_OPEN = '\uE000';
const SLOT_CLOSE = '\uE001';
const SLOT_RE = /\uE000([^\uE000\uE001]*)\uE001/;

/** The values that mark where the named elements go in a formatted message. */
export function slots(...names: string[]): MessageValues {
    const values: MessageValues = {};
    for (const name of names) {
        values[name] = `${SLOT_OPEN}${name}${SLOT_CLOSE}`;
    }
    return values;
}

/** The formatted message with each slot's marker replaced by its element (nothing if none is given). */
export function fill(text: string, elements: Record<string, React.ReactNode>): React.ReactElement {
    // With a capturing group, split leaves the slot names at the odd indices.
    const parts = text.split(SLOT_RE).map((part, i) => (i % 2 ? elements[part] ?? null : part));
    return React.createElement(React.Fragment, null, ...parts);
}
