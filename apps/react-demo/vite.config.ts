import { defineConfig } from 'vite';

// Without @vitejs/plugin-react: Vite's own transform compiles JSX with the automatic runtime
// (no Fast Refresh in dev, which the demo does not need). `base: './'` keeps asset URLs relative.
export default defineConfig({
  base: './',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
});
