import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../src/index.js';

interface Received {
  method: string;
  /** The path and query exactly as they came on the request line. */
  rawUrl: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface TestServer {
  readonly origin: string;
  readonly received: Received[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A loopback server on a free port; `answer` writes the response (or never does). */
async function serve(answer: (req: IncomingMessage, res: ServerResponse, received: Received) => void): Promise<TestServer> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry = { method: req.method ?? '', rawUrl: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(entry);
      answer(req, res, entry);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const handle: TestServer = {
    origin: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
  servers.push(handle);
  return handle;
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const ok = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end('ok');
};

describe('createFetchTransport over real HTTP on loopback', () => {
  it('a GET arrives with its query and headers intact, and without a body', async () => {
    const server = await serve(ok);
    const transport = createFetchTransport({ headers: { 'X-Default': 'd', 'X-Both': 'default' } });
    // As @vwo/core builds it: `ed` carries raw JSON, the user agent is percent-encoded.
    const query = 'experiment_id=230&combination=1&sId=1700000000&u=ABC123&env=key&ed={"p":"server"}&visitor_ua=Mozilla%2F5.0%20X&';
    const response = await transport.send({
      method: 'GET',
      url: `${server.origin}/server-side/track-user?${query}`,
      headers: { 'User-Agent': 'Mozilla/5.0 X', 'X-Device-IP': '10.0.0.1', 'x-both': 'request' },
      body: 'ignored on GET',
    });

    expect(response.status).toBe(200);
    const [got] = server.received;
    expect(got.method).toBe('GET');
    expect(got.body).toBe('');
    expect(got.headers['content-length']).toBeUndefined();
    const [path, rawQuery] = got.rawUrl.split('?');
    expect(path).toBe('/server-side/track-user');
    // fetch percent-encodes `"` on the wire; what the collector decodes is what was built.
    expect(rawQuery).toContain('ed={%22p%22:%22server%22}');
    expect(decodeURIComponent(rawQuery)).toBe(decodeURIComponent(query));
    expect(new URL(got.rawUrl, server.origin).searchParams.get('ed')).toBe('{"p":"server"}');
    expect(new URL(got.rawUrl, server.origin).searchParams.get('visitor_ua')).toBe('Mozilla/5.0 X');
    expect(got.headers['user-agent']).toBe('Mozilla/5.0 X');
    expect(got.headers['x-device-ip']).toBe('10.0.0.1');
    expect(got.headers['x-default']).toBe('d');
    expect(got.headers['x-both']).toBe('request');
  });

  it('a POST delivers its JSON body and content type byte for byte', async () => {
    const server = await serve(ok);
    const payload = JSON.stringify({ ev: [{ eT: 1, e: 230, c: 2, u: 'ÄÖÜ-ユーザー-😀' }], note: 'a&b=c#d' });
    const response = await createFetchTransport().send({
      method: 'POST',
      url: `${server.origin}/server-side/batch-events?a=1&env=key`,
      headers: { 'Content-Type': 'application/json', Authorization: 'key', 'Content-Length': '1' },
      body: payload,
    });

    expect(response.status).toBe(200);
    const [got] = server.received;
    expect(got.method).toBe('POST');
    expect(got.rawUrl).toBe('/server-side/batch-events?a=1&env=key');
    expect(got.body).toBe(payload);
    expect(JSON.parse(got.body)).toEqual(JSON.parse(payload));
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers.authorization).toBe('key');
    // The stale Content-Length given was dropped; fetch computed the real one.
    expect(got.headers['content-length']).toBe(String(new TextEncoder().encode(payload).length));
  });

  it('headers that fetch refuses or computes are dropped, and the request still goes through', async () => {
    const server = await serve(ok);
    const response = await createFetchTransport({ timeoutMs: 2_000, headers: { 'Keep-Alive': 'timeout=5' } }).send({
      method: 'POST',
      url: `${server.origin}/events`,
      headers: { 'Transfer-Encoding': 'chunked', Upgrade: 'websocket', Expect: '100-continue', 'content-length': '999', 'X-Kept': 'yes' },
      body: 'abc',
    });
    expect(response.status).toBe(200);
    const [got] = server.received;
    expect(got.body).toBe('abc');
    expect(got.headers['x-kept']).toBe('yes');
    expect(got.headers['content-length']).toBe('3');
    expect(got.headers.upgrade).toBeUndefined();
    expect(got.headers.expect).toBeUndefined();
  });

  it.each([500, 429, 404, 503])('an HTTP %i is a response, not a rejection', async (status) => {
    const server = await serve((_req, res) => {
      res.writeHead(status, { 'Retry-After': '7', 'X-Custom': 'Yes' });
      res.end(`status ${status}`);
    });
    const response = await createFetchTransport().send({ method: 'POST', url: `${server.origin}/events`, body: '{}' });
    expect(response.status).toBe(status);
    expect(response.body).toBe(`status ${status}`);
    expect(response.headers?.['retry-after']).toBe('7');
    expect(response.headers?.['x-custom']).toBe('Yes');
  });

  it('returns the response text and headers with lower-case names', async () => {
    const settings = JSON.stringify({ accountId: 123, sdkKey: 'k', campaigns: [], version: 1, name: 'Ünïcode ✓' });
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'X-Request-ID': 'abc' });
      res.end(settings);
    });
    const response = await createFetchTransport().send({ method: 'GET', url: `${server.origin}/server-side/settings?a=123&i=k` });
    expect(response).toMatchObject({ status: 200, body: settings });
    expect(response.headers?.['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers?.['x-request-id']).toBe('abc');
    expect(Object.keys(response.headers ?? {}).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('an empty 204 answer gives an empty body', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(204);
      res.end();
    });
    const response = await createFetchTransport().send({ method: 'GET', url: `${server.origin}/push` });
    expect(response.status).toBe(204);
    expect(response.body).toBe('');
  });

  it('a server that never answers rejects at the time-out, naming the URL without its query', async () => {
    const server = await serve(() => {});
    const transport = createFetchTransport({ timeoutMs: 200 });
    const started = performance.now();
    const error = await transport.send({ method: 'GET', url: `${server.origin}/server-side/track-user?env=SECRET_SDK_KEY&u=1` }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toBe(`GET ${server.origin}/server-side/track-user failed: timed out after 200 ms`);
    expect(message).not.toContain('SECRET_SDK_KEY');
    expect((error as Error).cause).toBeDefined();
    expect(server.received).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('a server that sends headers and then stalls the body also times out', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    const started = performance.now();
    await expect(createFetchTransport({ timeoutMs: 200 }).send({ method: 'GET', url: `${server.origin}/settings` })).rejects.toThrow(
      /timed out after 200 ms/,
    );
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('the AbortController fallback times out too where AbortSignal.timeout is missing', async () => {
    const server = await serve(() => {});
    const original = AbortSignal.timeout;
    // @ts-expect-error: simulating an older runtime
    AbortSignal.timeout = undefined;
    try {
      const started = performance.now();
      await expect(createFetchTransport({ timeoutMs: 150 }).send({ method: 'GET', url: `${server.origin}/x?k=1` })).rejects.toThrow(
        `GET ${server.origin}/x failed: timed out after 150 ms`,
      );
      expect(performance.now() - started).toBeLessThan(2_000);
    } finally {
      AbortSignal.timeout = original;
    }
  });

  it('a refused connection rejects with a network error naming the URL without its query', async () => {
    const port = await closedPort();
    const started = performance.now();
    const error = await createFetchTransport({ timeoutMs: 5_000 })
      .send({ method: 'POST', url: `http://127.0.0.1:${port}/events/t?a=1&env=SECRET`, body: '{}' })
      .then(
        () => undefined,
        (reason: unknown) => reason,
      );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^POST http://127\\.0\\.0\\.1:${port}/events/t failed: network error \\(.*ECONNREFUSED`));
    expect(message).not.toContain('SECRET');
    expect(performance.now() - started).toBeLessThan(4_000);
  });

  it('an invalid URL rejects instead of throwing', async () => {
    const transport = createFetchTransport();
    const pending = transport.send({ method: 'GET', url: 'not a url?env=SECRET' });
    const error = (await pending.catch((reason: unknown) => reason)) as Error;
    expect(error.message).toMatch(/^GET not a url failed: network error \(/);
    expect(error.message).not.toContain('SECRET');
  });

  it('uses the fetch it is given, passes method, headers, body and a signal, and resolves the reason phrase', async () => {
    const calls: Array<{ url: string; init: RequestInit }> = [];
    const transport = createFetchTransport({
      headers: { 'X-Default': '1' },
      fetch: async (input, init) => {
        calls.push({ url: String(input), init: init ?? {} });
        return new Response('from custom fetch', { status: 202, statusText: 'Queued Here', headers: { 'X-From': 'custom' } });
      },
    });
    const response = await transport.send({
      method: 'POST',
      url: 'https://collector.invalid/events?x=1',
      headers: { A: 'b' },
      body: 'payload',
    });

    expect(response).toEqual({
      status: 202,
      // The reason phrase as the server gave it: what 1.35.0's browser build names a failed settings GET by.
      statusText: 'Queued Here',
      body: 'from custom fetch',
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'x-from': 'custom' },
    });
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('https://collector.invalid/events?x=1');
    expect(calls[0].init.method).toBe('POST');
    expect(calls[0].init.body).toBe('payload');
    expect(calls[0].init.headers).toEqual({ 'x-default': '1', a: 'b' });
    expect(calls[0].init.signal).toBeInstanceOf(AbortSignal);
  });

  it('a custom fetch that throws becomes a network-error rejection with the cause kept', async () => {
    const boom = new TypeError('boom');
    const transport = createFetchTransport({
      fetch: () => {
        throw boom;
      },
    });
    const error = await transport.send({ method: 'GET', url: 'https://h.invalid/p?q=1' }).catch((reason: unknown) => reason);
    expect((error as Error).message).toBe('GET https://h.invalid/p failed: network error (boom)');
    expect((error as Error).cause).toBe(boom);
  });

  it('does not share headers between requests', async () => {
    const seen: unknown[] = [];
    const transport = createFetchTransport({
      headers: { 'X-Default': '1' },
      fetch: async (_input, init) => {
        seen.push(init?.headers);
        return new Response('');
      },
    });
    await transport.send({ method: 'GET', url: 'https://h.invalid/1', headers: { 'X-One': '1' } });
    await transport.send({ method: 'GET', url: 'https://h.invalid/2' });
    expect(seen).toEqual([{ 'x-default': '1', 'x-one': '1' }, { 'x-default': '1' }]);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, '100'])('rejects timeoutMs %s at construction with a RangeError', (timeoutMs) => {
    expect(() => createFetchTransport({ timeoutMs: timeoutMs as number })).toThrow(RangeError);
  });
});

describe('the sources', () => {
  it('use no Node built-in and no Node-only global', () => {
    const dir = new URL('../src/', import.meta.url);
    const builtins = new Set(builtinModules);
    for (const name of readdirSync(dir)) {
      const text = readFileSync(new URL(name, dir), 'utf8');
      for (const [, specifier] of text.matchAll(/\bfrom\s+'([^']+)'/g)) {
        expect(specifier.startsWith('node:') || builtins.has(specifier.split('/')[0]), `${name} imports ${specifier}`).toBe(false);
      }
      const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
      expect(code, name).not.toMatch(/\b(process|Buffer|require|__dirname|window|document|navigator)\b/);
    }
  });
});
