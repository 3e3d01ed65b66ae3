/**
 * Lifecycle, in real child processes: a script that sends N events and awaits `close()` exits
 * by itself (polling timer and batch timer running, no `process.exit`); a long-running service
 * that shuts down with the SIGTERM pattern of packages/node's README delivers every event it
 * had sent, also when the collector answers slowly and the events are still in flight.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startCollector } from '@vwo/collector';
import { afterAll, describe, expect, it } from 'vitest';
import { SIZES } from './support/config.js';
import type { Row } from './support/report.js';
import { section } from './support/report.js';
import { transportSettings } from './support/settings.js';

const report = section('lifecycle', 6, 'Lifecycle');
const CHILD = fileURLToPath(new URL('./children/lifecycle.mjs', import.meta.url));
const N = SIZES.lifecycleEvents;
const EXIT_BOUND_MS = 15_000;
const rows: Row[] = [];
afterAll(() => {
  report.table(`${N} events per child (one impression and one conversion per user)`, rows);
  report.note(
    'Each child runs `launch` with `pollingInterval: 60000` (a timer that would keep a careless process alive) and, with batching, ' +
      '`batchEvents: { eventsPerRequest: 5000, requestTimeInterval: 600 }`, so nothing leaves before close() unless the SDK sends it. ' +
      "The SIGTERM child keeps itself alive with a ref'd interval, like a server, and installs exactly the README's handler " +
      "(`process.on('SIGTERM', async () => { await vwo.close(); process.exit(0); })`).",
  );
});

interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  lines: Array<Record<string, unknown>>;
  /** ms from the child's 'closed' line (close mode) or from SIGTERM (sigterm mode) to its exit. */
  exitMs: number;
  killed: boolean;
}

function runChild(config: Record<string, unknown>): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], {
      env: { ...process.env, LIFECYCLE: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let mark = 0;
    let killed = false;
    const lines: Array<Record<string, unknown>> = [];
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      let newline = stdout.indexOf('\n');
      while (newline >= 0) {
        const line = JSON.parse(stdout.slice(0, newline)) as Record<string, unknown>;
        stdout = stdout.slice(newline + 1);
        lines.push(line);
        if (line.state === 'closed') mark = Date.now();
        if (line.state === 'ready') {
          mark = Date.now();
          child.kill('SIGTERM');
        }
        newline = stdout.indexOf('\n');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const killer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, EXIT_BOUND_MS);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stderr, lines, exitMs: mark ? Date.now() - mark : Number.NaN, killed });
    });
  });
}

describe('lifecycle', () => {
  const cases: Array<{ mode: 'close' | 'sigterm'; batching: boolean; slowMs: number }> = [
    { mode: 'close', batching: false, slowMs: 0 },
    { mode: 'close', batching: true, slowMs: 0 },
    { mode: 'sigterm', batching: false, slowMs: 0 },
    { mode: 'sigterm', batching: true, slowMs: 0 },
    { mode: 'sigterm', batching: false, slowMs: 300 },
    { mode: 'sigterm', batching: true, slowMs: 300 },
  ];
  for (const { mode, batching, slowMs } of cases) {
    const name =
      mode === 'close'
        ? `a script that awaits close() exits by itself, batching ${batching ? 'on' : 'off'}`
        : `SIGTERM with the README's handler delivers every event, batching ${batching ? 'on' : 'off'}${slowMs ? `, collector answering ${slowMs} ms late` : ''}`;
    it(name, async () => {
      const collector = await startCollector({ port: 0, host: '127.0.0.1' });
      if (slowMs) collector.injectFaults([{ kind: 'delay', ms: slowMs, endpoints: 'events', forMs: 60_000 }]);
      const run = await runChild({ mode, batching, events: N, settings: transportSettings(), collectorUrl: collector.url });
      const received = collector.stats();
      await collector.close();
      const last = run.lines.at(-1) ?? {};
      const before = last.before as { sent?: number; pending?: number } | undefined;
      const after = last.after as { sent?: number; dropped?: number; failed?: number } | undefined;
      const exitedBySelf = !run.killed && run.code === 0 && run.signal === null;
      rows.push({
        case: name,
        'pending when closing / signalled': before?.pending ?? null,
        'exit code': run.code,
        'exit ms after close() / SIGTERM': Number.isNaN(run.exitMs) ? null : run.exitMs,
        'received by the collector': received.events.total,
        'SDK sent / dropped / failed': after ? `${after.sent} / ${after.dropped} / ${after.failed}` : null,
        duplicates: received.duplicates,
      });
      const how = run.killed
        ? `still running after ${EXIT_BOUND_MS} ms (killed)`
        : `exit code ${run.code}${run.signal ? ` (${run.signal})` : ''} ${run.exitMs} ms after ${mode === 'close' ? 'close()' : 'SIGTERM'}`;
      report.goal(
        name,
        exitedBySelf && received.events.total === N && run.stderr === '',
        `${how}; ${received.events.total}/${N} events received${run.stderr ? `; stderr: ${run.stderr.slice(0, 200)}` : ''}`,
        mode === 'close'
          ? `exit code 0 without process.exit, within ${EXIT_BOUND_MS} ms; all ${N} events received`
          : `exit code 0; all ${N} events received`,
      );
      expect(run.stderr).toBe('');
      expect(exitedBySelf).toBe(true);
      expect(received.events.total).toBe(N);
    });
  }
});
