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
      reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
    },
  });
}
