import type { Transport } from '@vwo/core';

/**
 * Sends with `visible` while the page is shown and with `hidden` (the beacon transport) once it
 * is hidden, when an ordinary `fetch` may be cut off by the unload.
 */
export function pageAwareTransport(visible: Transport, hidden: Transport, isHidden: () => boolean): Transport {
  return {
    send: (request) => (isHidden() ? hidden.send(request) : visible.send(request)),
  };
}
