import type { EventRequest, Transport, TransportResponse } from '@vwo/core';
import { BEACON_MAX_BYTES } from '@vwo/transport-beacon';
import { DEFAULT_TIMEOUT_MS, requestFailed } from '@vwo/transport-fetch';
import type { PageWatch } from './page-lifecycle.js';
import { pageAware } from './page-transport.js';

/**
 * `launch`'s default transport: the requests, answers and errors of
 * `pageAwareTransport(createFetchTransport({ timeoutMs }), createBeaconTransport(), page)`,
 * without the options only other callers use (their own `fetch`, default headers, a navigator),
 * so that a page ships one small sender instead of two general transports.
 *
 * @example
 * const transport = pageSender(watchPage(flush), config.requestTimeout);
 */
export function pageSender(page: Pick<PageWatch, 'hidden' | 'leaving'>, timeoutMs = DEFAULT_TIMEOUT_MS): Transport {
  const visibleWait = Math.ceil(timeoutMs);
  // createBeaconTransport() as launch made it: its fetches keep their own default time-out.
  return pageAware((request, hidden) => sendFromPage(request, hidden, hidden ? DEFAULT_TIMEOUT_MS : visibleWait), page);
}

/**
 * One request as the fetch transport (`hidden` false) or the beacon transport (`hidden` true)
 * sends it. Only the core's requests come here: headers are strings, and the one that `fetch`
 * must not be given is `Content-Length` (the beacon transport drops `User-Agent` too).
 */
async function sendFromPage({ method, url, headers = {}, body }: EventRequest, hidden: boolean, wait: number): Promise<TransportResponse> {
  const sent: Record<string, string> = {};
  let beacon = hidden && method === 'POST';
  for (const name of Object.keys(headers)) {
    const key = name.toLowerCase();
    if (key === 'content-length' || (hidden && key === 'user-agent')) continue;
    sent[key] = headers[name] as string;
    if (key !== 'content-type') beacon = false;
  }
  // A Blob's size is the string's UTF-8 length, as the browser counts it against the keepalive quota.
  const small = body === undefined || new Blob([body]).size <= BEACON_MAX_BYTES;
  if (beacon && small) {
    try {
      if (navigator.sendBeacon(url, body)) return { status: 202 };
    } catch {
      // No sendBeacon here, or it refused the URL: fetch says what is wrong.
    }
  }
  // Where AbortSignal.timeout is missing (browsers before 2022) the delivery's deadline alone ends the attempt.
  const signal = AbortSignal.timeout?.(wait);
  const init: RequestInit = { method, headers: sent, body: method === 'GET' ? undefined : body, signal };
  if (hidden) {
    // Without cookies, and with keepalive where the quota allows it; `mode` is `cors` by default.
    init.keepalive = small;
    init.credentials = 'omit';
  }
  try {
    const response = await fetch(url, init);
    // Read inside the time-out: a server that sends headers and then stalls must not hang us.
    // The core reads the status, the body and `retry-after`; Headers iterate with lower-case names.
    return { status: response.status, body: await response.text(), headers: Object.fromEntries(response.headers) };
  } catch (error) {
    throw requestFailed(method, url, error, signal?.aborted ? wait : undefined);
  }
}
