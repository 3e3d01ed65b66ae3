/**
 * The @vwo/core a test runs against: the sources, or with `VWO_CORE_BUILD=browser` the browser
 * build (`dist/browser.js`, what a page's bundler picks by the `browser` export condition), so
 * that its compact variants are held to the same answers and bytes (vitest.browser-build.config.ts).
 */
import * as sources from '../../src/index.js';

const browserBuild = '../../dist/browser.js';

export const core: typeof sources =
  process.env.VWO_CORE_BUILD === 'browser' ? ((await import(/* @vite-ignore */ browserBuild)) as typeof sources) : sources;
