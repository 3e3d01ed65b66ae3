import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.js';

// The page is built once, by the global setup (`next build`); the test file starts it with `next start`.
export default mergeConfig(packageTestConfig({ testTimeout: 60_000 }), {
  test: { globalSetup: ['test/global-setup.ts'], hookTimeout: 120_000, teardownTimeout: 15_000 },
});
