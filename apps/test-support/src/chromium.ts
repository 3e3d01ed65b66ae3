import { existsSync } from 'node:fs';

/**
 * The flags of TOOLCHAIN.md minus `--headless` (vitest browser mode adds it itself): no sandbox
 * (CI runs as root), and no name look-ups but loopback, so a run never reaches the network.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

/** The flags for `chromium.launch({ executablePath: chromiumPath, args: CHROMIUM_ARGS })` of playwright-core. */
export const CHROMIUM_ARGS: readonly string[] = ['--headless', ...CHROMIUM_FLAGS];

/** Debian's Chromium, or `CHROMIUM_PATH`. */
export const chromiumPath: string = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Whether the Chromium tests of `suite` can run. CI sets `CHROMIUM_PATH` and must run them: then
 * a missing browser throws. On a developer machine without Chromium the suite is skipped, with
 * one line that says how to install it.
 */
export function chromiumAvailable(suite: string): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.CHROMIUM_PATH) throw new Error(`CHROMIUM_PATH=${chromiumPath} does not exist`);
  console.warn(`Chromium not found at ${chromiumPath}: ${suite} is skipped (apt-get install chromium)`);
  return false;
}
