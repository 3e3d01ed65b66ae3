import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// `base: './'` keeps asset URLs relative, so dist/ works from any path of any static server.
// Two pages: the legacy `launch` one (index.html) and the FME `init` one (fme.html).
export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        fme: fileURLToPath(new URL('./fme.html', import.meta.url)),
      },
    },
  },
});
