/**
 * The browser `init`'s settings client (1.35.0's XHR rules and texts) over real HTTP on loopback,
 * for what the Chromium differential cannot wait for: 1.35.0's browser build times a settings GET
 * out after 50 s, so the time-out text is checked here, against a server that never answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fetchFmeSettings } from '@vwo/core';
import { createFetchTransport } from '@vwo/transport-fetch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XHR_SETTINGS_CLIENT } from '../src/fme-xhr-settings.js';

describe('the browser init’s settings client (1.35.0’s XHR texts)', () => {
  let server: Server;
  let base: string;
  /** Attempts counted where they start: under load the server may not read an attempt aborted at 150 ms. */
  let sends = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      // `/silent`: headers never come (the client's time-out ends it); `/teapot`: a status of its own.
      if (req.url?.startsWith('/silent')) return;
      res.writeHead(418, 'Short And Stout', { 'content-type': 'text/plain' });
      res.end('no');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const fetchTransport = createFetchTransport({ timeoutMs: 5000 });
  const fetchFrom = (path: string) =>
    fetchFmeSettings({
      transport: {
        send: (request) => {
          sends++;
          return fetchTransport.send(request);
        },
      },
      url: `${base}${path}/server-side/v2-settings?i=key&a=1`,
      timeoutMs: 150,
      waitsMs: [10],
      apiName: 'init',
      httpClient: XHR_SETTINGS_CLIENT,
    });

  it('names a time-out "Request timed out", retries it, and reports the failure', async () => {
    sends = 0;
    const outcome = await fetchFrom('/silent');
    expect(sends).toBe(2);
    expect(outcome).toMatchObject({ ok: false, error: 'Request timed out' });
    expect(outcome.debugMeta).toMatchObject({
      msg_t: 'NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES',
      msg: 'Network call for /server-side/v2-settings failed after 1 retry attempt(s). Got Error: Request timed out',
      an: 'init',
    });
    // updateSettings' rejection: the XHR client's response model, attempts before the error.
    expect(outcome.rejection).toBe('{"totalAttempts":1,"error":"Request timed out"}');
  });

  it('names any other status by its reason phrase, whatever the body', async () => {
    const outcome = await fetchFrom('/teapot');
    expect(outcome).toMatchObject({ ok: false, error: 'Short And Stout' });
    expect(outcome.rejection).toBe('{"statusCode":418,"totalAttempts":1,"error":"Short And Stout"}');
  });
});
