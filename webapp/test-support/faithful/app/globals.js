// What the real host puts on window for plugins (webapp/channels/src/plugins/export.ts, read at
// mattermost/mattermost@51ce9c05): exactly these names. React, ReactDOM (the react-dom module
// itself, not react-dom/client), ReactIntl, WebappUtils.browserHistory and PostUtils are real or
// modelled; the others exist by name and throw when used, so a bundle that came to depend on
// one fails here instead of passing in tests and meeting a different library in production.
import React from 'react';
import * as ReactDOM from 'react-dom';
import * as ReactIntl from 'react-intl';

import {formatText, messageHtmlToComponent} from './post_utils.js';

export const GLOBAL_NAMES = ['React', 'ReactDOM', 'ReactIntl', 'Redux', 'ReactRedux', 'ReactBootstrap', 'ReactRouterDom',
    'PropTypes', 'Luxon', 'StyledComponents', 'PostUtils', 'openInteractiveDialog', 'useNotifyAdmin', 'WebappUtils',
    'openPricingModal', 'Components', 'ProductApi', 'DesktopApp'];

function notModelled(name, reads) {
    const fail = (what) => {
        reads.push(`${name}${what ? '.' + what : ''}`);
        throw new Error(`window.${name}${what ? '.' + what : ''} is a Mattermost global the test host does not model`);
    };
    const target = function () {};
    return new Proxy(target, {
        get(_t, prop) {
            if (typeof prop !== 'string' || prop === 'then' || prop === 'toJSON') {
                return undefined;
            }
            return fail(prop);
        },
        apply() {
            return fail('');
        },
    });
}

export function installGlobals(host) {
    const reads = host.unmodelledReads;
    window.React = React;
    window.ReactDOM = ReactDOM;
    window.ReactIntl = ReactIntl;
    for (const name of ['Redux', 'ReactRedux', 'ReactBootstrap', 'ReactRouterDom', 'PropTypes', 'Luxon', 'StyledComponents',
        'openInteractiveDialog', 'useNotifyAdmin', 'openPricingModal', 'Components', 'ProductApi', 'DesktopApp']) {
        window[name] = notModelled(name, reads);
    }
    // Calls are kept (options included) so a test can tell the plugin used the host's pipeline.
    host.postUtilsCalls = {formatText: [], messageHtmlToComponent: []};
    window.PostUtils = {
        formatText(text, options) {
            host.postUtilsCalls.formatText.push({text, options: options || {}});
            return formatText(text, options);
        },
        messageHtmlToComponent(html, options) {
            host.postUtilsCalls.messageHtmlToComponent.push({html, options: options || {}});
            return messageHtmlToComponent(html, options);
        },
    };
    const utils = {};
    Object.defineProperty(utils, 'browserHistory', {get: () => host.history, enumerable: true});
    window.WebappUtils = utils;
}
