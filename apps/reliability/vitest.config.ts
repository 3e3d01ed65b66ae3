import { defineConfig } from 'vitest/config';
import { CONFIG, TEST_TIMEOUT_MS } from './test/support/config.js';

// The shared reporters (console + the JSON report .ci/run adds up), plus the set-up that
// collects each section's figures into reliability-report.md/.json at the repository root.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: TEST_TIMEOUT_MS,
    hookTimeout: 60_000,
    // Small: two files at a time (most of the time is waiting on the network and timers). Full:
    // one at a time, so the load run's steady rate and the fuzzing do not compete for 2 cores.
    maxWorkers: CONFIG === 'full' ? 1 : 2,
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/support/loopback.ts'],
    reporters: ['default', ['json', { outputFile: '.vitest-report.json' }]],
  },
});
