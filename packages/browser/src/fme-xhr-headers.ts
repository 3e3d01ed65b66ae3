import type { Transport } from '@vwo/core';

/** The headers 1.35.0's browser build does not hand to `XMLHttpRequest` (its NetworkBrowserClient skips them). */
const SKIPPED = new Set(['content-type', 'content-length']);

/**
 * Sends each request without `Content-Type` and `Content-Length`, as 1.35.0's browser build does:
 * the page then sends its JSON bodies as `text/plain;charset=UTF-8`, exactly as VWO receives them
 * from that build.
 *
 * @example
 * const transport = xhrHeaderTransport(createFetchTransport());
 */
export function xhrHeaderTransport(transport: Transport): Transport {
  return {
    send(request) {
      const headers = request.headers;
      if (headers === undefined || !Object.keys(headers).some((name) => SKIPPED.has(name.toLowerCase()))) return transport.send(request);
      const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => !SKIPPED.has(name.toLowerCase())));
      return transport.send({ ...request, headers: kept });
    },
  };
}
