/**
 * `@vwo/transport-beacon`: the SDK's {@link Transport} for events sent while a page hides or
 * unloads. A POST that a beacon can carry goes by `navigator.sendBeacon`, which the browser
 * delivers even after the page is gone; everything else goes by `fetch` with `keepalive`.
 *
 * @packageDocumentation
 */
import type { Transport, TransportResponse } from '@vwo/core';
import { createFetchTransport } from '@vwo/transport-fetch';

/**
 * The largest body, in UTF-8 bytes, sent by beacon or with `keepalive`: Chromium gives all the
 * beacons and keepalive requests in flight from one page 64 KiB together (measured in Chromium
 * 156: a 65,536-byte beacon is queued, one byte more is refused), and browsers agree on that
 * figure (the Fetch standard's keepalive quota). A larger body goes by a plain `fetch`.
 */
export const BEACON_MAX_BYTES = 65_536;

/** Options of {@link createBeaconTransport}; every one is optional. */
export interface BeaconTransportOptions {
  /** The `fetch` to call (default the global `fetch`, looked up at each request). */
  readonly fetch?: typeof fetch;
  /**
   * Where `sendBeacon` lives (default the global `navigator`, looked up at each request). One
   * without `sendBeacon` sends everything by `fetch`.
   */
  readonly navigator?: {
    /** Queues a POST of `data` to `url`; `true` when the browser accepted it, `false` when its queue is full. */
    sendBeacon?(url: string, data?: string): boolean;
  };
  /**
   * A request that goes by `fetch` must be answered within this many ms, else `send` rejects
   * (default 10,000). A positive number; fractions round up. Beacons have no time-out: the
   * browser owns them once queued.
   */
  readonly timeoutMs?: number;
}

/**
 * Header names the browser sets itself: Chromium ignores them in `fetch` and a beacon cannot
 * carry them. `@vwo/core` adds `Content-Length` to every POST and `User-Agent: vwo-node-sdk` to
 * event-architecture POSTs (and to batches without an SDK key); in a browser the real user
 * agent is what the collector sees, and Firefox would send the header and so need a preflight.
 */
const BROWSER_SET = /^(content-length|user-agent)$/;

/**
 * A {@link Transport} for browsers that delivers what it can after the page is gone.
 *
 * - A POST whose only header is `Content-Type` (besides `Content-Length` and `User-Agent`,
 *   which the browser sets itself) and whose body is at most {@link BEACON_MAX_BYTES} goes by
 *   `navigator.sendBeacon(url, body)`. The body is a string, so it travels as
 *   `text/plain;charset=UTF-8`: any other content type would need a CORS preflight, which a
 *   beacon cannot make. When `sendBeacon` returns `true`, `send` resolves `{ status: 202 }`: the
 *   browser has queued the request and will send it, but nobody can read the answer, so a 4xx
 *   or 5xx from the collector goes unseen and the request is never retried.
 * - Everything else, and a beacon the browser refuses (`sendBeacon` returns `false` when its
 *   queue is full, or throws, or is missing), goes by `fetch(url, { method, headers, body,
 *   keepalive: true, mode: 'cors', credentials: 'omit' })`: a GET (classic events, settings), a
 *   POST with an `Authorization` header (batches) or visitor headers. A body over
 *   {@link BEACON_MAX_BYTES} goes without `keepalive` (which the browser would refuse for it), so
 *   it may be cancelled if the page unloads first. This path is a `@vwo/transport-fetch`
 *   transport underneath: `send` resolves `{ status, statusText, body, headers }` for every
 *   HTTP answer, 4xx and 5xx included, and rejects only when no answer came (network error,
 *   CORS refusal, keepalive quota exhausted, time-out); the client retries those. The error's
 *   message names the method and the URL without its query string, which carries the SDK key.
 *
 * `send` never throws: every failure is a rejection.
 *
 * @throws RangeError when `timeoutMs` is not a positive number (at construction, never from `send`).
 *
 * @example
 * import { createBeaconTransport } from '@vwo/transport-beacon';
 * const transport = createBeaconTransport();
 * await transport.send({ method: 'POST', url: 'https://example.com/collect?a=1', body: '{"ev":[]}' }); // { status: 202 }
 */
export function createBeaconTransport(options: BeaconTransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(`createBeaconTransport: timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  }
  // The fetch path is @vwo/transport-fetch's (its time-out, answers and errors), sent with
  // `keepalive` when the body fits the browser's quota, without cookies, as a CORS request.
  const viaFetch = (keepalive: boolean) =>
    createFetchTransport({
      timeoutMs,
      fetch: (url, init) => (options.fetch ?? fetch)(url, { ...init, keepalive, mode: 'cors', credentials: 'omit' }),
    });
  const keptAlive = viaFetch(true);
  const plain = viaFetch(false);

  return {
    async send(request): Promise<TransportResponse> {
      const { method, url, headers = {}, body } = request;
      const sent: Record<string, string> = {};
      let beacon = method === 'POST';
      for (const name of Object.keys(headers)) {
        const key = name.toLowerCase();
        if (headers[name] == null || BROWSER_SET.test(key)) continue;
        sent[key] = String(headers[name]);
        if (key !== 'content-type') beacon = false;
      }
      // UTF-8 needs at most 3 bytes per UTF-16 unit: encode only when the length alone cannot tell.
      const small =
        body === undefined ||
        body.length * 3 <= BEACON_MAX_BYTES ||
        (body.length <= BEACON_MAX_BYTES && new TextEncoder().encode(body).length <= BEACON_MAX_BYTES);

      if (beacon && small) {
        try {
          if ((options.navigator ?? globalThis.navigator)?.sendBeacon?.(url, body)) return { status: 202 };
        } catch {
          // An invalid URL, an unsupported scheme, a navigator stub: fetch says what is wrong.
        }
      }
      return (small ? keptAlive : plain).send({ ...request, headers: sent });
    },
  };
}

/**
 * Calls `listener` each time the page is hidden or left, the last moments a page can be sure
 * to run code: when `document.visibilityState` becomes `hidden` (another tab, a minimised
 * window, a phone switching apps, where it is often the last event the page ever gets) and on
 * `pagehide` (navigation, reload, closing the tab, entering the back/forward cache). Leaving a
 * page fires both, `pagehide` first: in Chromium `visibilityState` still reads `visible`
 * inside `pagehide`, so reading it is no substitute for this listener. A flush is the usual
 * listener; it may run twice for one departure, which costs nothing when the queue is empty.
 *
 * Returns a function that removes the listener. Outside a page (Node, a worker) nothing is
 * listened to and the function does nothing.
 *
 * @example
 * import { onPageHide } from '@vwo/transport-beacon';
 * const stop = onPageHide(() => void vwo.flushEvents());
 */
export function onPageHide(listener: () => void): () => void {
  if (typeof document === 'undefined') return () => {};
  const onHide = (): void => listener();
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') listener();
  };
  addEventListener('pagehide', onHide);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    removeEventListener('pagehide', onHide);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
