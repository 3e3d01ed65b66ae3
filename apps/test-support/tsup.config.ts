import { defineConfig } from 'tsup';

// Built, not read as source: a vitest config file imports it, and Node loads those without TypeScript.
export default defineConfig({ entry: ['src/index.ts'], format: ['esm'], dts: true, clean: true, target: 'node20', platform: 'node' });
