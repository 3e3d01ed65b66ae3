import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/server.ts', 'src/web.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: false,
  target: 'es2022',
  platform: 'neutral',
  external: ['@openfeature/server-sdk', '@openfeature/web-sdk', '@vwo/core'],
});
