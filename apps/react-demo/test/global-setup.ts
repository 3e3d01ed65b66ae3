import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where Vite's preview server serves the page built for this run. */
    siteUrl: string;
  }
}

const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds the page once, in development mode so that React's StrictMode double-renders and
 * double-runs effects as it does for a developer (a production build skips both), into a
 * temporary directory (dist/ is left alone), and serves it on loopback.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const outDir = mkdtempSync(join(tmpdir(), 'react-demo-dist-'));
  await build({ root: APP_DIR, mode: 'development', logLevel: 'warn', build: { outDir, emptyOutDir: true, minify: false } });
  const server = await preview({
    root: APP_DIR,
    logLevel: 'warn',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, open: false },
  });
  const siteUrl = server.resolvedUrls?.local[0];
  if (!siteUrl) throw new Error('the preview server has no local URL');
  project.provide('siteUrl', siteUrl.replace(/\/$/, ''));
  return async () => {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  };
}
