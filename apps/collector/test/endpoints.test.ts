import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type Collector, startCollector } from '../src/index.js';
import { fullyEncoded, jsonOf, loadCases, rawRequest, SETTINGS, type ValidCase } from './helpers.js';

const cases = loadCases<ValidCase[]>('valid-requests.json');

let collector: Collector;
beforeAll(async () => {
  collector = await startCollector({ settings: SETTINGS });
});
afterAll(() => collector.close());
beforeEach(() => collector.reset());

type Send = (c: ValidCase, target: string) => Promise<{ status: number; contentType: string; text: string }>;

const bodyOf = (c: ValidCase): string | undefined => (c.body === undefined ? undefined : JSON.stringify(c.body));

/** Three ways the same request reaches the collector. */
const transports: Array<[string, Send, (target: string) => string]> = [
  [
    'exact 1.73.0 bytes (node:http, values unencoded)',
    async (c, target) => {
      const reply = await rawRequest(collector.url, c.method, target, { body: bodyOf(c), headers: c.headers });
      return { status: reply.status, contentType: String(reply.headers['content-type']), text: reply.text };
    },
    (target) => target,
  ],
  [
    'fetch (WHATWG URL escaping)',
    async (c, target) => {
      const response = await fetch(collector.url + target, { method: c.method, headers: c.headers, body: bodyOf(c) });
      return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
    },
    (target) => target,
  ],
  [
    'fetch, every value percent-encoded',
    async (c, target) => {
      const response = await fetch(collector.url + target, { method: c.method, headers: c.headers, body: bodyOf(c) });
      return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
    },
    fullyEncoded,
  ],
];

function stripVolatile(events: ReturnType<Collector['events']>) {
  return events.map(({ seq, time, raw, ...rest }) => rest);
}

describe.each(transports)('valid requests from events.md, sent as %s', (_name, send, encode) => {
  test.each(cases)('$name is accepted and recorded', async (c) => {
    const reply = await send(c, encode(c.target));
    expect(reply.status).toBe(200);
    expect(reply.contentType).toMatch(/^application\/json/);
    if (c.servesSettings) expect(JSON.parse(reply.text)).toEqual(SETTINGS);

    const [request] = collector.received();
    expect(collector.received()).toHaveLength(1);
    expect(request?.method).toBe(c.method);
    expect(request?.query.map(([key]) => key)).toEqual(c.order);
    if (c.params) expect(request?.params).toMatchObject(c.params);
    if (c.body !== undefined) expect(request?.body).toEqual(c.body);
    expect(stripVolatile(collector.events())).toMatchObject(c.events);
    expect(collector.events()).toHaveLength(c.events.length);
  });
});

describe('collection prefix', () => {
  test.each(cases)('$name is accepted under /eu and records the prefix', async (c) => {
    const reply = await rawRequest(collector.url, c.method, `/eu${c.target}`, { body: bodyOf(c), headers: c.headers });
    expect(reply.status).toBe(200);
    const [request] = collector.received();
    expect(request?.prefix).toBe('eu');
    expect(request?.path.startsWith('/eu/')).toBe(true);
    expect(collector.events().every((event) => event.prefix === 'eu')).toBe(true);
    expect(stripVolatile(collector.events())).toMatchObject(c.events);
  });

  test('only one prefix segment is allowed', async () => {
    const reply = await rawRequest(collector.url, 'GET', `/eu/de${cases[0]?.target}`);
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.text).error).toBe('no such endpoint: GET /eu/de/server-side/track-user');
  });

  test('requests without a prefix record prefix null', async () => {
    await rawRequest(collector.url, 'GET', cases[0]?.target as string);
    expect(collector.received()[0]?.prefix).toBeNull();
    expect(collector.events()[0]?.prefix).toBeNull();
  });
});

describe('recorded requests', () => {
  test('keep headers, the raw query and the parsed body', async () => {
    const batch = cases.find((c) => c.name.startsWith('global-goal batch')) as ValidCase;
    await rawRequest(collector.url, 'POST', batch.target, { body: bodyOf(batch), headers: batch.headers });
    const [request] = collector.received();
    expect(request?.headers.authorization).toBe('sdkkey123');
    expect(request?.rawQuery).toBe('a=888888&sdk=vwo-node-sdk&sdk-v=1.73.0&env=sdkkey123&');
    expect(request?.endpoint).toBe('batch-events');
    expect(request?.events.map((event) => event.goalId)).toEqual([101, 301]);
    expect(collector.events()[0]?.raw).toEqual((batch.body as { ev: unknown[] }).ev[0]);
  });

  test('an answer to an event request is JSON naming how many events it carried', async () => {
    const batch = cases.find((c) => c.name.startsWith('batch queue')) as ValidCase;
    const reply = await rawRequest(collector.url, 'POST', batch.target, { body: bodyOf(batch) });
    expect(JSON.parse(reply.text)).toEqual({ ok: true, events: 4, duplicates: 0 });
  });

  test('GET /_collector/events and /_collector/requests return what the API returns', async () => {
    for (const c of cases.slice(0, 3)) await rawRequest(collector.url, c.method, c.target, { body: bodyOf(c) });
    const events = (await (await fetch(`${collector.url}/_collector/events`)).json()) as { events: unknown[] };
    const requests = (await (await fetch(`${collector.url}/_collector/requests`)).json()) as { requests: unknown[] };
    expect(events.events).toEqual(JSON.parse(JSON.stringify(collector.events())));
    expect(requests.requests).toEqual(JSON.parse(JSON.stringify(collector.received())));
    expect(events.events).toHaveLength(3);
  });
});

describe('settings endpoints', () => {
  test('answer 404 JSON when no settings match the account and SDK key', async () => {
    for (const target of ['/server-side/settings?a=1&i=sdkkey123', '/server-side/settings?a=888888&i=other', '/server-side/pull?a=1&i=x']) {
      const response = await fetch(collector.url + target);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect((await jsonOf(response)).error).toMatch(/^no settings for account "\S+" and SDK key "\S+"$/);
    }
    expect(collector.received()).toEqual([]);
    expect(collector.stats().rejected.byReason).toEqual({ 'settings: none for this account and SDK key': 3 });
  });

  test('settingsByKey matches "<accountId>:<sdkKey>" first, then "<sdkKey>" for any account', async () => {
    const other = await startCollector({
      settings: SETTINGS,
      settingsByKey: { '1:k': { accountId: 1, which: 'exact' }, k: { which: 'any account' } },
    });
    try {
      const which = async (a: string, i: string) =>
        ((await (await fetch(`${other.url}/server-side/settings?a=${a}&i=${i}`)).json()) as { which?: string }).which;
      expect(await which('1', 'k')).toBe('exact');
      expect(await which('2', 'k')).toBe('any account');
      expect(await which('888888', 'sdkkey123')).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  test('setSettings swaps the served file, and with a key adds or removes one entry', async () => {
    const url = `${collector.url}/server-side/settings?a=888888&i=sdkkey123`;
    collector.setSettings({ ...SETTINGS, version: 2 });
    expect((await jsonOf(fetch(url))).version).toBe(2);
    collector.setSettings({ accountId: 5, only: 'key' }, '5:abc');
    expect((await jsonOf(fetch(`${collector.url}/server-side/pull?a=5&i=abc`))).only).toBe('key');
    collector.setSettings(null, '5:abc');
    expect((await fetch(`${collector.url}/server-side/pull?a=5&i=abc`)).status).toBe(404);
    collector.setSettings(SETTINGS);
  });

  test('a file without sdkKey is served for any SDK key of its account', async () => {
    const other = await startCollector({ settings: { accountId: 7, campaigns: [] } });
    try {
      expect((await fetch(`${other.url}/server-side/settings?a=7&i=anything`)).status).toBe(200);
      expect((await fetch(`${other.url}/server-side/settings?a=8&i=anything`)).status).toBe(404);
    } finally {
      await other.close();
    }
  });

  test('POST /_collector/settings sets the served file over HTTP', async () => {
    const other = await startCollector();
    try {
      expect((await fetch(`${other.url}/server-side/settings?a=888888&i=sdkkey123`)).status).toBe(404);
      const set = await fetch(`${other.url}/_collector/settings`, { method: 'POST', body: JSON.stringify(SETTINGS) });
      expect(set.status).toBe(200);
      expect(await (await fetch(`${other.url}/server-side/settings?a=888888&i=sdkkey123`)).json()).toEqual(SETTINGS);
      const byKey = await fetch(`${other.url}/_collector/settings?key=k`, { method: 'POST', body: '{"v":1}' });
      expect(byKey.status).toBe(200);
      expect(await (await fetch(`${other.url}/server-side/pull?a=1&i=k`)).json()).toEqual({ v: 1 });
      const bad = await fetch(`${other.url}/_collector/settings`, { method: 'POST', body: '"text"' });
      expect(bad.status).toBe(400);
      expect((await jsonOf(bad)).error).toBe('body: settings[0]: expected a settings object');
    } finally {
      await other.close();
    }
  });

  test('a settings object that is not an object is refused at start', async () => {
    await expect(startCollector({ settings: 'x' as never })).rejects.toThrow('settings[0]: expected a settings object');
  });
});
