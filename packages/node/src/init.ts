/**
 * `init`: vwo-fme-node-sdk 1.35.0's entry point over the FME client of `@vwo/core`. Same option
 * names and meanings; a user moving from vwo-fme-node-sdk changes the import and nothing else.
 */
import {
  type FmeBatchEventData,
  type FmeClient,
  type FmeGateway,
  type FmeIntegrationsPayload,
  type FmeLoggerOptions,
  type FmeRetryConfig,
  type FmeSettingsApi,
  type FmeSettingsData,
  type FmeStorageConnector,
  fetchFmeSettings,
  fmeLogger,
  fmeSettingsUrl,
  type Logger,
  parseFmeSettings,
  startFmeClient,
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

/** Each attempt of a request waits this long without `requestTimeout` (ms). */
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The waits between settings fetch attempts at init: 1.35.0's retry schedule (2, 4, 8 s by default). */
function settingsRetryWaits(options: InitOptions): number[] {
  const defaults = { shouldRetry: true, initialDelay: 2, maxRetries: 3, backoffMultiplier: 2 };
  let config = { ...defaults, ...(isRecord(options.retryConfig) ? options.retryConfig : {}) };
  const integer = (value: unknown, min: number) => typeof value === 'number' && Number.isInteger(value) && value >= min;
  if (
    typeof config.shouldRetry !== 'boolean' ||
    !integer(config.maxRetries, 1) ||
    !integer(config.initialDelay, 1) ||
    !integer(config.backoffMultiplier, 2)
  ) {
    config = defaults;
  }
  if (!config.shouldRetry || options.shouldWaitForTrackingCalls) return [];
  return Array.from({ length: config.maxRetries }, (_, k) => config.initialDelay * 1000 * config.backoffMultiplier ** k);
}

function consoleLine(level: 'ERROR' | 'INFO', message: string): void {
  const output = level === 'ERROR' ? console.error : console.info;
  output(`[${level}]: VWO-SDK ${new Date().toISOString()} ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** vwo-fme-node-sdk instantiates a storage given as a class (its source starts with `class`). */
function storageOf(given: unknown, log: Logger): FmeStorageConnector | undefined {
  if (given === undefined || given === null) return undefined;
  let storage: unknown = given;
  try {
    if (typeof given === 'function' && Function.prototype.toString.call(given).startsWith('class')) {
      storage = new (given as new () => unknown)();
    }
  } catch (error) {
    log.error(`storage: the class could not be instantiated (${String(error)}); no storage is used`);
    return undefined;
  }
  const candidate = storage as Partial<FmeStorageConnector> | null;
  if (typeof candidate?.get !== 'function' || typeof candidate?.set !== 'function') {
    log.error('storage: expected get(featureKey, userId) and set(record); no storage is used');
    return undefined;
  }
  return candidate as FmeStorageConnector;
}

/**
 * `gatewayService.url` as 1.35.0 reads it (fme/events.md §9): with a scheme as is, else with
 * `protocol`, else `"https" + url` (unusable: logged, no gateway).
 */
function gatewayOf(given: InitOptions['gatewayService'], log: Logger): FmeGateway | undefined {
  if (given === undefined || given === null) return undefined;
  if (!isRecord(given) || typeof given.url !== 'string' || given.url === '') {
    log.error('Please provide a valid URL for VWO Gateway Service while initializing the SDK');
    return undefined;
  }
  const url = given.url;
  const text = url.startsWith('http://') || url.startsWith('https') ? url : given.protocol ? `${given.protocol}://${url}` : `https${url}`;
  try {
    const parsed = new URL(text);
    const scheme = parsed.protocol === 'http:' ? 'http' : 'https';
    const port = parsed.port ? Number(parsed.port) : typeof given.port === 'number' ? given.port : undefined;
    if (!parsed.hostname) throw new Error('no host');
    return { scheme, hostname: parsed.hostname, port };
  } catch {
    log.error('Invalid URL for VWO Gateway Service while initializing the SDK');
    return undefined;
  }
}

/** `work()`'s answer, or a rejection after `ms`; the timer never keeps the process alive. */
function withDeadline<T>(work: () => T | PromiseLike<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (requestTimeout)`)), ms);
    timer.unref?.();
    Promise.resolve()
      .then(work)
      .then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
  });
}

/** A storage connector that also caches the settings file (vwo-fme-node-sdk's optional methods). */
interface SettingsCacheConnector extends FmeStorageConnector {
  getSettings?(accountId: string | number, sdkKey: string): unknown;
  setSettings?(data: FmeSettingsData): unknown;
  ttl?: number;
  alwaysUseCachedSettings?: boolean;
}

const SETTINGS_TTL_MS = 7_200_000;

/** 1.35.0 gives fetched files without features or campaigns empty lists before validating them. */
function normalise(file: unknown): unknown {
  if (!isRecord(file)) return file;
  const copy: Record<string, unknown> = { ...file };
  if (!copy.features || Object.keys(copy.features as object).length === 0) copy.features = [];
  if (!copy.campaigns || Object.keys(copy.campaigns as object).length === 0) copy.campaigns = [];
  return copy;
}

/**
 * The cached file when it is for this account and key and fresh (or `alwaysUseCachedSettings`);
 * `refresh` when 1.35.0 would fetch a fresh copy for the cache in the background.
 */
async function readCachedSettings(
  cache: SettingsCacheConnector,
  accountId: string | number,
  sdkKey: string,
  requestTimeout: number | undefined,
  log: Logger,
): Promise<{ settings: Record<string, unknown>; refresh: boolean } | undefined> {
  let data: unknown;
  try {
    data = await withDeadline(
      () => cache.getSettings?.(accountId, sdkKey),
      typeof requestTimeout === 'number' && requestTimeout > 0 ? requestTimeout : 10_000,
      'storage.getSettings',
    );
  } catch (error) {
    log.error(`Error reading settings from storage. Error: ${String(error)}`);
    return undefined;
  }
  if (!isRecord(data) || !isRecord(data.settings)) return undefined;
  const settings = data.settings;
  if (settings.sdkKey !== sdkKey || String(settings.accountId ?? settings.a) !== String(accountId)) return undefined;
  if (cache.alwaysUseCachedSettings) return { settings, refresh: false };
  const ttl = typeof cache.ttl === 'number' && cache.ttl > 0 ? cache.ttl : SETTINGS_TTL_MS;
  if (typeof data.timestamp !== 'number' || Date.now() - data.timestamp > ttl) return undefined;
  // Deliberate difference: 1.35.0 passes the cached sdkKey through atob, which garbles it.
  return { settings, refresh: true };
}

async function writeCachedSettings(cache: SettingsCacheConnector, file: unknown, log: Logger): Promise<void> {
  if (typeof cache.setSettings !== 'function' || !isRecord(file) || !parseFmeSettings(file).ok) return;
  try {
    await cache.setSettings({ settings: { ...file }, timestamp: Date.now() });
  } catch (error) {
    log.error(`Error storing settings in storage. Error: ${String(error)}`);
  }
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
  const cache = storage as SettingsCacheConnector | undefined;
  if (typeof cache?.setSettings !== 'function') return undefined;
  return async () => writeCachedSettings(cache, await fetchFresh(), log);
}

const LOG_LEVEL_CODES: Readonly<Record<string, number>> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/** The statistics of `vwo_sdkUsageStats` (fme/events.md §7), in 1.35.0's key order. */
function usageStats(options: InitOptions): Record<string, unknown> {
  if (options.isUsageStatsDisabled) return {};
  const raw = options as unknown as Record<string, unknown>;
  const stats: Record<string, unknown> = { a: options.accountId, env: options.sdkKey };
  if (options.integrations) stats.ig = 1;
  if (options.batchEventData) stats.eb = 1;
  const logger = options.logger as Record<string, unknown> | undefined;
  if (logger && (logger.transport || logger.transports)) stats.cl = 1;
  if (options.storage) stats.ss = 1;
  if (logger?.level !== undefined) stats.ll = LOG_LEVEL_CODES[String(logger.level).toUpperCase()] ?? -1;
  if (options.gatewayService) stats.gs = 1;
  if (options.pollInterval) stats.pi = options.pollInterval;
  if (options.shouldWaitForTrackingCalls) stats.swtc = 1;
  if (isRecord(raw._vwo_meta) && raw._vwo_meta.ea) stats._ea = 1;
  stats.lv = process.version;
  return stats;
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
    const gateway = gatewayOf(options.gatewayService, log);
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
    const accountId = options.accountId;
    const sdkKey = String(options.sdkKey);
    const fetchSettings = (endpoint: 'settings' | 'pull', apiName: FmeSettingsApi) =>
      fetchFmeSettings({
        transport,
        url: fmeSettingsUrl({
          accountId,
          sdkKey,
          endpoint,
          random: Math.random(),
          isDevelopmentMode: options.isDevelopmentMode === true,
          base: gateway ? `${gateway.scheme}://${gateway.hostname}${gateway.port === undefined ? '' : `:${gateway.port}`}` : undefined,
        }),
        timeoutMs: typeof requestTimeout === 'number' && requestTimeout > 0 ? requestTimeout : DEFAULT_REQUEST_TIMEOUT_MS,
        waitsMs: settingsRetryWaits(options),
        apiName,
      });

    let settings: unknown = options.settings;
    let settingsFetchTime = 0;
    let fromCache = false;
    const storage = storageOf(options.storage, log);
    // 1.35.0 reports the fetch at init to VWO once it can send: the client sends it first.
    let settingsFetchDebug: Readonly<Record<string, unknown>> | undefined;
    let settingsFetchFailed = false;
    const fetchFresh = async (): Promise<unknown> => {
      const fetchStart = Date.now();
      const outcome = await fetchSettings('settings', 'init');
      settingsFetchTime = Date.now() - fetchStart;
      settingsFetchDebug = outcome.debugMeta;
      settingsFetchFailed = !outcome.ok;
      if (outcome.ok) return normalise(outcome.file);
      log.error(`Settings could not be fetched: ${String(outcome.error)}`);
      return {};
    };
    if (!isRecord(settings)) {
      const cache = storage as SettingsCacheConnector | undefined;
      if (cache && typeof cache.getSettings === 'function') {
        const cached = await readCachedSettings(cache, accountId, sdkKey, requestTimeout, log);
        if (cached) {
          settings = cached.settings;
          fromCache = true;
          // 1.35.0 refreshes the cache in the background (not in edge mode); the running client keeps the cached file.
          if (cached.refresh && !edge?.refreshesSettingsCache) void fetchFresh().then((fresh) => writeCachedSettings(cache, fresh, log));
        } else {
          settings = await fetchFresh();
          await writeCachedSettings(cache, settings, log);
        }
      } else settings = await fetchFresh();
    }

    return await startFmeClient({
      accountId,
      sdkKey,
      settings,
      transport,
      logger: log,
      storage,
      integrations: options.integrations,
      batchEventData: options.batchEventData,
      batchTimer: edge === undefined,
      onFlushEvents: edge?.refreshesSettingsCache ? refreshCacheOnFlush(storage, fetchFresh, log) : undefined,
      retryConfig: options.retryConfig,
      shouldWaitForTrackingCalls: options.shouldWaitForTrackingCalls,
      requestTimeout,
      closeTimeout: options.closeTimeout,
      fetchSettingsReported: fetchSettings,
      pollInterval: options.pollInterval,
      gateway,
      isAliasingEnabled: options.isAliasingEnabled === true,
      startEvents: {
        settingsFetchTime,
        initStartedAt,
        usageStats: usageStats(options),
        sendInitEvent: !fromCache,
        settingsFetchDebug,
        settingsFetchFailed,
      },
    });
  } catch (error) {
    consoleLine('ERROR', `init failed: ${String(error)}`);
    return undefined as unknown as FmeClient;
  }
}
