import { type FmeClient, init, type Transport } from '@vwo/node';
import { ACCOUNT_ID, collectorUrl, FME_SDK_KEY } from './config';

let client: Promise<FmeClient> | undefined;

/**
 * Sends what the FME client addresses to VWO to the local collector instead (path and query
 * unchanged): the demo's stand-in for VWO, as the page's `proxyUrl` is.
 */
function collectorTransport(): Transport {
  const base = collectorUrl();
  return {
    send: async (request) => {
      const response = await fetch(request.url.replace(/^https?:\/\/[^/]+/, base), {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      return { status: response.status, body: await response.text() };
    },
  };
}

/**
 * The server's one FME client (`init`) for the whole process, started on the first `/fme` request
 * (the page is dynamic). It renders with `explain`, which sends nothing: the impression is the
 * page's to send.
 */
export function fmeServerClient(): Promise<FmeClient> {
  client ??= init({ accountId: ACCOUNT_ID, sdkKey: FME_SDK_KEY, transport: collectorTransport(), logger: { level: 'warn' } });
  return client;
}
