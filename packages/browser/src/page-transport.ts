import type { EventRequest, Transport, TransportResponse } from '@vwo/core';
import type { PageWatch } from './page-lifecycle.js';

/** A 202 for a request handed to the browser while the page is being left. */
const HANDED_OVER: TransportResponse = { status: 202 };

/**
 * Sends with `visible` while the page is shown and with `hidden` (the beacon transport) once it
 * is hidden, when an ordinary `fetch` may be cut off by the unload.
 *
 * While the page is being left (`pagehide`), no answer will be read. A request the collector has
 * not failed yet counts as delivered once the browser has it (a beacon, or a `fetch` with
 * `keepalive`, both outlive the page): waiting would keep it in the outbox, the next visit would
 * send it again, and VWO's servers, which do not deduplicate by event id, would count it twice. A request that
 * already failed (the collector is down) is attempted too but stays in the outbox, so the next
 * visit delivers it if this last attempt fails as well. A tab that is merely hidden is alive:
 * there the real answer counts.
 *
 * @example
 * const page = watchPage(() => void vwo.flushEvents({ retryWaiting: true }));
 * const transport = pageAwareTransport(createFetchTransport(), createBeaconTransport(), page);
 */
export function pageAwareTransport(visible: Transport, hidden: Transport, page: Pick<PageWatch, 'hidden' | 'leaving'>): Transport {
  return pageAware((request, isHidden) => (isHidden ? hidden : visible).send(request), page);
}

/**
 * {@link pageAwareTransport}'s rules over one function that sends `request` the visible way, or
 * (`hidden`) the way that outlives the page: `launch`'s page sender is such a function.
 *
 * @internal
 */
export function pageAware(
  send: (request: EventRequest, hidden: boolean) => Promise<TransportResponse>,
  page: Pick<PageWatch, 'hidden' | 'leaving'>,
): Transport {
  // Retries resend the very request object, so identity tells a retry from a first attempt.
  const failed = new WeakSet<EventRequest>();
  return {
    send(request) {
      const hidden = page.hidden();
      const sent = send(request, hidden).then(
        (response) => {
          if (!(response.status >= 200 && response.status < 300)) failed.add(request);
          return response;
        },
        (error: unknown) => {
          failed.add(request);
          throw error;
        },
      );
      if (!hidden || !page.leaving() || failed.has(request)) return sent;
      sent.catch(() => undefined);
      return Promise.resolve(HANDED_OVER);
    },
  };
}
