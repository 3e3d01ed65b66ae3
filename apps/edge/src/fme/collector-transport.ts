/**
 * How an FME client reaches the local collector instead of VWO. vwo-fme-node-sdk 1.35.0 has no
 * collector URL (fme/api.md: no `collectorUrl`), and a gateway would still send debug and usage
 * events to VWO; so the requests the client addresses to VWO's host are sent to the collector,
 * path and query unchanged, over the transport the user would deploy. Any other host is refused,
 * so nothing leaves the machine in the tests.
 */
import type { Transport } from '@vwo/core';

const VWO_ORIGIN = /^https:\/\/dev\.visualwebsiteoptimizer\.com(?::443)?(?=\/)/;

/** `inner` with every request to VWO's host sent to `collectorUrl` instead; other hosts reject. */
export function redirectToCollector(inner: Transport, collectorUrl: string): Transport {
  const base = collectorUrl.replace(/\/+$/, '');
  return {
    send(request) {
      if (!VWO_ORIGIN.test(request.url)) {
        return Promise.reject(new Error(`only VWO's host is redirected to the collector, not ${request.url.split('?')[0]}`));
      }
      return inner.send({ ...request, url: request.url.replace(VWO_ORIGIN, base) });
    },
  };
}
