import React from 'react';

import {basePath} from '../client';
import {currentTeamName, incidentsPagePath, navigateInHost, playbooksPagePath, reportsPagePath, useHostState} from '../host';
import {useT} from '../i18n';
import {id as pluginId} from '../manifest';
import type {Store} from '../types/mattermost';

import {CLS} from './common';

// Links between the plugin's pages (incidents, playbooks). Inside Mattermost they navigate
// through the host's router; elsewhere they are plain links.
export function PageNav({store, current}: {store: Store; current: 'incidents' | 'playbooks' | 'reports'}): React.ReactElement | null {
    const t = useT();
    const teamName = useHostState(store, currentTeamName);
    if (!teamName) {
        return null;
    }
    const pages = [
        {key: 'incidents', label: t('nav.incidents', 'Incidents'), path: incidentsPagePath(teamName, pluginId)},
        {key: 'playbooks', label: t('nav.playbooks', 'Playbooks'), path: playbooksPagePath(teamName, pluginId)},
        {key: 'reports', label: t('nav.reports', 'Reports'), path: reportsPagePath(teamName, pluginId)},
    ];
    return (
        <nav
            className={`${CLS}-page__nav`}
            aria-label={t('nav.label', 'Incident Response pages')}
        >
            {pages.map((p) => (
                <a
                    key={p.key}
                    className={`${CLS}-page__tab${p.key === current ? ` ${CLS}-page__tab--current` : ''}`}
                    href={basePath() + p.path}
                    aria-current={p.key === current ? 'page' : undefined}
                    onClick={(e) => {
                        if (navigateInHost(p.path)) {
                            e.preventDefault();
                        }
                    }}
                >
                    {p.label}
                </a>
            ))}
        </nav>
    );
}
