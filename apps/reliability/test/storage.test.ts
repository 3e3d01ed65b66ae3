/**
 * Storage faults: a user storage that throws, rejects, hangs, answers late or answers garbage
 * (including objects that throw when read and thenables that never settle), and a real Redis
 * (through `@vwo/storage-redis`) that is paused, killed and started again in the middle of the
 * calls. Goal: 0 failed calls. Every call resolves; with a failing storage the answer is
 * exactly the answer for a user without a record (`COMPATIBILITY.md`); with garbage it is a
 * valid answer of the method; with Redis it is the bucketing variation throughout.
 */
import { launch, type UserStorage, type VWOClient } from '@vwo/node';
import { createRedisStorage } from '@vwo/storage-redis';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { SIZES } from './support/config.js';
import { ms, noUnhandledGoal, recordingLogger, sleep, watchUnhandled } from './support/helpers.js';
import { redisServer } from './support/redis.js';
import { type Row, section } from './support/report.js';
import { richSettings } from './support/settings.js';

const report = section('storage', 3, 'Storage faults');
const STORAGE_TIMEOUT_MS = 25;
const CONCURRENCY = 100;
const USERS = 500;
const never = () => new Promise<never>(() => undefined);

/** The calls each storage kind answers: every method that reads or writes the storage, on every campaign kind. */
const CALLS: Array<{ name: string; call: (vwo: VWOClient, user: string) => Promise<unknown>; valid: (answer: unknown) => boolean }> = [
  { name: 'activate ab', call: (v, u) => v.activate('ab', u), valid: oneOf(null, 'Control', 'Green', 'Blue') },
  { name: 'activate group-a', call: (v, u) => v.activate('group-a', u), valid: oneOf(null, 'Control', 'Variation-1') },
  { name: 'activate mab', call: (v, u) => v.activate('mab', u), valid: oneOf(null, 'Control', 'Variation-1') },
  { name: 'getVariationName ab', call: (v, u) => v.getVariationName('ab', u), valid: oneOf(null, 'Control', 'Green', 'Blue') },
  { name: 'isFeatureEnabled ft', call: (v, u) => v.isFeatureEnabled('ft', u), valid: (a) => typeof a === 'boolean' },
  {
    name: 'isFeatureEnabled rollout',
    call: (v, u) => v.isFeatureEnabled('rollout', u, { customVariables: { beta: 'true' } }),
    valid: (a) => typeof a === 'boolean',
  },
  { name: 'getFeatureVariableValue ft', call: (v, u) => v.getFeatureVariableValue('ft', 'label', u), valid: oneOf(null, 'ctrl', 'on') },
  {
    name: 'track ab',
    call: (v, u) => v.track('ab', u, 'signup'),
    valid: (a) => a === null || (typeof a === 'object' && Object.values(a as object).every((x) => typeof x === 'boolean')),
  },
  {
    name: 'track every campaign with the goal',
    call: (v, u) => v.track(null, u, 'signup'),
    valid: (a) => a === null || (typeof a === 'object' && Object.values(a as object).every((x) => typeof x === 'boolean')),
  },
];

function oneOf(...values: unknown[]) {
  return (answer: unknown) => values.includes(answer);
}

/** Values a broken storage might hand back, hostile ones included. */
function garbage(count: number): unknown[] {
  const hostile: unknown[] = [
    new Proxy(
      {},
      {
        get: () => {
          throw new Error('record read');
        },
        has: () => {
          throw new Error('record has');
        },
        ownKeys: () => {
          throw new Error('keys');
        },
      },
    ),
    Object.defineProperty({}, 'variationName', {
      get: () => {
        throw new Error('variationName getter');
      },
      enumerable: true,
    }),
    // Thenables, on purpose: a storage may hand back a broken promise-like object.
    {
      // biome-ignore lint/suspicious/noThenProperty: a thenable that throws is the fault under test
      then: () => {
        throw new Error('thenable throws');
      },
    },
    {
      // biome-ignore lint/suspicious/noThenProperty: a thenable that never settles is the fault under test
      then: () => undefined,
    },
    { variationName: 123 },
    { variationName: 'Nope', campaignKey: 'ab', userId: 'x' },
    {
      variationName: {
        toString: () => {
          throw new Error('toString');
        },
      },
    },
    { variationName: 'Green', goalIdentifier: 7, metaData: 'no' },
    { goalIdentifier: 'signup', variationName: null },
    Symbol('record'),
    10n,
    () => 'Green',
    new Map([['variationName', 'Green']]),
    'Green',
    ['Green'],
    NaN,
  ];
  const circular: Record<string, unknown> = { variationName: 'Control' };
  circular.self = circular;
  hostile.push(circular);
  const random = fc.sample(
    fc.anything({
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
    }),
    { numRuns: count, seed: 9 },
  );
  return [...hostile, ...random];
}

interface Kind {
  readonly name: string;
  readonly storage: (garbageValues: unknown[]) => UserStorage;
  /** Answers must equal those for a user without a record; else only valid for the method. */
  readonly exact: boolean;
}

const KINDS: Kind[] = [
  {
    name: 'get and set throw',
    storage: () => ({
      get: () => {
        throw new Error('storage down');
      },
      set: () => {
        throw new Error('storage down');
      },
    }),
    exact: true,
  },
  {
    name: 'get and set reject',
    storage: () => ({ get: () => Promise.reject(new Error('storage down')), set: () => Promise.reject(new Error('storage down')) }),
    exact: true,
  },
  {
    name: `get and set hang (never settle; storageTimeout ${STORAGE_TIMEOUT_MS} ms)`,
    storage: () => ({ get: never, set: never }),
    exact: true,
  },
  {
    name: `answers twice the storageTimeout late`,
    storage: () => ({
      get: () => sleep(STORAGE_TIMEOUT_MS * 2).then(() => ({ userId: 'late', campaignKey: 'ab', variationName: 'Green' })),
      set: () => sleep(STORAGE_TIMEOUT_MS * 2),
    }),
    exact: true,
  },
  {
    name: 'get answers garbage (sync and async, hostile objects included)',
    storage: (values) => {
      let i = 0;
      return {
        get: () => {
          const value = values[i++ % values.length];
          // Whatever the storage hands back is the fault under test, whatever its type.
          return (i % 2 === 0 ? value : Promise.resolve(value)) as ReturnType<UserStorage['get']>;
        },
        set: () => undefined,
      };
    },
    exact: false,
  },
];

const rows: Row[] = [];
afterAll(() => report.table('Calls through a faulty user storage', rows));

async function inParallel(total: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) await task(next++);
    }),
  );
}

describe('storage faults', () => {
  it('a storage that throws, rejects, hangs, is late or answers garbage: every call resolves to a valid answer', async () => {
    const mark = report.mark();
    const unhandled = watchUnhandled();
    // The answers for users without a record: a storage that never has one.
    const reference = await launch({
      settingsFile: richSettings(),
      isDevelopmentMode: true,
      logLevel: 'silent',
      userStorage: { get: () => undefined, set: () => undefined },
    });
    const values = garbage(500);
    for (const kind of KINDS) {
      const log = recordingLogger(10);
      const vwo = await launch({
        settingsFile: richSettings(),
        isDevelopmentMode: true,
        userStorage: kind.storage(values),
        storageTimeout: STORAGE_TIMEOUT_MS,
        logger: log.logger,
        logLevel: 'warn',
      });
      let rejected = 0;
      let invalid = 0;
      let differs = 0;
      let slowest = 0;
      const samples: string[] = [];
      const started = performance.now();
      await inParallel(SIZES.storageCalls, CONCURRENCY, async (i) => {
        const spec = CALLS[i % CALLS.length]!;
        const user = `user-${i % USERS}`;
        const t0 = performance.now();
        let answer: unknown;
        try {
          answer = await spec.call(vwo, user);
        } catch (error) {
          rejected += 1;
          if (samples.length < 3) samples.push(`${spec.name} rejected: ${String(error)}`);
          return;
        }
        slowest = Math.max(slowest, performance.now() - t0);
        const expected = await spec.call(reference, user);
        const same = JSON.stringify(answer) === JSON.stringify(expected);
        if (!spec.valid(answer) || (kind.exact && !same)) {
          invalid += 1;
          if (samples.length < 3)
            samples.push(`${spec.name} for ${user}: ${JSON.stringify(answer)} (without a record: ${JSON.stringify(expected)})`);
        }
        if (!same) differs += 1;
      });
      await vwo.close();
      rows.push({
        storage: kind.name,
        calls: SIZES.storageCalls,
        rejected,
        'invalid answers': invalid,
        'answers unlike a user without a record': kind.exact ? differs : `${differs} (garbage that reads as a record)`,
        'slowest call ms': ms(slowest),
        'wall ms': Math.round(performance.now() - started),
        'log lines': log.count(),
      });
      report.goal(
        `${kind.name}: 0 failed calls`,
        rejected === 0 && invalid === 0,
        `${rejected} rejected, ${invalid} invalid of ${SIZES.storageCalls} calls${samples.length > 0 ? `: ${samples.join('; ')}` : ''}`,
        kind.exact
          ? 'every call resolves, answering as for a user without a record'
          : 'every call resolves to a valid answer of its method',
      );
    }
    await reference.close();
    await sleep(50);
    unhandled.stop();
    noUnhandledGoal(report, 'no unhandled rejection or uncaught exception', unhandled);
    report.note(
      `Calls rotate over ${CALLS.map((c) => c.name).join(', ')}, ${CONCURRENCY} in flight, ${USERS} users; storageTimeout ${STORAGE_TIMEOUT_MS} ms. ` +
        `Garbage: ${values.length} values (hostile objects first: a Proxy that throws on every read, a throwing getter, thenables that throw or never settle, a circular record, then fast-check \`anything\`).`,
    );
    expect(report.missed(mark)).toEqual([]);
  });

  it('Redis paused, killed and restarted in the middle of the calls: every call resolves with the bucketing answer', async () => {
    const mark = report.mark();
    const unhandled = watchUnhandled();
    const server = await redisServer();
    await server.start();
    const storageLog = recordingLogger();
    const clientLog = recordingLogger();
    const storage = createRedisStorage({ url: server.url, prefix: 'reliability:', timeoutMs: 50, logger: storageLog.logger });
    const vwo = await launch({
      settingsFile: richSettings(),
      isDevelopmentMode: true,
      userStorage: storage,
      logger: clientLog.logger,
      logLevel: 'error',
    });
    const reference = await launch({ settingsFile: richSettings(), isDevelopmentMode: true, logLevel: 'silent' });

    // Each phase lasts a while (the storage's client reconnects within 1 s), with few users, so
    // that users come back within a phase and a storage that works again shows hits.
    const phases = [
      { name: 'Redis up', ms: 1000, before: async () => undefined },
      { name: 'Redis paused (SIGSTOP: connected, answers nothing)', ms: 1000, before: () => server.signal('SIGSTOP') },
      { name: 'Redis resumed (SIGCONT)', ms: 1000, before: () => server.signal('SIGCONT') },
      { name: 'Redis killed (SIGKILL)', ms: 1000, before: () => server.signal('SIGKILL') },
      { name: 'Redis restarted on its port (empty)', ms: 2500, before: () => server.start() },
    ];
    const redisUsers = 100;
    const perPhase = Math.ceil(SIZES.redisCalls / phases.length);
    let totalRejected = 0;
    let totalWrong = 0;
    const started = performance.now();
    const redisRows: Row[] = [];
    for (const phase of phases) {
      await phase.before();
      const before = storage.stats();
      let rejected = 0;
      let wrong = 0;
      let slowest = 0;
      const t = performance.now();
      await inParallel(perPhase, 50, async (i) => {
        await sleep(t + (phase.ms * i) / perPhase - performance.now()); // a steady pace over the phase
        const user = `user-${i % redisUsers}`;
        const t0 = performance.now();
        try {
          const [ab, ft] = await Promise.all([vwo.activate('ab', user), vwo.isFeatureEnabled('ft', user)]);
          slowest = Math.max(slowest, performance.now() - t0);
          if (ab !== (await reference.activate('ab', user)) || ft !== (await reference.isFeatureEnabled('ft', user))) wrong += 1;
        } catch {
          rejected += 1;
        }
      });
      const after = storage.stats();
      totalRejected += rejected;
      totalWrong += wrong;
      redisRows.push({
        phase: phase.name,
        'users (2 calls each)': perPhase,
        rejected,
        'wrong answers': wrong,
        'storage hits': after.hits - before.hits,
        'reads failed → miss': after.failedReads - before.failedReads,
        'writes failed': after.failedWrites - before.failedWrites,
        'slowest call ms': ms(slowest),
        'phase ms': Math.round(performance.now() - t),
      });
    }
    const wallMs = performance.now() - started;
    await vwo.close();
    await reference.close();
    await storage.close();
    await server.dispose();
    await sleep(50);
    unhandled.stop();
    report.table('activate + isFeatureEnabled through @vwo/storage-redis while Redis fails', redisRows);
    const hitsAfterRestart = Number(redisRows.at(-1)!['storage hits']);
    report.goal(
      'Redis: 0 failed calls',
      totalRejected === 0 && totalWrong === 0,
      `${totalRejected} rejected, ${totalWrong} wrong of ${perPhase * phases.length * 2} calls`,
      'every call resolves with the bucketing variation',
    );
    report.goal(
      'Redis: the storage serves again after the restart',
      hitsAfterRestart > 0,
      `${hitsAfterRestart} hits after the restart`,
      '> 0',
    );
    noUnhandledGoal(report, 'Redis: no unhandled rejection or uncaught exception', unhandled);
    report.note(
      `Redis: ${perPhase * phases.length * 2} calls in ${(wallMs / 1000).toFixed(1)} s (${redisUsers} users, up to 50 in flight), storage timeoutMs 50; ` +
        `the storage logged ${storageLog.count()} lines (${storageLog.lines
          .map((l) => l.message.slice(0, 90))
          .slice(0, 3)
          .join(' | ')}); the client logged ${clientLog.count()}.`,
    );
    expect(report.missed(mark)).toEqual([]);
  });
});
