import React from 'react';

import {useT} from '../../i18n';
import {CLS} from '../common';

// Previous / "Page n of m" / Next under the table; page counts from 0.
export function Pager({page, pages, setPage}: {
    page: number;
    pages: number;
    setPage: (update: (p: number) => number) => void;
}): React.ReactElement {
    const t = useT();
    return (
        <nav
            className={`${CLS}-page__pager`}
            aria-label={t('page.pager.label', 'Pages')}
        >
            <button
                type='button'
                className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                disabled={page === 0}
                onClick={() => setPage((p) => Math.max(0, p - 1))}
            >
                {t('page.pager.previous', 'Previous')}
            </button>
            <span className={`${CLS}-small`}>{t('page.pager.position', 'Page {page} of {pages}', {page: page + 1, pages})}</span>
            <button
                type='button'
                className={`${CLS}-button ${CLS}-button--tertiary ${CLS}-button--small`}
                disabled={page + 1 >= pages}
                onClick={() => setPage((p) => p + 1)}
            >
                {t('page.pager.next', 'Next')}
            </button>
        </nav>
    );
}
