#!/usr/bin/env node
// Where the bytes of a page that imports `launch` go: bundles `import { launch } from '@vwo/browser'`
// from the sources (core, transports and this package, `.js` imports read as `.ts`), with the
// browser build's plugins, and prints each module's minified bytes in the output, largest first.
// `--dist` measures the built packages instead.
// Usage: node scripts/module-sizes.mjs [--dist] [--top N] [--replace <path suffix>=<file>]…
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = new URL('..', import.meta.url).pathname;
const packages = join(here, '..');
const args = process.argv.slice(2);
const fromDist = args.includes('--dist');
const top = Number(args[args.indexOf('--top') + 1]) || 40;
// `--replace packages/core/src/x.ts=/tmp/x.ts` measures a rewrite of a module without touching it.
const replacements = args.filter((_, i) => args[i - 1] === '--replace').map((pair) => pair.split('='));

const sources = {
  name: 'sources',
  setup(b) {
    b.onResolve({ filter: /^@vwo\/(core|transport-fetch|transport-beacon)$/ }, (a) => ({
      path: join(packages, a.path.slice(5), 'src/index.ts'),
    }));
    b.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (a) => {
      // The browser build's variants (packages/core/tsup.config.ts), then the module itself.
      const compact = join(a.resolveDir, a.path.replace(/\.js$/, '.compact.ts'));
      if (existsSync(compact)) return { path: compact };
      const ts = join(a.resolveDir, a.path.replace(/\.js$/, '.ts'));
      return existsSync(ts) ? { path: ts } : undefined;
    });
    b.onLoad({ filter: /\.ts$/ }, (a) => {
      const replaced = replacements.find(([from]) => a.path.endsWith(from));
      return replaced ? { contents: readFileSync(replaced[1], 'utf8'), loader: 'ts', resolveDir: dirname(a.path) } : undefined;
    });
  },
};

const entry = fromDist ? "export { launch } from './dist/index.js';" : "export { launch } from './src/index.ts';";
const result = await build({
  stdin: { contents: entry, resolveDir: here, loader: 'ts' },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  write: false,
  metafile: true,
  plugins: fromDist ? [] : [sources],
});
const out = result.outputFiles[0].contents;
const inputs = Object.values(result.metafile.outputs)[0].inputs;
const rows = Object.entries(inputs)
  .map(([path, { bytesInOutput }]) => [path.replace(/^.*packages\//, ''), bytesInOutput])
  .sort((a, b) => b[1] - a[1]);
for (const [path, bytes] of rows.slice(0, top)) console.log(`${String(bytes).padStart(7)}  ${path}`);
console.log(`${out.length} bytes minified, ${gzipSync(out, { level: 9 }).length} gzip`);
