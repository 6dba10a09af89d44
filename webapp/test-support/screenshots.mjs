// Screenshots of the Chromium suites, in webapp/test-output/: all of them under React 18 (the
// reference), a few under 17 and 19 too, suffixed with the version.
import {mkdirSync} from 'node:fs';
import path from 'node:path';

import {outDir} from './devserver.mjs';

const EVERY_VERSION = ['rhs-detail-light', 'incidents-page-detail-light', 'add-to-timeline-light'];

/** The file name for `name` under React `react`, or null when that version keeps none. */
export function screenshotName(name, react) {
    if (String(react) === '18') {
        return name;
    }
    return EVERY_VERSION.includes(name) ? `${name}-react${react}` : null;
}

/** Takes the page's picture once its images have loaded, if this React version keeps it. */
export async function screenshot(page, name, react) {
    const file = screenshotName(name, react);
    if (!file) {
        return;
    }
    mkdirSync(outDir, {recursive: true});
    await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
    await page.screenshot({path: path.join(outDir, `${file}.png`)});
}
