/**
 * Load through the FME client (`init` of `@vwo/node`): flags and events at a steady rate with
 * batching (`batchEventData`) into a loopback server, which a third of the way in holds its
 * answers for 1 s (for 0.5 s: a backlog, no loss), and two thirds of the way in answers 500 for
 * 3 s (longer than the retry budget: batches are lost, and must be counted).
 *
 * Goal: every event is accounted for end to end: events the calls produced = events the server
 * recorded (each resend counted once) + events named in the SDK's loss log lines, up to events
 * whose last attempt got no answer (logged lost, possibly recorded: at-least-once). The calls produced
 * `2 × getFlag` (a rollout and an A/B impression each, as `explain` confirms) `+ trackEvent`
 * `+ 1` (`vwo_fmeSdkInit`). Runs in the test worker (the legacy load run has a child process of its
 * own to measure memory; here the heap is reported, not asserted).
 */
import { type FmeClient, init } from '@vwo/node';
import { expect, it } from 'vitest';
import { CONFIG } from './support/config.js';
import { countingTransport, FME_ACCOUNT_ID, FME_SDK_KEY, fmeLogCapture, fmeSettings, startFmeServer } from './support/fme.js';
import { loggedLosses, ms, noUnhandledGoal, sleep, watchUnhandled } from './support/helpers.js';
import { section } from './support/report.js';

const report = section('fme-load', 9, 'FME client (init): load');
const FLAGS = CONFIG === 'full' ? 200_000 : 10_000;
const RATE_PER_SECOND = CONFIG === 'full' ? 5_000 : 2_000;
const EVENTS_PER_REQUEST = 100;
const REQUEST_TIMEOUT_MS = 5000;
const CLOSE_TIMEOUT_MS = 20_000;
const TICK_MS = 10;

it(`${FLAGS.toLocaleString('en-US')} flags (+ an event every 10th) at ${RATE_PER_SECOND.toLocaleString('en-US')}/s with batching: sent = recorded + dropped and counted`, async () => {
  const mark = report.mark();
  const unhandled = watchUnhandled();
  const server = await startFmeServer();
  const log = fmeLogCapture('WARN');
  const counted = countingTransport(server.url, REQUEST_TIMEOUT_MS);
  let vwo: FmeClient | undefined;
  try {
    vwo = await init({
      accountId: FME_ACCOUNT_ID,
      sdkKey: FME_SDK_KEY,
      settings: fmeSettings(),
      transport: counted.transport,
      batchEventData: { eventsPerRequest: EVENTS_PER_REQUEST, requestTimeInterval: 1 },
      retryConfig: { shouldRetry: true, initialDelay: 1, maxRetries: 1, backoffMultiplier: 2 },
      requestTimeout: REQUEST_TIMEOUT_MS,
      closeTimeout: CLOSE_TIMEOUT_MS,
      logger: log.logger,
    });
    const perFlag = (await vwo.explain('checkout', { id: 'user-0' })).impressions.length;
    const runMs = (FLAGS / RATE_PER_SECOND) * 1000;
    const faults = [
      { at: runMs / 3, fault: { kind: 'delay', ms: 1000 } as const, forMs: 500 },
      { at: (2 * runMs) / 3, fault: { kind: 'status', status: 500 } as const, forMs: 3000 },
    ];
    for (const { at, fault, forMs } of faults) {
      setTimeout(() => {
        server.fault = fault;
        setTimeout(() => (server.fault = { kind: 'none' }), forMs).unref();
      }, at).unref();
    }

    let flags = 0;
    let tracks = 0;
    let threw = 0;
    let maxLagMs = 0;
    let peakHeapMB = 0;
    const started = performance.now();
    const perTick = (RATE_PER_SECOND * TICK_MS) / 1000;
    for (let tick = 0; flags < FLAGS; tick++) {
      const due = started + tick * TICK_MS;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      else {
        maxLagMs = Math.max(maxLagMs, -wait);
        // Behind schedule: still let I/O in (answers, timers), as a server between requests does;
        // calls that resolve in microtasks alone would otherwise starve the transport.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const calls: Promise<unknown>[] = [];
      for (let k = 0; k < perTick && flags < FLAGS; k++) {
        const context = { id: `user-${flags}` };
        calls.push(vwo.getFlag('checkout', context).catch(() => (threw += 1)));
        if (flags % 10 === 0) {
          tracks += 1;
          calls.push(vwo.trackEvent('purchase', context, { revenue: 1 }).catch(() => (threw += 1)));
        }
        flags += 1;
      }
      await Promise.all(calls);
      if (tick % 100 === 0) peakHeapMB = Math.max(peakHeapMB, process.memoryUsage().heapUsed / 2 ** 20);
    }
    const callsMs = performance.now() - started;
    const produced = flags * perFlag + tracks + 1;

    // Let the retries of the 500 window end (delivered or given up on) before close().
    const settleStarted = performance.now();
    while (produced - server.events().distinct > loggedLosses(log.lines).events && performance.now() - settleStarted < 15_000)
      await sleep(100);
    const closeStarted = performance.now();
    await vwo.close();
    const closeMs = performance.now() - closeStarted;
    const recorded = server.events();
    const losses = loggedLosses(log.lines);

    report.table(`FME load (${CONFIG}): batches of ${EVENTS_PER_REQUEST}, answers held 1 s for 0.5 s at 1/3, HTTP 500 for 3 s at 2/3`, [
      {
        getFlag: flags,
        trackEvent: tracks,
        'events produced': produced,
        'debug reports of losses': counted.debugEvents(),
        'handed to transport': counted.events(),
        requests: counted.requests(),
        attempts: counted.attempts(),
        'recorded (distinct)': recorded.distinct,
        'arrivals (with resends)': recorded.arrivals,
        'dropped, logged': losses.events,
        'of which unanswered (may be recorded)': counted.lostUnanswered(),
        'loss log lines': losses.lines,
        'achieved rate /s': Math.round(flags / (callsMs / 1000)),
        'max lag ms': ms(maxLagMs),
        'close() ms': ms(closeMs),
        'peak heap MB': ms(peakHeapMB),
      },
    ]);
    report.figure('fmeLoad', { flags, tracks, produced, recorded, losses, callsMs, closeMs });
    report.goal('load: each getFlag sends 2 impressions (explain)', perFlag === 2, perFlag, '2');
    report.goal('load: calls that threw or rejected', threw === 0, threw, '0');
    // Each batch given up on is reported to VWO as a `vwo_sdkDebug` event (1.35.0's network debug
    // event): traffic the calls did not produce, but the transport and the server count it.
    const debugReports = counted.debugEvents();
    const sent = produced + debugReports;
    const missing = sent - recorded.distinct;
    const droppedBeforeSending = (losses.byReason['queue full'] ?? 0) + (losses.byReason['after close'] ?? 0);
    report.goal(
      'load: the calls produced what the transport was handed, or dropped it before sending',
      sent === counted.events() + droppedBeforeSending,
      `${produced} + ${debugReports} debug reports = ${counted.events()} handed + ${droppedBeforeSending} dropped before sending`,
      'equal',
    );
    report.goal(
      'load: sent = recorded + dropped and counted',
      losses.events >= missing && losses.events - missing <= counted.lostUnanswered(),
      `${sent} sent (${debugReports} of them debug reports of losses), ${recorded.distinct} recorded, ${losses.events} dropped and logged (${counted.lostUnanswered()} of them unanswered: the server may have them)`,
      'sent − recorded ≤ dropped ≤ sent − recorded + unanswered',
    );
    report.goal(
      'load: every drop named in a log line, by reason',
      losses.events === 0 || losses.lines > 0,
      losses.byReason,
      'a line per loss',
    );
    noUnhandledGoal(report, 'load: unhandled rejections', unhandled);
  } finally {
    unhandled.stop();
    await vwo?.close();
    await server.close();
  }
  expect(report.missed(mark)).toEqual([]);
});

report.note(
  "FME events are counted at the suite's loopback FME server (the local collector has no FME routes yet), de-duplicated by the text of each envelope (`d.msgId` is shared by the two impressions of one getFlag). " +
    '"Events produced" is computed from the calls made, independently of the transport: two impressions per getFlag (confirmed by explain), one per trackEvent, one vwo_fmeSdkInit. ' +
    "The heap figure is the test worker's: it holds the server's record of every envelope (for de-duplication) beside the SDK, and the calls are made in the same process.",
);
