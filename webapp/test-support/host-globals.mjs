// Which React versions the suites run under, and which screenshots each keeps. The host itself,
// with Mattermost's window globals for each React major, is test-support/faithful.
export {REACT_VERSIONS} from './faithful/build.mjs';

/** Screenshots are kept for React 18 (the reference); under 17 and 19 only these, suffixed. */
export function screenshotName(name, react) {
    if (String(react) === '18') {
        return name;
    }
    return ['rhs-detail-light', 'incidents-page-detail-light', 'add-to-timeline-light'].includes(name) ? `${name}-react${react}` : null;
}
