/**
 * The fault test of the issue: Redis is killed in the middle of 10,000 decisions made through
 * @vwo/node with this storage, and started again. Every call resolves (no rejection, no unhandled
 * error), every decision is the bucketing one, and the storage answers again once Redis is back.
 * The figures are printed.
 */
import { launch, type VWOClient } from '@vwo/node';
import { contractSettings } from '@vwo/storage-contract';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRedisStorage, type RedisStorage, type RedisStorageStats } from '../src/index.js';
import { inspector, type RedisServer, recordingLogger, redisServer, sleep, uniquePrefix } from './helpers/redis.js';

const CALLS = 10_000;
const BATCH = 50; // decisions in flight at once, as on a busy server
const PAUSE_MS = 15; // between batches: 200 batches take ~3 s, so the outage and the recovery take real time
const KILL_AT = 60; // batch index: Redis is SIGKILLed while this batch is in flight…
const RESTART_AT = 110; // …and started again (empty: no persistence) while this one is
const USERS = 2_500; // call i is for user i % USERS: most users come back several times

let server: RedisServer;
beforeAll(async () => {
  server = await redisServer();
  await server.start();
});
afterAll(async () => server.dispose());

it('Redis killed in the middle of 10,000 decisions: every call resolves, decisions fall back to bucketing, storage resumes', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (error: unknown) => unhandled.push(error);
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);

  const storageLog = recordingLogger();
  const clientLog = recordingLogger();
  const storage: RedisStorage = createRedisStorage({
    url: server.url,
    prefix: uniquePrefix('fault'),
    timeoutMs: 50,
    logger: storageLog.logger,
  });
  const settingsFile = contractSettings();
  const vwo: VWOClient = await launch({
    settingsFile,
    userStorage: storage,
    isDevelopmentMode: true,
    logger: clientLog.logger,
    logLevel: 'warn',
  });
  const reference = await launch({ settingsFile, isDevelopmentMode: true, logLevel: 'silent' });
  const expected: Array<string | null> = [];
  for (let u = 0; u < USERS; u++) expected.push(await reference.activate('contract-ab', `user-${u}`));

  type Phase = { name: string; calls: number; wrong: number; rejected: number; maxMs: number; ms: number; stats?: RedisStorageStats };
  const phases: Phase[] = [];
  let phase: Phase | undefined;
  const enter = (name: string) => {
    if (phase) phase.stats = storage.stats();
    phase = { name, calls: 0, wrong: 0, rejected: 0, maxMs: 0, ms: performance.now() };
    phases.push(phase);
  };
  let killed: Promise<void> | undefined;
  let restarted: Promise<void> | undefined;

  const started = performance.now();
  enter('Redis up');
  for (let batch = 0; batch * BATCH < CALLS; batch++) {
    if (batch === KILL_AT) {
      enter('Redis down');
      killed = server.stop('SIGKILL');
    }
    if (batch === RESTART_AT) {
      await killed;
      enter('Redis restarted');
      restarted = server.start();
    }
    const current = phase!;
    const outcomes = await Promise.allSettled(
      Array.from({ length: BATCH }, async (_, k) => {
        const i = batch * BATCH + k;
        const user = i % USERS;
        const t0 = performance.now();
        const variation = await vwo.activate('contract-ab', `user-${user}`);
        current.maxMs = Math.max(current.maxMs, performance.now() - t0);
        if (variation !== expected[user]) current.wrong++;
      }),
    );
    current.calls += BATCH;
    current.rejected += outcomes.filter((o) => o.status === 'rejected').length;
    await sleep(PAUSE_MS);
  }
  await restarted;
  phase!.stats = storage.stats();
  const elapsedMs = performance.now() - started;
  const admin = inspector(server.url);
  const keysAfter = await admin.dbsize();
  admin.disconnect();

  // Figures: each phase's share of the storage's counters.
  let before: RedisStorageStats = { reads: 0, hits: 0, misses: 0, failedReads: 0, writes: 0, failedWrites: 0, outages: 0 };
  const rows = phases.map((p, i) => {
    const s = p.stats!;
    const row = {
      phase: p.name,
      calls: p.calls,
      'wrong variation': p.wrong,
      rejected: p.rejected,
      'storage hits': s.hits - before.hits,
      'misses (no record)': s.misses - before.misses,
      'misses (Redis failed)': s.failedReads - before.failedReads,
      'writes failed': s.failedWrites - before.failedWrites,
      'slowest call ms': Number(p.maxMs.toFixed(1)),
      'phase ms': Math.round((phases[i + 1]?.ms ?? started + elapsedMs) - p.ms),
    };
    before = s;
    return row;
  });
  const total = storage.stats();
  console.log(
    `fault test: ${CALLS} decisions in ${elapsedMs.toFixed(0)} ms (${BATCH} in flight, ${PAUSE_MS} ms between batches); ` +
      `misses ${total.misses + total.failedReads} (${total.failedReads} because Redis failed), hits ${total.hits}, ` +
      `writes failed ${total.failedWrites} of ${total.writes}; outages logged ${total.outages}; ${keysAfter} records in Redis after the restart`,
  );
  console.table(rows);
  console.log(storageLog.lines.map((l) => `${l.level}: ${l.message}`).join('\n'));

  expect(rows.map((r) => r.calls).reduce((a, b) => a + b)).toBe(CALLS);
  expect(rows.every((r) => r.rejected === 0 && r['wrong variation'] === 0)).toBe(true);
  expect(unhandled).toEqual([]);
  // Up: returning users are served from Redis. Down: every read failed fast and counted as a miss.
  expect(rows[0]['storage hits']).toBeGreaterThan(0);
  expect(rows[1]['misses (Redis failed)']).toBeGreaterThan(0);
  expect(rows[1]['storage hits']).toBeLessThanOrEqual(BATCH); // at most reads of the batch in flight at the kill
  expect(rows[1]['slowest call ms']).toBeLessThan(1000);
  // Restarted (empty): the storage answers again, stores the users it sees, and serves them when they return.
  expect(rows[2]['storage hits']).toBeGreaterThan(0);
  expect(keysAfter).toBeGreaterThan(0);
  // One line when the outage starts, one when it ends: not one per call. The client saw no failure at all.
  expect(storageLog.lines.filter((l) => l.level === 'warn').length).toBe(total.outages);
  expect(total.outages).toBeGreaterThanOrEqual(1);
  // (A busy CI machine can make a call outlast 50 ms while Redis is up: that is an outage too.)
  expect(total.outages).toBeLessThanOrEqual(5);
  expect(clientLog.lines).toEqual([]);

  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  await vwo.close();
  await reference.close();
  await storage.close();
});
