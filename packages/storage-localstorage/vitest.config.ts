import { playwright } from '@vitest/browser-playwright';
import { CHROMIUM_FLAGS, chromiumPath, requireChromium } from '@vwo/test-support';
import { defineConfig, mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.js';

requireChromium('the @vwo/storage-localstorage tests');

export default mergeConfig(
  packageTestConfig({ testTimeout: 30_000 }),
  defineConfig({
    // The sandboxed-frame test imports src/ from an opaque origin (Origin: null), which needs
    // CORS; only such documents are let in, and the server listens on loopback only.
    server: { cors: { origin: 'null' } },
    test: {
      // One origin, one localStorage: the quota tests fill it, so files run one after another.
      fileParallelism: false,
      browser: {
        enabled: true,
        headless: true,
        screenshotFailures: false,
        provider: playwright({ launchOptions: { executablePath: chromiumPath, args: [...CHROMIUM_FLAGS], timeout: 30_000 } }),
        instances: [{ browser: 'chromium' }],
      },
    },
  }),
);
