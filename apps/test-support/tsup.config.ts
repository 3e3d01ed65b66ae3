import { defineConfig } from 'tsup';

// Built, not read as source: a vitest config file imports it, and Node loads those without TypeScript.
export default defineConfig({
  entry: ['src/index.ts', 'src/vitest.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // Loaded from the packages that run the tests: one vitest (its hooks need the runner's), one Chromium driver.
  external: ['vitest', 'playwright-core', 'esbuild'],
});
