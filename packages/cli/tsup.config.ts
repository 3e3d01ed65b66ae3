import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // `cli` is the bin (`dist/cli.js`, ESM, shebang kept and made executable); `index` the library.
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts' } },
  clean: true,
  sourcemap: false,
  target: 'node18',
  platform: 'node',
  define: { __VWO_CLI_VERSION__: JSON.stringify(version) },
});
