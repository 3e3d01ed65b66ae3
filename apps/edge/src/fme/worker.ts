/**
 * An FME edge function as a user deploys it (Cloudflare Workers / Vercel module syntax), the
 * counterpart of vwo-fme-node-sdk's `init` + `getFlag` + `trackEvent` without Node: one client
 * per isolate, started on the first request from the settings fetched with `fetch`, reused by
 * later requests. With `shouldWaitForTrackingCalls` each call resolves once its events had their
 * attempt, so nothing waits in a queue when the platform freezes the isolate. The README shows
 * this file; the test runs it inside the edge VM.
 */
import {
  type FmeBatchEventData,
  type FmeClient,
  type FmeLoggerOptions,
  fetchSettingsFile,
  fmeLogger,
  fmeSettingsUrl,
  startFmeClient,
} from '@vwo/core';
import { createFetchTransport } from '@vwo/transport-fetch';
import { redirectToCollector } from './collector-transport.js';

/** The bindings (Cloudflare's `env`; on Vercel pass `process.env`). */
export interface FmeEnv {
  readonly VWO_ACCOUNT_ID: string;
  readonly VWO_SDK_KEY: string;
  /** Unset in production; the test sends what would go to VWO to the local collector. */
  readonly VWO_COLLECTOR_URL?: string;
}

/** The part of the platform's execution context used here: keep the isolate alive for a promise. */
export interface Context {
  waitUntil(promise: Promise<unknown>): void;
}

/** The `init` options that make sense at the edge (same names and meanings as vwo-fme-node-sdk's). */
export interface EdgeFmeOptions {
  readonly accountId: string | number;
  readonly sdkKey: string;
  /** Send what is addressed to VWO's host to this URL instead (tests only). */
  readonly collectorUrl?: string | undefined;
  /** Each API call resolves once its events had their attempt; retries are off. */
  readonly shouldWaitForTrackingCalls?: boolean;
  /** Queue events; `flushEvents()` sends them in one request. */
  readonly batchEventData?: FmeBatchEventData;
  readonly logger?: FmeLoggerOptions;
  /** Every request is bounded by this many ms (default 3000: an edge request has little time). */
  readonly requestTimeout?: number;
  /** How long `close()` waits for pending events (ms, default 2000). */
  readonly closeTimeout?: number;
}

/**
 * `init` for the edge: fetches the settings once (no retry waits: a failed start rejects and
 * the next request tries again), then starts the client with no polling timer (an isolate is
 * short-lived; a new one fetches fresh settings). Sends `vwo_fmeSdkInit` as `init` does.
 */
export async function startVwoFme(options: EdgeFmeOptions): Promise<FmeClient> {
  const initStartedAt = Date.now();
  const { accountId, sdkKey } = options;
  const requestTimeout = options.requestTimeout ?? 3_000;
  const fetchTransport = createFetchTransport({ timeoutMs: requestTimeout });
  const transport = options.collectorUrl ? redirectToCollector(fetchTransport, options.collectorUrl) : fetchTransport;
  const fetchSettings = (endpoint: 'settings' | 'pull') =>
    fetchSettingsFile(transport, fmeSettingsUrl({ accountId, sdkKey, endpoint, random: Math.random() }), requestTimeout);
  const settings = await fetchSettings('settings');
  return startFmeClient({
    accountId,
    sdkKey,
    settings,
    transport,
    fetchSettings,
    polling: false,
    logger: fmeLogger(options.logger),
    shouldWaitForTrackingCalls: options.shouldWaitForTrackingCalls,
    batchEventData: options.batchEventData,
    requestTimeout,
    closeTimeout: options.closeTimeout,
    startEvents: { settingsFetchTime: Date.now() - initStartedAt, initStartedAt, usageStats: {} },
  });
}

let client: Promise<FmeClient> | undefined;

export default {
  async fetch(request: Request, env: FmeEnv, ctx: Context): Promise<Response> {
    const url = new URL(request.url);
    const context = { id: url.searchParams.get('user') ?? 'anonymous' };
    // A failed start is retried by the next request; this one is served with the flag off.
    client ??= startVwoFme({
      accountId: env.VWO_ACCOUNT_ID,
      sdkKey: env.VWO_SDK_KEY,
      collectorUrl: env.VWO_COLLECTOR_URL,
      shouldWaitForTrackingCalls: true,
    }).catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    const vwo = await client.catch(() => null);
    // Resolves once the flag's impressions reached VWO (shouldWaitForTrackingCalls).
    const flag = await vwo?.getFlag('new-checkout', context);
    const enabled = flag?.isEnabled() ?? false;
    const revenue = Number(url.searchParams.get('purchase'));
    // The purchase goes out after the response, while the platform keeps the isolate alive.
    if (vwo && revenue > 0) ctx.waitUntil(vwo.trackEvent('purchase', context, { revenue }));
    return Response.json({ userId: context.id, enabled, layout: enabled ? flag?.getVariable('layout', 'classic') : 'classic' });
  },
};
