/**
 * Event ids (`eid`) and the event outbox, through the public client: by default no event
 * carries an id (the wire is 1.73.0's); with `eventIds: true` every event carries one that
 * survives retries and restarts, so a collector can drop the duplicates at-least-once delivery
 * makes. An outbox keeps what was not delivered for the next client, with or without ids. The transport
 * here records requests and answers from a script: the failures are the point, and a real
 * server cannot fail on cue this precisely (real HTTP runs in @vwo/node's and the reliability
 * suite's tests).
 */
import { describe, expect, it } from 'vitest';
import {
  type ClientConfig,
  createClient,
  type EventOutbox,
  type EventRequest,
  eventIdSource,
  type OutboxEntry,
  type TransportResponse,
} from '../src/index.js';
import { campaign, settingsFile } from './support/files.js';
import { parsed } from './support/parse.js';

const FAST_RETRY = { retries: 2, baseDelayMs: 5, jitter: 0 };

function scripted(answer: (call: number, request: EventRequest) => number = () => 200) {
  const requests: EventRequest[] = [];
  return {
    requests,
    send(request: EventRequest): Promise<TransportResponse> {
      requests.push(request);
      return Promise.resolve({ status: answer(requests.length - 1, request) });
    },
  };
}

/** An outbox in a Map, as a page's localStorage would hold it between two clients. */
function mapOutbox(store = new Map<string, OutboxEntry>()) {
  const outbox: EventOutbox = {
    restore: () => {
      const entries = [...store.values()];
      store.clear();
      return entries;
    },
    save: (key, entry) => {
      store.set(key, JSON.parse(JSON.stringify(entry)) as OutboxEntry);
    },
    remove: (key) => {
      store.delete(key);
    },
  };
  return { store, outbox };
}

function recordingLogger() {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

const eidOf = (url: string): string | undefined => /[?&]eid=([^&]*)&/.exec(url)?.[1];
const batchEids = (request: EventRequest): unknown[] =>
  (JSON.parse(request.body ?? '{}') as { ev: Array<{ eid?: unknown }> }).ev.map((event) => event.eid);

function client(overrides: Partial<ClientConfig> & Pick<ClientConfig, 'transport'>, eventArch = false) {
  const goals = [
    { id: 213, identifier: 'CUSTOM', type: 'CUSTOM_GOAL' },
    { id: 214, identifier: 'REVENUE', type: 'REVENUE_TRACKING', revenueProp: 'amount' },
  ];
  const settings = parsed(
    settingsFile([campaign({ goals }), campaign({ id: 231, key: 'K2', goals })], eventArch ? { isEventArchEnabled: true } : {}),
  );
  return createClient({ settings, logLevel: 'silent', retry: FAST_RETRY, ...overrides });
}

describe('eventIdSource', () => {
  it('gives 100,000 distinct ids of a fixed shape, with a prefix of its own per source', () => {
    const next = eventIdSource();
    const ids = new Set(Array.from({ length: 100_000 }, next));
    expect(ids.size).toBe(100_000);
    for (const id of [...ids].slice(0, 50)) expect(id).toMatch(/^[0-9a-z]{20}\.[0-9a-z]+$/);
    const prefixes = new Set(Array.from({ length: 1000 }, () => eventIdSource()().split('.')[0]));
    expect(prefixes.size).toBe(1000);
  });

  it('draws its prefix from the given random source', () => {
    expect(eventIdSource(() => 0)()).toBe(`${'0'.repeat(20)}.0`);
    expect(eventIdSource(() => 0.5)()).not.toBe(eventIdSource(() => 0.25)());
  });

  it('counts in base 36 after the prefix, without a gap, across every digit carry', () => {
    const next = eventIdSource(() => 0);
    const prefix = `${'0'.repeat(20)}.`;
    for (let n = 0; n < 200_000; n++) {
      const id = next();
      if (id !== prefix + n.toString(36)) expect(id).toBe(prefix + n.toString(36));
    }
  });
});

describe('event ids on the wire', () => {
  it('with eventIds: true, every GET (impression, conversion, custom dimension) ends with a distinct eid', async () => {
    const transport = scripted();
    const vwo = client({ transport, eventIds: true });
    await vwo.activate('K', 'Ashley');
    await vwo.track('K', 'Ashley', 'REVENUE', { revenueValue: 5 });
    await vwo.push('tier', 'gold', 'Ashley');
    await vwo.close();
    const ids = transport.requests.map((request) => eidOf(request.url));
    expect(transport.requests.map((request) => request.url.split('?')[0]?.split('/').pop())).toEqual(['track-user', 'track-goal', 'push']);
    for (const request of transport.requests) expect(request.url).toMatch(/&eid=[0-9a-z]{20}\.[0-9a-z]+&$/);
    expect(new Set(ids).size).toBe(3);
  });

  it('with eventIds: true, each event of a batch carries its own eid, after 1.73.0’s fields', async () => {
    const transport = scripted();
    const vwo = client({ transport, eventIds: true, batchEvents: { eventsPerRequest: 4 } });
    await vwo.activate('K', 'u1');
    await vwo.activate('K2', 'u2');
    await vwo.track(['K', 'K2'], 'u1', 'CUSTOM');
    await vwo.close();
    expect(transport.requests).toHaveLength(1);
    const events = JSON.parse(transport.requests[0]?.body ?? '{}').ev as Array<Record<string, unknown>>;
    expect(events.length).toBeGreaterThanOrEqual(3);
    for (const event of events) expect(Object.keys(event).at(-1)).toBe('eid');
    expect(new Set(events.map((event) => event.eid)).size).toBe(events.length);
  });

  it('with eventIds: true, a multi-campaign track without a batch queue names each conversion of its POST', async () => {
    const transport = scripted();
    const vwo = client({ transport, eventIds: true });
    await vwo.activate('K', 'u1');
    await vwo.activate('K2', 'u1');
    await vwo.track(null, 'u1', 'CUSTOM');
    await vwo.close();
    const batch = transport.requests.find((request) => request.method === 'POST');
    expect(batch).toBeDefined();
    const eids = batchEids(batch as EventRequest);
    expect(eids).toHaveLength(2);
    expect(new Set(eids).size).toBe(2);
  });

  it('with eventIds: true, event-architecture POSTs carry eid as their last query parameter', async () => {
    const transport = scripted();
    const vwo = client({ transport, eventIds: true }, true);
    await vwo.activate('K', 'u1');
    await vwo.track('K', 'u1', 'CUSTOM');
    await vwo.close();
    expect(transport.requests.map((request) => request.url.split('?')[0]?.endsWith('/events/t'))).toEqual([true, true]);
    for (const request of transport.requests) expect(request.url).toMatch(/&eid=[0-9a-z.]+&$/);
    expect(eidOf(transport.requests[0]?.url ?? '')).not.toBe(eidOf(transport.requests[1]?.url ?? ''));
  });

  it.each([
    ['default options', {}],
    ['eventIds: false', { eventIds: false }],
  ] as const)('with %s, no request carries an eid: GETs, batch bodies, global-goal POSTs, event architecture', async (_, ids) => {
    /** Every kind of request a client sends, from one client of each shape, all through `transport`. */
    const sendAll = async (transport: ReturnType<typeof scripted>, options: Partial<ClientConfig>) => {
      const single = client({ transport, ...options });
      await single.activate('K', 'u1');
      await single.track('K', 'u1', 'REVENUE', { revenueValue: 5 });
      await single.push('tier', 'gold', 'u1');
      await single.activate('K2', 'u1');
      await single.track(null, 'u1', 'CUSTOM');
      await single.push({ tier: 'gold', plan: 'pro' }, 'u1');
      const batched = client({ transport, ...options, batchEvents: { eventsPerRequest: 3 } });
      await batched.activate('K', 'u2');
      await batched.track('K', 'u2', 'CUSTOM');
      await batched.push('tier', 'gold', 'u2');
      const eventArch = client({ transport, ...options }, true);
      await eventArch.activate('K', 'u3');
      await eventArch.track('K', 'u3', 'CUSTOM');
      await eventArch.push('tier', 'gold', 'u3');
      await Promise.all([single.close(), batched.close(), eventArch.close()]);
    };
    const transport = scripted();
    await sendAll(transport, ids);
    const kinds = transport.requests.map((request) => `${request.method} ${request.url.split('?')[0]?.split('/').slice(-2).join('/')}`);
    expect(new Set(kinds)).toEqual(
      new Set([
        'GET server-side/track-user',
        'GET server-side/track-goal',
        'GET server-side/push',
        'POST server-side/batch-events',
        'POST events/t',
      ]),
    );
    expect(transport.requests.filter((request) => request.body?.includes('"ev"'))).toHaveLength(3);
    for (const request of transport.requests) {
      expect(request.url).not.toMatch(/[?&]eid=/);
      expect(request.body ?? '').not.toContain('eid');
    }

    // The same calls with ids on name every event, so the checks above would see one.
    const named = scripted();
    await sendAll(named, { eventIds: true });
    expect(named.requests).toHaveLength(transport.requests.length);
    for (const request of named.requests) {
      if (request.body?.includes('"ev"')) for (const eid of batchEids(request)) expect(eid).toMatch(/^[0-9a-z]{20}\.[0-9a-z]+$/);
      else expect(request.url).toMatch(/&eid=[0-9a-z]{20}\.[0-9a-z]+&$/);
    }
  });

  it('a retried request is resent with the same ids', async () => {
    const transport = scripted((call) => (call < 2 ? 503 : 200));
    const vwo = client({ transport, eventIds: true });
    await vwo.activate('K', 'u1');
    for (let waited = 0; transport.requests.length < 3 && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    await vwo.close();
    expect(transport.requests).toHaveLength(3);
    const urls = new Set(transport.requests.map((request) => request.url));
    expect(urls.size).toBe(1);
    expect(eidOf(transport.requests[0]?.url ?? '')).toBeDefined();
  });

  it('rejects a non-boolean eventIds and an outbox without its methods, naming the option', () => {
    const settings = parsed(settingsFile([campaign()]));
    expect(() => createClient({ settings, isDevelopmentMode: true, eventIds: 'yes' as never })).toThrow(/eventIds/);
    expect(() => createClient({ settings, isDevelopmentMode: true, eventOutbox: { save() {} } as never })).toThrow(/eventOutbox/);
  });
});

describe('the event outbox', () => {
  it('holds each request until it is delivered, then forgets it', async () => {
    const { store, outbox } = mapOutbox();
    let seenDuringSend = 0;
    const transport = scripted(() => {
      seenDuringSend = Math.max(seenDuringSend, store.size);
      return 200;
    });
    const vwo = client({ transport, eventOutbox: outbox });
    await vwo.activate('K', 'u1');
    await vwo.track('K', 'u1', 'CUSTOM');
    await vwo.close();
    expect(transport.requests).toHaveLength(2);
    expect(seenDuringSend).toBeGreaterThanOrEqual(1);
    expect(store.size).toBe(0);
  });

  it('keeps what ran out of retries, and the next client resends it byte for byte', async () => {
    const { store, outbox } = mapOutbox();
    const down = scripted(() => 503);
    const first = client({ transport: down, eventOutbox: outbox });
    await first.activate('K', 'u1');
    await first.track('K', 'u1', 'REVENUE', { revenueValue: 12 });
    await first.flushEvents();
    await first.close();
    expect(first.eventStats().failed + first.eventStats().dropped).toBe(2);
    expect(store.size).toBe(2);
    const lost = down.requests.slice(0, 2).map((request) => request.url);

    const up = scripted();
    const second = client({ transport: up, eventOutbox: outbox });
    await second.flushEvents();
    await second.close();
    expect(up.requests.map((request) => request.url).sort()).toEqual([...lost].sort());
    expect(second.eventStats()).toMatchObject({ enqueued: 2, sent: 2, pending: 0 });
    expect(store.size).toBe(0);
  });

  it('forgets a request the collector refuses for good (400), as it is never going to succeed', async () => {
    const { store, outbox } = mapOutbox();
    const vwo = client({ transport: scripted(() => 400), eventOutbox: outbox });
    await vwo.activate('K', 'u1');
    await vwo.close();
    expect(store.size).toBe(0);
  });

  it.each([
    ['without event ids (the default)', false],
    ['with event ids', true],
  ])('keeps queued batch records as single GETs, so a crash before the batch loses none, %s', async (_, eventIds) => {
    const { store, outbox } = mapOutbox();
    const never = scripted();
    const crashed = client({
      transport: never,
      eventIds,
      eventOutbox: outbox,
      batchEvents: { eventsPerRequest: 100, requestTimeInterval: 600 },
    });
    await crashed.activate('K', 'u1');
    await crashed.activate('K', 'u2');
    await crashed.push('tier', 'gold', 'u1');
    // The page dies here: no flush, no close. (Closing it later only stops its timer.)
    expect(never.requests).toHaveLength(0);
    expect(store.size).toBe(3);
    const kept = [...store.values()].map((entry) => entry.request);

    const after = scripted();
    const next = client({ transport: after, eventIds, eventOutbox: outbox });
    await next.close();
    expect(after.requests.map((request) => request.url).sort()).toEqual(kept.map((request) => request.url).sort());
    expect(after.requests.map((request) => request.method)).toEqual(['GET', 'GET', 'GET']);
    expect(after.requests.every((request) => eidOf(request.url) !== undefined)).toBe(eventIds);

    // Once the batch goes out, the records' own entries give way to the batch's.
    const batchTransport = scripted();
    const batching = client({ transport: batchTransport, eventIds, eventOutbox: outbox, batchEvents: { eventsPerRequest: 100 } });
    await batching.activate('K', 'u3');
    await batching.activate('K', 'u4');
    expect(store.size).toBe(2);
    await batching.flushEvents();
    expect(store.size).toBe(0);
    expect(JSON.parse(batchTransport.requests[0]?.body ?? '{}').ev).toHaveLength(2);
    await Promise.all([crashed.close(), batching.close()]);
  });

  it('an outbox that throws is logged once and costs no event', async () => {
    const { lines, logger } = recordingLogger();
    const throwing: EventOutbox = {
      restore: () => {
        throw new Error('SecurityError: storage is disabled');
      },
      save: () => {
        throw new Error('QuotaExceededError');
      },
      remove: () => {
        throw new Error('nope');
      },
    };
    const transport = scripted();
    const vwo = client({ transport, eventOutbox: throwing, logger, logLevel: 'warn' });
    for (let i = 0; i < 20; i++) await vwo.activate('K', `u${i}`);
    await vwo.close();
    expect(transport.requests).toHaveLength(20);
    expect(lines.filter((line) => line.includes('outbox'))).toHaveLength(1);
  });

  it('ignores restored entries that are not requests', async () => {
    const garbage = [null, 1, { request: null }, { request: { method: 'PUT', url: 'x' } }, { request: { method: 'GET' } }];
    const good: OutboxEntry = { request: { method: 'GET', url: 'http://127.0.0.1:9/server-side/track-user?eid=x&' }, events: 1 };
    const transport = scripted();
    const vwo = client({
      transport,
      eventOutbox: { restore: () => [...(garbage as never[]), good], save: () => undefined, remove: () => undefined },
    });
    await vwo.close();
    expect(transport.requests.map((request) => request.url)).toEqual([good.request.url]);
  });
});

describe('flushEvents({ retryWaiting: true })', () => {
  it('attempts a request waiting for its retry at once instead of after its back-off', async () => {
    const transport = scripted((call) => (call === 0 ? 503 : 200));
    const vwo = client({ transport, retry: { retries: 3, baseDelayMs: 60_000, jitter: 0 } });
    await vwo.activate('K', 'u1');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(transport.requests).toHaveLength(1);
    expect(vwo.eventStats().pending).toBe(1);
    await vwo.flushEvents({ retryWaiting: true });
    expect(transport.requests).toHaveLength(2);
    expect(transport.requests[1]?.url).toBe(transport.requests[0]?.url);
    expect(vwo.eventStats()).toMatchObject({ sent: 1, pending: 0, retried: 1 });
    await vwo.close();
  });

  it('sends the batch queue too', async () => {
    const transport = scripted();
    const vwo = client({ transport, batchEvents: { eventsPerRequest: 50 } });
    await vwo.activate('K', 'u1');
    const result = await vwo.flushEvents({ retryWaiting: true });
    expect(result).toMatchObject({ status: true, sent: 1 });
    await vwo.close();
  });
});
