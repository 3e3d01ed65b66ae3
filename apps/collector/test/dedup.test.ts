import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type Collector, startCollector } from '../src/index.js';
import { BATCH_TARGET, eventArchBody, eventArchTarget, impressionTarget, rawRequest, SETTINGS, UUID, visitor } from './helpers.js';

let collector: Collector;
beforeAll(async () => {
  collector = await startCollector({ settings: SETTINGS });
});
afterAll(() => collector.close());
beforeEach(() => collector.reset());

const get = (target: string) => rawRequest(collector.url, 'GET', target);
const post = (target: string, body: unknown) => rawRequest(collector.url, 'POST', target, { body: JSON.stringify(body) });

const impression = (n: number, eid?: string) => ({
  e: 230,
  c: 1,
  sId: 1795928094,
  u: visitor(n),
  eT: 1,
  visitor_ua: '',
  visitor_ip: '',
  ...(eid === undefined ? {} : { eid }),
});

describe('deduplication by event id (our extension for at-least-once delivery)', () => {
  test('a GET resent with the same eid is acknowledged 200 but counted once', async () => {
    const target = impressionTarget(230, 1, UUID, 'eid=evt-1&');
    const first = await get(target);
    const second = await get(target);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(JSON.parse(first.text)).toEqual({ ok: true, events: 1, duplicates: 0 });
    expect(JSON.parse(second.text)).toEqual({ ok: true, events: 1, duplicates: 1 });
    expect(collector.events()).toHaveLength(1);
    expect(collector.events()[0]?.eid).toBe('evt-1');
    expect(collector.stats().campaigns['230']?.impressions).toBe(1);
    expect(collector.stats().duplicates).toBe(1);
    const requests = collector.received();
    expect(requests).toHaveLength(2);
    expect(requests[1]).toMatchObject({ duplicates: 1, events: [] });
  });

  test('GETs without an eid are never duplicates', async () => {
    await get(impressionTarget(230, 1));
    await get(impressionTarget(230, 1));
    expect(collector.stats().campaigns['230']?.impressions).toBe(2);
    expect(collector.stats().duplicates).toBe(0);
  });

  test('a resent batch counts only its events not received before', async () => {
    await post(BATCH_TARGET, { ev: [impression(1, 'a'), impression(2, 'b')] });
    const reply = await post(BATCH_TARGET, { ev: [impression(1, 'a'), impression(2, 'b'), impression(3, 'c')] });
    expect(JSON.parse(reply.text)).toEqual({ ok: true, events: 3, duplicates: 2 });
    expect(collector.events().map((event) => event.eid)).toEqual(['a', 'b', 'c']);
    expect(collector.stats().duplicates).toBe(2);
    expect(collector.stats().campaigns['230']?.uniqueVisitors).toBe(3);
  });

  test('the same eid twice in one batch counts once', async () => {
    await post(BATCH_TARGET, { ev: [impression(1, 'x'), impression(1, 'x')] });
    expect(collector.events()).toHaveLength(1);
    expect(collector.stats().duplicates).toBe(1);
  });

  test('ids are shared between GETs and batch events (an SDK may resend a GET event in a batch)', async () => {
    await get(impressionTarget(230, 1, visitor(1), 'eid=shared&'));
    await post(BATCH_TARGET, { ev: [impression(1, 'shared')] });
    expect(collector.events()).toHaveLength(1);
    expect(collector.stats().duplicates).toBe(1);
  });

  test('a numeric eid in a batch is the same id as its decimal text', async () => {
    await post(BATCH_TARGET, { ev: [{ ...impression(1), eid: 42 }] });
    await get(impressionTarget(230, 1, visitor(1), 'eid=42&'));
    expect(collector.events()).toHaveLength(1);
  });

  test('an event-architecture request resent with the same body and msgId is a duplicate', async () => {
    const body = eventArchBody('vwo_variationShown', { id: 230, variation: 1, isFirst: 1 });
    await post(eventArchTarget('vwo_variationShown'), body);
    const reply = await post(eventArchTarget('vwo_variationShown'), body);
    expect(JSON.parse(reply.text)).toEqual({ ok: true, events: 1, duplicates: 1 });
    expect(collector.events()).toHaveLength(1);
    expect(collector.events()[0]?.eid).toBe(`${UUID}-1795928079498`);
  });

  test('two different events sharing 1.73.0\'s msgId "<uuid>-<ms>" are both counted', async () => {
    // activate on two campaigns within one millisecond gives both the same msgId.
    await post(eventArchTarget('vwo_variationShown'), eventArchBody('vwo_variationShown', { id: 230, variation: 1 }));
    await post(eventArchTarget('vwo_variationShown'), eventArchBody('vwo_variationShown', { id: 232, variation: 2 }));
    await post(eventArchTarget('REV'), eventArchBody('REV', { vwoMeta: { metric: { id_230: ['g_213'] } } }));
    expect(collector.events()).toHaveLength(3);
    expect(collector.stats().duplicates).toBe(0);
  });

  test('a duplicate event-architecture conversion drops every campaign it carried', async () => {
    const body = eventArchBody('REV', { vwoMeta: { metric: { id_230: ['g_214'], id_232: ['g_314'] }, amount: 5, total: 5 } });
    await post(eventArchTarget('REV'), body);
    await post(eventArchTarget('REV'), body);
    expect(collector.stats().events.conversions).toBe(2);
    expect(collector.stats().duplicates).toBe(1);
  });

  test('an eid parameter names an event-architecture event exactly, over its msgId', async () => {
    const body = eventArchBody('vwo_variationShown', { id: 230, variation: 1, isFirst: 1 });
    await post(`${eventArchTarget('vwo_variationShown')}eid=ea-1&`, body);
    await post(`${eventArchTarget('vwo_variationShown')}eid=ea-1&`, body);
    // Same msgId and body, another eid: a different event (two sends in one millisecond).
    await post(`${eventArchTarget('vwo_variationShown')}eid=ea-2&`, body);
    expect(collector.events().map((event) => event.eid)).toEqual(['ea-1', 'ea-2']);
    expect(collector.stats().duplicates).toBe(1);
  });

  test('reset forgets the ids received', async () => {
    const target = impressionTarget(230, 1, UUID, 'eid=evt-1&');
    await get(target);
    collector.reset();
    await get(target);
    expect(collector.events()).toHaveLength(1);
    expect(collector.stats().duplicates).toBe(0);
  });

  test('an empty eid is refused', async () => {
    const reply = await get(impressionTarget(230, 1, UUID, 'eid=&'));
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text).error).toBe('eid: expected a non-empty string of at most 200 characters, got ""');
  });
});
