import React from 'react';

import {CLS} from './common';

// The host's own Markdown pipeline (webapp/channels/src/plugins/export.ts puts it on window):
// formatText turns text into sanitised HTML the way posts are, messageHtmlToComponent turns that
// HTML into React nodes (links, mentions, code) without innerHTML.
interface PostUtils {
    formatText?: (text: string, options?: Record<string, unknown>) => string;
    messageHtmlToComponent?: (html: string, options?: Record<string, unknown>) => React.ReactNode;
}

function hostPostUtils(): PostUtils | undefined {
    return (window as unknown as {PostUtils?: PostUtils}).PostUtils;
}

// Without the host's pipeline: the text as it is, line breaks kept (React escapes it).
function plain(text: string): React.ReactNode {
    const lines = text.split('\n');
    return lines.map((line, i) => (
        <React.Fragment key={i}>
            {line}
            {i < lines.length - 1 && <br/>}
        </React.Fragment>
    ));
}

/** User-written Markdown (an item's description), rendered the way Mattermost renders a post. */
export function Markdown({text, className, id}: {text: string; className?: string; id?: string}): React.ReactElement {
    const nodes = React.useMemo(() => {
        const utils = hostPostUtils();
        if (typeof utils?.formatText === 'function' && typeof utils.messageHtmlToComponent === 'function') {
            try {
                const html = utils.formatText(text, {markdown: true, atMentions: true, mentionHighlight: false, singleline: false});
                return utils.messageHtmlToComponent(html, {mentionHighlight: false});
            } catch {
                // A host whose pipeline throws on this text: plain text below.
            }
        }
        return plain(text);
    }, [text]);
    return (
        <div
            id={id}
            className={`${CLS}-markdown${className ? ` ${className}` : ''}`}
        >
            {nodes}
        </div>
    );
}
