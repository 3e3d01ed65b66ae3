/**
 * A Node process that launches, tracks and calls close() exits by itself, quickly, with every
 * event delivered: the SDK's timers never keep a process alive.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCollector } from './fixtures/collector.js';
import { settingsFile } from './fixtures/settings.js';

const collector = useCollector();
const entry = new URL('../dist/index.js', import.meta.url).pathname;

function runScript(source: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string; exitMs: number }> {
  const file = join(new URL('.', import.meta.url).pathname, `.lifecycle-${process.pid}-${Date.now()}.mjs`);
  writeFileSync(file, source);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let closedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('closed')) closedAt = Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(killer);
      import('node:fs').then(({ rmSync }) => rmSync(file, { force: true }));
      resolve({ code, stderr, exitMs: closedAt ? Date.now() - closedAt : Number.POSITIVE_INFINITY });
    });
  });
}

const script = (batch: boolean) => `
import { launch } from ${JSON.stringify(entry)};
const vwo = await launch({
  settingsFile: JSON.parse(process.env.SETTINGS),
  collectorUrl: process.env.COLLECTOR_URL,
  logLevel: 'error',
  pollingInterval: 60000,
  sdkKey: 'sdkkey123',
  ${batch ? 'batchEvents: { eventsPerRequest: 100, requestTimeInterval: 600 },' : ''}
});
for (let i = 0; i < 20; i++) {
  await vwo.activate('K', 'user-' + i);
  await vwo.track('K', 'user-' + i, 'CUSTOM');
}
await vwo.close();
console.log('closed');
`;

describe('process lifecycle', () => {
  it.each([
    ['one request per event', false],
    ['batched events', true],
  ])('with %s, the process exits by itself within 3 s of close(), every event delivered', async (_name, batch) => {
    const result = await runScript(script(batch), { SETTINGS: JSON.stringify(settingsFile()), COLLECTOR_URL: collector().url });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // The SDK's timers (the 60 s poll, the 600 s batch interval, the 10 s deadline sweep) would
    // hold a process far longer; 3 s leaves room for a machine busy with other tests.
    expect(result.exitMs).toBeLessThan(3000);
    const stats = collector().stats();
    expect(stats.events.impressions).toBe(20);
    expect(stats.events.conversions).toBe(20);
  });
});
