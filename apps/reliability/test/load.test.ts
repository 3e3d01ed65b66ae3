/**
 * Load: decisions at a steady rate with batched tracking into the collector, in a child process
 * of its own so that the memory measured is the SDK's alone. A third of the way in the collector
 * slows down (answers held 2 s for 75 batches, one and a half caps' worth of events), so the backlog grows to
 * `maxPendingEvents` and the cap has to hold.
 *
 * Goals: memory stays bounded (heap after GC at the end within a few MB of the heap at 10 %;
 * peak RSS and heap reported); `eventStats().pending` never exceeds `maxPendingEvents` in any
 * sample; every event is accounted for (sent = what the collector recorded, and dropped = what
 * the drop log lines name).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startCollector } from '@vwo/collector';
import { expect, it } from 'vitest';
import { SIZES, TEST_TIMEOUT_MS } from './support/config.js';
import { type LogLine, loggedLosses } from './support/helpers.js';
import { section } from './support/report.js';
import { transportSettings } from './support/settings.js';

const report = section('load', 5, 'Load');
const CHILD = fileURLToPath(new URL('./children/load.mjs', import.meta.url));
const MAX_PENDING = 5000;
const EVENTS_PER_REQUEST = 100;
const HEAP_GROWTH_LIMIT_MB = 16;
// Enough batches held long enough to back up one and a half caps' worth of events at any rate of
// the run (held batches are still pending), so the cap is reached in the small run too.
const HOLD_MS = 2000;
const HELD_BATCHES = Math.ceil((MAX_PENDING * 1.5) / EVENTS_PER_REQUEST);

interface LoadResult {
  decisions: number;
  conversions: number;
  decideMs: number;
  achievedRate: number;
  maxLagMs: number;
  stats: { enqueued: number; sent: number; retried: number; failed: number; dropped: number; pending: number };
  sampled: number;
  peakPending: number;
  overCap: number;
  heapEarlyMB: number;
  heapEndMB: number;
  peakHeapMB: number;
  peakRssMB: number;
  logLines: number;
  lostLines: LogLine[];
  offLoopback: number;
  samples: Array<{ t: number; done: number; pending: number; heapMB: number; rssMB: number }>;
}

it(`${SIZES.loadDecisions.toLocaleString('en-US')} decisions with batched tracking at a steady rate: bounded memory, a queue within its cap`, async () => {
  const collector = await startCollector({ port: 0, host: '127.0.0.1', maxRecords: 1000 });
  const events = SIZES.loadDecisions + Math.ceil(SIZES.loadDecisions / 10); // an impression each, a conversion every 10th
  const requestsPerSecond = (SIZES.loadRatePerSecond * 1.1) / EVENTS_PER_REQUEST;
  const runSeconds = SIZES.loadDecisions / SIZES.loadRatePerSecond;
  const skip = Math.round(requestsPerSecond * runSeconds * 0.3);
  const slowed = HELD_BATCHES;
  collector.injectFaults([{ kind: 'delay', ms: HOLD_MS, endpoints: 'batch-events', skip, count: slowed }]);

  const load = {
    settings: transportSettings(),
    collectorUrl: collector.url,
    decisions: SIZES.loadDecisions,
    ratePerSecond: SIZES.loadRatePerSecond,
    users: 10_000,
    eventsPerRequest: EVENTS_PER_REQUEST,
    maxPendingEvents: MAX_PENDING,
    maxMs: TEST_TIMEOUT_MS - 60_000,
  };
  const started = Date.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD], {
      env: { ...process.env, LOAD: JSON.stringify(load) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), TEST_TIMEOUT_MS - 20_000);
    child.on('error', reject);
    child.on('exit', (exitCode) => {
      clearTimeout(killer);
      resolve({ code: exitCode, stdout: out, stderr: err });
    });
  });
  const wallMs = Date.now() - started;
  const collected = collector.stats();
  await collector.close();
  expect(stderr).toBe('');
  expect(code).toBe(0);
  const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult;
  const logged = loggedLosses(r.lostLines);
  const s = r.stats;

  report.table('Figures', [
    {
      decisions: r.decisions,
      'conversions (track)': r.conversions,
      'target rate /s': SIZES.loadRatePerSecond,
      'achieved rate /s': r.achievedRate,
      'max lag ms': r.maxLagMs,
      'peak RSS MB': r.peakRssMB,
      'peak heap MB': r.peakHeapMB,
      'heap after GC at 10 % MB': r.heapEarlyMB,
      'heap after GC at the end MB': r.heapEndMB,
      'queue samples': r.sampled,
      'peak pending': r.peakPending,
      maxPendingEvents: MAX_PENDING,
    },
  ]);
  report.table('Events', [
    {
      enqueued: s.enqueued,
      sent: s.sent,
      'recorded by the collector': collected.events.total,
      dropped: s.dropped,
      'dropped, as logged': logged.events,
      'drop log lines': logged.lines,
      failed: s.failed,
      'retried requests': s.retried,
      [`batches held ${HOLD_MS} ms`]: slowed,
      'wall s': Math.round(wallMs / 100) / 10,
    },
  ]);
  report.table(
    'Samples (every ~100 ms, thinned)',
    r.samples.map((x) => ({
      s: Math.round(x.t / 100) / 10,
      decisions: x.done,
      pending: x.pending,
      'heap MB': x.heapMB,
      'RSS MB': x.rssMB,
    })),
  );
  report.goal('decisions', r.decisions === SIZES.loadDecisions, r.decisions, `${SIZES.loadDecisions.toLocaleString('en-US')}`);
  report.goal(
    'steady rate held',
    r.achievedRate >= SIZES.loadRatePerSecond * 0.9,
    `${r.achievedRate}/s (max lag ${r.maxLagMs} ms)`,
    `≥ 90 % of ${SIZES.loadRatePerSecond}/s`,
  );
  report.goal(
    'memory bounded',
    r.heapEndMB - r.heapEarlyMB <= HEAP_GROWTH_LIMIT_MB,
    `heap after GC ${r.heapEarlyMB} MB at 10 % → ${r.heapEndMB} MB at the end; peak heap ${r.peakHeapMB} MB, peak RSS ${r.peakRssMB} MB`,
    `growth ≤ ${HEAP_GROWTH_LIMIT_MB} MB`,
  );
  report.goal(
    'the queue stays within its cap',
    r.overCap === 0 && r.peakPending <= MAX_PENDING,
    `peak ${r.peakPending} in ${r.sampled} samples, ${r.overCap} over the cap`,
    `pending ≤ maxPendingEvents (${MAX_PENDING}) in every sample`,
  );
  report.goal(
    'the slowdown filled the queue',
    r.peakPending >= MAX_PENDING * 0.9,
    r.peakPending,
    `the cap was reached (≥ 90 % of ${MAX_PENDING})`,
  );
  report.goal(
    'every event accounted for',
    s.enqueued === events && s.enqueued === s.sent + s.failed + s.dropped && s.pending === 0,
    s,
    `enqueued ${events.toLocaleString('en-US')} = sent + failed + dropped`,
  );
  report.goal(
    'sent = recorded by the collector',
    s.sent === collected.events.total,
    { sent: s.sent, recorded: collected.events.total },
    'equal',
  );
  report.goal(
    'every drop logged',
    logged.events === s.dropped + s.failed,
    { logged: logged.events, lines: logged.lines, dropped: s.dropped, failed: s.failed },
    'events named in log lines = dropped + failed',
  );
  report.goal('no request off loopback', r.offLoopback === 0, r.offLoopback, '0');
  report.note(
    `Child process (\`node --expose-gc\`) running only the SDK: \`activate\` for ${load.users.toLocaleString('en-US')} users in rotation plus \`track\` every 10th decision, ` +
      `batchEvents { eventsPerRequest: ${EVENTS_PER_REQUEST}, requestTimeInterval: 1 }, maxPendingEvents ${MAX_PENDING}; ` +
      `the collector (in the test process) holds ${slowed} batch requests (${(slowed * EVENTS_PER_REQUEST).toLocaleString('en-US')} events) ${HOLD_MS} ms each after the first ${skip}, so the backlog hits the cap and events are dropped, counted and logged.`,
  );
  expect(report.missed()).toEqual([]);
});
