import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type Collector, startCollector } from '../src/index.js';
import { impressionTarget, jsonOf, loadCases, type MalformedCase, rawRequest, SETTINGS } from './helpers.js';

const cases = loadCases<MalformedCase[]>('malformed-requests.json');

let collector: Collector;
beforeAll(async () => {
  collector = await startCollector({ settings: SETTINGS });
});
afterAll(() => collector.close());
beforeEach(() => collector.reset());

const bodyOf = (c: MalformedCase): string | undefined =>
  c.rawBody !== undefined ? c.rawBody : c.body === undefined ? undefined : JSON.stringify(c.body);

describe('malformed requests', () => {
  test.each(cases)('$name → 400 naming the parameter', async (c) => {
    const reply = await rawRequest(collector.url, c.method, c.target, { body: bodyOf(c) });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(reply.text)).toEqual({ error: c.error });
    expect(collector.received()).toEqual([]);
    expect(collector.events()).toEqual([]);
    const { rejected, requests } = collector.stats();
    expect(rejected.total).toBe(1);
    expect(requests.rejected).toBe(1);
    expect(rejected.recent[0]).toMatchObject({ method: c.method, status: 400, error: c.error });
    // The reason groups rejections by cause: the error without the offending value.
    expect(Object.keys(rejected.byReason)).toEqual([c.error.replace(/, got .*$/s, '')]);
  });

  test('a batch with one bad event records none of its events', async () => {
    const good = { e: 230, c: 1, sId: 1795928094, u: 'A46F7AA3A53150368683EE064793BAFD', eT: 1 };
    const reply = await rawRequest(collector.url, 'POST', '/server-side/batch-events?a=888888&env=k&', {
      body: JSON.stringify({ ev: [good, good, { ...good, c: 'x' }] }),
    });
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.text).error).toBe('ev[2].c: expected a positive integer, got "x"');
    expect(collector.stats().events.total).toBe(0);
  });
});

describe('requests outside the VWO endpoints', () => {
  test('an unknown path answers 404 JSON and is counted as rejected', async () => {
    for (const path of ['/', '/server-side/unknown', '/eu/events/x', '/server-side/track-user/extra', '/favicon.ico']) {
      const response = await fetch(collector.url + path);
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await response.json()).toEqual({ error: `no such endpoint: GET ${path}` });
    }
    expect(collector.stats().rejected.byReason).toEqual({ 'not found': 5 });
    expect(collector.stats().requests.total).toBe(5);
  });

  test('a wrong method answers 405 with Allow', async () => {
    const post = await fetch(`${collector.url}${impressionTarget(230, 1)}`, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET');
    const get = await fetch(`${collector.url}/server-side/batch-events?a=1&env=k`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await jsonOf(get)).error).toBe('GET /server-side/batch-events: this endpoint takes POST');
  });

  test('a CORS preflight is answered 204 with the SDK headers allowed, and not recorded', async () => {
    const response = await fetch(`${collector.url}/server-side/batch-events?a=1&env=k`, {
      method: 'OPTIONS',
      headers: { origin: 'http://127.0.0.1:1', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(collector.stats().requests.total).toBe(0);
    const answer = await fetch(`${collector.url}${impressionTarget(230, 1)}`);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
  });

  test('an unknown control endpoint answers 404 JSON', async () => {
    const response = await fetch(`${collector.url}/_collector/nothing`);
    expect(response.status).toBe(404);
    expect((await jsonOf(response)).error).toBe('no such control endpoint: /_collector/nothing');
  });

  test('a control endpoint with the wrong method answers 405', async () => {
    const response = await fetch(`${collector.url}/_collector/reset`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('bodies over 5 MiB', () => {
  const big = `{"ev":[${'0,'.repeat(3 * 1024 * 1024)}0]}`;

  test('answer 413 when Content-Length announces them', async () => {
    const response = await fetch(`${collector.url}/server-side/batch-events?a=1&env=k`, { method: 'POST', body: big });
    expect(response.status).toBe(413);
    expect((await jsonOf(response)).error).toBe('body too large: the limit is 5242880 bytes');
    expect(collector.stats().rejected.byReason).toEqual({ 'body too large': 1 });
  });

  test('answer 413 when a chunked upload grows past the limit', async () => {
    const chunk = new Uint8Array(1024 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 7; i += 1) controller.enqueue(chunk);
        controller.close();
      },
    });
    const response = await fetch(`${collector.url}/events/t?en=x&a=1&env=k`, {
      method: 'POST',
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(collector.received()).toEqual([]);
  });

  test('the collector keeps serving after a huge body', async () => {
    await fetch(`${collector.url}/server-side/batch-events?a=1&env=k`, { method: 'POST', body: big });
    expect((await fetch(`${collector.url}${impressionTarget(230, 1)}`)).status).toBe(200);
  });

  test('a smaller limit can be configured', async () => {
    const small = await startCollector({ maxBodyBytes: 10 });
    try {
      const response = await fetch(`${small.url}/server-side/batch-events?a=1&env=k`, {
        method: 'POST',
        body: '{"ev":[ ]} ',
      });
      expect(response.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});

/** A small deterministic PRNG so that a failure reproduces. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('robustness', () => {
  test('300 random requests never get a 5xx and never stop the collector', async () => {
    const random = mulberry32(20_251_129);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
    const junk = (length: number): string =>
      Array.from({ length }, () => pick(['a', '1', '%', '%2', '%ZZ', '&', '=', '{', '"', '}', 'é', '+', '[', '\\', ':'])).join('');
    const paths = [
      '/server-side/settings',
      '/server-side/pull',
      '/server-side/track-user',
      '/server-side/track-goal',
      '/server-side/push',
      '/server-side/batch-events',
      '/events/t',
      '/eu/events/t',
      '/_collector/faults',
      '/_collector/settings',
      '/x',
    ];
    const bodies = [
      () => '',
      () => junk(40),
      () => JSON.stringify({ ev: [{ eT: pick([1, 2, 3, '1', null]), e: pick([1, -1, 'x']), u: junk(32), t: junk(10) }] }),
      () => JSON.stringify({ d: { msgId: junk(5), visId: 'A'.repeat(32), event: { name: junk(3), props: junk(3) } } }),
      () => JSON.stringify([null, { faults: junk(3) }]),
      () => 'null',
      () => JSON.stringify({ ev: null }),
    ];
    for (let i = 0; i < 300; i += 1) {
      const path = pick(paths);
      const query = `${pick(['a', 'i', 'experiment_id', 'u', 'tags', 'en', 'env', 'eid', 'ed'])}=${junk(8)}&${junk(12)}`;
      const method = pick(['GET', 'POST', 'PUT', 'DELETE']);
      const body = method === 'GET' ? undefined : pick(bodies)();
      const response = await fetch(`${collector.url}${path}?${query}`, { method, body });
      expect(response.status, `${method} ${path}?${query} ${body}`).toBeLessThan(500);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      JSON.parse(await response.text());
    }
    expect((await fetch(`${collector.url}/_collector/health`)).status).toBe(200);
  });

  test('a malformed HTTP message gets 400 and the collector keeps serving', async () => {
    const { port } = new URL(collector.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect((await fetch(`${collector.url}/_collector/health`)).status).toBe(200);
  });
});
