import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * The browser build (`dist/browser.js`, the `browser` export condition) takes the compact SHA-1
 * rounds instead of the unrolled ones: 1 KiB gzip less for pages, which decide a few users,
 * while servers keep the faster rounds (src/events/sha1.ts).
 */
const compactSha1: Plugin = {
  name: 'compact-sha1-rounds',
  setup(build) {
    build.onResolve({ filter: /^\.\/sha1-rounds\.js$/ }, (args) => ({ path: join(dirname(args.importer), 'sha1-rounds.compact.ts') }));
  },
};

// The two builds below run side by side, so neither may clean the folder the other writes to.
rmSync('dist', { recursive: true, force: true });

export default defineConfig([
  {
    entry: ['src/index.ts'],
    format: ['esm', 'cjs'],
    dts: true,
    clean: false,
    sourcemap: false,
    target: 'es2022',
    platform: 'neutral',
  },
  {
    entry: { browser: 'src/index.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    sourcemap: false,
    target: 'es2022',
    platform: 'neutral',
    esbuildPlugins: [compactSha1],
  },
]);
