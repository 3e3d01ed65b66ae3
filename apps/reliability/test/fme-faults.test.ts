/**
 * The FME client (`init` of `@vwo/node`) under transport, settings and storage faults, the
 * counterpart of transport/settings/storage.test.ts for `launch`.
 *
 * Transport: connection refused, HTTP 500 shorter and longer than the retry budget, answers later
 * than `requestTimeout`, a server that never answers, dropped connections, answers that are not
 * JSON, and a transport whose promise never settles (a fake: no server can make `fetch` ignore
 * its own time-out). Goals: every call resolves, none throws; every event is accounted for:
 * each one the server is missing is named in a loss log line (and a logged loss that the server
 * recorded anyway is one whose last attempt got no answer: at-least-once).
 * Settings: the fetch at `init` and `updateSettings()` answered with a 500, half a file, a JSON
 * document that is not a settings file, or never. Goals: `init` resolves (flags disabled) and
 * recovers on the next good file; a client with good settings keeps them.
 * Storage: `get`/`set` that throw, reject, answer late, never settle or answer garbage. Goals:
 * every call resolves with the answer for a user without a record, within `requestTimeout`.
 *
 * Timings are generous on purpose (the machine is shared with other builds): `requestTimeout`
 * 3 s for HTTP, 1 s for storage, outages of 1.5 s, retries after 1, 2 and 4 s.
 */
import { type FmeClient, type FmeStorageConnector, init, type Transport } from '@vwo/node';
import { QUIET_TRANSPORT } from '@vwo/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG } from './support/config.js';
import {
  countingTransport,
  FME_ACCOUNT_ID,
  FME_SDK_KEY,
  type FmeFault,
  fmeLogCapture,
  fmeSettings,
  startFmeServer,
} from './support/fme.js';
import { loggedLosses, ms, noUnhandledGoal, sleep, watchUnhandled } from './support/helpers.js';
import { offLoopbackRequests } from './support/loopback.js';
import { type Row, section } from './support/report.js';

const report = section('fme-faults', 7, 'FME client (init): transport, settings and storage faults');
const REQUEST_TIMEOUT_MS = 3000;
const OUTAGE_MS = 1500;
/** Waits of 1, 2 and 4 s between attempts: 1.35.0's schedule with `initialDelay: 1` (whole seconds only). */
const RETRY = { shouldRetry: true, initialDelay: 1, maxRetries: 3, backoffMultiplier: 2 };
/** Where every event is lost anyway, one retry after 1 s: the losses are the same, the run shorter. */
const ONE_RETRY = { shouldRetry: true, initialDelay: 1, maxRetries: 1, backoffMultiplier: 2 };
const CLOSE_TIMEOUT_MS = 15_000;
const FLAGS = CONFIG === 'full' ? 200 : 40;
const STORAGE_CALLS = CONFIG === 'full' ? 5000 : 200;
const STORAGE_TIMEOUT_MS = 1000;
const never = () => new Promise<never>(() => undefined);

afterAll(() => report.figure('offLoopbackRequests', offLoopbackRequests()));

/** Flags for `FLAGS` users (two impressions each) and a conversion for every other user. */
async function traffic(vwo: FmeClient): Promise<{ calls: number; threw: number; slowestMs: number; answers: unknown[] }> {
  let threw = 0;
  let slowestMs = 0;
  const answers: unknown[] = [];
  const timed = async (call: () => Promise<unknown>) => {
    const started = performance.now();
    try {
      answers.push(await call());
    } catch {
      threw += 1;
    }
    slowestMs = Math.max(slowestMs, performance.now() - started);
  };
  const calls: Promise<void>[] = [];
  for (let i = 0; i < FLAGS; i++) {
    const context = { id: `user-${i}` };
    calls.push(timed(() => vwo.getFlag('checkout', context).then((flag) => flag.isEnabled())));
    if (i % 2 === 0) calls.push(timed(() => vwo.trackEvent('purchase', context, { revenue: i })));
    // 20 users every 50 ms, as requests arrive at a service, rather than every request at once.
    if (i % 20 === 19) await sleep(50);
  }
  await Promise.all(calls);
  return { calls: calls.length, threw, slowestMs, answers };
}

interface Scenario {
  readonly name: string;
  readonly fault: FmeFault | 'refused' | 'never-settling transport';
  /** How long the fault lasts; `undefined`: to the end. */
  readonly outageMs?: number;
  /** Whether every event must arrive (an outage shorter than the retry budget). */
  readonly noneLost: boolean;
}

const SCENARIOS: Scenario[] = [
  { name: 'connection refused (nothing listening)', fault: 'refused', noneLost: false },
  { name: 'HTTP 500 for 1.5 s (shorter than the retries)', fault: { kind: 'status', status: 500 }, outageMs: OUTAGE_MS, noneLost: true },
  { name: 'HTTP 500 throughout (longer than the retries)', fault: { kind: 'status', status: 500 }, noneLost: false },
  { name: 'answers after 6 s (requestTimeout 3 s) for 1.5 s', fault: { kind: 'delay', ms: 6000 }, outageMs: OUTAGE_MS, noneLost: true },
  { name: 'no answer at all for 1.5 s (held connections)', fault: { kind: 'hang' }, outageMs: OUTAGE_MS, noneLost: true },
  { name: 'connections dropped for 1.5 s', fault: { kind: 'reset' }, outageMs: OUTAGE_MS, noneLost: true },
  { name: 'answers that are not JSON (status 200)', fault: { kind: 'malformed' }, noneLost: true },
  { name: 'a transport whose promise never settles (fake)', fault: 'never-settling transport', noneLost: false },
];

describe('transport faults', () => {
  const rows: Row[] = [];
  afterAll(() =>
    report.table(
      `FME transport faults: ${FLAGS} getFlag (2 impressions each) + ${FLAGS / 2} trackEvent per run, plus the init event`,
      rows,
    ),
  );

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const server = await startFmeServer();
      const unhandled = watchUnhandled();
      const mark = report.mark();
      const log = fmeLogCapture();
      let target = server.url;
      let inner: Transport | undefined;
      if (scenario.fault === 'refused') {
        await server.close(); // its port now refuses connections
        target = server.url;
      } else if (scenario.fault === 'never-settling transport') inner = { send: never };
      else server.fault = scenario.fault;
      const counted = countingTransport(target, REQUEST_TIMEOUT_MS, inner);
      const started = performance.now();
      try {
        const vwo = await init({
          accountId: FME_ACCOUNT_ID,
          sdkKey: FME_SDK_KEY,
          settings: fmeSettings(),
          transport: counted.transport,
          retryConfig: scenario.noneLost ? RETRY : ONE_RETRY,
          requestTimeout: REQUEST_TIMEOUT_MS,
          closeTimeout: CLOSE_TIMEOUT_MS,
          logger: log.logger,
        });
        if (scenario.outageMs !== undefined) setTimeout(() => (server.fault = { kind: 'none' }), scenario.outageMs).unref();
        const run = await traffic(vwo);
        const received = () => (scenario.fault === 'refused' || inner ? 0 : server.events().distinct);
        // close() gives waiting retries one immediate attempt: let the retries run their course first
        // (every event delivered or given up on), within a bound; what is left is then close()'s.
        const settleBound = OUTAGE_MS + 7000 + 4 * REQUEST_TIMEOUT_MS + 5000;
        const settleStarted = performance.now();
        while (counted.events() - received() > loggedLosses(log.lines).events && performance.now() - settleStarted < settleBound)
          await sleep(50);
        const settledMs = performance.now() - settleStarted;
        const closeStarted = performance.now();
        await vwo.close();
        const closeMs = performance.now() - closeStarted;
        const handed = counted.events();
        const losses = loggedLosses(log.lines);
        rows.push({
          fault: scenario.name,
          calls: run.calls,
          'events handed to transport': handed,
          attempts: counted.attempts(),
          unanswered: counted.unanswered(),
          'recorded (distinct)': received(),
          'arrivals (with resends)': scenario.fault === 'refused' || inner ? 0 : server.events().arrivals,
          'lost, logged': losses.events,
          'of which unanswered (may be recorded)': counted.lostUnanswered(),
          'loss log lines': losses.lines,
          'slowest call ms': ms(run.slowestMs),
          'settled after ms': ms(settledMs),
          'close() ms': ms(closeMs),
          'run s': ms((performance.now() - started) / 1000),
        });
        report.goal(`${scenario.name}: calls that threw or rejected`, run.threw === 0, run.threw, '0');
        const missing = handed - received();
        const unknownFate = counted.lostUnanswered();
        // Refused after close, so never handed over: a network debug report (issue 18) of a
        // request that ended during close() is created after it and dropped, counted and logged.
        const neverHanded = losses.byReason['after close'] ?? 0;
        const loggedOfHanded = losses.events - neverHanded;
        report.goal(
          `${scenario.name}: nothing recorded that was not handed over`,
          missing >= 0,
          `${received()} of ${handed}`,
          'recorded ≤ handed',
        );
        report.goal(
          `${scenario.name}: every event missing at the server is named in a loss log line`,
          loggedOfHanded >= missing && loggedOfHanded - missing <= unknownFate,
          `missing ${missing}, logged ${losses.events} ${JSON.stringify(losses.byReason)}, unanswered last attempts ${unknownFate}`,
          'missing ≤ logged ≤ missing + events whose last attempt got no answer',
        );
        if (scenario.noneLost) report.goal(`${scenario.name}: events missing at the server`, missing === 0, missing, '0');
        report.goal(
          `${scenario.name}: close() within closeTimeout`,
          closeMs <= CLOSE_TIMEOUT_MS + 1000,
          `${ms(closeMs)} ms`,
          `≤ ${CLOSE_TIMEOUT_MS} ms`,
        );
        noUnhandledGoal(report, `${scenario.name}: unhandled rejections`, unhandled);
      } finally {
        unhandled.stop();
        if (scenario.fault !== 'refused') await server.close();
      }
      expect(report.missed(mark)).toEqual([]);
    });
  }
});

const SETTINGS_FAULTS: Array<{ name: string; fault: FmeFault; serve?: unknown }> = [
  { name: 'HTTP 500', fault: { kind: 'status', status: 500 } },
  { name: 'half a file', fault: { kind: 'malformed' } },
  { name: 'JSON that is not a settings file', fault: { kind: 'none' }, serve: { features: 'none', campaigns: 7 } },
  { name: 'no answer (held past requestTimeout)', fault: { kind: 'hang' } },
];

describe('settings faults', () => {
  const rows: Row[] = [];
  afterAll(() =>
    report.table(
      'FME settings fetch faults (`init` without settings, then `updateSettings()` on a good file; a client with good settings, then `updateSettings()` on the fault)',
      rows,
    ),
  );

  for (const { name, fault, serve } of SETTINGS_FAULTS) {
    it(`settings answered with ${name}`, async () => {
      const server = await startFmeServer();
      const unhandled = watchUnhandled();
      const mark = report.mark();
      const log = fmeLogCapture('ERROR');
      const options = {
        accountId: FME_ACCOUNT_ID,
        sdkKey: FME_SDK_KEY,
        transport: countingTransport(server.url, REQUEST_TIMEOUT_MS).transport,
        retryConfig: { shouldRetry: true, initialDelay: 1, maxRetries: 1, backoffMultiplier: 2 },
        requestTimeout: REQUEST_TIMEOUT_MS,
        logger: log.logger,
      };
      try {
        server.fault = fault;
        if (serve !== undefined) server.settings = serve;
        const started = performance.now();
        const broken = await init(options);
        const initMs = performance.now() - started;
        const offWhileBroken = !(await broken.getFlag('checkout', { id: 'user-1' })).isEnabled();
        const linesWhileBroken = log.lines.length;
        server.fault = { kind: 'none' };
        server.settings = fmeSettings();
        await broken.updateSettings(undefined, false);
        const recovered = (await broken.getFlag('checkout', { id: 'user-1' })).isEnabled();

        const good = await init(options);
        server.fault = fault;
        if (serve !== undefined) server.settings = serve;
        const updateStarted = performance.now();
        await good.updateSettings(undefined, false);
        const updateMs = performance.now() - updateStarted;
        const kept = (await good.getFlag('checkout', { id: 'user-1' })).isEnabled();
        server.fault = { kind: 'none' };
        await Promise.all([broken.close(), good.close()]);

        rows.push({
          answer: name,
          'init ms': ms(initMs),
          'flags while broken': offWhileBroken ? 'disabled' : 'ENABLED',
          'error lines': linesWhileBroken,
          'after a good file': recovered ? 'enabled' : 'disabled',
          'updateSettings ms': ms(updateMs),
          'good client keeps its settings': kept,
        });
        // 1 s retry wait + two attempts bounded by requestTimeout, and slack for a loaded machine.
        const bound = 1000 + 2 * REQUEST_TIMEOUT_MS + 2000;
        report.goal(`${name}: init resolves within its bound`, initMs <= bound, `${ms(initMs)} ms`, `≤ ${bound} ms`);
        report.goal(
          `${name}: flags disabled, at least one error line`,
          offWhileBroken && linesWhileBroken > 0,
          `${linesWhileBroken} lines`,
          'disabled, ≥ 1 line',
        );
        report.goal(`${name}: recovers on the next good file`, recovered, recovered, 'enabled');
        report.goal(`${name}: a client with good settings keeps them`, kept, kept, 'enabled');
        noUnhandledGoal(report, `${name}: unhandled rejections`, unhandled);
      } finally {
        unhandled.stop();
        await server.close();
      }
      expect(report.missed(mark)).toEqual([]);
    });
  }
});

const STORAGE_FAULTS: Array<{ name: string; storage: FmeStorageConnector }> = [
  {
    name: 'get throws',
    storage: {
      get: () => {
        throw new Error('storage down');
      },
      set: () => undefined,
    },
  },
  { name: 'get rejects', storage: { get: () => Promise.reject(new Error('storage down')), set: () => undefined } },
  { name: 'get never settles', storage: { get: never, set: () => undefined } },
  {
    name: 'get answers after 2 × requestTimeout',
    storage: { get: () => sleep(2 * STORAGE_TIMEOUT_MS).then(() => undefined), set: () => undefined },
  },
  {
    name: 'get answers garbage',
    storage: { get: (_key, user) => [42, 'x', { experimentVariationId: {} }, [], Symbol('s')][user.length % 5], set: () => undefined },
  },
  {
    name: 'set throws',
    storage: {
      get: () => undefined,
      set: () => {
        throw new Error('storage down');
      },
    },
  },
  { name: 'set never settles', storage: { get: () => undefined, set: never } },
];

describe('storage faults', () => {
  const rows: Row[] = [];
  afterAll(() =>
    report.table(
      `FME storage faults: ${STORAGE_CALLS.toLocaleString('en-US')} getFlag calls each, 100 at a time (requestTimeout ${STORAGE_TIMEOUT_MS} ms)`,
      rows,
    ),
  );

  it('every storage fault: calls resolve with the answer for a user without a record', async () => {
    const mark = report.mark();
    const unhandled = watchUnhandled();
    const plain = await init({ accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, settings: fmeSettings(), transport: QUIET_TRANSPORT });
    const answer = async (vwo: FmeClient, id: string) => {
      const flag = await vwo.getFlag('checkout', { id });
      return `${flag.isEnabled()} ${String(flag.getVariable('color', 'none'))}`;
    };
    try {
      for (const { name, storage } of STORAGE_FAULTS) {
        const log = fmeLogCapture('ERROR');
        const vwo = await init({
          accountId: FME_ACCOUNT_ID,
          sdkKey: FME_SDK_KEY,
          settings: fmeSettings(),
          transport: QUIET_TRANSPORT,
          storage,
          requestTimeout: STORAGE_TIMEOUT_MS,
          logger: log.logger,
        });
        let threw = 0;
        let different = 0;
        let slowestMs = 0;
        const started = performance.now();
        for (let from = 0; from < STORAGE_CALLS; from += 100) {
          await Promise.all(
            Array.from({ length: Math.min(100, STORAGE_CALLS - from) }, async (_, k) => {
              const id = `user-${from + k}`;
              const callStarted = performance.now();
              try {
                const got = await answer(vwo, id);
                if (got !== (await answer(plain, id))) different += 1;
              } catch {
                threw += 1;
              }
              slowestMs = Math.max(slowestMs, performance.now() - callStarted);
            }),
          );
        }
        await vwo.close();
        rows.push({
          fault: name,
          calls: STORAGE_CALLS,
          threw,
          'answers unlike no storage': different,
          'slowest call ms': ms(slowestMs),
          'error lines': log.lines.length,
          'run s': ms((performance.now() - started) / 1000),
        });
        report.goal(`${name}: failed calls`, threw === 0 && different === 0, { threw, different }, '0 threw, 0 different');
        const bound = STORAGE_TIMEOUT_MS + 2000;
        report.goal(`${name}: slowest call`, slowestMs <= bound, `${ms(slowestMs)} ms`, `≤ ${bound} ms (requestTimeout + slack)`);
      }
      noUnhandledGoal(report, 'storage faults: unhandled rejections', unhandled);
    } finally {
      unhandled.stop();
      await plain.close();
    }
    expect(report.missed(mark)).toEqual([]);
  });
});

report.note(
  'FME events are counted at a loopback server of the suite (test/support/fme.ts): the local collector answers the legacy endpoints only. ' +
    'Each event is recorded once by the text of its envelope, which every resend keeps (`d.msgId` is not unique: two impressions of one getFlag share it); "handed to transport" counts each request once, however often it was attempted.',
);
report.note(
  `Timings are generous because the machine is shared: requestTimeout ${REQUEST_TIMEOUT_MS} ms, outages ${OUTAGE_MS} ms, retries after 1, 2 and 4 s (retryConfig initialDelay 1, maxRetries 3; one retry after 1 s where every event is lost anyway), storage requestTimeout ${STORAGE_TIMEOUT_MS} ms.`,
);
report.note(
  '"A transport whose promise never settles" is a fake transport: fetch has its own time-out, so no server can produce it. The client bounds each attempt by requestTimeout.',
);
