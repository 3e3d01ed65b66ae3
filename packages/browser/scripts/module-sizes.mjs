#!/usr/bin/env node
// Where the bytes of a page that imports `launch` go: bundles `import { launch } from '@vwo/browser'`
// from the sources (core, transports and this package, `.js` imports read as `.ts`), with the
// browser build's plugins, and prints each module's minified bytes in the output, largest first.
// `--dist` measures the built packages instead. `--gzip` adds each module's gzip weight: how many
// bytes the gzipped bundle loses without it (modules minified one by one, so the sum runs a little
// under the bundle's gzip size), and sorts by it; the minified bytes alone overrate text that
// gzip compresses well and underrate code.
// Usage: node scripts/module-sizes.mjs [--dist] [--gzip] [--top N] [--replace <path suffix>=<file>]…
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, transformSync } from 'esbuild';

const here = new URL('..', import.meta.url).pathname;
const packages = join(here, '..');
const args = process.argv.slice(2);
const fromDist = args.includes('--dist');
const gzipWeights = args.includes('--gzip');
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
const gzip = (bytes) => gzipSync(bytes, { level: 9 }).length;
const inputs = Object.values(result.metafile.outputs)[0].inputs;
const rows = Object.entries(inputs).map(([path, { bytesInOutput }]) => [path.replace(/^.*packages\//, ''), bytesInOutput]);
if (gzipWeights) {
  const weights = await moduleGzipWeights();
  for (const row of rows) row.push(weights.get(row[0]) ?? 0);
  rows.sort((a, b) => b[2] - a[2]);
} else rows.sort((a, b) => b[1] - a[1]);
for (const [path, bytes, weight] of rows.slice(0, top)) {
  console.log(`${String(bytes).padStart(7)}${weight === undefined ? '' : String(weight).padStart(7)}  ${path}`);
}
console.log(`${out.length} bytes minified, ${gzip(out)} gzip`);

/** Leave-one-out gzip bytes per module, from a bundle that keeps esbuild's `// path` module markers. */
async function moduleGzipWeights() {
  const marked = await build({
    stdin: { contents: entry, resolveDir: here, loader: 'ts' },
    bundle: true,
    minifySyntax: true,
    minifyIdentifiers: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    plugins: fromDist ? [] : [sources],
  });
  const parts = marked.outputFiles[0].text.split(/^\/\/ (\S+)$/m);
  const modules = [];
  for (let i = 1; i < parts.length; i += 2) {
    modules.push([parts[i].replace(/^.*packages\//, ''), transformSync(parts[i + 1], { minifyWhitespace: true, loader: 'js' }).code]);
  }
  const all = gzip(modules.map(([, code]) => code).join(''));
  const without = (skip) => modules.map(([, code], j) => (j === skip ? '' : code)).join('');
  return new Map(modules.map(([path], i) => [path, all - gzip(without(i))]));
}
