import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { APP_DIR, withTimeout } from './helpers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The page built by Vite for this run (dist/ is left alone: a developer's `npm start` may be serving it). */
    distDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const outDir = mkdtempSync(join(tmpdir(), 'browser-demo-dist-'));
  await withTimeout(build({ root: APP_DIR, logLevel: 'warn', build: { outDir, emptyOutDir: true } }), 60_000, 'the Vite build of the page');
  project.provide('distDir', outDir);
  return () => rmSync(outDir, { recursive: true, force: true });
}
