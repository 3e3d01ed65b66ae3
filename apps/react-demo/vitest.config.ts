import { mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.js';

// The page is built once, by the global setup, into a temporary directory the test files share.
export default mergeConfig(packageTestConfig({ testTimeout: 45_000 }), {
  test: { globalSetup: ['test/global-setup.ts'], hookTimeout: 60_000, teardownTimeout: 15_000 },
});
