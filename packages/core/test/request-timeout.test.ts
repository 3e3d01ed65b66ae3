/**
 * `requestTimeout` bounds every wait on the transport, whatever the transport does: `flushEvents()`
 * settles within it and `close()` within `closeTimeout`, batched or not, and an answer later than
 * the deadline changes nothing. The faults come from a fake transport because a real one cannot
 * produce them on demand (a `send` that throws synchronously, resolves `undefined` or `42`, or
 * never settles is a bug of a user's own transport, not something a server can make `fetch` do);
 * real HTTP runs in @vwo/node's tests and the reliability suite. Real timers with generous bounds:
 * the point is that the wait ends, not its exact length.
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type ClientConfig, createClient, type EventOutbox, type OutboxEntry, type Transport, type VWOClient } from '../src/index.js';
import { campaign, settingsFile } from './support/files.js';
import { parsed } from './support/parse.js';

const REQUEST_TIMEOUT_MS = 1000;
const CLOSE_TIMEOUT_MS = 500;
/** Slack for a busy machine: a settle counts as bounded within its limit plus this. */
const SLACK_MS = 500;

const hang = () => new Promise<never>(() => undefined);

/** A silent client of one campaign whose requests go to `send`, with `REQUEST_TIMEOUT_MS` unless `extra` says otherwise. */
const silentClient = (send: Transport['send'], extra: Partial<ClientConfig> = {}) =>
  createClient({
    settings: parsed(settingsFile([campaign()])),
    transport: { send },
    requestTimeout: REQUEST_TIMEOUT_MS,
    logLevel: 'silent',
    ...extra,
  });

/** The transport faults of the issue; each `send` fails its attempt in its own way. */
const FAULTS: ReadonlyArray<readonly [name: string, send: Transport['send']]> = [
  [
    'throws synchronously',
    () => {
      throw new Error('send exploded');
    },
  ],
  ['rejects', () => Promise.reject(new Error('ECONNRESET'))],
  ['answers HTTP 500', () => Promise.resolve({ status: 500 })],
  ['resolves undefined', () => Promise.resolve(undefined as never)],
  ['resolves 42', () => Promise.resolve(42 as never)],
  ["resolves 'x'", () => Promise.resolve('x' as never)],
  ['returns a non-promise', () => 'not a promise' as never],
  ['never settles', hang],
];

const settle: Array<{ fault: string; mode: string; call: string; ms: number }> = [];
afterAll(() => {
  // `SETTLE_TIMES=1 npx vitest run test/request-timeout.test.ts` prints the measured settle times.
  if (process.env.SETTLE_TIMES) console.table(settle);
});

function client(send: Transport['send'], batched: boolean, extra: Partial<ClientConfig> = {}) {
  const lines: string[] = [];
  const at = (level: string) => (line: string) => lines.push(`${level}: ${line}`);
  const vwo = createClient({
    settings: parsed(settingsFile([campaign()])),
    transport: { send },
    requestTimeout: REQUEST_TIMEOUT_MS,
    closeTimeout: CLOSE_TIMEOUT_MS,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    logLevel: 'warn',
    // The default schedule: the first retry is due 1–1.2 s after a failure, so a flush that
    // waited for a back-off would take longer than the bounds below allow.
    ...(batched ? { batchEvents: { eventsPerRequest: 100, requestTimeInterval: 600 } } : {}),
    ...extra,
  });
  return { vwo, lines };
}

async function impressionAndConversion(vwo: ReturnType<typeof createClient>) {
  expect(await vwo.activate('K', 'Ashley')).not.toBeNull();
  expect(await vwo.track('K', 'Ashley', 'CUSTOM')).toEqual({ K: true });
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe.each([
  ['batched', true],
  ['unbatched', false],
])('%s', (mode, batched) => {
  const message = batched ? 'Batch call could not be processed' : 'No batchEvents config present in launch API';

  describe.each(FAULTS)('a transport that %s', (fault, send) => {
    const bound = (fault === 'never settles' ? REQUEST_TIMEOUT_MS : 0) + SLACK_MS;

    it(`flushEvents() settles ${fault === 'never settles' ? 'at requestTimeout' : 'at once'}, the events left waiting for their retries`, async () => {
      const { vwo } = client(send, batched);
      await impressionAndConversion(vwo);
      const { value, ms } = await timed(() => vwo.flushEvents());
      settle.push({ fault, mode, call: 'flushEvents', ms: Math.round(ms) });
      expect(ms).toBeLessThan(bound);
      if (fault === 'never settles') expect(ms).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 5);
      expect(value).toEqual({ status: false, message, sent: 0, failed: 0, pending: 2 });
      expect(vwo.eventStats()).toMatchObject({ enqueued: 2, sent: 0, failed: 0, pending: 2 });
      await vwo.close();
    });

    it('close() settles within closeTimeout and counts both events as dropped, in one log line', async () => {
      const { vwo, lines } = client(send, batched);
      await impressionAndConversion(vwo);
      const { ms } = await timed(() => vwo.close());
      settle.push({ fault, mode, call: 'close', ms: Math.round(ms) });
      expect(ms).toBeLessThan(CLOSE_TIMEOUT_MS + SLACK_MS);
      expect(vwo.eventStats()).toMatchObject({ enqueued: 2, sent: 0, failed: 0, dropped: 2, pending: 0 });
      expect(lines.filter((line) => line.includes('dropped'))).toEqual([
        expect.stringMatching(/^error: VWO-SDK events: dropped 2 events at close/),
      ]);
    });
  });

  it('close() after flushEvents() of a never-settling transport still settles within closeTimeout', async () => {
    const { vwo } = client(hang, batched);
    await impressionAndConversion(vwo);
    await vwo.flushEvents();
    const { ms } = await timed(() => vwo.close());
    expect(ms).toBeLessThan(CLOSE_TIMEOUT_MS + SLACK_MS);
    expect(vwo.eventStats()).toMatchObject({ enqueued: 2, dropped: 2, pending: 0 });
  });
});

describe('a late answer', () => {
  /** Answers every request with 200 after `ms`, recording the requests. */
  function lateTransport(delays: number[]) {
    const sent: string[] = [];
    return {
      sent,
      send: (request: { url: string }) => {
        const delay = delays[sent.length] ?? 0;
        sent.push(request.url);
        return new Promise<{ status: number }>((resolve) => setTimeout(() => resolve({ status: 200 }), delay));
      },
    };
  }

  it('after the deadline changes nothing: no count, no outbox removal, no flushCallback; the retry delivers once', async () => {
    const store = new Map<string, OutboxEntry>();
    const outbox: EventOutbox = {
      restore: () => [],
      save: (key, entry) => void store.set(key, entry),
      remove: (key) => void store.delete(key),
    };
    const flushCallback = vi.fn();
    // First attempt answered 200 at 300 ms, past its 100 ms deadline; the retry (150 ms later) at once.
    const transport = lateTransport([300, 0]);
    const vwo = createClient({
      settings: parsed(settingsFile([campaign()])),
      transport,
      requestTimeout: 100,
      retry: { baseDelayMs: 400, jitter: 0 },
      batchEvents: { eventsPerRequest: 100, flushCallback },
      eventOutbox: outbox,
      logLevel: 'silent',
    });
    await impressionAndConversion(vwo);

    const { value, ms } = await timed(() => vwo.flushEvents());
    expect(ms).toBeLessThan(100 + SLACK_MS);
    expect(value).toEqual({ status: false, message: 'Batch call could not be processed', sent: 0, failed: 0, pending: 2 });
    expect(store.size).toBe(1); // the batch, kept for its retry

    await new Promise((resolve) => setTimeout(resolve, 350)); // the late 200 has arrived by now
    expect(transport.sent).toHaveLength(1);
    expect(vwo.eventStats()).toMatchObject({ sent: 0, failed: 0, pending: 2 });
    expect(store.size).toBe(1);
    expect(flushCallback).not.toHaveBeenCalled();

    await new Promise((resolve) => setTimeout(resolve, 300)); // the retry, due 500 ms after the start, answered at once
    expect(transport.sent).toHaveLength(2);
    expect(transport.sent[1]).toBe(transport.sent[0]);
    expect(vwo.eventStats()).toMatchObject({ enqueued: 2, sent: 2, retried: 1, failed: 0, dropped: 0, pending: 0 });
    expect(store.size).toBe(0);
    expect(flushCallback).toHaveBeenCalledTimes(1);
    expect(flushCallback).toHaveBeenCalledWith(null, expect.any(String));
    await vwo.close();
  });

  it('after the attempt was dropped at close changes no count', async () => {
    const transport = lateTransport([300, 300]);
    const vwo = createClient({
      settings: parsed(settingsFile([campaign()])),
      transport,
      requestTimeout: 1000,
      closeTimeout: 50,
      logLevel: 'silent',
    });
    await impressionAndConversion(vwo);
    await vwo.close();
    expect(vwo.eventStats()).toMatchObject({ sent: 0, dropped: 2, pending: 0 });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(vwo.eventStats()).toMatchObject({ enqueued: 2, sent: 0, dropped: 2, pending: 0 });
  });
});

describe('the cost of the deadlines', () => {
  it('1,000 requests in flight hold one deadline timer between them, not one each', async () => {
    vi.useFakeTimers();
    try {
      const vwo = silentClient(hang);
      for (let i = 0; i < 500; i++) await vwo.track('K', `u${i}`, 'CUSTOM');
      await vi.advanceTimersByTimeAsync(0);
      // Only the sweep is armed: no timer per request, and no other timer while nothing failed yet.
      expect(vwo.eventStats().pending).toBe(500);
      expect(vi.getTimerCount()).toBe(1);
      for (let i = 500; i < 1000; i++) await vwo.track('K', `u${i}`, 'CUSTOM');
      expect(vi.getTimerCount()).toBe(1);
      // At the deadline every attempt has failed; what waits now is each request's own back-off.
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);
      expect(vwo.eventStats()).toMatchObject({ pending: 1000, retried: 0 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers in any order take their requests out of flight; the unanswered ones still expire at their deadline', async () => {
    vi.useFakeTimers();
    try {
      const answers: Array<(response: { status: number }) => void> = [];
      const vwo = silentClient(() => new Promise((resolve) => answers.push(resolve)));
      for (let i = 0; i < 5; i++) await vwo.track('K', `u${i}`, 'CUSTOM');
      // The middle ones first, then the oldest: the in-flight list loses entries from everywhere.
      for (const i of [1, 3, 0]) answers[i]?.({ status: 200 });
      await vi.advanceTimersByTimeAsync(0);
      expect(vwo.eventStats()).toMatchObject({ sent: 3, pending: 2 });
      // Requests 2 and 4 expire at their deadline (the sweep finds them), and their retries go out.
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS + 1300);
      expect(vwo.eventStats()).toMatchObject({ sent: 3, pending: 2, retried: 2 });
      expect(answers).toHaveLength(7);
      // The first attempts' late answers change nothing; the retries' answers send both.
      answers[2]?.({ status: 200 });
      answers[4]?.({ status: 200 });
      await vi.advanceTimersByTimeAsync(0);
      expect(vwo.eventStats()).toMatchObject({ sent: 3, pending: 2 });
      for (const i of [6, 5]) answers[i]?.({ status: 200 });
      await vi.advanceTimersByTimeAsync(0);
      expect(vwo.eventStats()).toMatchObject({ sent: 5, pending: 0, failed: 0, dropped: 0 });
      expect(await vwo.flushEvents()).toMatchObject({ sent: 0, failed: 0, pending: 0 });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  // Each unbatched event reads the clock once, for its record; the delivery reuses that stamp.
  const eventsByApi = {
    activate: (vwo: VWOClient) => vwo.activate('K', 'Ashley'),
    track: (vwo: VWOClient) => vwo.track('K', 'Ashley', 'CUSTOM'),
    push: (vwo: VWOClient) => vwo.push('browser', 'chrome', 'Ashley'),
  };
  it.each(Object.keys(eventsByApi) as (keyof typeof eventsByApi)[])(
    "%s: the event's deadline counts from its own time stamp: the attempt expires exactly requestTimeout later",
    async (api) => {
      vi.useFakeTimers();
      try {
        const vwo = silentClient(hang);
        // The sent-at time the delivery is given is the record's `Date.now()`; a wrong origin would
        // move the expiry off the exact millisecond.
        expect(await eventsByApi[api](vwo)).toBeTruthy();
        expect(vwo.eventStats()).toMatchObject({ pending: 1 });
        let flushed = false;
        const flush = vwo.flushEvents().then((result) => {
          flushed = true;
          return result;
        });
        await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1);
        expect(flushed).toBe(false);
        await vi.advanceTimersByTimeAsync(1);
        expect(flushed).toBe(true);
        expect(await flush).toMatchObject({ sent: 0, failed: 0, pending: 1 });
      } finally {
        vi.useRealTimers();
      }
    },
  );

  it("a track that waited on its storage: its request's deadline counts from the send, not from the conversion's time stamp", async () => {
    vi.useFakeTimers();
    try {
      const wait = REQUEST_TIMEOUT_MS / 2;
      const sent: string[] = [];
      const vwo = silentClient(
        (request) => {
          sent.push(request.url.includes('/track-goal') ? 'goal' : 'push');
          return hang();
        },
        {
          // The stored user converts; the conversion's record is written after the decision, then
          // the goal is stored: `wait` ms between the time stamp and the request.
          userStorage: {
            get: async () => ({ userId: 'Ashley', campaignKey: 'K', variationName: 'Control' }),
            set: () => new Promise<void>((resolve) => setTimeout(resolve, wait)),
          },
          retry: { baseDelayMs: 100, jitter: 0 },
        },
      );
      // A request in flight from the start arms the sweep for REQUEST_TIMEOUT_MS from now (t0).
      expect(await vwo.push('browser', 'chrome', 'Ashley')).toEqual({ browser: true });
      const tracked = vwo.track('K', 'Ashley', 'CUSTOM');
      await vi.advanceTimersByTimeAsync(wait);
      expect(await tracked).toEqual({ K: true });
      expect(sent).toEqual(['push', 'goal']);
      // t0 + timeout + 200: the push expired at the sweep and was retried 100 ms later; the goal's
      // request, sent at t0 + wait, has time left (timed from the conversion's stamp, it would have
      // expired with the push and gone out twice).
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - wait + 200);
      expect(sent).toEqual(['push', 'goal', 'push']);
      // t0 + wait + timeout + 150: now the goal's attempt has expired and its retry gone out.
      await vi.advanceTimersByTimeAsync(wait - 50);
      expect(sent).toEqual(['push', 'goal', 'push', 'goal']);
      // The transport never answers: close() gives up at its closeTimeout.
      const closed = vwo.close();
      await vi.advanceTimersByTimeAsync(3000);
      await closed;
    } finally {
      vi.useRealTimers();
    }
  });

  it('an answer handled before the sweep counts, though the clock passed its deadline (a blocked event loop): no retry, no duplicate', async () => {
    vi.useFakeTimers();
    try {
      const answers: Array<(response: { status: number }) => void> = [];
      const sent: string[] = [];
      const vwo = silentClient(
        (request) => {
          sent.push(request.url);
          return new Promise((resolve) => answers.push(resolve));
        },
        { retry: { baseDelayMs: 100, jitter: 0 } },
      );
      expect(await vwo.activate('K', 'Ashley')).not.toBeNull();
      // The clock jumps past the deadline without any timer running, as after a blocked loop;
      // the answer's callback then runs before the sweep's.
      vi.setSystemTime(Date.now() + 3 * REQUEST_TIMEOUT_MS);
      answers[0]?.({ status: 200 });
      for (let i = 0; i < 5; i++) await Promise.resolve();
      expect(vwo.eventStats()).toMatchObject({ sent: 1, retried: 0, pending: 0 });
      // The sweep then finds nothing to expire, and nothing is sent again.
      await vi.advanceTimersByTimeAsync(3 * REQUEST_TIMEOUT_MS);
      expect(sent).toHaveLength(1);
      expect(vwo.eventStats()).toMatchObject({ enqueued: 1, sent: 1, retried: 0, failed: 0, dropped: 0, pending: 0 });
      await vwo.close();
    } finally {
      vi.useRealTimers();
    }
  });

  it('once flushEvents() resolved with nothing in flight, no timer is left (an edge isolate sees none)', async () => {
    vi.useFakeTimers();
    try {
      const vwo = silentClient(() => Promise.resolve({ status: 200 }));
      await impressionAndConversion(vwo);
      expect(vi.getTimerCount()).toBe(1); // the sweep, armed by the first request
      expect(await vwo.flushEvents()).toMatchObject({ sent: 0, pending: 0 }); // both answered before the call
      expect(vwo.eventStats()).toMatchObject({ sent: 2, pending: 0 });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
