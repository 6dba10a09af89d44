// Messages as the real host has them (actions/views/root.ts, components/intl_provider): the
// host's own table for the user's locale, merged with what every plugin's registered
// translations source answers for that locale (registry.registerTranslations). Nothing else
// reaches the IntlProvider: a plugin that registers no source is always shown its default
// messages. The host's table here holds only the host strings the test host draws itself.
const HOST_MESSAGES = {
    en: {
        'pluginsMenu.more_actions': 'More actions',
        'post_info.actions.tooltip.actions': 'Message actions',
        'channel_header.channelMenuAriaLabel': 'Channel menu',
        'rhs_header.closeSidebarTooltip': 'Close',
        'sidebar.channels': 'Channels',
    },
    fr: {
        'pluginsMenu.more_actions': 'Plus d’actions',
        'post_info.actions.tooltip.actions': 'Actions du message',
        'channel_header.channelMenuAriaLabel': 'Menu du canal',
        'rhs_header.closeSidebarTooltip': 'Fermer',
        'sidebar.channels': 'Canaux',
    },
};

export function createIntl(onChange) {
    const sources = {}; // plugin id -> getTranslationsForLocale
    const intl = {
        locale: 'en',
        messages: {},
        registerSource(pluginId, fn) {
            sources[pluginId] = fn;
            intl.reload();
        },
        unregisterSource(pluginId) {
            delete sources[pluginId];
            intl.reload();
        },
        setLocale(locale) {
            intl.locale = locale || 'en';
            intl.reload();
        },
        hostMessage(id) {
            return (HOST_MESSAGES[intl.locale] || {})[id] || HOST_MESSAGES.en[id] || id;
        },
        reload() {
            // loadTranslations: every plugin source for the user's locale first, then the host's
            // own table over them (a plugin cannot replace a host string).
            let merged = {};
            for (const fn of Object.values(sources)) {
                const table = fn(intl.locale);
                if (table && typeof table === 'object') {
                    merged = {...merged, ...table};
                }
            }
            intl.messages = {...merged, ...(HOST_MESSAGES[intl.locale] || {})};
            onChange();
        },
    };
    return intl;
}
