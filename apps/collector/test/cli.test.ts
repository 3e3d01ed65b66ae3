import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { CollectorStats } from '../src/index.js';
import { impressionTarget, jsonOf, SETTINGS, UUID } from './helpers.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const settingsFile = fileURLToPath(new URL('./cases/settings.json', import.meta.url));

beforeAll(() => {
  // The suite proves the built bin; build it when running the tests alone on a fresh checkout.
  if (!existsSync(bin)) execFileSync('npx', ['tsup'], { cwd: packageDir, stdio: 'ignore' });
}, 60_000);

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Starts the bin and resolves with its first stdout line. */
function run(args: string[]): { child: ChildProcess; firstLine: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const firstLine = new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const newline = text.indexOf('\n');
      if (newline !== -1) resolve(text.slice(0, newline));
    });
    child.once('exit', () => reject(new Error('exited before printing a line')));
  });
  firstLine.catch(() => {});
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, firstLine, exit };
}

function stderrOf(child: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.once('exit', () => resolve(text));
  });
}

describe('vwo-collector CLI', () => {
  test('--port starts the collector on that port and prints its URL as the first line', async () => {
    const port = await freePort();
    const { child, firstLine, exit } = run(['--port', String(port), '--settings', settingsFile]);
    expect(await firstLine).toBe(`http://127.0.0.1:${port}`);
    const url = `http://127.0.0.1:${port}`;
    const settings = await fetch(`${url}/server-side/settings?a=888888&i=sdkkey123`);
    expect(await settings.json()).toEqual(SETTINGS);
    expect((await fetch(url + impressionTarget(230, 1, UUID))).status).toBe(200);
    expect((await jsonOf<CollectorStats>(fetch(`${url}/_collector/stats`))).events.impressions).toBe(1);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  test('without --port it prints the URL of a free port', async () => {
    const { child, firstLine, exit } = run([]);
    const url = await firstLine;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${url}/_collector/health`)).status).toBe(200);
    child.kill('SIGINT');
    expect(await exit).toBe(0);
  });

  test('refuses a non-loopback --host with exit code 2', async () => {
    const { child, exit } = run(['--host', '0.0.0.0']);
    const stderr = stderrOf(child);
    expect(await exit).toBe(2);
    expect(await stderr).toMatch(/binds only to loopback addresses/);
  });

  test('refuses an unreadable settings file with exit code 2', async () => {
    const { child, exit } = run(['--settings', '/nonexistent/settings.json']);
    const stderr = stderrOf(child);
    expect(await exit).toBe(2);
    expect(await stderr).toMatch(/^vwo-collector: --settings \/nonexistent\/settings\.json: ENOENT/);
  });

  test('refuses an unknown option with exit code 2', async () => {
    const { exit } = run(['--bogus']);
    expect(await exit).toBe(2);
  });

  test('--help prints the usage and exits 0', async () => {
    const { firstLine, exit } = run(['--help']);
    expect(await firstLine).toMatch(/^Usage: vwo-collector/);
    expect(await exit).toBe(0);
  });
});
