import { Agent, request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type Collector, type CollectorStats, startCollector } from '../src/index.js';
import {
  BATCH_TARGET,
  conversionTarget,
  eventArchBody,
  eventArchTarget,
  impressionTarget,
  rawRequest,
  SETTINGS,
  visitor,
} from './helpers.js';

let collector: Collector;
beforeAll(async () => {
  collector = await startCollector({ settings: SETTINGS });
});
afterAll(() => collector.close());
beforeEach(() => collector.reset());

const get = (target: string) => rawRequest(collector.url, 'GET', target);
const post = (target: string, body: unknown) => rawRequest(collector.url, 'POST', target, { body: JSON.stringify(body) });

describe('stats', () => {
  test('aggregate impressions, visitors, conversions and revenue per campaign and variation', async () => {
    // Campaign 230: visitors 1 and 2 see variation 1 (visitor 1 twice), visitor 3 sees variation 2.
    await get(impressionTarget(230, 1, visitor(1)));
    await get(impressionTarget(230, 1, visitor(1)));
    await get(impressionTarget(230, 1, visitor(2)));
    await post(BATCH_TARGET, { ev: [{ e: 230, c: 2, sId: 1, u: visitor(3), eT: 1 }] });
    // Conversions: revenue goal 214 twice by visitor 1 (10.5 + 4), once by visitor 3 ("7" from a batch).
    await get(conversionTarget(230, 1, 214, visitor(1), '10.5'));
    await get(conversionTarget(230, 1, 214, visitor(1), '4'));
    await post(BATCH_TARGET, { ev: [{ e: 230, c: 2, sId: 1, u: visitor(3), eT: 2, g: 214, r: '7' }] });
    // A custom goal, and a revenue that is not a number (counted, not summed).
    await get(conversionTarget(230, 1, 213, visitor(2)));
    await get(conversionTarget(230, 1, 214, visitor(2), 'abc'));

    const stats = collector.stats();
    expect(stats.campaigns).toEqual({
      '230': {
        impressions: 4,
        uniqueVisitors: 3,
        conversions: { '213': 1, '214': 4 },
        uniqueConversions: { '213': 1, '214': 3 },
        revenue: { '214': 21.5 },
        variations: {
          '1': {
            impressions: 3,
            uniqueVisitors: 2,
            conversions: { '213': 1, '214': 3 },
            uniqueConversions: { '213': 1, '214': 2 },
            revenue: { '214': 14.5 },
          },
          '2': {
            impressions: 1,
            uniqueVisitors: 1,
            conversions: { '214': 1 },
            uniqueConversions: { '214': 1 },
            revenue: { '214': 7 },
          },
        },
      },
    } satisfies CollectorStats['campaigns']);
    expect(stats.events).toEqual({
      total: 9,
      impressions: 4,
      conversions: 5,
      pushes: 0,
      byVia: { get: 7, batch: 2, 'event-arch': 0 },
    });
  });

  test('count pushes per custom-dimension key across GET, batch and event architecture', async () => {
    await get(
      `/server-side/push?sId=1&u=${visitor(1)}&sdk=vwo-node-sdk&sdk-v=1.73.0&env=sdkkey123&account_id=888888&random=0.7&ap=server&tags={"u":{"browser":"chrome"}}&`,
    );
    await post(BATCH_TARGET, {
      ev: [
        { sId: 1, u: visitor(2), eT: 3, t: encodeURIComponent(JSON.stringify({ u: { browser: 'firefox' } })) },
        { sId: 1, u: visitor(2), eT: 3, t: encodeURIComponent(JSON.stringify({ u: { plan: 'pro' } })) },
      ],
    });
    await post(
      eventArchTarget('vwo_syncVisitorProp'),
      eventArchBody('vwo_syncVisitorProp', { isCustomEvent: true }, { visitorProps: { browser: 'safari', plan: 'free' } }),
    );
    expect(collector.stats().pushes).toEqual({ total: 4, byKey: { browser: 3, plan: 2 } });
    expect(collector.stats().events.byVia).toEqual({ get: 1, batch: 2, 'event-arch': 1 });
  });

  test("event-architecture conversions are attributed to the variation of the visitor's latest impression", async () => {
    await post(eventArchTarget('vwo_variationShown'), eventArchBody('vwo_variationShown', { id: 230, variation: 2 }, { uuid: visitor(1) }));
    await post(
      eventArchTarget('REV'),
      eventArchBody('REV', { vwoMeta: { metric: { id_230: ['g_214'] }, amount: 12 } }, { uuid: visitor(1) }),
    );
    // Visitor 2 was never seen in an impression: the conversion lands under "unknown".
    await post(
      eventArchTarget('REV'),
      eventArchBody('REV', { vwoMeta: { metric: { id_230: ['g_214'] }, amount: 3 } }, { uuid: visitor(2) }),
    );
    const [, known, unknown] = collector.events();
    expect(known).toMatchObject({ variationId: 2, variationInferred: true, revenue: 12 });
    expect(unknown).toMatchObject({ variationId: null, variationInferred: false, revenue: 3 });
    const campaign = collector.stats().campaigns['230'];
    expect(campaign?.variations['2']?.revenue).toEqual({ '214': 12 });
    expect(campaign?.variations.unknown?.conversions).toEqual({ '214': 1 });
    expect(campaign?.revenue).toEqual({ '214': 15 });
  });

  test('event-architecture revenue goes to the goal whose revenueProp carries it', async () => {
    // Goal 213 is a custom goal: the amount belongs to goal 214 only.
    await post(eventArchTarget('BUY'), eventArchBody('BUY', { vwoMeta: { metric: { id_230: ['g_213', 'g_214'] }, amount: 8 } }));
    expect(collector.events().map((event) => [event.goalId, event.revenue])).toEqual([
      [213, null],
      [214, 8],
    ]);
  });

  test('without settings, event-architecture revenue is attributed only when vwoMeta has one revenue key', async () => {
    const bare = await startCollector();
    try {
      const send = (meta: Record<string, unknown>) =>
        rawRequest(bare.url, 'POST', eventArchTarget('REV'), {
          body: JSON.stringify(eventArchBody('REV', { vwoMeta: { metric: { id_230: ['g_214'] }, ...meta } })),
        });
      await send({ amount: 5 });
      await send({ amount: 5, total: 6 });
      expect(bare.events().map((event) => event.revenue)).toEqual([5, null]);
    } finally {
      await bare.close();
    }
  });

  test('count requests per endpoint, accepted and rejected, with reasons', async () => {
    await get(impressionTarget(230, 1));
    await get('/server-side/track-user?experiment_id=x');
    await get('/server-side/settings?a=888888&i=sdkkey123');
    await get('/nowhere');
    await get('/_collector/stats');
    const { requests, rejected } = collector.stats();
    expect(requests).toEqual({
      total: 4,
      accepted: 2,
      rejected: 2,
      faulted: 0,
      byEndpoint: {
        settings: 1,
        pull: 0,
        'track-user': 2,
        'track-goal': 0,
        push: 0,
        'batch-events': 0,
        'event-arch': 0,
        'v2-settings': 0,
        'v2-pull': 0,
        'batch-events-v2': 0,
      },
    });
    expect(rejected.byReason).toEqual({ 'experiment_id: expected a positive integer': 1, 'not found': 1 });
    expect(rejected.recent.map((entry) => entry.status)).toEqual([400, 404]);
  });

  test('count the TCP connections accepted: one per request without keep-alive, one for requests kept alive', async () => {
    // rawRequest opens a connection of its own for every request (agent: false).
    await get(impressionTarget(230, 1, visitor(1)));
    await get(impressionTarget(230, 1, visitor(2)));
    expect(collector.stats().connections).toBe(2);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      for (let i = 3; i < 8; i += 1) {
        const status = await new Promise<number>((resolve, reject) => {
          request({ host: '127.0.0.1', port: collector.port, path: impressionTarget(230, 1, visitor(i)), agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          })
            .on('error', reject)
            .end();
        });
        expect(status).toBe(200);
      }
    } finally {
      agent.destroy();
    }
    const stats = collector.stats();
    expect(stats.requests.accepted).toBe(7);
    expect(stats.connections).toBe(3);
    collector.reset();
    expect(collector.stats().connections).toBe(0);
  });

  test('GET /_collector/stats serves the same numbers as stats()', async () => {
    await get(impressionTarget(230, 1));
    await get(conversionTarget(230, 1, 214, undefined, '2'));
    const served = await (await fetch(`${collector.url}/_collector/stats`)).json();
    expect(served).toEqual(JSON.parse(JSON.stringify(collector.stats())));
  });

  test('POST /_collector/reset clears received requests and stats but keeps the settings', async () => {
    await get(impressionTarget(230, 1));
    const reply = await fetch(`${collector.url}/_collector/reset`, { method: 'POST' });
    expect(await reply.json()).toEqual({ ok: true });
    expect(collector.received()).toEqual([]);
    expect(collector.stats().campaigns).toEqual({});
    expect(collector.stats().requests.total).toBe(0);
    expect((await get('/server-side/settings?a=888888&i=sdkkey123')).status).toBe(200);
  });

  test('a custom-dimension key named __proto__ is counted like any other', async () => {
    await post(BATCH_TARGET, {
      ev: [{ sId: 1, u: visitor(1), eT: 3, t: encodeURIComponent('{"u":{"__proto__":"x"}}') }],
    });
    const { pushes } = collector.stats();
    expect(Object.keys(pushes.byKey)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(pushes.byKey)).toBe(Object.prototype);
    expect(collector.events()[0]?.tags).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  test('received() keeps at most maxRecords requests while the stats stay exact', async () => {
    const small = await startCollector({ maxRecords: 8 });
    try {
      for (let i = 0; i < 30; i += 1) await rawRequest(small.url, 'GET', impressionTarget(230, 1, visitor(i)));
      expect(small.received().length).toBeLessThanOrEqual(9);
      expect(small.received().at(-1)?.seq).toBe(30);
      expect(small.stats().campaigns['230']?.uniqueVisitors).toBe(30);
    } finally {
      await small.close();
    }
  });
});
