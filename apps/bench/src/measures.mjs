// Memory, launch time, bundle size and real HTTP on loopback: the figures of `pnpm bench` that are not rates.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import { parseSettings } from '@vwo/core';
import { launch } from '@vwo/node';
import { createMemoryStorage } from '@vwo/storage-memory';
import { build } from 'esbuild';
import { HTTP_MEASURES } from './http.mjs';
import { launchReference } from './reference.mjs';
import * as w from './workloads.mjs';

const require = createRequire(import.meta.url);
/**
 * Issue 17: an app importing `launch` from @vwo/browser, bundled and minified, at most 15 KiB gzip
 * (it replaced issue 5's 8 KB budget for every export; packages/browser/scripts/check-size.mjs
 * holds the CI ceiling).
 */
const LAUNCH_GOAL_BYTES = 15 * 1024;

function heapAfterGc() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export const MEASURES = {
  /** Heap held by @vwo/storage-memory per 1,000,000 stored assignments. */
  'memory: storage-memory, 1,000,000 assignments': async ({ quick }) => {
    const count = quick ? 200_000 : 1_000_000;
    const storage = createMemoryStorage({ maxEntries: count });
    const ids = w.userIds(count);
    const before = heapAfterGc();
    for (let i = 0; i < count; i++)
      storage.set({ userId: ids[i], campaignKey: 'campaign-1', variationName: i % 2 ? 'Control' : 'Variation-1' });
    const after = heapAfterGc();
    // Both must stay alive until after the measurement, or V8 frees them before it.
    const held = storage.size + ids.length - count;
    const perMillion = ((after - before) / count) * 1_000_000;
    return [
      {
        measure: 'heap per 1,000,000 assignments (storage-memory)',
        value: `${(perMillion / 2 ** 20).toFixed(0)} MiB`,
        detail: `${((after - before) / count).toFixed(0)} B per assignment (user id strings excluded), measured over ${held} stored`,
      },
    ];
  },

  /** Heap growth across 100,000 decisions through the public API, after a warm-up. */
  'memory: heap growth per 100,000 decisions': async () => {
    const vwo = await launch({ settingsFile: w.twoVariations, transport: { send: async () => ({ status: 200 }) }, logLevel: 'silent' });
    const ids = w.userIds(100_000);
    for (const id of ids) await vwo.getVariationName('campaign-1', id);
    const before = heapAfterGc();
    for (const id of ids) await vwo.getVariationName('campaign-1', id);
    const after = heapAfterGc();
    await vwo.close();
    return [
      {
        measure: 'heap growth per 100,000 getVariationName calls',
        value: `${((after - before) / 1024).toFixed(1)} KiB`,
        detail: 'after one warm-up pass over the same ids',
      },
    ];
  },

  /** Time to turn a 1,000-campaign settings file into a ready model, beside vwo-node-sdk's launch. */
  'launch: 1,000-campaign settings file': async ({ quick }) => {
    const runs = quick ? 5 : 15;
    const text = JSON.stringify(w.thousand);
    const ours = [];
    const theirs = [];
    for (let i = 0; i < runs; i++) {
      let start = performance.now();
      const parsed = parseSettings(JSON.parse(text));
      ours.push(performance.now() - start);
      if (!parsed.ok) throw parsed.error;
      start = performance.now();
      launchReference(JSON.parse(text));
      theirs.push(performance.now() - start);
    }
    const a = median(ours);
    const b = median(theirs);
    return [
      {
        measure: 'parseSettings, 1,000 campaigns (a third behind a 6-condition segment)',
        value: `${a.toFixed(1)} ms`,
        detail: `median of ${runs}`,
      },
      { measure: 'vwo-node-sdk launch, same file', value: `${b.toFixed(1)} ms`, detail: `${(b / a).toFixed(1)}× ours` },
    ];
  },

  /** Bundled for the browser, minified and gzipped; an app importing `launch` beside issue 17's goal. */
  size: async () => {
    const rows = [];
    const bundle = async (label, contents, resolveDir, budgetBytes, platform = 'browser') => {
      const result = await build({
        stdin: { contents, resolveDir, loader: 'js' },
        bundle: true,
        minify: true,
        format: 'esm',
        write: false,
        platform,
      });
      const bytes = result.outputFiles[0].contents;
      const gzip = gzipSync(bytes, { level: 9 }).length;
      const budget =
        budgetBytes === undefined
          ? ''
          : `; goal ${(budgetBytes / 1024).toFixed(1)} KiB (issue 17): ${gzip <= budgetBytes ? 'met' : `not met, ${((gzip - budgetBytes) / 1024).toFixed(1)} KiB over`}`;
      rows.push({
        measure: label,
        value: `${(gzip / 1024).toFixed(1)} KiB gzip`,
        detail: `${(bytes.length / 1024).toFixed(1)} KiB minified${budget}`,
      });
    };
    const here = new URL('.', import.meta.url).pathname;
    await bundle('@vwo/core (everything)', "export * from '@vwo/core';", here);
    // Servers and the edge get the build with unrolled SHA-1 rounds (faster visitor ids).
    await bundle('@vwo/core (everything), server build', "export * from '@vwo/core';", here, undefined, 'neutral');
    await bundle('@vwo/core, decide only (parseSettings + decide)', "export { parseSettings, decide } from '@vwo/core';", here);
    await bundle('@vwo/browser, every export', "export * from '@vwo/browser';", here);
    await bundle(
      '@vwo/browser, an app importing launch',
      "import { launch } from '@vwo/browser'; globalThis.launch = launch;",
      here,
      LAUNCH_GOAL_BYTES,
    );
    const referenceSize = readFileSync(require.resolve('vwo-node-sdk/dist/vwo-javascript-sdk.min.js')).length;
    rows.push({
      measure: 'vwo-node-sdk browser build (dist/vwo-javascript-sdk.min.js)',
      value: `${(gzipSync(readFileSync(require.resolve('vwo-node-sdk/dist/vwo-javascript-sdk.min.js')), { level: 9 }).length / 1024).toFixed(1)} KiB gzip`,
      detail: `${(referenceSize / 1024).toFixed(1)} KiB minified`,
    });
    return rows;
  },

  /** Real HTTP on loopback to apps/collector (http.mjs), unbatched and batched. */
  ...HTTP_MEASURES,
};
