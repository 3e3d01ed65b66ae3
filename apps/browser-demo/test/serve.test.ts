/** `npm start` (scripts/serve.mjs): the URL it prints opens the page on a working collector, and Ctrl-C stops both. */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { APP_DIR, SETTINGS_FILE, withTimeout } from './helpers.js';

function start(args: string[]): ChildProcess {
  return spawn(process.execPath, [join(APP_DIR, 'scripts/serve.mjs'), ...args], { cwd: APP_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const errors: string[] = [];
  child.stderr!.on('data', (chunk: Buffer) => errors.push(chunk.toString()));
  try {
    const [line] = (await withTimeout(once(lines, 'line'), 10_000, 'the first line of serve.mjs')) as [string];
    return line;
  } catch (error) {
    throw new Error(`serve.mjs printed no URL: ${errors.join('')}`, { cause: error });
  }
}

describe('the start script', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('prints the URL of the page, whose collector serves the settings, and stops both servers on Ctrl-C (SIGINT)', async () => {
    child = start(['--port', '0', '--collector-port', '0', '--dist', inject('distDir')]);
    const url = new URL(await firstLine(child));
    expect(url.hostname).toBe('127.0.0.1');
    const collector = url.searchParams.get('collector')!;
    expect(url.searchParams.get('account')).toBe(String(SETTINGS_FILE.accountId));
    expect(url.searchParams.get('sdkKey')).toBe(SETTINGS_FILE.sdkKey);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="variation"');
    const settings = await fetch(`${collector}/server-side/settings?a=${SETTINGS_FILE.accountId}&i=${SETTINGS_FILE.sdkKey}`);
    expect(settings.status).toBe(200);
    expect(await settings.json()).toMatchObject({ accountId: SETTINGS_FILE.accountId, sdkKey: SETTINGS_FILE.sdkKey });

    const exited = once(child, 'exit');
    child.kill('SIGINT');
    const [code] = (await withTimeout(exited, 5000, 'serve.mjs to stop on SIGINT')) as [number | null];
    expect(code).toBe(0);
    await expect(fetch(url)).rejects.toThrow();
    await expect(fetch(`${collector}/_collector/health`)).rejects.toThrow();
  });

  it('refuses to start without a built page, saying how to build it', async () => {
    child = start(['--port', '0', '--collector-port', '0', '--dist', join(APP_DIR, 'no-such-dist')]);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await withTimeout(once(child, 'exit'), 10_000, 'serve.mjs to exit')) as [number | null];
    expect(code).toBe(2);
    expect(stderr).toMatch(/build the page first/);
  });
});
