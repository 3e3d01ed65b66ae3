/**
 * Transport faults: N events (one impression and one conversion per user) through `@vwo/node`
 * into a real collector on loopback that answers 500, 503, 429 with Retry-After, answers too
 * late, drops connections, answers slowly, or is down for a while (closed, then started again
 * on the same port), with batching off and on. The retry schedule is scaled down 50 times
 * (`baseDelayMs: 20`) so that an outage takes a fraction of a second of wall time. A short outage's
 * window opens at the first request it answers (`windowFromFirstHit`): on a busy machine the first
 * request can arrive after a window counted from injection has closed, and the run tests nothing.
 *
 * Goals: when the outage is shorter than the retry budget, nothing is lost; when it is longer,
 * the events the collector is missing are exactly the events `eventStats()` counts as failed
 * or dropped, and the log lines account for every one of them; duplicates only where an attempt
 * got no answer (at-least-once), never more than the events of such attempts, every one carrying
 * the event id (`eid`) of its original, so the collector counts each event once. Ids are opt-in
 * (`eventIds: true`; the default wire is 1.73.0's), and this suite turns them on.
 */
import { type Collector, type FaultRule, type ReceivedRequest, startCollector } from '@vwo/collector';
import { launch } from '@vwo/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIZES, TEST_TIMEOUT_MS } from './support/config.js';
import { eventually, loggedLosses, recordingLogger, sleep } from './support/helpers.js';
import { offLoopbackRequests } from './support/loopback.js';
import { observedTransport } from './support/observed-transport.js';
import { type Row, section } from './support/report.js';
import { transportSettings } from './support/settings.js';

const report = section('transport', 1, 'Transport faults');

const EVENTS = SIZES.transportEvents;
const USERS = EVENTS / 2;
const RETRY = { baseDelayMs: 20, jitter: 0.2 } as const; // retries: the default 5
const RETRIES = 5;
const BUDGET_MIN_MS = RETRY.baseDelayMs * (2 ** RETRIES - 1); // 620 ms: 20 + 40 + 80 + 160 + 320
const BUDGET_MAX_MS = BUDGET_MIN_MS * (1 + RETRY.jitter); // 744 ms
const SCALE = 1000 / RETRY.baseDelayMs; // the default schedule starts at 1000 ms
/** requestTimeout of every run but the time-out one: long enough that a busy CI machine causes no spurious time-out. */
const REQUEST_TIMEOUT_MS = 2000;
/**
 * How long the time-out scenario's collector holds answers: longer than REQUEST_TIMEOUT_MS. That
 * scenario once used a requestTimeout of 400 ms (answers held 800 ms) and failed about one run in
 * four under the load of the whole suite, every event given up although the collector had held
 * only the first few requests (1 request faulted, 9 of 1,000 events delivered when reproduced).
 * The cause was the test: 1,000 events at once open 1,000 loopback connections, which this 2-core
 * machine under load needs 0.5–2.5 s for, no fault injected at all; a time-out destroys its
 * connection, so each retry round paid for 1,000 new ones again and none could finish in 400 ms.
 * It now uses the requestTimeout every other run uses, which was chosen for a busy machine.
 */
const HELD_MS = 2500;
const SHORT_MS = 300;
const LONG_MS = 2000;
const BATCH = { eventsPerRequest: 10, requestTimeInterval: 1 };

interface Scenario {
  readonly name: string;
  /** Fault rules injected just before the events start, or a down time of the collector. */
  readonly rules?: FaultRule[];
  readonly downMs?: number;
  /** Spread the users over this many ms instead of sending them at once. */
  readonly spreadMs?: number;
  /** Whether the outage is longer than the retry budget (events may be lost). */
  readonly longerThanBudget: boolean;
  /** Retry-After (ms) the collector asks for: every retry after such an answer must wait at least that. */
  readonly retryAfterMs?: number;
  /** No retry at all is expected (slow answers inside the time-out). */
  readonly noRetry?: boolean;
  /** After the events, wait this long for requests the collector holds (delays) to land. */
  readonly settleMs?: number;
}

const SCENARIOS: Scenario[] = [
  {
    name: `HTTP 500 for ${SHORT_MS} ms`,
    rules: [{ kind: 'status', status: 500, endpoints: 'events', forMs: SHORT_MS, windowFromFirstHit: true }],
    longerThanBudget: false,
  },
  {
    name: `HTTP 503 for ${SHORT_MS} ms`,
    rules: [{ kind: 'status', status: 503, endpoints: 'events', forMs: SHORT_MS, windowFromFirstHit: true }],
    longerThanBudget: false,
  },
  {
    name: `HTTP 429 with Retry-After: 1 for ${SHORT_MS} ms`,
    rules: [{ kind: 'status', status: 429, retryAfter: 1, endpoints: 'events', forMs: SHORT_MS, windowFromFirstHit: true }],
    longerThanBudget: false,
    retryAfterMs: 1000,
  },
  {
    name: `Time-outs: answers held ${HELD_MS} ms (requestTimeout ${REQUEST_TIMEOUT_MS} ms) for ${SHORT_MS} ms`,
    rules: [{ kind: 'delay', ms: HELD_MS, endpoints: 'events', forMs: SHORT_MS, windowFromFirstHit: true }],
    longerThanBudget: false,
    settleMs: HELD_MS + 100,
  },
  {
    name: `Connections dropped for ${SHORT_MS} ms`,
    rules: [{ kind: 'drop', endpoints: 'events', forMs: SHORT_MS, windowFromFirstHit: true }],
    longerThanBudget: false,
  },
  {
    name: 'Connections dropped after the collector recorded the request (10 requests)',
    rules: [{ kind: 'drop', processed: true, endpoints: 'events', count: 10 }],
    longerThanBudget: false,
  },
  {
    name: 'Slow answers: every answer 100 ms late',
    rules: [{ kind: 'delay', ms: 100, endpoints: 'events', forMs: 60_000 }],
    longerThanBudget: false,
    noRetry: true,
  },
  { name: `Collector down ${SHORT_MS} ms (closed, restarted on its port)`, downMs: SHORT_MS, longerThanBudget: false },
  { name: `Collector down ${LONG_MS} ms (closed, restarted on its port)`, downMs: LONG_MS, longerThanBudget: true },
  {
    name: `HTTP 500 for ${LONG_MS} ms, users spread over 2,500 ms`,
    rules: [{ kind: 'status', status: 500, endpoints: 'events', forMs: LONG_MS }],
    spreadMs: 2500,
    longerThanBudget: true,
  },
];

const rows: Row[] = [];
/** Per goal, the runs it was checked in and the ones that missed it. */
const checks = new Map<string, { expected: string; runs: number; missed: string[]; details: string[] }>();
afterAll(() => {
  report.table(`${EVENTS} events per run (${USERS} users × one impression and one conversion)`, rows);
  for (const [name, c] of checks) {
    const details = c.details.length > 0 ? ` (${c.details.join('; ')})` : '';
    const actual =
      c.missed.length === 0
        ? `${c.runs}/${c.runs} runs${details}`
        : `${c.runs - c.missed.length}/${c.runs} runs; missed: ${c.missed.join('; ')}`;
    report.goal(name, c.missed.length === 0, actual, c.expected);
  }
  report.figure('offLoopbackRequests', offLoopbackRequests());
});

report.note(
  `Retry schedule scaled down ${SCALE}×: \`retry: { baseDelayMs: ${RETRY.baseDelayMs}, jitter: ${RETRY.jitter} }\`, ${RETRIES} retries → waits of ` +
    `20, 40, 80, 160, 320 ms (+0–20 %), a retry budget of ${BUDGET_MIN_MS}–${BUDGET_MAX_MS} ms after the first attempt. ` +
    `At the default schedule (1, 2, 4, 8, 16 s) that is ${(BUDGET_MIN_MS * SCALE) / 1000}–${(BUDGET_MAX_MS * SCALE) / 1000} s, so the ${SHORT_MS} ms ` +
    `outages stand for ${(SHORT_MS * SCALE) / 1000} s ones and the ${LONG_MS} ms outages for ${(LONG_MS * SCALE) / 1000} s ones. Retry-After is not scaled (1 s is 1 s).`,
);
report.note(
  `Transport: \`@vwo/transport-fetch\` with \`timeoutMs: ${REQUEST_TIMEOUT_MS}\` (what \`launch\` builds from \`requestTimeout\`), wrapped in a counter of attempts and answers, given to \`launch\` as the user's transport (the SDK's own 10 s deadline backs it up); ` +
    'batching on = `batchEvents: { eventsPerRequest: 10, requestTimeInterval: 1 }`; logLevel `warn` into a recording logger.',
);
report.note(
  "Event ids: turned on (`eventIds: true`; off by default, when the wire is exactly 1.73.0's): every event carries `eid` (a GET parameter, a field of each batch event), the same in every resend. The collector drops an event whose id it " +
    'has seen; across a collector restart (the down-time runs) the suite matches ids itself. A duplicate is an arrival of an event that had arrived before.',
);
report.note(
  'Columns: *delivered* = distinct events the collector recorded; *missing* = events sent by the SDK and never recorded; *duplicates* = arrivals beyond the first ' +
    '(all with the id of their first arrival, and none counted twice); *dup. allowance* = events of attempts that got no answer and were retried ' +
    '(the collector may have recorded them: at-least-once); *logged* = log lines reporting lost events / the events they name.',
);

describe('transport faults', () => {
  // A cold process (fetch loaded on first use, nothing compiled yet) answers its first burst
  // several times slower than a warm one, and a fault window could pass before the burst
  // arrives. A server is warm: so is this process before the first measured run.
  beforeAll(async () => {
    for (let round = 0; round < 3; round++) await run(SCENARIOS.find((s) => s.name.startsWith('Slow'))!, round % 2 === 1, true);
  });

  for (const scenario of SCENARIOS) {
    for (const batching of [false, true]) {
      it(`${scenario.name}, batching ${batching ? 'on' : 'off'}`, { timeout: TEST_TIMEOUT_MS }, async () => {
        const { row, missed } = await run(scenario, batching);
        rows.push(row);
        expect(missed).toEqual([]);
      });
    }
  }
});

/** The events one accepted request carried, each as its identity (kind, visitor, campaign, goal) and its `eid`. */
function eventArrivals(request: ReceivedRequest): Array<{ key: string; eid: string | undefined }> {
  const { params } = request;
  switch (request.endpoint) {
    case 'track-user':
      return [{ key: `impression:${params.u}:${params.experiment_id}:null`, eid: params.eid }];
    case 'track-goal':
      return [{ key: `conversion:${params.u}:${params.experiment_id}:${params.goal_id}`, eid: params.eid }];
    case 'batch-events': {
      const events = (request.body as { ev: Array<Record<string, unknown>> }).ev;
      return events.map((e) => ({
        key: `${e.eT === 1 ? 'impression' : e.eT === 2 ? 'conversion' : 'push'}:${e.u}:${e.e}:${e.eT === 2 ? e.g : null}`,
        eid: e.eid === undefined ? undefined : String(e.eid),
      }));
    }
    default:
      return [];
  }
}

async function run(scenario: Scenario, batching: boolean, warmUp = false): Promise<{ row: Row; missed: string[] }> {
  const label = `${scenario.name}, batching ${batching ? 'on' : 'off'}`;
  const started = Date.now();
  const collectors: Collector[] = [await startCollector({ port: 0, host: '127.0.0.1' })];
  const current = () => collectors.at(-1)!;
  await (await fetch(`${current().url}/_collector/health`)).text();
  // The transport's own time-out is the one under test: the SDK's requestTimeout (its default,
  // 10 s, here) only backs it up. Were both equal, an answer landing between the SDK's deadline and
  // the transport's abort would be ignored by the SDK but counted as an answer by the counter.
  const { transport, figures } = observedTransport(REQUEST_TIMEOUT_MS);
  const log = recordingLogger();
  const vwo = await launch({
    settingsFile: transportSettings(),
    collectorUrl: current().url,
    transport,
    retry: RETRY,
    logger: log.logger,
    logLevel: 'warn',
    // Counting each event once across resends after lost answers is one of the goals here, and
    // only ids let the collector (and the suite, across a restart) tell a resend from a new event.
    eventIds: true,
    ...(batching ? { batchEvents: BATCH } : {}),
  });
  const userId = (i: number) => `u${i}`;
  const sendUser = async (i: number) => {
    await vwo.activate('K', userId(i));
    await vwo.track('K', userId(i), 'CUSTOM');
  };
  const idle = () => {
    const s = vwo.eventStats();
    return s.pending === 0 && s.enqueued === s.sent + s.failed + s.dropped;
  };

  if (scenario.downMs !== undefined) {
    // Half the users while the collector is up; then it goes away with nothing in flight, the
    // other half are sent while it is down, and it comes back on the same port.
    const half = USERS / 2;
    for (let i = 0; i < half; i++) await sendUser(i);
    if (batching) await vwo.flushEvents();
    await eventually(`${label}: first half delivered`, idle, 10_000);
    const port = current().port;
    await current().close();
    const downAt = Date.now();
    for (let i = half; i < USERS; i++) await sendUser(i);
    if (batching) void vwo.flushEvents();
    await sleep(Math.max(0, scenario.downMs - (Date.now() - downAt)));
    collectors.push(await startCollector({ port, host: '127.0.0.1' }));
  } else {
    current().injectFaults(scenario.rules ?? []);
    const spread = scenario.spreadMs ?? 0;
    for (let i = 0; i < USERS; i++) {
      if (spread > 0) await sleep(Math.max(0, started + (spread * i) / USERS - Date.now()));
      await sendUser(i);
    }
    if (batching) void vwo.flushEvents();
  }
  await eventually(`${label}: every event delivered or given up`, idle, 20_000);
  if (scenario.settleMs) await sleep(scenario.settleMs);
  await vwo.close();
  const wallMs = Date.now() - started;
  const stats = vwo.eventStats();
  // Every arrival (duplicates included) with its event id, and what each collector counted.
  const idsByEvent = new Map<string, Set<string | undefined>>();
  const counted = new Map<string, number>();
  let arrivals = 0;
  let faulted = 0;
  for (const c of collectors) {
    faulted += c.stats().requests.faulted;
    for (const { key, eid } of c.received().flatMap(eventArrivals)) {
      arrivals += 1;
      const ids = idsByEvent.get(key) ?? new Set();
      ids.add(eid);
      idsByEvent.set(key, ids);
    }
    for (const e of c.events()) {
      const key = `${e.kind}:${e.uuid}:${e.campaignId}:${e.goalId}`;
      counted.set(key, (counted.get(key) ?? 0) + 1);
    }
  }
  await Promise.all(collectors.map((c) => c.close()));
  const delivered = idsByEvent.size;
  const duplicates = arrivals - delivered;
  const withOtherIds = [...idsByEvent.values()].filter((ids) => ids.size !== 1 || ids.has(undefined)).length;
  // Only a restart of the collector (a new instance, which knows no earlier ids) may count twice.
  const countedTwice = [...counted.values()].reduce((sum, n) => sum + n - 1, 0);
  const missing = EVENTS - delivered;
  const lost = stats.failed + stats.dropped;
  const logged = loggedLosses(log.lines);
  const t = figures();

  const missed: string[] = [];
  const goal = (name: string, ok: boolean, actual: unknown, expected: string, detail?: string) => {
    if (warmUp) return;
    const entry = checks.get(name) ?? { expected, runs: 0, missed: [], details: [] };
    checks.set(name, entry);
    entry.runs += 1;
    if (detail !== undefined) entry.details.push(`${scenario.name.split(' (')[0]}, batching ${batching ? 'on' : 'off'}: ${detail}`);
    if (!ok) {
      const text = `${label}: ${JSON.stringify(actual)}`;
      entry.missed.push(text);
      missed.push(`${name}: ${text}`);
    }
  };
  goal(
    'every event accounted for',
    stats.enqueued === EVENTS && stats.enqueued === stats.sent + stats.failed + stats.dropped,
    stats,
    `enqueued ${EVENTS} = sent + failed + dropped`,
  );
  if (!scenario.longerThanBudget) {
    goal(
      '0 lost (outage shorter than the retry budget)',
      missing === 0 && lost === 0,
      { missing, failed: stats.failed, dropped: stats.dropped },
      'missing 0, failed + dropped 0',
    );
  } else {
    // Exact: every event the SDK counts as lost is missing from the collector, and no other one.
    // A request whose last attempt got no answer may have arrived although counted lost.
    goal(
      'failed + dropped = missing from the collector',
      lost >= missing && lost - missing <= t.lostUnanswered,
      { 'failed + dropped': lost, missing, 'lost without an answer (may have arrived)': t.lostUnanswered },
      'equal (up to events whose last attempt got no answer)',
      `${lost} = ${missing}`,
    );
    goal('the outage did lose events', lost > 0, lost, '> 0 (the outage outlasts the retry budget)');
  }
  goal(
    'every lost event logged',
    logged.events === lost,
    { loggedEvents: logged.events, lines: logged.lines, lost },
    'events named in log lines = failed + dropped',
    lost > 0 ? `${logged.lines} lines name ${logged.events} of ${lost}` : undefined,
  );
  if (!batching)
    goal(
      'one log line per lost event',
      logged.lines === lost,
      { lines: logged.lines, lost },
      'lines = lost events (one request per event)',
    );
  goal(
    'no duplicates beyond at-least-once',
    duplicates <= t.duplicateAllowance,
    { duplicates, allowance: t.duplicateAllowance },
    'duplicates ≤ events of unanswered, retried attempts',
    duplicates > 0 ? `${duplicates} ≤ ${t.duplicateAllowance}` : undefined,
  );
  goal(
    'duplicates carry the id of their original',
    withOtherIds === 0,
    { eventsWithSeveralOrNoIds: withOtherIds, duplicates },
    'every arrival of an event has one and the same eid',
    duplicates > 0 ? `${duplicates} duplicate arrivals, all with their original's id` : undefined,
  );
  goal(
    'each event counted once',
    countedTwice === 0 || (scenario.downMs !== undefined && countedTwice <= duplicates),
    { countedTwice, duplicates },
    'the collector counts no event twice (by eid); across a restart, only what the new instance could not know',
  );
  goal(
    'sent = delivered',
    delivered - stats.sent >= 0 && delivered - stats.sent <= t.lostUnanswered,
    { sent: stats.sent, delivered },
    'the collector recorded each event the SDK counts as sent',
  );
  if (scenario.retryAfterMs !== undefined) {
    const shortest = t.retryAfter.shortestWaitMs;
    goal(
      'Retry-After honoured',
      t.retryAfter.answers > 0 && shortest !== null && shortest >= scenario.retryAfterMs - 1,
      { answers: t.retryAfter.answers, shortestWaitMs: shortest },
      `every retry after a 429 waits ≥ ${scenario.retryAfterMs} ms`,
      `${t.retryAfter.answers} retries, shortest wait ${shortest} ms`,
    );
  }
  if (scenario.noRetry) goal('no retry needed', stats.retried === 0, stats.retried, '0 retries: slow answers arrive inside requestTimeout');
  if (scenario.rules) goal('the injected fault was hit', faulted > 0, faulted, '> 0 requests answered by the fault');

  const row: Row = {
    scenario: scenario.name,
    batching: batching ? 'on' : 'off',
    'requests (attempts)': `${t.requests} (${t.attempts})`,
    'faulted at collector': faulted,
    retried: stats.retried,
    sent: stats.sent,
    failed: stats.failed,
    dropped: stats.dropped,
    delivered,
    missing,
    duplicates,
    'dup. allowance': t.duplicateAllowance,
    'counted twice': countedTwice,
    'logged (lines/events)': `${logged.lines}/${logged.events}`,
    'most attempts': t.maxAttempts,
    'shortest wait after Retry-After ms': t.retryAfter.shortestWaitMs,
    'wall ms': wallMs,
    goals: missed.length === 0 ? 'met' : `${missed.length} missed`,
  };
  return { row, missed };
}
