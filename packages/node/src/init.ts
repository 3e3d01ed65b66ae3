/**
 * `init`: vwo-fme-node-sdk 1.35.0's entry point over the FME client of `@vwo/core`. Same option
 * names and meanings; a user moving from vwo-fme-node-sdk changes the import and nothing else.
 */
import {
  commonClientOptions,
  FME_NODE_HTTP_CLIENT,
  type FmeBatchEventData,
  type FmeClient,
  type FmeIntegrationsPayload,
  type FmeLoggerOptions,
  type FmeRetryConfig,
  type FmeSettingsCacheConnector,
  type FmeStorageConnector,
  fmeGatewayOf,
  fmeInitSettings,
  fmeLogger,
  fmeStorageOf,
  type Logger,
  startFmeClient,
  storeFmeSettings,
  type Transport,
} from '@vwo/core';
import { createFetchTransport } from '@vwo/transport-fetch';
import { type EdgeConfig, edgeModeOf } from './edge-config.js';

/** vwo-fme-node-sdk's `init` options, plus `transport`, `requestTimeout` and `closeTimeout`. */
export interface InitOptions {
  /** Your VWO account id; required. Sent as given (query `a`) and the namespace of visitor ids. */
  readonly accountId: string | number;
  /** The SDK key of the environment; required. */
  readonly sdkKey: string;
  /** A settings file to use instead of fetching `/server-side/v2-settings`. */
  readonly settings?: Record<string, unknown>;
  /** User storage: an instance, or a class instantiated with `new` (as vwo-fme-node-sdk does). */
  readonly storage?: FmeStorageConnector | (new () => FmeStorageConnector);
  /** Level, prefix, date format and transports of the SDK's log (default: errors on the console). */
  readonly logger?: FmeLoggerOptions;
  /** `callback(payload)` after every decision and tracked event; an async callback is called too. */
  readonly integrations?: {
    /** Receives the decision or event payload; a throw or a rejection is logged and otherwise ignored. */
    readonly callback: (payload: FmeIntegrationsPayload) => unknown;
  };
  /** Fetch the settings every this many ms (≥ 1000; default the settings' `pollInterval`, else 600000) and apply them when they changed. */
  readonly pollInterval?: number;
  /** Queue events and send them in batches (`flushEvents()` sends the queue); ignored with a `gatewayService`. */
  readonly batchEventData?: FmeBatchEventData;
  /** How failed requests (the settings fetch at init, events) are retried; an invalid one means the defaults. */
  readonly retryConfig?: FmeRetryConfig;
  /** API calls resolve once their events have had their attempt; retries are off. */
  readonly shouldWaitForTrackingCalls?: boolean;
  /**
   * For serverless and edge runtimes (any value but an empty object): API calls wait for their
   * events (retries off), events are batched `maxEventsToBatch` (default 5000) at a time with no
   * timer, so call `flushEvents()` before the response ends; it also refreshes the settings cache
   * of a storage with `setSettings`. Replaces `batchEventData`, as in vwo-fme-node-sdk.
   */
  readonly edgeConfig?: EdgeConfig;
  /** The settings fetch omits `s=prod`; events are still sent (as vwo-fme-node-sdk). */
  readonly isDevelopmentMode?: boolean;
  /** Sends an empty statistics object in `vwo_sdkUsageStats`. */
  readonly isUsageStatsDisabled?: boolean;
  /**
   * A VWO Gateway Service (`url` with or without scheme, `port`, `protocol`): settings, user events
   * and the init event go to it; location, user-agent and `inlist` segments use it. Batching is off.
   */
  readonly gatewayService?: {
    /** The gateway's address, e.g. `https://gateway.example.com` or `gateway.example.com`. */
    readonly url: string;
    /** The port, when `url` has none. */
    readonly port?: number;
    /** The scheme (`http` or `https`) used when `url` has none. */
    readonly protocol?: string;
  };
  /** Resolve every call's `context.id` through the gateway's aliases (needs `gatewayService`); enables `setAlias`. */
  readonly isAliasingEnabled?: boolean;
  /** Sends every request (default `fetch`); the same `Transport` as `launch`. */
  readonly transport?: Transport;
  /** Every transport call and storage read is bounded by this many ms (default 10,000). */
  readonly requestTimeout?: number;
  /** How long `close()` waits for pending events (ms, default 2000). */
  readonly closeTimeout?: number;
}

function consoleLine(level: 'ERROR' | 'INFO', message: string): void {
  const output = level === 'ERROR' ? console.error : console.info;
  output(`[${level}]: VWO-SDK ${new Date().toISOString()} ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * 1.35.0's edge-mode `flushEvents` companion: fetch the settings and store them through the
 * storage's `setSettings` (nothing at all without one).
 */
function refreshCacheOnFlush(
  storage: FmeStorageConnector | undefined,
  fetchFresh: () => Promise<unknown>,
  log: Logger,
): (() => Promise<void>) | undefined {
  const cache = storage as FmeSettingsCacheConnector | undefined;
  if (typeof cache?.setSettings !== 'function') return undefined;
  return async () => storeFmeSettings(cache, await fetchFresh(), log);
}

/**
 * Starts a VWO FME client, as vwo-fme-node-sdk 1.35.0's `init`: settings given or fetched from
 * `/server-side/v2-settings`, polling, storage, integrations, batching. Never rejects: bad options
 * are logged, a failed fetch gives a client whose calls answer disabled flags; `undefined` only
 * when `options` is not an object (as 1.35.0; TypeScript callers cannot get there).
 *
 * Differences: state is per client; polling applies new settings when they changed (validated,
 * swapped atomically) and its timer, as every other, never keeps the process alive; `close()`
 * flushes within `closeTimeout`; every transport call is bounded by `requestTimeout`.
 *
 * @example
 * import { init } from '@vwo/node';
 * const vwo = await init({ accountId: 123456, sdkKey: 'your-sdk-key' });
 * const flag = await vwo.getFlag('checkout', { id: 'user-42' });
 * if (flag.isEnabled()) console.log(flag.getVariable('color', 'blue'));
 * await vwo.trackEvent('purchase', { id: 'user-42' }, { revenue: 49.9 });
 * await vwo.close();
 */
export function init(options: InitOptions): Promise<FmeClient> {
  const started = start(options);
  lastInit = started;
  return started;
}

/** The last `init` call of this module: what `onInit` answers (process-wide, as in 1.35.0). */
let lastInit: Promise<FmeClient> | undefined;
const ON_INIT_WAIT_MS = 5000;

/**
 * The client of the last `init`, once it is ready (vwo-fme-node-sdk's `onInit`). Difference: it
 * waits for an `init` started later too and never rejects: without any `init` within 5 s it logs
 * one line and resolves `undefined` (1.35.0 rejects, or never settles).
 *
 * @example
 * init({ accountId, sdkKey });
 * const vwo = await onInit();
 */
export async function onInit(): Promise<FmeClient> {
  if (lastInit) return lastInit;
  const deadline = Date.now() + ON_INIT_WAIT_MS;
  while (!lastInit && Date.now() < deadline) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 50);
      timer.unref?.();
    });
  }
  if (lastInit) return lastInit;
  consoleLine('ERROR', 'onInit: VWO settings could not be fetched (init was not called)');
  return undefined as unknown as FmeClient;
}

async function start(given: InitOptions): Promise<FmeClient> {
  const initStartedAt = Date.now();
  if (!isRecord(given)) {
    consoleLine('INFO', `init: options must be an object, got ${given === null ? 'null' : typeof given}`);
    // vwo-fme-node-sdk resolves undefined here; only untyped callers can get here.
    return undefined as unknown as FmeClient;
  }
  try {
    // 1.35.0 rewrites its options for edgeConfig before anything reads them (usage statistics included).
    const edge = edgeModeOf(given.edgeConfig);
    const options: InitOptions = edge ? { ...given, shouldWaitForTrackingCalls: true, batchEventData: edge.batchEventData } : given;
    const log = fmeLogger(options.logger);
    if (typeof options.sdkKey !== 'string' || options.sdkKey === '') log.error('sdkKey is required and must be a string');
    if (!options.accountId) log.error('accountId is required');
    const gateway = fmeGatewayOf(options.gatewayService, log);
    if (options.isAliasingEnabled && !options.gatewayService)
      log.error('isAliasingEnabled needs a gatewayService: user ids are used as given');
    const requestTimeout = options.requestTimeout;
    let transport: Transport;
    if (options.transport !== undefined) transport = options.transport;
    else {
      try {
        transport = createFetchTransport(typeof requestTimeout === 'number' && requestTimeout > 0 ? { timeoutMs: requestTimeout } : {});
      } catch {
        transport = createFetchTransport();
      }
    }
    const storage = fmeStorageOf(options.storage, log);
    const platformStats = { lv: process.version };
    const wiring = { options, transport, gateway, storage, log, httpClient: FME_NODE_HTTP_CLIENT, initStartedAt, platformStats };
    const source = fmeInitSettings(wiring);
    // 1.35.0 refreshes a cached file in the background, but not in edge mode (flushEvents does).
    const loaded = isRecord(options.settings)
      ? { settings: options.settings, fromCache: false }
      : await source.load(!edge?.refreshesSettingsCache);

    return await startFmeClient({
      ...commonClientOptions(wiring, source, loaded),
      batchTimer: edge === undefined,
      onFlushEvents: edge?.refreshesSettingsCache ? refreshCacheOnFlush(storage, source.fetchFresh, log) : undefined,
    });
  } catch (error) {
    consoleLine('ERROR', `init failed: ${String(error)}`);
    return undefined as unknown as FmeClient;
  }
}
