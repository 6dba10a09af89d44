// window.PostUtils as far as a plugin uses it: formatText(text, options) answers HTML and
// messageHtmlToComponent(html, options) answers React nodes. The real ones are Mattermost's
// own Markdown renderer (utils/text_formatting, utils/message_html_to_component) and cannot be
// built here; this stand-in keeps their contract (text in, escaped HTML out; HTML in, elements
// out) for the Markdown a checklist description uses: paragraphs, line breaks, **bold**,
// *italic*, `code`, [links](https://…) and "- " lists. It is a model of the contract, not of
// Mattermost's exact output.
import React from 'react';

function escape(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function inline(s) {
    let out = escape(s);
    out = out.replace(/`([^`]+)`/g, '<code>$1</code>');
    out = out.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
    out = out.replace(/\*([^*]+)\*/g, '<em>$1</em>');
    out = out.replace(/\[([^\]]+)\]\((https?:\/\/[^\s)]+)\)/g, '<a class="markdown__link" href="$2" rel="noreferrer" target="_blank">$1</a>');
    return out;
}

export function formatText(text) {
    const blocks = String(text ?? '').split(/\n{2,}/).filter((b) => b.trim() !== '');
    return blocks.map((block) => {
        const lines = block.split('\n');
        if (lines.every((l) => /^\s*[-*] /.test(l))) {
            return `<ul>${lines.map((l) => `<li>${inline(l.replace(/^\s*[-*] /, ''))}</li>`).join('')}</ul>`;
        }
        return `<p>${lines.map(inline).join('<br>')}</p>`;
    }).join('');
}

const ALLOWED = new Set(['p', 'br', 'strong', 'em', 'code', 'a', 'ul', 'li']);

function toElements(node, key) {
    if (node.nodeType === 3) {
        return node.textContent;
    }
    if (node.nodeType !== 1) {
        return null;
    }
    const tag = node.tagName.toLowerCase();
    const children = Array.from(node.childNodes).map((c, i) => toElements(c, i));
    if (!ALLOWED.has(tag)) {
        return React.createElement(React.Fragment, {key}, ...children);
    }
    const props = {key};
    if (tag === 'a') {
        props.href = node.getAttribute('href');
        props.rel = 'noreferrer';
        props.target = '_blank';
        props.className = 'markdown__link';
    }
    return tag === 'br' ? React.createElement('br', {key}) : React.createElement(tag, props, ...children);
}

export function messageHtmlToComponent(html) {
    const doc = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
    return React.createElement(React.Fragment, null, ...Array.from(doc.body.childNodes).map((n, i) => toElements(n, i)));
}
