// Real HTTP on loopback (issue 17): @vwo/node with its default transport (@vwo/transport-fetch,
// i.e. Node's fetch) sending to apps/collector, which runs in a process of its own
// (collector-process.mjs). Absolute figures, reported, not ratios: events/s (wall), CPU µs per
// event of the SDK's process and of the collector's, and TCP connections per 1,000 requests
// (keep-alive). Each mode is its own measure, so its own process and its own connection pool.
import { fork } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { launch } from '@vwo/node';
import * as w from './workloads.mjs';

const collectorScript = new URL('./collector-process.mjs', import.meta.url).pathname;

/** Starts the collector's process; resolves with its URL and a way to ask it things. */
async function startCollectorProcess() {
  const child = fork(collectorScript, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies = [];
  const waiting = [];
  child.on('message', (message) => {
    const next = waiting.shift();
    if (next) next(message);
    else replies.push(message);
  });
  const reply = () => (replies.length > 0 ? Promise.resolve(replies.shift()) : new Promise((resolve) => waiting.push(resolve)));
  const failed = new Promise((_, reject) => {
    child.once('exit', (code) => reject(new Error(`the collector's process exited (code ${code})`)));
  });
  failed.catch(() => {});
  const ask = (message) => {
    child.send(message);
    return Promise.race([reply(), failed]);
  };
  const { url } = await Promise.race([reply(), failed]);
  return {
    url,
    mark: () => ask('mark'),
    stats: () => ask('stats'),
    sample: () => ask('sample'),
    async close() {
      await ask('close');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
    },
    kill: () => child.kill(),
  };
}

const yieldToLoop = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuMicros = (since) => {
  const cpu = process.cpuUsage(since);
  return cpu.user + cpu.system;
};

/**
 * The loop lets the event loop turn every `SLICE` calls, as a server's calls arrive between I/O,
 * and every `CHECK` calls waits (1 ms at a time) for answers while `window` events or more are
 * queued or in flight:
 * a bound on the requests in flight, which Node's fetch serves with as many connections
 * (its default pool has no per-origin limit), and the SDK never drops for want of room.
 */
const SLICE = 50;
/** How often the loop reads the pending count (`eventStats()` builds an object each read: a few µs a read in a profile). */
const CHECK = 10;

async function drain(pending, window) {
  while (pending() >= window) await sleep(1);
}

/** `users.length` awaited `activate` calls (fewer if `maxMs` runs out), then `flushEvents()`. */
async function run(vwo, users, window, maxMs) {
  const start = performance.now();
  const pending = () => vwo.eventStats().pending;
  let calls = 0;
  while (calls < users.length) {
    await vwo.activate('campaign-1', users[calls++]);
    if (calls % SLICE === 0) {
      await yieldToLoop();
      if (performance.now() - start > maxMs) break;
    }
    if (calls % CHECK === 0 && pending() >= window) await drain(pending, window);
  }
  await vwo.flushEvents();
  return calls;
}

/**
 * The floor: bare `fetch` of one of the SDK's own GETs, with the transport's time-out signal
 * (`AbortSignal.timeout`), the same loop and window; `count` times or until `maxMs` runs out.
 */
async function bareFetch(url, count, window, maxMs) {
  const start = performance.now();
  let inFlight = 0;
  let failed = 0;
  const one = async () => {
    inFlight++;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      await response.text();
      if (response.status !== 200) failed++;
    } catch {
      failed++;
    } finally {
      inFlight--;
    }
  };
  let calls = 0;
  while (calls < count) {
    one();
    calls++;
    if (calls % SLICE === 0) {
      await yieldToLoop();
      if (performance.now() - start > maxMs) break;
    }
    if (calls % CHECK === 0 && inFlight >= window) await drain(() => inFlight, window);
  }
  await drain(() => inFlight, 1);
  if (failed > 0) throw new Error(`bare fetch: ${failed} of ${calls} requests failed`);
  return calls;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs `body`, returning its wall time, the CPU time of both processes and what the collector counted meanwhile. */
async function segment(collector, body) {
  const before = (await collector.stats()).stats;
  await collector.mark();
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const calls = await body();
  const seconds = (performance.now() - start) / 1000;
  const sdkCpu = cpuMicros(cpuStart);
  const { stats, cpuMicros: collectorCpu } = await collector.stats();
  return {
    calls,
    seconds,
    sdkCpu,
    collectorCpu,
    received: stats.events.total - before.events.total,
    requests: stats.requests.accepted - before.requests.accepted,
    rejected: stats.requests.rejected - before.requests.rejected,
    connections: stats.connections - before.connections,
  };
}

const sum = (results, key) => results.reduce((total, r) => total + r[key], 0);
const thousands = (n) => n.toLocaleString('en');

/**
 * `rounds` rounds of `count` awaited `activate` calls and a `flushEvents()` through one client
 * with the default transport, after a warm-up; every event must reach the collector. With
 * `floor`, each round also replays one of the SDK's GETs `count` times with bare `fetch`.
 */
async function httpMeasure(label, { batchEvents, window, floor }, { quick }) {
  const count = quick ? 5_000 : 20_000;
  const rounds = quick ? 1 : 3;
  const maxMs = quick ? 15_000 : 60_000;
  const users = w.userIds(count);
  const collector = await startCollectorProcess();
  try {
    const vwo = await launch({
      settingsFile: w.twoVariations,
      collectorUrl: collector.url,
      logLevel: 'error',
      ...(batchEvents ? { batchEvents } : {}),
    });
    const results = [];
    const floors = [];
    let warmUp;
    try {
      // Warm-up: JIT, and the first connections of the pool.
      await run(vwo, users.slice(0, quick ? 1_000 : 2_000), window, maxMs);
      const { target } = await collector.sample();
      warmUp = (await collector.stats()).stats;
      for (let round = 0; round < rounds; round++) {
        globalThis.gc?.();
        const before = vwo.eventStats();
        const r = await segment(collector, () => run(vwo, users, window, maxMs));
        const after = vwo.eventStats();
        const sent = after.sent - before.sent;
        if (r.received !== r.calls || sent !== r.calls || after.failed !== 0 || after.dropped !== 0 || r.rejected !== 0) {
          throw new Error(
            `${label}: ${r.calls} calls, the SDK sent ${sent} (${JSON.stringify(after)}), the collector received ${r.received} (${r.rejected} rejected)`,
          );
        }
        results.push(r);
        if (floor) {
          globalThis.gc?.();
          const f = await segment(collector, async () => {
            await bareFetch(`${collector.url}${target}`, count, window);
            return count;
          });
          if (f.received !== count || f.rejected !== 0)
            throw new Error(`${label}: bare fetch sent ${count}, the collector received ${f.received}`);
          floors.push(f);
        }
      }
    } finally {
      await vwo.close();
    }
    const { stats } = await collector.stats();
    const perThousand = (n, of) => ((n / of) * 1000).toFixed(n / of < 0.01 ? 3 : 2);
    const rate = (list) => median(list.map((r) => r.calls / r.seconds));
    const cpu = (list, key) => median(list.map((r) => r[key] / r.calls));
    const each = (list, f) => list.map(f).join(', ');
    const rows = [
      {
        measure: `${label}: events/s (wall)`,
        value: `${(rate(results) / 1000).toFixed(2)} k/s`,
        detail: `median of ${rounds} round(s) of ${thousands(count)} awaited activate calls + flushEvents(), at most ${thousands(window)} events pending, every event received (${each(results, (r) => `${(r.calls / r.seconds / 1000).toFixed(2)}k`)})`,
      },
      {
        measure: `${label}: CPU µs per event, SDK process`,
        value: `${cpu(results, 'sdkCpu').toFixed(1)} µs`,
        detail: `process.cpuUsage() user+system (${each(results, (r) => (r.sdkCpu / r.calls).toFixed(1))}); the collector's process apart: ${cpu(results, 'collectorCpu').toFixed(1)} µs/event`,
      },
      {
        measure: `${label}: TCP connections per 1,000 requests`,
        value: perThousand(sum(results, 'connections'), sum(results, 'requests')),
        detail: `measured rounds: ${sum(results, 'connections')} new connection(s) for ${thousands(sum(results, 'requests'))} requests; the warm-up opened ${warmUp.connections} for its ${thousands(warmUp.requests.accepted)}; since the collector started (warm-up${floor ? ' and floor' : ''} included): ${stats.connections} for ${thousands(stats.requests.accepted)}; load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores at the end`,
      },
    ];
    if (floor) {
      rows.push({
        measure: `${label}, floor: bare fetch of the same GET`,
        value: `${(rate(floors) / 1000).toFixed(2)} k/s, ${cpu(floors, 'sdkCpu').toFixed(1)} µs CPU/request`,
        detail: `same loop and window, one of the SDK's own GETs replayed ${thousands(count)} times a round (${each(floors, (r) => `${(r.calls / r.seconds / 1000).toFixed(2)}k/s ${(r.sdkCpu / r.calls).toFixed(1)} µs`)}); ${sum(floors, 'connections')} new connection(s)`,
      });
    }
    return rows;
  } finally {
    await collector.close().catch(() => collector.kill());
  }
}

/** Events queued or in flight at most: 64 GETs unbatched; batched, ten POSTs of 100 (and the queue). */
export const HTTP_MEASURES = {
  'http: @vwo/node + transport-fetch to apps/collector on loopback, unbatched': (options) =>
    httpMeasure('HTTP loopback, unbatched (a GET per event)', { window: 64, floor: true }, options),
  'http: @vwo/node + transport-fetch to apps/collector on loopback, batched 100': (options) =>
    httpMeasure('HTTP loopback, batched (100 events per POST)', { batchEvents: { eventsPerRequest: 100 }, window: 1_000 }, options),
};
