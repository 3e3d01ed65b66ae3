import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

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
 * Fails the suite at once, naming the fix, when Chromium is missing: like the Redis tests, the
 * browser tests never skip, so a green run always means they ran.
 */
export function requireChromium(suite: string): void {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${suite} need Chromium, not found at ${chromiumPath}: apt-get install chromium, or set CHROMIUM_PATH`);
  }
}

/** Headless Chromium through playwright-core, with {@link CHROMIUM_ARGS}; a launch may take 30 s on a busy machine. */
export async function launchChromium(): Promise<Browser> {
  // Loaded on use: the vitest configs that read the flags above need no playwright-core.
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, args: [...CHROMIUM_ARGS], timeout: 30_000 });
}
