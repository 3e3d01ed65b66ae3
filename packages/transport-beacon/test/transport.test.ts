/**
 * The routing rules and the edges of `send`, in Node with an injected `fetch` and `navigator`
 * (fast; the browser suite proves the same paths against Chromium and the collector).
 */
import type { EventRequest } from '@vwo/core';
import { describe, expect, it } from 'vitest';
import { BEACON_MAX_BYTES, type BeaconTransportOptions, createBeaconTransport, onPageHide } from '../src/index.js';

const URL_WITH_KEY = 'https://collector.test/server-side/batch-events?a=888888&env=SECRET_SDK_KEY&';

interface Fake {
  readonly options: BeaconTransportOptions;
  readonly beacons: Array<{ url: string; data: string | undefined }>;
  readonly fetches: Array<{ url: string; init: RequestInit }>;
}

/** A navigator whose sendBeacon answers `accept`, and a fetch that answers 200 `ok`. */
function fake(accept: boolean | (() => boolean) = true, respond?: (init: RequestInit) => Promise<Response>): Fake {
  const beacons: Fake['beacons'] = [];
  const fetches: Fake['fetches'] = [];
  const options: BeaconTransportOptions = {
    navigator: {
      sendBeacon(url, data) {
        beacons.push({ url, data });
        return typeof accept === 'function' ? accept() : accept;
      },
    },
    fetch: async (input, init = {}) => {
      fetches.push({ url: String(input), init });
      return respond ? respond(init) : new Response('ok', { status: 200, headers: { 'X-Answer': 'yes' } });
    },
  };
  return { options, beacons, fetches };
}

const post = (body: string | undefined, headers?: Record<string, string>): EventRequest => ({
  method: 'POST',
  url: URL_WITH_KEY,
  headers,
  body,
});

describe('which way a request goes', () => {
  const euro = '€'; // 3 bytes in UTF-8, 1 UTF-16 unit
  it.each<[string, 'beacon' | 'keepalive fetch' | 'plain fetch', EventRequest]>([
    ['a POST without headers', 'beacon', post('{"ev":[]}')],
    ['a POST without a body', 'beacon', post(undefined)],
    ['a POST with a JSON Content-Type (sent as text/plain)', 'beacon', post('{}', { 'Content-Type': 'application/json' })],
    [
      "a POST with @vwo/core's Content-Length and User-Agent",
      'beacon',
      post('{}', { 'Content-Length': '2', 'User-Agent': 'vwo-node-sdk' }),
    ],
    ['a POST with Authorization', 'keepalive fetch', post('{}', { 'Content-Length': '2', Authorization: 'key' })],
    ['a POST with the visitor headers', 'keepalive fetch', post('{}', { 'X-Device-User-Agent': 'UA', 'VWO-X-Forwarded-For': '1.1.1.1' })],
    ['a GET', 'keepalive fetch', { method: 'GET', url: URL_WITH_KEY }],
    ['a body of exactly 64 KiB', 'beacon', post('x'.repeat(BEACON_MAX_BYTES))],
    ['a body one byte over 64 KiB', 'plain fetch', post('x'.repeat(BEACON_MAX_BYTES + 1))],
    ['21,845 euro signs (65,535 bytes)', 'beacon', post(euro.repeat(21_845))],
    ['21,846 euro signs (65,538 bytes, 21,846 UTF-16 units)', 'plain fetch', post(euro.repeat(21_846))],
    ['an Authorization POST over 64 KiB', 'plain fetch', post('x'.repeat(70_000), { Authorization: 'key' })],
  ])('%s goes by %s', async (_name, expected, request) => {
    const { options, beacons, fetches } = fake();
    const response = await createBeaconTransport(options).send(request);
    const way = beacons.length > 0 ? 'beacon' : fetches[0]?.init.keepalive ? 'keepalive fetch' : 'plain fetch';
    expect(way).toBe(expected);
    expect(beacons.length + fetches.length).toBe(1);
    expect(response.status).toBe(expected === 'beacon' ? 202 : 200);
  });

  it('a beacon carries the URL and the body string unchanged, and resolves only { status: 202 }', async () => {
    const { options, beacons } = fake();
    const body = JSON.stringify({ ev: [{ eT: 3, u: 'ÄÖÜ-ユーザー-😀', t: '%7B%7D' }] });
    expect(await createBeaconTransport(options).send(post(body, { 'content-type': 'application/json' }))).toEqual({ status: 202 });
    expect(beacons).toEqual([{ url: URL_WITH_KEY, data: body }]);
  });

  it('calls sendBeacon as a method of the navigator (a detached call throws Illegal invocation in browsers)', async () => {
    const seen: unknown[] = [];
    const navigator = {
      sendBeacon(this: unknown) {
        seen.push(this);
        return true;
      },
    };
    await createBeaconTransport({ navigator }).send(post('{}'));
    expect(seen).toEqual([navigator]);
  });

  it.each<[string, BeaconTransportOptions['navigator']]>([
    ['sendBeacon returns false', { sendBeacon: () => false }],
    [
      'sendBeacon throws',
      {
        sendBeacon: () => {
          throw new TypeError('Illegal invocation');
        },
      },
    ],
    ['the navigator has no sendBeacon', {}],
  ])('%s: the request goes by keepalive fetch instead', async (_name, navigator) => {
    const { options, fetches } = fake();
    const response = await createBeaconTransport({ ...options, navigator }).send(post('{"ev":[]}'));
    expect(response).toEqual({
      status: 200,
      statusText: '',
      body: 'ok',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'x-answer': 'yes' },
    });
    expect(fetches).toHaveLength(1);
    expect(fetches[0].init).toMatchObject({ method: 'POST', body: '{"ev":[]}', keepalive: true, mode: 'cors', credentials: 'omit' });
  });

  it('without any navigator (Node 20) everything goes by fetch', async () => {
    const { options, fetches } = fake();
    const { navigator: _unused, ...withoutNavigator } = options;
    expect('navigator' in globalThis && (globalThis.navigator as Navigator).sendBeacon).toBeFalsy();
    await createBeaconTransport(withoutNavigator).send(post('{}'));
    expect(fetches).toHaveLength(1);
  });
});

describe('the fetch path', () => {
  it('passes headers with lower-case names, without the ones the browser sets, and no body on a GET', async () => {
    const { options, fetches } = fake();
    await createBeaconTransport(options).send({
      method: 'GET',
      url: URL_WITH_KEY,
      headers: { 'X-Device-User-Agent': 'Mozilla%2F5.0', 'Content-Length': '9', 'User-Agent': 'vwo-node-sdk' },
      body: 'ignored on GET',
    });
    expect(fetches[0].init).toMatchObject({ method: 'GET', headers: { 'x-device-user-agent': 'Mozilla%2F5.0' }, keepalive: true });
    expect(fetches[0].init.body).toBeUndefined();
    expect(fetches[0].init.signal).toBeInstanceOf(AbortSignal);
  });

  it.each([503, 429, 404])('an HTTP %i resolves as a response with its body and headers', async (status) => {
    const { options } = fake(false, async () => new Response('{"error":"no"}', { status, headers: { 'Retry-After': '7' } }));
    const response = await createBeaconTransport(options).send({ method: 'GET', url: URL_WITH_KEY });
    expect(response).toMatchObject({ status, body: '{"error":"no"}' });
    expect(response.headers?.['retry-after']).toBe('7');
  });

  it('a network error rejects naming the method and the URL without its query, the cause kept', async () => {
    const cause = new TypeError('Failed to fetch');
    const { options } = fake(false, () => Promise.reject(cause));
    const error = (await createBeaconTransport(options)
      .send(post('{}', { Authorization: 'key' }))
      .catch((reason: unknown) => reason)) as Error;
    expect(error.message).toBe('POST https://collector.test/server-side/batch-events failed: network error (Failed to fetch)');
    expect(error.message).not.toContain('SECRET_SDK_KEY');
    expect(error.cause).toBe(cause);
  });

  it('a request that gets no answer rejects at the time-out', async () => {
    const { options } = fake(
      false,
      (init) =>
        new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))),
    );
    const started = performance.now();
    await expect(createBeaconTransport({ ...options, timeoutMs: 50 }).send({ method: 'GET', url: URL_WITH_KEY })).rejects.toThrow(
      'GET https://collector.test/server-side/batch-events failed: timed out after 50 ms',
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('never throws synchronously: a fetch that throws at once becomes a rejection', () => {
    const transport = createBeaconTransport({
      navigator: {},
      fetch: () => {
        throw new TypeError('bad URL');
      },
    });
    let pending: Promise<unknown> | undefined;
    expect(() => {
      pending = transport.send({ method: 'GET', url: 'not a url?env=SECRET' });
    }).not.toThrow();
    return expect(pending).rejects.toThrow('GET not a url failed: network error (bad URL)');
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100'])('rejects timeoutMs %s at construction with a RangeError', (timeoutMs) => {
    expect(() => createBeaconTransport({ timeoutMs: timeoutMs as number })).toThrow(RangeError);
  });
});

describe('onPageHide', () => {
  it('outside a page listens to nothing and returns a function that does nothing', () => {
    let called = false;
    const stop = onPageHide(() => {
      called = true;
    });
    expect(stop).toBeTypeOf('function');
    expect(() => stop()).not.toThrow();
    expect(called).toBe(false);
  });
});
