import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app's directory, where `next build` writes `.next/` and `next start` serves it from. */
export const APP_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const NEXT_BIN = createRequire(import.meta.url).resolve('next/dist/bin/next');

/** Runs the app's `next` CLI: no telemetry (nothing leaves the machine), Node's own output kept for errors. */
export function runNext(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [NEXT_BIN, ...args], {
    cwd: APP_DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}
