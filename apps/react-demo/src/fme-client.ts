/**
 * The page's one way to an FME client. `@vwo/browser` has no `init` yet, so this starts
 * `createFmeClient` of `@vwo/core` in the page: settings fetched once, events sent with `fetch`.
 * Once `@vwo/browser` exports `init`, the body of {@link startFmeClient} becomes
 * `return init({ accountId, sdkKey, collectorUrl })` and nothing else in the page changes.
 */
import { createFmeClient, type FmeClient, fetchSettingsFile, fmeLogger, fmeSettingsUrl, type Transport } from '@vwo/core';
import { createFetchTransport } from '@vwo/transport-fetch';

export interface FmeClientConfig {
  readonly accountId: string;
  readonly sdkKey: string;
  /** Where VWO's requests go instead of VWO (the local collector). */
  readonly collectorUrl: string;
}

const VWO_HOST = 'dev.visualwebsiteoptimizer.com';

/**
 * vwo-fme-node-sdk 1.35.0 has no collector URL, so the client addresses VWO: each of its requests
 * is sent to the collector with the same path and query. Anything not for VWO is refused, so the
 * page never reaches the internet.
 */
function toCollector(collectorUrl: string): Transport {
  const fetchTransport = createFetchTransport();
  const collector = new URL(collectorUrl);
  return {
    send(request) {
      const url = new URL(request.url);
      if (url.hostname !== VWO_HOST) return Promise.reject(new Error(`not a VWO request: ${url.origin}`));
      url.protocol = collector.protocol;
      url.host = collector.host;
      return fetchTransport.send({ ...request, url: url.href });
    },
  };
}

/** Fetches the FME settings and starts a client over them; rejects when the settings cannot be fetched. */
export async function startFmeClient({ accountId, sdkKey, collectorUrl }: FmeClientConfig): Promise<FmeClient> {
  const transport = toCollector(collectorUrl);
  const settings = await fetchSettingsFile(transport, fmeSettingsUrl({ accountId, sdkKey, endpoint: 'settings', random: Math.random() }));
  return createFmeClient({ accountId, sdkKey, settings, transport, logger: fmeLogger({ level: 'WARN' }) });
}
