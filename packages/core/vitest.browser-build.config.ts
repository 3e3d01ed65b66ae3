/**
 * The tests that hold @vwo/core's browser build to the server build's answers and bytes: the
 * client against vwo-node-sdk 1.73.0 on `dist/browser.js` itself (`VWO_CORE_BUILD=browser`,
 * test/support/core-build.ts), and the tests of the event writers, segments and decisions on the
 * sources with each `X.compact.ts` in place of `X.ts`, as tsup.config.ts builds them.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineConfig, type Plugin } from 'vitest/config';

const compactVariants: Plugin = {
  name: 'compact-variants',
  enforce: 'pre',
  resolveId(source, importer) {
    if (importer === undefined || !/^\.\.?\/.*\.js$/.test(source)) return null;
    const compact = join(dirname(importer), source.replace(/\.js$/, '.compact.ts'));
    return existsSync(compact) ? compact : null;
  },
};

export default defineConfig({
  plugins: [compactVariants],
  test: {
    include: [
      'test/client.differential.test.ts',
      // The client without its speed-only paths (util/speed-paths.compact.ts): the same answers.
      'test/client.repeat-calls.test.ts',
      'test/client.settings-swap.test.ts',
      'test/explain.test.ts',
      'test/storage-timeout.test.ts',
      'test/storage-faults.test.ts',
      'test/close.test.ts',
      'test/events.reference.test.ts',
      'test/events.cases.test.ts',
      'test/get-request.test.ts',
      'test/batch-body.test.ts',
      'test/event-ids.test.ts',
      'test/uuid.test.ts',
      'test/segments.test.ts',
      'test/segments.fuzz.test.ts',
      'test/decisions.test.ts',
      'test/differential.test.ts',
      'test/delivery.test.ts',
      // FME's client sends through the same pipeline: its flushes, retries and outbox.
      'test/fme/client-outbox.test.ts',
      'test/fme/client.test.ts',
      'test/settings.test.ts',
      'test/request-timeout.test.ts',
      'test/with-deadline.test.ts',
      'test/fme/network-debug.test.ts',
      'test/fme/network-debug.differential.test.ts',
    ],
    env: { VWO_CORE_BUILD: 'browser' },
    testTimeout: 180_000,
    reporters: ['default', ['json', { outputFile: '.vitest-report.browser-build.json' }]],
  },
});
