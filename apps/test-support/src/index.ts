/**
 * What the repository's tests share. Built to dist/ by tsup, as other packages are.
 */
export { CHROMIUM_ARGS, CHROMIUM_FLAGS, chromiumPath, requireChromium } from './chromium.js';
