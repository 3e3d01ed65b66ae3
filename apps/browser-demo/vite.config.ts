import { defineConfig } from 'vite';

// `base: './'` keeps asset URLs relative, so dist/ works from any path of any static server.
export default defineConfig({
  base: './',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
