/**
 * The page's one way to an FME client: `init` of `@vwo/browser`, as a page on VWO would start it,
 * with every request to VWO sent to the local collector through `proxyUrl`.
 */
import { type FmeClient, init } from '@vwo/browser';

export interface FmeClientConfig {
  readonly accountId: string;
  readonly sdkKey: string;
  /** Where VWO's requests go instead of VWO (the local collector). */
  readonly collectorUrl: string;
}

/** Starts the page's FME client; its flags are disabled when the settings cannot be fetched. */
export function startFmeClient({ accountId, sdkKey, collectorUrl }: FmeClientConfig): Promise<FmeClient> {
  return init({ accountId, sdkKey, proxyUrl: collectorUrl, logger: { level: 'WARN' } });
}
