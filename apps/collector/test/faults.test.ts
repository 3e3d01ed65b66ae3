import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type Collector, startCollector } from '../src/index.js';
import { impressionTarget, rawRequest, SETTINGS, sleep, UUID } from './helpers.js';

let collector: Collector;
beforeAll(async () => {
  collector = await startCollector({ settings: SETTINGS });
});
afterAll(() => collector.close());
beforeEach(() => collector.reset());

const SETTINGS_TARGET = '/server-side/settings?a=888888&i=sdkkey123&r=0.9&platform=server&sdk=vwo-node-sdk&sdk-v=1.73.0';
const impression = () => fetch(collector.url + impressionTarget(230, 1));
const impressions = () => collector.stats().campaigns['230']?.impressions ?? 0;

describe('injected status faults', () => {
  test('answer the status to the next N matching requests, then recover', async () => {
    collector.injectFaults([{ kind: 'status', status: 503, endpoints: 'track-user', count: 2 }]);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await impression()).status);
    expect(statuses).toEqual([503, 503, 200]);
    expect(impressions()).toBe(1);
    expect(collector.stats().requests.faulted).toBe(2);
  });

  test('the fault body is JSON naming the injected status', async () => {
    collector.injectFaults([{ kind: 'status', status: 500 }]);
    const response = await impression();
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ error: 'injected fault: 500' });
  });

  test('429 carries Retry-After: 1 unless another value is given', async () => {
    collector.injectFaults([
      { kind: 'status', status: 429 },
      { kind: 'status', status: 503, retryAfter: 7 },
    ]);
    const first = await impression();
    const second = await impression();
    expect([first.status, first.headers.get('retry-after')]).toEqual([429, '1']);
    expect([second.status, second.headers.get('retry-after')]).toEqual([503, '7']);
  });

  test('a status fault can carry its own body and content type (a 2xx that is not JSON)', async () => {
    collector.injectFaults([{ kind: 'status', status: 200, body: '<html>', contentType: 'text/html', endpoints: 'settings' }]);
    const response = await fetch(collector.url + SETTINGS_TARGET);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html');
    expect(await response.text()).toBe('<html>');
  });

  test('a fault on one endpoint leaves the others alone', async () => {
    collector.injectFaults([{ kind: 'status', status: 500, endpoints: ['settings', 'pull'], count: 5 }]);
    expect((await impression()).status).toBe(200);
    expect((await fetch(collector.url + SETTINGS_TARGET)).status).toBe(500);
  });

  test('"events" targets the five event endpoints and not the settings', async () => {
    collector.injectFaults([{ kind: 'status', status: 500, endpoints: 'events', count: 3 }]);
    expect((await fetch(collector.url + SETTINGS_TARGET)).status).toBe(200);
    expect((await impression()).status).toBe(500);
    const batch = await fetch(`${collector.url}/server-side/batch-events?a=1&env=k`, { method: 'POST', body: '{"ev":[]}' });
    expect(batch.status).toBe(500);
  });

  test('skip lets the first matching requests through', async () => {
    collector.injectFaults([{ kind: 'status', status: 500, skip: 1, count: 1 }]);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await impression()).status);
    expect(statuses).toEqual([200, 500, 200]);
  });

  test('processed: true records the event before answering the fault', async () => {
    collector.injectFaults([{ kind: 'status', status: 503, processed: true }]);
    expect((await impression()).status).toBe(503);
    expect(impressions()).toBe(1);
    expect(collector.stats().requests).toMatchObject({ accepted: 1, faulted: 1 });
  });
});

describe('time-bounded faults', () => {
  test('a forMs window applies to every matching request until it ends', async () => {
    collector.injectFaults([{ kind: 'status', status: 503, forMs: 300 }]);
    expect((await impression()).status).toBe(503);
    expect((await impression()).status).toBe(503);
    await sleep(350);
    expect((await impression()).status).toBe(200);
  });

  test('windowFromFirstHit opens the forMs window at the first matching request, not at injection', async () => {
    collector.injectFaults([{ kind: 'status', status: 503, forMs: 200, windowFromFirstHit: true }]);
    await sleep(300); // a window counted from injection would be over by now
    expect((await impression()).status).toBe(503);
    const firstHit = Date.now();
    expect((await impression()).status).toBe(503);
    await sleep(Math.max(0, firstHit + 250 - Date.now()));
    expect((await impression()).status).toBe(200);
    expect(collector.stats().requests).toMatchObject({ accepted: 1, faulted: 2 });
  });

  test('windowFromFirstHit needs forMs and does not combine with until', () => {
    expect(() => collector.injectFaults([{ kind: 'drop', windowFromFirstHit: true }])).toThrow('plan[0].windowFromFirstHit: needs forMs');
    expect(() => collector.injectFaults([{ kind: 'drop', forMs: 10, until: Date.now() + 10, windowFromFirstHit: true }])).toThrow(
      'plan[0].windowFromFirstHit: cannot be combined with until',
    );
    expect(() => collector.injectFaults([{ kind: 'drop', forMs: 10, windowFromFirstHit: 'yes' as never }])).toThrow(
      'plan[0].windowFromFirstHit: expected a boolean',
    );
  });

  test('an until time in the past never applies', async () => {
    collector.injectFaults([{ kind: 'status', status: 503, until: Date.now() - 1 }]);
    expect((await impression()).status).toBe(200);
  });

  test('count and window together stop at whichever comes first', async () => {
    collector.injectFaults([{ kind: 'status', status: 503, count: 1, forMs: 10_000 }]);
    expect((await impression()).status).toBe(503);
    expect((await impression()).status).toBe(200);
  });
});

describe('delay faults', () => {
  test('hold the answer for the given time, then handle the request normally', async () => {
    collector.injectFaults([{ kind: 'delay', ms: 300 }]);
    const started = Date.now();
    const response = await impression();
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(impressions()).toBe(1);
    const quick = Date.now();
    await impression();
    expect(Date.now() - quick).toBeLessThan(250);
  });

  test('a client that gives up on a delayed answer gets an abort, and the event still arrives', async () => {
    collector.injectFaults([{ kind: 'delay', ms: 300 }]);
    await expect(fetch(collector.url + impressionTarget(230, 1), { signal: AbortSignal.timeout(50) })).rejects.toThrow();
    await sleep(350);
    expect(impressions()).toBe(1);
  });

  test('close() does not wait for a delayed answer', async () => {
    const other = await startCollector();
    other.injectFaults([{ kind: 'delay', ms: 60_000 }]);
    const pending = fetch(`${other.url}/server-side/settings?a=1&i=k`).catch((error: unknown) => error);
    await sleep(50);
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe('dropped connections', () => {
  test('drop destroys the socket without an answer and records nothing', async () => {
    collector.injectFaults([{ kind: 'drop', endpoints: 'track-user' }]);
    await expect(impression()).rejects.toThrow();
    expect(impressions()).toBe(0);
    expect((await impression()).status).toBe(200);
  });

  test('drop after processing, then a retry with the same eid, counts the event once', async () => {
    collector.injectFaults([{ kind: 'drop', processed: true }]);
    const target = collector.url + impressionTarget(230, 1, UUID, 'eid=retry-1&');
    await expect(fetch(target)).rejects.toThrow();
    const retry = await fetch(target);
    expect(await retry.json()).toEqual({ ok: true, events: 1, duplicates: 1 });
    expect(impressions()).toBe(1);
    expect(collector.stats().duplicates).toBe(1);
  });
});

describe('broken settings bodies', () => {
  test('truncate answers 200 application/json with the first half of the settings file', async () => {
    collector.injectFaults([{ kind: 'truncate', endpoints: 'settings' }]);
    const reply = await rawRequest(collector.url, 'GET', SETTINGS_TARGET);
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    const full = JSON.stringify(SETTINGS);
    expect(reply.text).toBe(full.slice(0, Math.floor(full.length / 2)));
    expect(() => JSON.parse(reply.text)).toThrow();
  });

  test('invalid-json answers 200 application/json with a body that is not JSON', async () => {
    collector.injectFaults([{ kind: 'invalid-json', endpoints: ['settings', 'pull'], count: 2 }]);
    for (const target of [SETTINGS_TARGET, '/server-side/pull?a=888888&i=sdkkey123']) {
      const reply = await rawRequest(collector.url, 'GET', target);
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(() => JSON.parse(reply.text)).toThrow();
    }
    expect(JSON.parse((await rawRequest(collector.url, 'GET', SETTINGS_TARGET)).text)).toEqual(SETTINGS);
  });

  test('invalid-json on an event endpoint garbles the answer (1.73.0 logs it as a failure)', async () => {
    collector.injectFaults([{ kind: 'invalid-json', endpoints: 'track-user', processed: true }]);
    const response = await impression();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('injected fault: this body is not JSON');
    expect(impressions()).toBe(1);
  });
});

describe('fault plans', () => {
  test('POST /_collector/faults installs a plan and GET shows what remains', async () => {
    const posted = await fetch(`${collector.url}/_collector/faults`, {
      method: 'POST',
      body: JSON.stringify({ faults: [{ kind: 'status', status: 503, endpoints: 'track-user', count: 2 }] }),
    });
    expect(posted.status).toBe(200);
    expect(await impression()).toHaveProperty('status', 503);
    const { faults } = (await (await fetch(`${collector.url}/_collector/faults`)).json()) as {
      faults: Array<{ remaining: number; endpoints: string[] }>;
    };
    expect(faults).toHaveLength(1);
    expect(faults[0]).toMatchObject({ remaining: 1, endpoints: ['track-user'] });
  });

  test('a rule with neither count nor window applies to one request only', async () => {
    const [active] = collector.injectFaults([{ kind: 'status', status: 500 }]);
    expect(active).toMatchObject({ remaining: 1, until: null });
    expect((await impression()).status).toBe(500);
    expect((await impression()).status).toBe(200);
  });

  test('a new plan replaces the old one and an empty plan clears it', async () => {
    collector.injectFaults([{ kind: 'status', status: 500, count: 10 }]);
    collector.injectFaults([]);
    expect((await impression()).status).toBe(200);
  });

  test('reset clears the plan', async () => {
    collector.injectFaults([{ kind: 'status', status: 500, count: 10 }]);
    collector.reset();
    expect((await impression()).status).toBe(200);
  });

  test.each([
    [[{ kind: 'explode' }], 'plan[0].kind: expected "status", "delay", "drop", "truncate" or "invalid-json", got "explode"'],
    [[{ kind: 'status' }], 'plan[0].status: expected an integer from 200 to 599, got nothing'],
    [[{ kind: 'status', status: 503, count: 0 }], 'plan[0].count: expected an integer from 1 to 1000000, got 0'],
    [[{ kind: 'delay', ms: 120_000 }], 'plan[0].ms: expected an integer from 0 to 60000, got 120000'],
    [[{ kind: 'drop', forMs: 7_200_000 }], 'plan[0].forMs: expected an integer from 1 to 3600000, got 7200000'],
    [
      [{ kind: 'drop', endpoints: ['track'] }],
      'plan[0].endpoints: expected "settings", "pull", "track-user", "track-goal", "push", "batch-events", "event-arch", "v2-settings", "v2-pull", "batch-events-v2", "events", "*", got "track"',
    ],
    [{ faults: 'all' }, 'faults: expected an array of fault rules, got "all"'],
  ])('an invalid plan %j is refused naming the field', async (plan, error) => {
    expect(() => collector.injectFaults(plan as never)).toThrow(error);
    const response = await fetch(`${collector.url}/_collector/faults`, { method: 'POST', body: JSON.stringify(plan) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error });
  });

  test('an until more than an hour ahead is refused, so no fault outlives a test run', () => {
    expect(() => collector.injectFaults([{ kind: 'drop', until: Date.now() + 2 * 3_600_000 }])).toThrow(
      /^plan\[0\]\.until: expected an integer from 0 to \d+/,
    );
  });

  test('the first live matching rule wins', async () => {
    collector.injectFaults([
      { kind: 'status', status: 502, endpoints: 'settings' },
      { kind: 'status', status: 503 },
    ]);
    expect((await impression()).status).toBe(503);
    expect((await fetch(collector.url + SETTINGS_TARGET)).status).toBe(502);
  });
});
