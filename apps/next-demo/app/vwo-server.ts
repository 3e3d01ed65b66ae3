import { launch, type VWOClient } from '@vwo/node';
import { ACCOUNT_ID, collectorUrl, SDK_KEY } from './config';

let client: Promise<VWOClient> | undefined;

/**
 * The server's one client for the whole process, launched on the first request (not at build
 * time: the page is dynamic). No user storage: with one, `getVariationName` answers only for
 * visitors activated before, and the impression is the page's to send.
 */
export function serverClient(): Promise<VWOClient> {
  client ??= launch({ accountId: ACCOUNT_ID, sdkKey: SDK_KEY, collectorUrl: collectorUrl(), logLevel: 'warn' }).catch((error) => {
    client = undefined; // a failed start is retried on the next request
    throw error;
  });
  return client;
}
