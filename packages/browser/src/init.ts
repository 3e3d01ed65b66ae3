/**
 * `init` for pages: vwo-fme-node-sdk 1.35.0's entry point over the FME client of `@vwo/core`,
 * with the page behaviour of `launch` (fetch while visible, beacons once hidden, unsent events in
 * `localStorage`) and 1.35.0's browser build's options and lookups (`clientStorage`, `proxyUrl`).
 */
import {
  commonClientOptions,
  FME_BROWSER_SDK,
  type FmeBatchEventData,
  type FmeClient,
  type FmeClientConfig,
  type FmeIntegrationsPayload,
  type FmeLoggerOptions,
  type FmeRetryConfig,
  type FmeStorageConnector,
  fmeGatewayOf,
  fmeInitSettings,
  fmeLogger,
  fmeStorageOf,
  startFmeClient,
  type Transport,
  VWOConfigError,
} from '@vwo/core';
import { createBeaconTransport } from '@vwo/transport-beacon';
import { createFetchTransport } from '@vwo/transport-fetch';
import { proxiedTransport, proxyHostname, proxyOrigin, VWO_ORIGIN } from './fme-proxy.js';
import { type FmeClientStorageOptions, fmeBrowserStorage } from './fme-storage.js';
import { withPageUserAgent } from './fme-user-agent.js';
import { xhrHeaderTransport } from './fme-xhr-headers.js';
import { XHR_SETTINGS_CLIENT } from './fme-xhr-settings.js';
import { localStorageOutbox, pageLocalStorage } from './outbox.js';
import { watchPage } from './page-lifecycle.js';
import { pageAwareTransport } from './page-transport.js';

/** vwo-fme-node-sdk 1.35.0's `init` options for a page, plus the page's own (`persistEvents`, `storageNamespace`). */
export interface InitConfig {
  /** Your VWO account id; required. Sent as given (query `a`) and the namespace of visitor ids. */
  readonly accountId: string | number;
  /** The SDK key of the environment; required (it is public in a page: keep secrets out of the settings). */
  readonly sdkKey: string;
  /** A settings file to use instead of fetching `/server-side/v2-settings`. */
  readonly settings?: Record<string, unknown>;
  /** User storage (an instance, or a class instantiated with `new`); default the `clientStorage` in `localStorage`, as 1.35.0's browser build. */
  readonly storage?: FmeStorageConnector | (new () => FmeStorageConnector);
  /** Where the default storage keeps decisions and the settings cache, and for how long the cache counts (1.35.0's browser option). */
  readonly clientStorage?: FmeClientStorageOptions;
  /**
   * Sends every request addressed to VWO (settings, events, debug and usage events) to this
   * origin instead, path and query unchanged: your own proxy, or a local collector in tests.
   */
  readonly proxyUrl?: string;
  /** Level, prefix, date format and transports of the SDK's log (default: errors on the console). */
  readonly logger?: FmeLoggerOptions;
  /** `callback(payload)` after every decision and tracked event. */
  readonly integrations?: {
    /** Receives the decision or event payload; a throw or a rejection is logged and otherwise ignored. */
    readonly callback: (payload: FmeIntegrationsPayload) => unknown;
  };
  /** Fetch the settings every this many ms (≥ 1000; default the settings' `pollInterval`, else 600000). */
  readonly pollInterval?: number;
  /** Ignored, as 1.35.0's browser build (it logs that batching needs no gateway): every event is sent at once. */
  readonly batchEventData?: FmeBatchEventData;
  /** How failed requests are retried; an invalid one means the defaults. */
  readonly retryConfig?: FmeRetryConfig;
  /** API calls resolve once their events have had their attempt; retries are off. */
  readonly shouldWaitForTrackingCalls?: boolean;
  /** The settings fetch omits `s=prod`; events are still sent (as 1.35.0). */
  readonly isDevelopmentMode?: boolean;
  /** Sends an empty statistics object in `vwo_sdkUsageStats`. */
  readonly isUsageStatsDisabled?: boolean;
  /** A VWO Gateway Service (`url`, `port`, `protocol`), as in `@vwo/node`'s `init`. */
  readonly gatewayService?: {
    /** The gateway's address, e.g. `https://gateway.example.com`. */
    readonly url: string;
    /** The port, when `url` has none. */
    readonly port?: number;
    /** The scheme used when `url` has none. */
    readonly protocol?: string;
  };
  /** Resolve every call's `context.id` through VWO's aliases (asked of the `gatewayService`, else of VWO's host or the `proxyUrl`). */
  readonly isAliasingEnabled?: boolean;
  /** Sends every request. Default: `fetch` while the page is visible, `navigator.sendBeacon` (or a `keepalive` fetch) once hidden. */
  readonly transport?: Transport;
  /** Every transport call and storage read is bounded by this many ms (default 10,000). */
  readonly requestTimeout?: number;
  /** How long `close()` waits for pending events (ms, default 2000). */
  readonly closeTimeout?: number;
  /** Keep every unsent event request in `localStorage` until it is delivered (default `true`). */
  readonly persistEvents?: boolean;
  /** Prefix of the outbox's `localStorage` keys (default `'vwo'`: `vwo:fme-outbox:<key>`). */
  readonly storageNamespace?: string;
}

/**
 * Starts a VWO FME client in a page, as vwo-fme-node-sdk 1.35.0's `init`: settings given, cached
 * in `localStorage` (fresh for `clientStorage.ttl`, two hours by default) or fetched; decisions
 * remembered in `localStorage` unless you pass a `storage`; events by `fetch` while the page is
 * visible and by beacon once it is hidden (never batched, as 1.35.0's browser build); unsent event
 * requests kept in `localStorage` and resent by the next `init` on the site.
 *
 * Rejects with a {@link VWOConfigError} naming `accountId`, `sdkKey`, `proxyUrl`, `persistEvents`
 * or `storageNamespace` when it is missing or of the wrong type; any other bad option is logged
 * and replaced by its default, as 1.35.0 does. A failed settings fetch gives a client whose flags
 * are disabled.
 *
 * @example
 * import { init } from '@vwo/browser';
 * const vwo = await init({ accountId: 123456, sdkKey: 'your-sdk-key' });
 * const flag = await vwo.getFlag('checkout', { id: visitorId });
 * if (flag.isEnabled()) button.style.background = String(flag.getVariable('color', 'blue'));
 * button.onclick = () => vwo.trackEvent('purchase', { id: visitorId }, { revenue: 49.9 });
 */
export async function init(config: InitConfig): Promise<FmeClient> {
  const page = pageInit(config);
  return page.forPage(await startFmeClient(page.clientConfig(await page.loadSettings())));
}

/** The settings a page client starts from, and whether they came from the storage's cache (then 1.35.0 sends no init event). */
export interface PageInitSettings {
  /** The settings file (`{}` when the fetch failed). */
  readonly settings: unknown;
  /** Whether it came from the storage's settings cache. */
  readonly fromCache: boolean;
}

/** `init` in steps: what needs no settings is set up; the settings are then loaded (or given) and the client built at once. */
export interface PageInit {
  /** `settings` as given, else the storage's cached file or a fetch, as `init` finds them. */
  loadSettings(): Promise<PageInitSettings>;
  /** The core client's configuration for these settings (the outbox is opened here). */
  clientConfig(loaded: PageInitSettings): FmeClientConfig;
  /** The client as the page's `init` answers it (the page's user agent in every context). */
  forPage(client: FmeClient): FmeClient;
}

/**
 * Everything `init` does before it has the settings (options checked, transport, storage, the
 * page watch), so that `initFromBootstrap` can build the same client synchronously from settings
 * it already holds. Throws the {@link VWOConfigError} `init` rejects with.
 */
export function pageInit(config: InitConfig): PageInit {
  checkInitOptions(config);
  const initStartedAt = Date.now();
  const log = fmeLogger(config.logger);
  const { requestTimeout } = config;
  const gateway = fmeGatewayOf(config.gatewayService, log);

  // Nothing waits in a queue (no batching, as 1.35.0's browser build): once the page is hidden
  // the transport sends by beacon, and what is undelivered stays in the outbox.
  const page = watchPage(() => undefined);
  const proxy = config.proxyUrl === undefined ? undefined : proxyOrigin(config.proxyUrl, log);
  // 1.35.0's browser build sends through XHR without `Content-Type`: each transport gets what it would.
  const viaProxy = (transport: Transport): Transport =>
    xhrHeaderTransport(proxy === undefined ? transport : proxiedTransport(transport, proxy));
  // The proxy sits inside the page transport, which tells retries by the request object they resend.
  const transport =
    config.transport !== undefined
      ? viaProxy(config.transport)
      : pageAwareTransport(
          viaProxy(createFetchTransport(typeof requestTimeout === 'number' && requestTimeout > 0 ? { timeoutMs: requestTimeout } : {})),
          viaProxy(createBeaconTransport()),
          page,
        );
  const storage = config.storage === undefined ? fmeBrowserStorage(config.clientStorage, log) : fmeStorageOf(config.storage, log);
  // 1.35.0's browser build fetches through XMLHttpRequest: its texts name each failure.
  const wiring = {
    options: config,
    transport,
    gateway,
    storage,
    log,
    sdk: FME_BROWSER_SDK,
    httpClient: XHR_SETTINGS_CLIENT,
    initStartedAt,
    platformStats: {},
  };
  const source = fmeInitSettings(wiring);
  const loadSettings = async (): Promise<PageInitSettings> => {
    const given: unknown = config.settings;
    if (typeof given === 'object' && given !== null) return { settings: given, fromCache: false };
    return source.load();
  };

  const clientConfig = (loaded: PageInitSettings): FmeClientConfig => {
    let eventOutbox: ReturnType<typeof localStorageOutbox> | undefined;
    if (config.persistEvents !== false) {
      const local = pageLocalStorage();
      if (local === undefined) log.warn('localStorage is unavailable: unsent events will not survive a reload');
      else eventOutbox = localStorageOutbox(local, `${config.storageNamespace ?? 'vwo'}:fme-outbox:`);
    }

    return {
      ...commonClientOptions(wiring, source, loaded),
      // 1.35.0's browser build counts itself gateway-backed where it has `XMLHttpRequest`: user
      // details, lists and aliases are asked of VWO's host (the proxy rewrites it), batching is off.
      lookupOrigin: typeof XMLHttpRequest === 'undefined' ? undefined : VWO_ORIGIN,
      eventHostname: proxy === undefined ? undefined : proxyHostname(proxy),
      eventOutbox,
      // A beacon's 202 means queued by the browser, not answered by VWO: retrying it would send twice.
      anySuccessDelivers: true,
      onClose: () => page.stop(),
    };
  };
  return { loadSettings, clientConfig, forPage: (client) => withPageUserAgent(client, pageUserAgent()) };
}

/** 1.35.0's browser build reads `navigator.userAgent` where `XMLHttpRequest` exists (not in workers without it, nor edge runtimes). */
function pageUserAgent(): string | undefined {
  if (typeof XMLHttpRequest === 'undefined' || typeof navigator === 'undefined') return undefined;
  return navigator.userAgent;
}

function checkInitOptions(config: InitConfig): void {
  if (typeof config !== 'object' || config === null) throw new VWOConfigError('options', 'expected an object');
  const { accountId, sdkKey, proxyUrl, persistEvents, storageNamespace } = config;
  if (!(typeof accountId === 'number' || (typeof accountId === 'string' && accountId !== '')) || !accountId)
    throw new VWOConfigError('accountId', 'expected a number or a non-empty string');
  if (typeof sdkKey !== 'string' || sdkKey === '') throw new VWOConfigError('sdkKey', 'expected a non-empty string');
  if (proxyUrl !== undefined && (typeof proxyUrl !== 'string' || proxyUrl === '')) throw new VWOConfigError('proxyUrl', 'expected a URL');
  if (persistEvents !== undefined && typeof persistEvents !== 'boolean') throw new VWOConfigError('persistEvents', 'expected a boolean');
  if (storageNamespace !== undefined && (typeof storageNamespace !== 'string' || storageNamespace === ''))
    throw new VWOConfigError('storageNamespace', 'expected a non-empty string');
}
