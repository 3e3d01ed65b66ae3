/**
 * The event pipeline against an in-memory transport that records every request and answers from
 * a script. Fake timers (`vi.useFakeTimers()`) are the right tool here: the retry schedule spans
 * 31 s (1 + 2 + 4 + 8 + 16 s, plus jitter) and the batch interval minutes, and the assertions
 * are about *when* requests go out. Real-HTTP integration tests live in the facade packages;
 * one test below uses real timers to prove that no timer keeps the process alive.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BatchEventsConfig, EventStats, TransportResponse } from '../src/client/types.js';
import { classifyFmeResponse, createDelivery, type DeliveryOptions, endpointPath, parseRetryAfter } from '../src/delivery/index.js';
import {
  type EventContext,
  type EventRecord,
  type EventRequest,
  goalEvent,
  impressionEvent,
  pushEvent,
  toBatchRequest,
  toGetRequest,
} from '../src/events/index.js';

// ---------------------------------------------------------------------------------------------
// Test doubles

type Answer = number | TransportResponse | Error | { readonly throws: unknown } | 'hang';

interface Call {
  readonly request: EventRequest;
  readonly at: number;
}

/** Answers call n with `answers[n]` (or the last one); records each request and when it was sent. */
function scriptedTransport(answers: Answer[] | ((call: number) => Answer)) {
  const calls: Call[] = [];
  const hanging: Array<(response: TransportResponse) => void> = [];
  const answerFor = (n: number): Answer => (typeof answers === 'function' ? answers(n) : (answers[Math.min(n, answers.length - 1)] ?? 200));
  return {
    calls,
    /** Resolves every hanging request with `status`. */
    release(status = 200) {
      for (const resolve of hanging.splice(0)) resolve({ status });
    },
    send(request: EventRequest): Promise<TransportResponse> {
      const answer = answerFor(calls.length);
      calls.push({ request, at: Date.now() });
      if (answer === 'hang') return new Promise((resolve) => hanging.push(resolve));
      if (answer instanceof Error) return Promise.reject(answer);
      if (typeof answer === 'number') return Promise.resolve({ status: answer });
      if ('throws' in answer) throw answer.throws;
      return Promise.resolve(answer);
    },
  };
}

function recordingLogger() {
  const lines: Array<{ level: 'debug' | 'info' | 'warn' | 'error'; message: string }> = [];
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (message: string) => lines.push({ level, message });
  return {
    lines,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
    /** Lines at warn or error. */
    problems: () => lines.filter((line) => line.level === 'warn' || line.level === 'error').map((line) => line.message),
  };
}

const T0 = 1_795_928_094_000;

function context(accountId: number | string = 888888): EventContext {
  return {
    settings: { accountId, sdkKey: 'sdkkey123', isEventArchEnabled: false, collectionPrefix: undefined },
    now: () => T0,
    random: () => 0.25,
  };
}

const ctx = context();
const impression = (userId = 'Ashley'): EventRecord =>
  impressionEvent(ctx, { id: 230 }, { id: 1 }, userId, { userAgent: 'UA 1', userIpAddress: '9.9.9.9' });
const conversion = (userId = 'Ashley'): EventRecord =>
  goalEvent(ctx, { id: 230 }, { id: 1 }, { id: 214, type: 'REVENUE_TRACKING', revenueProp: undefined }, userId, { revenueValue: 3 });
const getRequest = (userId = 'Ashley') => toGetRequest(ctx, impression(userId));

function setup(overrides: Partial<DeliveryOptions> & { answers?: Answer[] | ((call: number) => Answer) } = {}) {
  const transport = scriptedTransport(overrides.answers ?? [200]);
  const log = recordingLogger();
  const delivery = createDelivery({ transport, context: () => ctx, logger: log.logger, ...overrides });
  return { transport, log, delivery };
}

/** Every event handed over is accounted for exactly once. */
function expectBalanced(stats: EventStats) {
  expect(stats.enqueued).toBe(stats.sent + stats.failed + stats.dropped + stats.pending);
}

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(() => {
  vi.useRealTimers();
});

// ---------------------------------------------------------------------------------------------

describe('retries', () => {
  it("an attempt's late answer, come while its retry is in flight, ends nothing: the retry ends with its own", async () => {
    // The first attempt hangs past its deadline; its answer (a 500) comes while the retry waits for one.
    const answers: Array<(response: TransportResponse) => void> = [];
    const log = recordingLogger();
    const delivery = createDelivery({
      transport: { send: () => new Promise<TransportResponse>((resolve) => answers.push(resolve)) },
      context: () => ctx,
      logger: log.logger,
      requestTimeout: 100,
      retry: { baseDelayMs: 1000, jitter: 0 },
    });
    delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(1100); // expired at 100 ms, retried at 1100 ms
    expect(answers).toHaveLength(2);
    answers[0]?.({ status: 500 });
    await vi.advanceTimersByTimeAsync(10);
    expect(delivery.stats()).toMatchObject({ sent: 0, failed: 0, retried: 1, pending: 1 });
    answers[1]?.({ status: 200 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(answers).toHaveLength(2);
    expect(delivery.stats()).toMatchObject({ enqueued: 1, sent: 1, failed: 0, retried: 1, pending: 0 });
    // A later request's attempt is not ended by an old answer either.
    delivery.send(getRequest('Bob'), 1);
    await vi.advanceTimersByTimeAsync(10);
    expect(delivery.stats()).toMatchObject({ sent: 1, pending: 1 });
    answers[2]?.({ status: 200 });
    await vi.advanceTimersByTimeAsync(10);
    expect(delivery.stats()).toMatchObject({ enqueued: 2, sent: 2, pending: 0 });
    expect(log.problems()).toEqual([]);
  });

  it('waits 1, 2, 4, 8 and 16 s plus at most 20 % jitter, then gives up with one error line', async () => {
    const randoms = [0, 0.999, 0.5, 0.1, 0.9];
    let r = 0;
    const { transport, log, delivery } = setup({ answers: [503], random: () => randoms[r++] ?? 0 });
    delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(40_000);

    expect(transport.calls).toHaveLength(6);
    const gaps = transport.calls.slice(1).map((call, i) => call.at - (transport.calls[i]?.at ?? 0));
    [1000, 2000, 4000, 8000, 16000].forEach((base, i) => {
      expect(gaps[i]).toBeGreaterThanOrEqual(base);
      expect(gaps[i]).toBeLessThanOrEqual(base * 1.2);
      expect(gaps[i]).toBe(Math.floor(base * (1 + 0.2 * (randoms[i] ?? 0))));
    });

    expect(delivery.stats()).toEqual({ enqueued: 1, sent: 0, retried: 5, failed: 1, dropped: 0, pending: 0 });
    const errors = log.lines.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toContain('/server-side/track-user');
    expect(errors[0]?.message).toContain('status 503');
    expect(errors[0]?.message).toContain('6 attempts');
    // The query carries the SDK key: it never reaches a log line.
    expect(log.lines.some((line) => line.message.includes('sdkkey123') || line.message.includes('?'))).toBe(false);
  });

  it('a request that fails three times and then succeeds counts as sent, with no error logged', async () => {
    const { transport, log, delivery } = setup({ answers: [500, new Error('ECONNRESET'), 502, 200] });
    delivery.send(getRequest(), 1);
    expect(delivery.stats().pending).toBe(1);
    await vi.advanceTimersByTimeAsync(1000 * 1.2 + 2000 * 1.2 + 4000 * 1.2);
    expect(transport.calls).toHaveLength(4);
    expect(delivery.stats()).toEqual({ enqueued: 1, sent: 1, retried: 3, failed: 0, dropped: 0, pending: 0 });
    expect(log.problems()).toEqual([]);
  });

  it('a transport that keeps rejecting is retried 5 times, then the events count as failed', async () => {
    const { transport, log, delivery } = setup({ answers: [new Error('getaddrinfo ENOTFOUND https://collector.example/x?env=secret')] });
    delivery.send(toBatchRequest(ctx, [conversion('a'), conversion('b')]), 2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.calls).toHaveLength(6);
    expect(delivery.stats()).toMatchObject({ sent: 0, failed: 2, retried: 5, pending: 0 });
    const errors = log.lines.filter((line) => line.level === 'error').map((line) => line.message);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('/server-side/batch-events');
    expect(errors[0]).toContain('ENOTFOUND');
    expect(errors[0]).not.toContain('secret');
  });

  it.each([400, 401, 403, 404, 413, 422])('a %i is not retried: the events fail at once with one error line', async (status) => {
    const { transport, log, delivery } = setup({ answers: [status] });
    delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.calls).toHaveLength(1);
    expect(delivery.stats()).toMatchObject({ sent: 0, failed: 1, retried: 0, pending: 0 });
    expect(log.problems()).toHaveLength(1);
    expect(log.problems()[0]).toContain(`status ${status}`);
  });

  it.each([408, 429, 500, 503, 301])('a %i is retried', async (status) => {
    const { transport, delivery } = setup({ answers: [status, 204] });
    delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(1200);
    expect(transport.calls).toHaveLength(2);
    expect(delivery.stats()).toMatchObject({ sent: 1, retried: 1, failed: 0 });
  });

  describe("with vwo-fme-node-sdk 1.35.0's rule (classifyFmeResponse)", () => {
    it.each([201, 204, 404, 401, 429, 500])('a %i is retried, and only a 200 after it delivers', async (status) => {
      const { transport, delivery } = setup({ answers: [status, 200], classifyResponse: classifyFmeResponse, retry: { jitter: 0 } });
      delivery.send(getRequest(), 1);
      await vi.advanceTimersByTimeAsync(1200);
      expect(transport.calls).toHaveLength(2);
      expect(delivery.stats()).toMatchObject({ sent: 1, retried: 1, failed: 0, pending: 0 });
    });

    it('a 400 is not retried, and Retry-After is not honoured', async () => {
      const refused = setup({ answers: [400], classifyResponse: classifyFmeResponse });
      refused.delivery.send(getRequest(), 1);
      await vi.advanceTimersByTimeAsync(60_000);
      expect(refused.transport.calls).toHaveLength(1);
      expect(refused.delivery.stats()).toMatchObject({ sent: 0, failed: 1, retried: 0 });

      const busy = setup({
        answers: [{ status: 503, headers: { 'retry-after': '30' } }, 200],
        classifyResponse: classifyFmeResponse,
        retry: { jitter: 0 },
      });
      busy.delivery.send(getRequest(), 1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(busy.transport.calls).toHaveLength(2);
    });
  });

  it('a 429 with Retry-After waits the longer of the schedule and the header', async () => {
    const { transport, delivery } = setup({ answers: [{ status: 429, headers: { 'retry-after': '30' } }, 200], random: () => 0.5 });
    delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(transport.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.calls).toHaveLength(2);
    expect(delivery.stats()).toMatchObject({ sent: 1, retried: 1 });
  });

  it('a 503 whose Retry-After is an HTTP date waits until that date (the answer is timed only then)', async () => {
    const until = new Date(Date.now() + 20_000).toUTCString(); // whole seconds: 19–20 s from now
    const { transport, delivery } = setup({ answers: [{ status: 503, headers: { 'retry-after': until } }, 200], random: () => 0 });
    delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(18_900);
    expect(transport.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_200);
    expect(transport.calls).toHaveLength(2);
    expect(delivery.stats()).toMatchObject({ sent: 1, retried: 1 });
  });

  it('a Retry-After shorter than the schedule is overridden by the schedule, a huge one is capped at 60 s', async () => {
    const { transport, delivery } = setup({
      answers: [{ status: 503, headers: { 'retry-after': '0' } }, { status: 503, headers: { 'retry-after': '86400' } }, 200],
      random: () => 0,
    });
    delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(transport.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.calls).toHaveLength(3);
    expect((transport.calls[2]?.at ?? 0) - (transport.calls[1]?.at ?? 0)).toBe(60_000);
  });

  it('Retry-After is read as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('7', 0)).toBe(7000);
    expect(parseRetryAfter(' 1.5 ', 0)).toBe(1500);
    expect(parseRetryAfter(new Date(T0 + 12_000).toUTCString(), T0)).toBe(12_000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });

  it('a custom retry config changes the count and the base wait', async () => {
    const { transport, delivery } = setup({ answers: [500], retry: { retries: 2, baseDelayMs: 100, jitter: 0 } });
    delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(transport.calls.map((call) => call.at - T0)).toEqual([0, 100, 300]);
    expect(delivery.stats()).toMatchObject({ failed: 1, retried: 2 });
  });

  it('a multiplier replaces the doubling; one below 1 or not finite keeps it', async () => {
    const tripled = setup({ answers: [500], retry: { retries: 3, baseDelayMs: 100, jitter: 0, multiplier: 3 } });
    tripled.delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(2000);
    // Waits of 100, 300 and 900 ms: 100 · 3^k.
    expect(tripled.transport.calls.map((call) => call.at - T0)).toEqual([0, 100, 400, 1300]);
    for (const multiplier of [0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const t = Date.now();
      const kept = setup({ answers: [500], retry: { retries: 2, baseDelayMs: 100, jitter: 0, multiplier } });
      kept.delivery.send(getRequest(), 1);
      await vi.advanceTimersByTimeAsync(1000);
      expect(kept.transport.calls.map((call) => call.at - t)).toEqual([0, 100, 300]);
    }
  });

  it('a transport that throws synchronously is retried like a network error, and send() does not throw', async () => {
    const { transport, log, delivery } = setup({ answers: [{ throws: new TypeError('boom') }, { throws: 'not an error' }, 200] });
    expect(() => delivery.send(getRequest(), 1)).not.toThrow();
    await vi.advanceTimersByTimeAsync(5000);
    expect(transport.calls).toHaveLength(3);
    expect(delivery.stats()).toMatchObject({ sent: 1, failed: 0, retried: 2 });
    expect(log.problems()).toEqual([]);
  });

  it('a transport that resolves no status is retried', async () => {
    const { transport, delivery } = setup({ answers: [{} as TransportResponse, 200] });
    delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(1200);
    expect(transport.calls).toHaveLength(2);
    expect(delivery.stats().sent).toBe(1);
  });

  it('logs name the endpoint path, never the host or query', () => {
    expect(endpointPath('https://dev.visualwebsiteoptimizer.com/eu/server-side/track-user?a=1&env=key&')).toBe(
      '/eu/server-side/track-user',
    );
    expect(endpointPath('http://localhost:8080/events/t?en=x')).toBe('/events/t');
    expect(endpointPath('https://host')).toBe('/');
  });
});

describe('bounded backlog', () => {
  it('drops what exceeds maxPendingEvents, counts every drop, and logs at most 6 lines for 5,000 drops', async () => {
    const { log, delivery } = setup({ answers: ['hang'], maxPendingEvents: 10 });
    for (let i = 0; i < 5010; i++) delivery.send(getRequest(`u${i % 7}`), 1);
    expect(delivery.stats()).toMatchObject({ enqueued: 5010, dropped: 5000, pending: 10 });
    expectBalanced(delivery.stats());
    const beforeClose = log.problems().length;
    expect(beforeClose).toBeLessThanOrEqual(5);
    expect(log.problems()[0]).toContain('maxPendingEvents');

    const closed = delivery.close(100);
    await vi.advanceTimersByTimeAsync(100);
    await closed;
    // The 10 hanging requests are dropped at close; that and the unreported drops share one line.
    expect(delivery.stats()).toMatchObject({ dropped: 5010, pending: 0 });
    expectBalanced(delivery.stats());
    expect(log.problems().length).toBe(beforeClose + 1);
    expect(log.problems().length).toBeLessThanOrEqual(6);
    expect(log.problems().at(-1)).toContain('dropped 10 events at close');
    expect(log.problems().at(-1)).toContain('999 more events dropped earlier');
  });

  it('a request is admitted whole or dropped whole', () => {
    const { transport, delivery } = setup({ answers: ['hang'], maxPendingEvents: 5 });
    delivery.send(getRequest(), 3);
    delivery.send(toBatchRequest(ctx, [conversion('a'), conversion('b'), conversion('c')]), 3);
    delivery.send(getRequest(), 2);
    expect(transport.calls).toHaveLength(2);
    expect(delivery.stats()).toMatchObject({ enqueued: 8, dropped: 3, pending: 5 });
  });

  it('the batch queue counts towards the bound', () => {
    const { log, delivery } = setup({ batchEvents: { eventsPerRequest: 100 }, maxPendingEvents: 3 });
    for (let i = 0; i < 5; i++) delivery.enqueue(impression(`u${i}`));
    expect(delivery.stats()).toMatchObject({ enqueued: 5, pending: 3, dropped: 2 });
    expect(log.problems()).toHaveLength(1);
  });

  it('never throws, whatever is thrown at it', () => {
    const { delivery } = setup({ answers: ['hang'], maxPendingEvents: 1 });
    expect(() => {
      for (let i = 0; i < 100; i++) delivery.send(getRequest(), 1);
      for (let i = 0; i < 100; i++) delivery.enqueue(impression());
    }).not.toThrow();
  });
});

describe('batch queue', () => {
  const records = () => [
    impression(),
    conversion(),
    pushEvent(ctx, 'k', 'v', 'Ashley'),
    goalEvent(ctx, { id: 230 }, { id: 1 }, { id: 213, type: 'CUSTOM_GOAL', revenueProp: undefined }, 'Ashley'),
  ];

  it('sends one POST when the queue length reaches eventsPerRequest, with the body of toBatchRequest', async () => {
    const { transport, delivery } = setup({ batchEvents: { eventsPerRequest: 4 } });
    expect(delivery.batching).toBe(true);
    const batch = records();
    for (const record of batch.slice(0, 3)) delivery.enqueue(record);
    expect(transport.calls).toHaveLength(0);
    expect(delivery.stats().pending).toBe(3);
    delivery.enqueue(batch[3] as EventRecord);
    expect(transport.calls).toHaveLength(1);
    expect(transport.calls[0]?.request).toEqual(toBatchRequest(ctx, batch));
    expect(transport.calls[0]?.request.body).toBe(
      '{"ev":[{"e":230,"c":1,"sId":1795928094,"u":"A46F7AA3A53150368683EE064793BAFD","eT":1,"visitor_ua":"UA 1","visitor_ip":"9.9.9.9"},' +
        '{"e":230,"c":1,"sId":1795928094,"u":"A46F7AA3A53150368683EE064793BAFD","eT":2,"visitor_ua":"","visitor_ip":"","g":214,"r":3},' +
        '{"sId":1795928094,"u":"A46F7AA3A53150368683EE064793BAFD","eT":3,"t":"%7B%22u%22%3A%7B%22k%22%3A%22v%22%7D%7D"},' +
        '{"e":230,"c":1,"sId":1795928094,"u":"A46F7AA3A53150368683EE064793BAFD","eT":2,"visitor_ua":"","visitor_ip":"","g":213}]}',
    );
    await vi.advanceTimersByTimeAsync(0);
    expect(delivery.stats()).toEqual({ enqueued: 4, sent: 4, retried: 0, failed: 0, dropped: 0, pending: 0 });
  });

  it('sends requestTimeInterval seconds after the first event queued since the last batch', async () => {
    const { transport, delivery } = setup({ batchEvents: { eventsPerRequest: 100, requestTimeInterval: 10 } });
    delivery.enqueue(impression('a'));
    await vi.advanceTimersByTimeAsync(5000);
    delivery.enqueue(impression('b'));
    await vi.advanceTimersByTimeAsync(4999);
    expect(transport.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.calls).toHaveLength(1);
    expect(JSON.parse(transport.calls[0]?.request.body ?? '').ev).toHaveLength(2);

    await vi.advanceTimersByTimeAsync(2000);
    delivery.enqueue(impression('c'));
    await vi.advanceTimersByTimeAsync(9999);
    expect(transport.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(transport.calls).toHaveLength(2);
    expect(transport.calls[1]?.at).toBe(T0 + 22_000);
  });

  it('defaults to 100 events or 600 s, and caps eventsPerRequest at 5000 (1.73.0)', async () => {
    const { transport, delivery } = setup({ batchEvents: { eventsPerRequest: 9000 } as BatchEventsConfig, maxPendingEvents: 20_000 });
    for (let i = 0; i < 4999; i++) delivery.enqueue(impression(`u${i % 5}`));
    expect(transport.calls).toHaveLength(0);
    delivery.enqueue(impression());
    expect(transport.calls).toHaveLength(1);

    const defaults = setup({ batchEvents: {} });
    for (let i = 0; i < 99; i++) defaults.delivery.enqueue(impression());
    await vi.advanceTimersByTimeAsync(599_999);
    expect(defaults.transport.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(defaults.transport.calls).toHaveLength(1);
  });

  it('builds the batch with the context of the moment it is sent', async () => {
    let current = context(111);
    const transport = scriptedTransport([200]);
    const delivery = createDelivery({
      transport,
      context: () => current,
      logger: recordingLogger().logger,
      batchEvents: { eventsPerRequest: 10 },
    });
    delivery.enqueue(impression());
    current = context(222);
    await delivery.flush();
    expect(transport.calls[0]?.request.url).toContain('?a=222&');
  });

  it('a context that throws fails the batch, logged, without throwing', async () => {
    const log = recordingLogger();
    const flushCallback = vi.fn();
    const delivery = createDelivery({
      transport: scriptedTransport([200]),
      context: () => {
        throw new Error('no settings');
      },
      logger: log.logger,
      batchEvents: { eventsPerRequest: 10, flushCallback },
    });
    delivery.enqueue(impression());
    expect(await delivery.flush()).toEqual({ status: false, message: 'Batch call could not be processed', sent: 0, failed: 1, pending: 0 });
    expect(flushCallback).toHaveBeenCalledWith(expect.any(Error), '');
    expect(log.problems()[0]).toContain('no settings');
  });
});

describe('flush', () => {
  it('with an empty queue resolves "Batch queue is empty. Nothing to flush."', async () => {
    const { transport, delivery } = setup({ batchEvents: { eventsPerRequest: 10 } });
    expect(await delivery.flush()).toEqual({
      status: false,
      message: 'Batch queue is empty. Nothing to flush.',
      sent: 0,
      failed: 0,
      pending: 0,
    });
    expect(transport.calls).toHaveLength(0);
  });

  it('sends the queue and resolves "Batch call sent to VWO" with the count sent', async () => {
    const { transport, delivery } = setup({ batchEvents: { eventsPerRequest: 10, requestTimeInterval: 60 } });
    delivery.enqueue(impression());
    delivery.enqueue(conversion());
    expect(await delivery.flush()).toEqual({ status: true, message: 'Batch call sent to VWO', sent: 2, failed: 0, pending: 0 });
    expect(transport.calls).toHaveLength(1);
    // The timer was cleared by the flush: nothing more goes out.
    await vi.advanceTimersByTimeAsync(120_000);
    expect(transport.calls).toHaveLength(1);
  });

  it('resolves after the batch’s first attempt, never waiting out its back-off; the retries still deliver it', async () => {
    const { transport, delivery } = setup({ batchEvents: { eventsPerRequest: 10 }, answers: [503, 503, 200] });
    delivery.enqueue(impression());
    let result: unknown;
    void delivery.flush().then((r) => {
      result = r;
    });
    await vi.advanceTimersByTimeAsync(0);
    // 1.73.0 resolves only after its retries (up to 31 s); a serverless handler cannot wait that long.
    expect(result).toEqual({ status: false, message: 'Batch call could not be processed', sent: 0, failed: 0, pending: 1 });
    await vi.advanceTimersByTimeAsync(1200 + 2400);
    expect(transport.calls).toHaveLength(3);
    expect(delivery.stats()).toMatchObject({ sent: 1, retried: 2, pending: 0 });
  });

  it('a refused batch resolves "Batch call could not be processed" with the count failed', async () => {
    const { delivery } = setup({ batchEvents: { eventsPerRequest: 10 }, answers: [400] });
    delivery.enqueue(impression());
    delivery.enqueue(impression('b'));
    expect(await delivery.flush()).toEqual({ status: false, message: 'Batch call could not be processed', sent: 0, failed: 2, pending: 0 });
  });

  it('with an empty queue still waits for the batches in flight, and reports what is pending afterwards', async () => {
    const { delivery } = setup({ batchEvents: { eventsPerRequest: 1 }, answers: ['hang', 200], requestTimeout: 1000 });
    delivery.enqueue(impression('a'));
    delivery.enqueue(impression('b'));
    await vi.advanceTimersByTimeAsync(0);
    let result: unknown;
    void delivery.flush().then((r) => {
      result = r;
    });
    await vi.advanceTimersByTimeAsync(999);
    expect(result).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    // The hanging batch's attempt expired: it waits for its retry, counted in pending.
    expect(result).toEqual({ status: false, message: 'Batch queue is empty. Nothing to flush.', sent: 0, failed: 0, pending: 1 });
    expect(delivery.stats()).toMatchObject({ sent: 1, pending: 1 });
  });

  it('without a batch queue waits for requests in flight, not for retry waits, and says there is no batch config', async () => {
    const { transport, delivery } = setup({ answers: ['hang', 500] });
    expect(delivery.batching).toBe(false);
    delivery.send(getRequest('a'), 1);
    delivery.send(getRequest('b'), 2);
    let result: unknown;
    void delivery.flush().then((r) => {
      result = r;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(result).toBeUndefined();
    transport.release(200);
    await vi.advanceTimersByTimeAsync(0);
    expect(result).toEqual({ status: false, message: 'No batchEvents config present in launch API', sent: 1, failed: 0, pending: 2 });
  });

  it('without a batch queue and nothing in flight resolves at once', async () => {
    const { delivery } = setup();
    expect(await delivery.flush()).toEqual({
      status: false,
      message: 'No batchEvents config present in launch API',
      sent: 0,
      failed: 0,
      pending: 0,
    });
  });
});

describe('flushCallback', () => {
  it('gets (null, payload) after a batch was delivered', async () => {
    const flushCallback = vi.fn();
    const { transport, delivery } = setup({ batchEvents: { eventsPerRequest: 2, flushCallback } });
    delivery.enqueue(impression());
    delivery.enqueue(conversion());
    await vi.advanceTimersByTimeAsync(0);
    expect(flushCallback).toHaveBeenCalledTimes(1);
    expect(flushCallback).toHaveBeenCalledWith(null, transport.calls[0]?.request.body);
    expect(flushCallback.mock.calls[0]?.[1]).toMatch(/^\{"ev":\[/);
  });

  it('gets (error, payload) once, after the last retry failed', async () => {
    const flushCallback = vi.fn();
    const { transport, delivery } = setup({ batchEvents: { eventsPerRequest: 1, flushCallback }, answers: [500] });
    delivery.enqueue(impression());
    await vi.advanceTimersByTimeAsync(40_000);
    expect(transport.calls).toHaveLength(6);
    expect(flushCallback).toHaveBeenCalledTimes(1);
    const [error, payload] = flushCallback.mock.calls[0] ?? [];
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('status 500');
    expect(payload).toBe(transport.calls[0]?.request.body);
  });

  it('a flushCallback that throws is caught and logged; the flush still resolves', async () => {
    const { log, delivery } = setup({
      batchEvents: {
        eventsPerRequest: 10,
        flushCallback: () => {
          throw new Error('callback broke');
        },
      },
    });
    delivery.enqueue(impression());
    expect(await delivery.flush()).toMatchObject({ status: true, sent: 1 });
    expect(log.problems()).toEqual([expect.stringContaining('callback broke')]);
  });

  it('is not called for requests sent outside the batch queue', async () => {
    const flushCallback = vi.fn();
    const { delivery } = setup({ batchEvents: { eventsPerRequest: 10, flushCallback } });
    delivery.send(toBatchRequest(ctx, [conversion('a'), conversion('b')]), 2);
    await vi.advanceTimersByTimeAsync(0);
    expect(delivery.stats().sent).toBe(2);
    expect(flushCallback).not.toHaveBeenCalled();
  });
});

describe('a first attempt delivered (the unbatched steady state)', () => {
  it('ends its job as sent: outbox entry removed, counted once, seen by a flush waiting for it, close() not kept waiting', async () => {
    const saved = new Map<string, unknown>();
    const removed: string[] = [];
    const outbox = {
      restore: () => [],
      save: (key: string, entry: unknown) => void saved.set(key, entry),
      remove: (key: string) => void removed.push(key),
    };
    const { transport, log, delivery } = setup({ answers: ['hang', 204, 'hang'], outbox });
    delivery.send(getRequest('a'), 1);
    delivery.send(getRequest('b'), 2);
    delivery.send(getRequest('c'), 1);
    const flushed = delivery.flush();
    await vi.advanceTimersByTimeAsync(0);
    // Only b's attempt has its answer: its entry alone leaves the outbox.
    expect(removed).toEqual([[...saved.keys()][1]]);
    expect(delivery.stats()).toEqual({ enqueued: 4, sent: 2, retried: 0, failed: 0, dropped: 0, pending: 2 });
    transport.release(200);
    expect(await flushed).toEqual({
      status: false,
      message: 'No batchEvents config present in launch API',
      sent: 4,
      failed: 0,
      pending: 0,
    });
    expect(removed).toHaveLength(3);
    expect(new Set(removed)).toEqual(new Set(saved.keys()));
    await delivery.close(1000);
    expect(delivery.stats()).toEqual({ enqueued: 4, sent: 4, retried: 0, failed: 0, dropped: 0, pending: 0 });
    expect(transport.calls).toHaveLength(3);
    expect(log.problems()).toEqual([]);
  });
});

describe('many attempts in flight at once', () => {
  it('150 answered out of order, 10 expiring at their deadline and retried: each ends once, flush and stats agree', async () => {
    const answers: Array<(response: TransportResponse) => void> = [];
    const transport = {
      // The first 150 attempts wait for the test; every later one (the retries) is delivered at once.
      send: (_request: EventRequest): Promise<TransportResponse> =>
        answers.length < 150 ? new Promise((resolve) => answers.push(resolve)) : Promise.resolve({ status: 200 }),
    };
    const log = recordingLogger();
    const delivery = createDelivery({ transport, context: () => ctx, logger: log.logger, requestTimeout: 5000, random: () => 0 });
    for (let i = 0; i < 150; i++) delivery.send(getRequest(`user-${i}`), 1);
    const flushed = delivery.flush();
    // Every attempt but the first ten is answered, in an order far from the order they started.
    for (let k = 0; k < 150; k++) {
      const i = (k * 7) % 150;
      if (i >= 10) answers[i]?.({ status: 200 });
    }
    await vi.advanceTimersByTimeAsync(0);
    expect(delivery.stats()).toEqual({ enqueued: 150, sent: 140, retried: 0, failed: 0, dropped: 0, pending: 10 });
    // The first ten expire at their deadline, are retried a second later and delivered.
    await vi.advanceTimersByTimeAsync(5000);
    expect(await flushed).toEqual({
      status: false,
      message: 'No batchEvents config present in launch API',
      sent: 140,
      failed: 0,
      pending: 10,
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(delivery.stats()).toEqual({ enqueued: 150, sent: 150, retried: 10, failed: 0, dropped: 0, pending: 0 });
    // Their late answers end nothing.
    for (let i = 0; i < 10; i++) answers[i]?.({ status: 500 });
    await vi.advanceTimersByTimeAsync(0);
    expect(delivery.stats()).toEqual({ enqueued: 150, sent: 150, retried: 10, failed: 0, dropped: 0, pending: 0 });
    expect(log.problems()).toEqual([]);
    await delivery.close(1000);
  });
});

describe('development mode', () => {
  it('never calls the transport; the queue still empties at its size; nothing counts as sent', async () => {
    const flushCallback = vi.fn();
    const { transport, delivery } = setup({
      isDevelopmentMode: true,
      batchEvents: { eventsPerRequest: 2, requestTimeInterval: 5, flushCallback },
    });
    delivery.enqueue(impression());
    expect(delivery.stats().pending).toBe(1);
    delivery.enqueue(impression('b'));
    expect(delivery.stats().pending).toBe(0);
    delivery.enqueue(impression('c'));
    await vi.advanceTimersByTimeAsync(5000);
    expect(delivery.stats().pending).toBe(0);
    delivery.enqueue(impression('d'));
    expect(await delivery.flush()).toEqual({
      status: true,
      message: 'Development mode: the batch was not sent to VWO',
      sent: 0,
      failed: 0,
      pending: 0,
    });
    expect(await delivery.flush()).toMatchObject({ status: false, message: 'Batch queue is empty. Nothing to flush.' });
    delivery.send(getRequest(), 1);
    await delivery.close(1000);
    expect(transport.calls).toHaveLength(0);
    expect(flushCallback).not.toHaveBeenCalled();
    expect(delivery.stats()).toEqual({ enqueued: 5, sent: 0, retried: 0, failed: 0, dropped: 0, pending: 0 });
  });

  it('works without a transport', async () => {
    const log = recordingLogger();
    const delivery = createDelivery({ transport: undefined, isDevelopmentMode: true, context: () => ctx, logger: log.logger });
    delivery.send(getRequest(), 1);
    delivery.enqueue(impression());
    expect(await delivery.flush()).toMatchObject({ status: false, message: 'No batchEvents config present in launch API' });
    expect(delivery.stats()).toMatchObject({ enqueued: 2, sent: 0, pending: 0 });
    expect(log.problems()).toEqual([]);
  });
});

describe('close', () => {
  it('sends the queue, waits for it, stops the timer, and returns the same promise every time', async () => {
    const flushCallback = vi.fn();
    const { transport, delivery } = setup({ batchEvents: { eventsPerRequest: 10, requestTimeInterval: 30, flushCallback } });
    delivery.enqueue(impression());
    delivery.enqueue(conversion());
    const first = delivery.close(2000);
    expect(delivery.close(2000)).toBe(first);
    await first;
    expect(transport.calls).toHaveLength(1);
    expect(flushCallback).toHaveBeenCalledWith(null, expect.any(String));
    expect(delivery.stats()).toEqual({ enqueued: 2, sent: 2, retried: 0, failed: 0, dropped: 0, pending: 0 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(transport.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(delivery.close(0)).toBe(first);
  });

  it('attempts a request waiting for its retry right away', async () => {
    const { transport, log, delivery } = setup({ answers: [503, 200] });
    delivery.send(getRequest(), 1);
    await vi.advanceTimersByTimeAsync(0);
    expect(transport.calls).toHaveLength(1);
    await delivery.close(2000);
    expect(transport.calls).toHaveLength(2);
    expect(transport.calls[1]?.at).toBe(T0);
    expect(delivery.stats()).toMatchObject({ sent: 1, retried: 1, pending: 0 });
    expect(log.problems()).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('drops a request whose immediate attempt at close fails too, and says so in one line', async () => {
    const flushCallback = vi.fn();
    const { transport, log, delivery } = setup({ answers: [503], batchEvents: { eventsPerRequest: 3, flushCallback } });
    for (const user of ['a', 'b', 'c']) delivery.enqueue(impression(user));
    await vi.advanceTimersByTimeAsync(0);
    await delivery.close(2000);
    expect(transport.calls).toHaveLength(2);
    expect(delivery.stats()).toMatchObject({ sent: 0, failed: 0, dropped: 3, pending: 0 });
    expect(log.problems()).toEqual([expect.stringMatching(/^events: dropped 3 events at close: 3 whose last attempt/)]);
    expect(flushCallback).toHaveBeenCalledWith(expect.any(Error), expect.any(String));
    expect(vi.getTimerCount()).toBe(0);
  });

  it('gives up at the deadline: what remains is dropped, counted, and summed up in one line', async () => {
    const { transport, log, delivery } = setup({ answers: ['hang'], batchEvents: { eventsPerRequest: 2 } });
    delivery.enqueue(impression('a'));
    delivery.enqueue(impression('b'));
    delivery.enqueue(impression('c'));
    delivery.send(getRequest(), 1);
    let done = false;
    void delivery.close(500).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(499);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
    expect(transport.calls).toHaveLength(3);
    expect(delivery.stats()).toMatchObject({ enqueued: 4, sent: 0, dropped: 4, pending: 0 });
    expect(log.problems()).toEqual(['events: dropped 4 events at close: 4 still pending after the 500 ms close timeout']);
    // A late answer changes no count.
    transport.release(200);
    await vi.advanceTimersByTimeAsync(0);
    expect(delivery.stats()).toMatchObject({ sent: 0, dropped: 4 });
    expectBalanced(delivery.stats());
  });

  it('drops events handed over after close, counted, with one log line', async () => {
    const { transport, log, delivery } = setup({ batchEvents: { eventsPerRequest: 1 } });
    await delivery.close(100);
    delivery.enqueue(impression());
    delivery.enqueue(impression());
    delivery.send(getRequest(), 3);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(transport.calls).toHaveLength(0);
    expect(delivery.stats()).toMatchObject({ enqueued: 5, dropped: 5, pending: 0 });
    expect(log.problems()).toHaveLength(1);
    expect(log.problems()[0]).toContain('after close');
  });

  it('with nothing pending resolves at once and logs nothing', async () => {
    const { log, delivery } = setup();
    await delivery.close(10_000);
    expect(log.lines).toEqual([]);
  });
});

describe('robustness', () => {
  it('leaves no unhandled rejection, whatever the transport and callbacks do', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const answers: Answer[] = [
        new Error('reset'),
        { throws: new Error('sync') },
        { throws: undefined },
        { throws: 'not an error' },
        500,
        400,
        'hang',
      ];
      let n = 0;
      const transport = {
        send(request: EventRequest): Promise<TransportResponse> {
          n += 1;
          if (n % 11 === 0) return Promise.reject('a rejection that is not an Error');
          return scriptedTransport([answers[(n * 7) % answers.length] ?? 200]).send(request);
        },
      };
      const delivery = createDelivery({
        transport,
        context: () => ctx,
        logger: recordingLogger().logger,
        batchEvents: {
          eventsPerRequest: 3,
          requestTimeInterval: 1,
          flushCallback: () => {
            throw new Error('user callback');
          },
        },
        maxPendingEvents: 50,
      });
      for (let i = 0; i < 200; i++) {
        delivery.enqueue(impression(`u${i}`));
        delivery.send(getRequest(`u${i}`), 1);
        if (i % 20 === 0) void delivery.flush();
        await vi.advanceTimersByTimeAsync(137);
      }
      const closing = delivery.close(1000);
      await vi.advanceTimersByTimeAsync(1000);
      await closing;
      await vi.advanceTimersByTimeAsync(60_000);
      expectBalanced(delivery.stats());
      // Let Node run its unhandled-rejection check.
      vi.useRealTimers();
      await new Promise((resolve) => setTimeout(resolve, 20));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });

  it('no timer keeps the process alive (real timers: batch, retry and close-deadline handles are unref’d)', async () => {
    vi.useRealTimers();
    const handles: Array<{ hasRef(): boolean }> = [];
    const realSetTimeout = globalThis.setTimeout;
    const spy = vi.spyOn(globalThis, 'setTimeout').mockImplementation(((callback: () => void, ms?: number) => {
      const handle = realSetTimeout(callback, ms);
      handles.push(handle);
      return handle;
    }) as typeof setTimeout);
    try {
      const transport = scriptedTransport([503, 'hang']);
      const delivery = createDelivery({
        transport,
        context: () => ctx,
        logger: recordingLogger().logger,
        batchEvents: { eventsPerRequest: 1000, requestTimeInterval: 600 },
      });
      delivery.enqueue(impression()); // batch timer
      delivery.send(getRequest(), 1); // fails → retry timer
      await new Promise((resolve) => realSetTimeout(resolve, 10));
      await delivery.close(50); // close-deadline timer while the retried request hangs
      expect(handles.length).toBeGreaterThanOrEqual(3);
      for (const handle of handles) expect(handle.hasRef()).toBe(false);
      expect(delivery.stats()).toMatchObject({ dropped: 2, pending: 0 });
    } finally {
      spy.mockRestore();
    }
  });
});
