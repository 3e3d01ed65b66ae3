/**
 * The tests run in real headless Chromium (vitest browser mode through Playwright): localStorage
 * quotas, SecurityErrors of sandboxed frames and the cookie jar are the browser's own, not fakes.
 * The JSON report of vitest.shared.ts is kept: CI adds it up into its pass/fail line.
 */
import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, mergeConfig } from 'vitest/config';
import { packageTestConfig } from '../../vitest.shared.js';

const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  throw new Error(`Chromium not found at ${executablePath}: apt-get install chromium, or set CHROMIUM_PATH`);
}

// The flags of TOOLCHAIN.md minus --headless (vitest adds it): no sandbox (root), and no name
// look-ups but loopback, so a run never reaches the network.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

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
        provider: playwright({ launchOptions: { executablePath, args: ARGS, timeout: 30_000 } }),
        instances: [{ browser: 'chromium' }],
      },
    },
  }),
);
