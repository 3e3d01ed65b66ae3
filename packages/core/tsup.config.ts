import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];

/**
 * The browser build (`dist/browser.js`, the `browser` export condition) takes `X.compact.ts`
 * wherever a module imports a `./X.js` that has one beside it: the same answers and the same
 * bytes on the wire, written for size instead of speed (compact SHA-1 rounds, a GET writer
 * without per-context parts, encodings without fast paths). Pages decide for a few users;
 * servers keep the faster modules. The differential test runs on both builds.
 *
 * `minifySyntax` folds the constants of those variants into the code that reads them, so that
 * `if (SPEED_PATHS && …)` (util/speed-paths.ts, `false` in its compact variant) leaves no dead
 * branch for the page's bundler to ship; names stay readable (identifiers are not minified).
 */
const compactVariants: Plugin = {
  name: 'compact-variants',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      const compact = join(args.resolveDir, args.path.replace(/\.js$/, '.compact.ts'));
      return existsSync(compact) ? { path: compact } : undefined;
    });
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
    esbuildPlugins: [compactVariants],
    minifySyntax: true,
  },
]);
