/**
 * The platform-free part of vwo-fme-node-sdk 1.35.0's `init`, shared by the `init` of
 * `@vwo/node` and of `@vwo/browser`: option readers (retries, storage, gateway, usage statistics)
 * and the choice between the storage's settings cache and a fresh fetch. Each facade adds its
 * transport, its default storage and its platform's statistics.
 */
import type { Logger, Transport } from '../../client/types.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, withDeadline } from '../../util/deadline.js';
import { isPlainObject } from '../../util/types.js';
import type { FmeSdkIdentity } from '../events/requests.js';
import { parseFmeSettings } from '../settings/parse.js';
import type { FmeSettingsData } from './compat.js';
import { fmeRetrySchedule } from './retry-config.js';
import { type FmeSettingsApi, type FmeSettingsFetchOutcome, type FmeSettingsHttpClient, fetchFmeSettings } from './settings-fetch.js';
import { fmeSettingsUrl } from './settings-url.js';
import type { FmeBatchEventData, FmeClientConfig, FmeGateway, FmeRetryConfig, FmeStorageConnector } from './types.js';

/** The `init` options these helpers read, as vwo-fme-node-sdk names them. */
export interface FmeInitOptionsRead {
  /** The account id, reported in the usage statistics. */
  readonly accountId: string | number;
  /** The SDK key, reported in the usage statistics. */
  readonly sdkKey: string;
  /** The user storage as given (its presence is reported). */
  readonly storage?: unknown;
  /** The logger options (a custom transport and the level are reported). */
  readonly logger?: unknown;
  /** The integrations (their presence is reported). */
  readonly integrations?: unknown;
  /** The polling interval in ms (reported). */
  readonly pollInterval?: number;
  /** The batching options (their presence is reported). */
  readonly batchEventData?: unknown;
  /** Retries of the settings fetch at init. */
  readonly retryConfig?: FmeRetryConfig;
  /** No retries at init when set; reported. */
  readonly shouldWaitForTrackingCalls?: boolean;
  /** An empty statistics object when set. */
  readonly isUsageStatsDisabled?: boolean;
  /** The gateway options (their presence is reported). */
  readonly gatewayService?: unknown;
  /** The settings fetch omits `s=prod`. */
  readonly isDevelopmentMode?: boolean;
  /** Bounds each settings GET and the cache read (ms, default 10,000). */
  readonly requestTimeout?: number;
}

/** A storage connector that also caches the settings file (vwo-fme-node-sdk's optional methods). */
export interface FmeSettingsCacheConnector extends FmeStorageConnector {
  /** The cached `{ settings, timestamp }` for this account and key, or nothing. */
  getSettings?(accountId: string | number, sdkKey: string): unknown;
  /** Stores a freshly fetched file with the time it was fetched. */
  setSettings?(data: FmeSettingsData): unknown;
  /** How long a cached file counts as fresh (ms, default 7,200,000). */
  ttl?: number;
  /** Use the cached file whatever its age. */
  alwaysUseCachedSettings?: boolean;
}

/** 1.35.0's cache lifetime when the connector names none: two hours. */
export const FME_SETTINGS_TTL_MS = 7_200_000;

/**
 * The waits between settings fetch attempts at init: 1.35.0's retry schedule (2, 4, 8 s by default).
 *
 * @example
 * fetchWithRetries(fetchOnce, fmeSettingsRetryWaits(options));
 */
export function fmeSettingsRetryWaits(options: FmeInitOptionsRead): number[] {
  const { schedule } = fmeRetrySchedule(options.retryConfig);
  if (!schedule.shouldRetry || options.shouldWaitForTrackingCalls) return [];
  return Array.from({ length: schedule.maxRetries }, (_, k) => schedule.initialDelay * 1000 * schedule.backoffMultiplier ** k);
}

/**
 * The `storage` option as 1.35.0 takes it: an instance, or a class (its source starts with
 * `class`) instantiated with `new`; anything without `get` and `set` is logged and unused.
 *
 * @example
 * const storage = fmeStorageOf(options.storage, log);
 */
export function fmeStorageOf(given: unknown, log: Logger): FmeStorageConnector | undefined {
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
 *
 * @example
 * const gateway = fmeGatewayOf({ url: 'http://localhost:8000' }, log);
 */
export function fmeGatewayOf(given: unknown, log: Logger): FmeGateway | undefined {
  if (given === undefined || given === null) return undefined;
  if (!isPlainObject(given) || typeof given.url !== 'string' || given.url === '') {
    log.error('Please provide a valid URL for VWO Gateway Service while initializing the SDK');
    return undefined;
  }
  const url = given.url;
  const text =
    url.startsWith('http://') || url.startsWith('https') ? url : given.protocol ? `${String(given.protocol)}://${url}` : `https${url}`;
  try {
    const parsed = new urlParser(text);
    const scheme = parsed.protocol === 'http:' ? 'http' : 'https';
    const port = parsed.port ? Number(parsed.port) : typeof given.port === 'number' ? given.port : undefined;
    if (!parsed.hostname) throw new Error('no host');
    return { scheme, hostname: parsed.hostname, port };
  } catch {
    log.error('Invalid URL for VWO Gateway Service while initializing the SDK');
    return undefined;
  }
}

/** The WHATWG URL parser every runtime has; the core's compile target lists no platform types. */
interface ParsedUrl {
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
}
const urlParser = /* @__PURE__ */ (() => (globalThis as unknown as { URL: new (text: string) => ParsedUrl }).URL)();

/** 1.35.0 gives fetched files without features or campaigns empty lists before validating them. */
export function normaliseFetchedFmeSettings(file: unknown): unknown {
  if (!isPlainObject(file)) return file;
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
  cache: FmeSettingsCacheConnector,
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
  if (!isPlainObject(data) || !isPlainObject(data.settings)) return undefined;
  const settings = data.settings;
  if (settings.sdkKey !== sdkKey || String(settings.accountId ?? settings.a) !== String(accountId)) return undefined;
  if (cache.alwaysUseCachedSettings) return { settings, refresh: false };
  const ttl = typeof cache.ttl === 'number' && cache.ttl > 0 ? cache.ttl : FME_SETTINGS_TTL_MS;
  if (typeof data.timestamp !== 'number' || Date.now() - data.timestamp > ttl) return undefined;
  // Deliberate difference: 1.35.0 passes the cached sdkKey through atob, which garbles it.
  return { settings, refresh: true };
}

/**
 * Stores a fetched file in the storage's settings cache with the time now, when the file is
 * valid (1.35.0's `setSettings` call); a failing `setSettings` is logged.
 *
 * @example
 * await storeFmeSettings(storage, await fetchFresh(), log);
 */
export async function storeFmeSettings(cache: FmeSettingsCacheConnector, file: unknown, log: Logger): Promise<void> {
  if (typeof cache.setSettings !== 'function' || !isPlainObject(file) || !parseFmeSettings(file).ok) return;
  try {
    await cache.setSettings({ settings: { ...file }, timestamp: Date.now() });
  } catch (error) {
    log.error(`Error storing settings in storage. Error: ${String(error)}`);
  }
}

/** What {@link loadFmeSettings} needs. */
export interface FmeSettingsLoad {
  /** The init option. */
  readonly accountId: string | number;
  /** The init option. */
  readonly sdkKey: string;
  /** The user storage; its `getSettings`/`setSettings`, when present, cache the file. */
  readonly storage: FmeStorageConnector | undefined;
  /** Fetches the file (with the init retries) and never rejects: `{}` on failure. */
  readonly fetchFresh: () => Promise<unknown>;
  /** Bounds the cache read (ms, default 10,000). */
  readonly requestTimeout: number | undefined;
  /** Where cache failures are logged. */
  readonly log: Logger;
  /** Fetch a fresh copy for the cache in the background when a cached file is used (default `true`; 1.35.0's edge mode does not). */
  readonly backgroundRefresh?: boolean;
}

/** What {@link loadFmeSettings} found. */
export interface FmeLoadedSettings {
  /** The file to start the client with (`{}` when the fetch failed). */
  readonly settings: unknown;
  /** Whether it came from the storage's cache (1.35.0 then sends no init event). */
  readonly fromCache: boolean;
}

/**
 * The settings file as 1.35.0's `init` finds it without a `settings` option: a fresh cached copy
 * when the storage caches one (a copy for the cache is then fetched in the background, not
 * applied), else a fetch, stored in the cache when valid. `fromCache` tells the caller that
 * 1.35.0 sends no init event.
 *
 * @example
 * const { settings, fromCache } = await loadFmeSettings({ accountId, sdkKey, storage, fetchFresh, requestTimeout, log });
 */
export async function loadFmeSettings(load: FmeSettingsLoad): Promise<FmeLoadedSettings> {
  const cache = load.storage as FmeSettingsCacheConnector | undefined;
  if (!cache || typeof cache.getSettings !== 'function') return { settings: await load.fetchFresh(), fromCache: false };
  const cached = await readCachedSettings(cache, load.accountId, load.sdkKey, load.requestTimeout, load.log);
  if (cached) {
    // 1.35.0 refreshes the cache in the background; the running client keeps the cached file.
    if (cached.refresh && load.backgroundRefresh !== false)
      void load.fetchFresh().then((fresh) => storeFmeSettings(cache, fresh, load.log));
    return { settings: cached.settings, fromCache: true };
  }
  const settings = await load.fetchFresh();
  await storeFmeSettings(cache, settings, load.log);
  return { settings, fromCache: false };
}

const LOG_LEVEL_CODES: Readonly<Record<string, number>> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };

/**
 * The statistics of `vwo_sdkUsageStats` (fme/events.md §7), in 1.35.0's key order; `platform`
 * holds the facade's last entries (Node's `lv`).
 *
 * @example
 * fmeUsageStats(options, { lv: process.version });
 */
export function fmeUsageStats(options: FmeInitOptionsRead, platform: Readonly<Record<string, unknown>>): Record<string, unknown> {
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
  if (isPlainObject(raw._vwo_meta) && raw._vwo_meta.ea) stats._ea = 1;
  return Object.assign(stats, platform);
}

/** What {@link fmeInitSettings} needs from a facade's `init`. */
export interface FmeInitSettingsWiring {
  /** The `init` options (after any rewrite the facade makes, such as Node's `edgeConfig`). */
  readonly options: FmeInitOptionsRead;
  /** Sends the settings GETs. */
  readonly transport: Transport;
  /** The gateway the GETs go to instead of VWO's host. */
  readonly gateway: FmeGateway | undefined;
  /** The user storage, whose settings cache {@link FmeInitSettings.load} reads and fills. */
  readonly storage: FmeStorageConnector | undefined;
  /** Where a failed fetch and cache failures are logged. */
  readonly log: Logger;
  /** The SDK the settings URL names (default Node's). */
  readonly sdk?: FmeSdkIdentity;
  /** The platform's 1.35.0 HTTP client: how answers are judged and failures worded (`FME_NODE_HTTP_CLIENT` for Node's). */
  readonly httpClient: FmeSettingsHttpClient;
}

/** What the fetch at `init` left for the client's start events (1.35.0 reports the fetch once it can send). */
export interface FmeInitFetchReport {
  /** How long the last fetch took (ms; 0 before any). */
  readonly settingsFetchTime: number;
  /** The `vwo_sdkDebug` properties of a fetch that needed a retry or failed. */
  readonly settingsFetchDebug?: Readonly<Record<string, unknown>> | undefined;
  /** Whether the last fetch failed (1.35.0 then reports no invalid settings on top). */
  readonly settingsFetchFailed?: boolean;
}

/** The settings side of a facade's `init`, shared by `@vwo/node` and `@vwo/browser`. */
export interface FmeInitSettings {
  /** One reported settings fetch, as the client's polling and `updateSettings` need it (`fetchSettingsReported`). */
  readonly fetchSettings: (endpoint: 'settings' | 'pull', apiName: FmeSettingsApi) => Promise<FmeSettingsFetchOutcome>;
  /** The fetch at `init`: the normalised file, or `{}` after a logged failure; never rejects. */
  readonly fetchFresh: () => Promise<unknown>;
  /** The settings without a `settings` option: the storage's cached file or a fetch (see {@link loadFmeSettings}). */
  readonly load: (backgroundRefresh?: boolean) => Promise<FmeLoadedSettings>;
  /** What the last {@link FmeInitSettings.fetchFresh} left for the start events. */
  readonly report: () => FmeInitFetchReport;
}

/**
 * The settings fetch of 1.35.0's `init` for one facade: the URL (VWO's host or the gateway, the
 * facade's SDK), the time-out, the retries of `retryConfig`, the platform's error texts, and the
 * report of the fetch at `init` that the client sends first.
 *
 * @example
 * const source = fmeInitSettings({ options, transport, gateway, storage, log, httpClient: FME_NODE_HTTP_CLIENT });
 * const { settings, fromCache } = await source.load();
 * startFmeClient({ ...config, settings, fetchSettingsReported: source.fetchSettings, startEvents: { ...source.report(), initStartedAt, usageStats, sendInitEvent: !fromCache } });
 */
export function fmeInitSettings(wiring: FmeInitSettingsWiring): FmeInitSettings {
  const { options, transport, gateway, log } = wiring;
  const { accountId, requestTimeout } = options;
  const sdkKey = String(options.sdkKey);
  const base = gateway ? `${gateway.scheme}://${gateway.hostname}${gateway.port === undefined ? '' : `:${gateway.port}`}` : undefined;
  const fetchSettings = (endpoint: 'settings' | 'pull', apiName: FmeSettingsApi) =>
    fetchFmeSettings({
      transport,
      url: fmeSettingsUrl({
        accountId,
        sdkKey,
        endpoint,
        random: Math.random(),
        sdk: wiring.sdk,
        isDevelopmentMode: options.isDevelopmentMode === true,
        base,
      }),
      timeoutMs: typeof requestTimeout === 'number' && requestTimeout > 0 ? requestTimeout : DEFAULT_REQUEST_TIMEOUT_MS,
      waitsMs: fmeSettingsRetryWaits(options),
      apiName,
      httpClient: wiring.httpClient,
    });
  let report: FmeInitFetchReport = { settingsFetchTime: 0 };
  const fetchFresh = async (): Promise<unknown> => {
    const fetchStart = Date.now();
    const outcome = await fetchSettings('settings', 'init');
    report = { settingsFetchTime: Date.now() - fetchStart, settingsFetchDebug: outcome.debugMeta, settingsFetchFailed: !outcome.ok };
    if (outcome.ok) return normaliseFetchedFmeSettings(outcome.file);
    log.error(`Settings could not be fetched: ${String(outcome.error)}`);
    return {};
  };
  return {
    fetchSettings,
    fetchFresh,
    load: (backgroundRefresh) =>
      loadFmeSettings({ accountId, sdkKey, storage: wiring.storage, fetchFresh, requestTimeout, log, backgroundRefresh }),
    report: () => report,
  };
}

/** The `init` options {@link commonClientOptions} hands to the client as they are. */
export interface FmeInitClientOptions extends FmeInitOptionsRead {
  /** The integrations callback. */
  readonly integrations?: FmeClientConfig['integrations'];
  /** The batching options (each facade decides whether they apply). */
  readonly batchEventData?: FmeBatchEventData;
  /** How long `close()` waits for pending events (ms). */
  readonly closeTimeout?: number;
  /** Resolve every call's `context.id` through VWO's aliases. */
  readonly isAliasingEnabled?: boolean;
}

/** What {@link commonClientOptions} needs besides the settings: the wiring of {@link fmeInitSettings}, and the start's own readings. */
export interface FmeCommonClientWiring extends FmeInitSettingsWiring {
  /** The `init` options, as {@link fmeInitSettings} read them. */
  readonly options: FmeInitClientOptions;
  /** When `init` was called (ms since the epoch), for the init event. */
  readonly initStartedAt: number;
  /** The platform's last entries of the usage statistics (Node's `lv`; none in a page). */
  readonly platformStats: Readonly<Record<string, unknown>>;
}

/**
 * The client configuration every facade's `init` gives alike: the options passed through, the
 * settings source's reported fetches and the start events. A facade spreads it and adds its own
 * (batching timer, outbox, lookups).
 *
 * @param wiring - What {@link fmeInitSettings} was given, with the start's readings.
 * @param source - What {@link fmeInitSettings} answered for `wiring`.
 * @param loaded - The settings the client starts from: given, cached or fetched.
 *
 * @example
 * const wiring = { options, transport, gateway, storage, log, httpClient: FME_NODE_HTTP_CLIENT, initStartedAt, platformStats: {} };
 * const source = fmeInitSettings(wiring);
 * startFmeClient({ ...commonClientOptions(wiring, source, await source.load()), batchTimer: true });
 */
export function commonClientOptions(wiring: FmeCommonClientWiring, source: FmeInitSettings, loaded: FmeLoadedSettings): FmeClientConfig {
  const { options } = wiring;
  return {
    accountId: options.accountId,
    sdkKey: String(options.sdkKey),
    settings: loaded.settings,
    transport: wiring.transport,
    logger: wiring.log,
    storage: wiring.storage,
    integrations: options.integrations,
    batchEventData: options.batchEventData,
    retryConfig: options.retryConfig,
    shouldWaitForTrackingCalls: options.shouldWaitForTrackingCalls,
    requestTimeout: options.requestTimeout,
    closeTimeout: options.closeTimeout,
    fetchSettingsReported: source.fetchSettings,
    pollInterval: options.pollInterval,
    gateway: wiring.gateway,
    isAliasingEnabled: options.isAliasingEnabled === true,
    sdk: wiring.sdk,
    // 1.35.0 reports the fetch at init to VWO once it can send: the client sends it first.
    startEvents: {
      ...source.report(),
      initStartedAt: wiring.initStartedAt,
      usageStats: fmeUsageStats(options, wiring.platformStats),
      sendInitEvent: !loaded.fromCache,
    },
  };
}
