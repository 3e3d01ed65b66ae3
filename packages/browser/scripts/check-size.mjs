#!/usr/bin/env node
// The size of @vwo/browser as a page ships it: its built ESM with the default transports,
// bundled for the browser by esbuild, minified, gzipped at level 9. Exits 1 when it grows past
// the ceiling. The ceiling guards against regressions at today's size; the goal is issue 5's
// budget, printed beside it until it is met.
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const KIB = 1024;
/** Issue 5: "at most 8 KB gzip". */
const GOAL_BYTES = 8 * KIB;
/** Today's size plus a little room; lower it whenever the bundle shrinks. */
const CEILING_BYTES = 24 * KIB;

export async function measure(contents, resolveDir) {
  const result = await build({
    stdin: { contents, resolveDir, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
  });
  const bytes = result.outputFiles[0].contents;
  return { minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, inputs: Object.keys(result.metafile.inputs) };
}

const here = new URL('..', import.meta.url).pathname;
const browser = await measure("export * from './dist/index.js';", here);
const kib = (bytes) => `${(bytes / KIB).toFixed(1)} KiB`;
console.log(`@vwo/browser, bundled with its default transports: ${kib(browser.gzip)} gzip (${kib(browser.minified)} minified)`);
console.log(`  ceiling ${kib(CEILING_BYTES)}: ${browser.gzip <= CEILING_BYTES ? 'within' : 'EXCEEDED'}`);
console.log(
  `  goal    ${kib(GOAL_BYTES)} (issue 5): ${browser.gzip <= GOAL_BYTES ? 'met' : `not met, ${kib(browser.gzip - GOAL_BYTES)} over`}`,
);
// A bundler targeting browsers must pick @vwo/core's browser build (compact SHA-1 rounds).
const coreBuilds = browser.inputs.filter((input) => /core\/dist\/[^/]+\.js$/.test(input));
const browserBuild = coreBuilds.length === 1 && coreBuilds[0].endsWith('core/dist/browser.js');
console.log(`  @vwo/core build bundled: ${coreBuilds.join(', ') || 'none'}${browserBuild ? '' : ' — EXPECTED core/dist/browser.js'}`);
if (browser.gzip > CEILING_BYTES || !browserBuild) process.exit(1);
