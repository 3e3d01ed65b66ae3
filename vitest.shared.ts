/**
 * The vitest settings every package shares: the console reporter plus a JSON report that
 * `.ci/run` adds up into its `N passed, N failed` line.
 */
import { defineConfig } from 'vitest/config';

export function packageTestConfig(overrides: { include?: string[]; testTimeout?: number } = {}) {
  return defineConfig({
    test: {
      include: overrides.include ?? ['test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 60_000,
      // A bound, not an expectation: a Chromium suite's beforeAll (bundle, browser, collector) took
      // over vitest's default 10 s on a 2-core machine running two packages' tests beside it.
      hookTimeout: 60_000,
      reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    },
  });
}
