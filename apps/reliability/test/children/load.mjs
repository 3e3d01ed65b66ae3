// The load run, in its own process so that its memory is the SDK's alone: decisions at a steady
// rate with batched tracking into the collector, sampling memory and the event queue. Prints one
// JSON line with the figures. Bounded by its decision count and by LOAD.maxMs.

import { launch } from '@vwo/node';
import { countingLogger, offLoopback } from './guard.mjs';

const LOAD = JSON.parse(process.env.LOAD ?? '{}');
const { logger, lost, lines } = countingLogger();
const vwo = await launch({
  settingsFile: LOAD.settings,
  collectorUrl: LOAD.collectorUrl,
  batchEvents: { eventsPerRequest: LOAD.eventsPerRequest, requestTimeInterval: 1 },
  maxPendingEvents: LOAD.maxPendingEvents,
  requestTimeout: 5000,
  // A batch answered after its deadline is sent again (at-least-once); with ids the collector
  // counts it once, so "sent = recorded" holds on a machine slow enough to miss a deadline.
  eventIds: true,
  retry: { baseDelayMs: 50, jitter: 0.2 },
  logger,
  logLevel: 'warn',
});

const heapAfterGc = () => {
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
};
const samples = [];
let peakHeap = 0;
let peakPending = 0;
let overCap = 0;
let sampled = 0;
const sample = (done) => {
  const { heapUsed, rss } = process.memoryUsage();
  const { pending } = vwo.eventStats();
  sampled += 1;
  peakHeap = Math.max(peakHeap, heapUsed);
  peakPending = Math.max(peakPending, pending);
  if (pending > LOAD.maxPendingEvents) overCap += 1;
  samples.push({ t: Date.now() - started, done, pending, heapMB: +(heapUsed / 2 ** 20).toFixed(1), rssMB: +(rss / 2 ** 20).toFixed(1) });
};

const started = Date.now();
let done = 0;
let conversions = 0;
let heapEarly = 0;
let lastSample = 0;
let maxLagMs = 0;
const user = (i) => `user-${i % LOAD.users}`;
while (done < LOAD.decisions && Date.now() - started < LOAD.maxMs) {
  const elapsed = Date.now() - started;
  const due = Math.min(LOAD.decisions, Math.floor((LOAD.ratePerSecond * elapsed) / 1000));
  maxLagMs = Math.max(maxLagMs, ((due - done) / LOAD.ratePerSecond) * 1000);
  const calls = [];
  for (; done < due; done++) {
    calls.push(vwo.activate('K', user(done)));
    if (done % 10 === 0) {
      calls.push(vwo.track('K', user(done), 'CUSTOM'));
      conversions += 1;
    }
  }
  await Promise.all(calls);
  if (heapEarly === 0 && done >= LOAD.decisions / 10) heapEarly = heapAfterGc();
  if (elapsed - lastSample >= 100) {
    lastSample = elapsed;
    sample(done);
  }
  await new Promise((resolve) => setTimeout(resolve, 5));
}
const decideMs = Date.now() - started;
sample(done);
const heapEnd = heapAfterGc();
await vwo.flushEvents();
const drainStarted = Date.now();
while (vwo.eventStats().pending > 0 && Date.now() - drainStarted < 30_000) await new Promise((resolve) => setTimeout(resolve, 20));
await vwo.close();
const stats = vwo.eventStats();
const step = Math.max(1, Math.ceil(samples.length / 60));
process.stdout.write(
  `${JSON.stringify({
    decisions: done,
    conversions,
    decideMs,
    achievedRate: Math.round((done / decideMs) * 1000),
    maxLagMs: Math.round(maxLagMs),
    stats,
    sampled,
    peakPending,
    overCap,
    heapEarlyMB: +(heapEarly / 2 ** 20).toFixed(1),
    heapEndMB: +(heapEnd / 2 ** 20).toFixed(1),
    peakHeapMB: +(peakHeap / 2 ** 20).toFixed(1),
    peakRssMB: +(process.resourceUsage().maxRSS / 1024).toFixed(1),
    logLines: lines(),
    lostLines: lost,
    offLoopback: offLoopback.refused,
    samples: samples.filter((_, i) => i % step === 0),
  })}\n`,
);
