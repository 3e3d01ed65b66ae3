import type { EventOutbox, Logger, Transport } from '../../client/types.js';
import type { FmeFlagOutcome, FmeRuleOutcome, FmeStorageRecord } from '../decision/types.js';
import type { FmeSdkIdentity } from '../events/requests.js';
import type { FmeSettings, FmeVariable } from '../settings/model.js';
import type { FmeSettingsApi, FmeSettingsFetchOutcome } from './settings-fetch.js';

/** The user of one call (fme/api.md §5); `id` must be truthy. */
export interface FmeUserContext {
  /** The user id; must be truthy (`0` and `""` are refused). A number is accepted and stringified. Aliasing may replace it in this very object. */
  id: string | number;
  /** The user's user agent: sent with events (`visitor_ua`) and read by user-agent segments. */
  userAgent?: string;
  /** The user's IP address: sent with events (`visitor_ip`) and read by location and IP segments. */
  ipAddress?: string;
  /** Pre-segmentation variables. */
  customVariables?: Record<string, unknown>;
  /** Whitelisting variables. */
  variationTargetingVariables?: Record<string, unknown>;
  /** Names copied from `customVariables` into impressions when truthy. */
  postSegmentationVariables?: string[];
  /** Pre-resolved gateway data. */
  _vwo?: {
    /** The user's location as the gateway answers it (`country`, `region`, `city`…), for location segments. */
    location?: unknown;
    /** The user agent parsed by the gateway (`os`, `browser_string`, `device_type`…), for user-agent segments. */
    userAgent?: unknown;
  };
}

/** What `getFlag` answers; a snapshot that later settings updates do not change. */
export interface FmeFlag {
  /** Whether the flag is on for this user: `true` when a rollout or an experiment variation was served, `false` otherwise (also on any error). */
  isEnabled(): boolean;
  /** The served variation's variables (an experiment's replace the rollout's). */
  getVariables(): FmeVariable[];
  /** The value of the first variable named `key`, `defaultValue` when there is none. */
  getVariable(key: string, defaultValue?: unknown): unknown;
}

/**
 * vwo-fme-node-sdk's user storage: `get` may answer synchronously or with a promise; `set` is
 * not awaited and its failure is ignored.
 */
export interface FmeStorageConnector {
  /** The record stored for `featureKey` (a feature key or `_vwo_meta_meg_<groupId>`) and `userId`; `undefined`/`null` for none. */
  get(featureKey: string, userId: string): unknown;
  /** Stores `record` under `record.featureKey` and `record.userId`, replacing any earlier one. */
  set(record: FmeStorageRecord): unknown;
}

/** vwo-fme-node-sdk's `retryConfig` (fme/events.md §10). */
export interface FmeRetryConfig {
  /** Whether failed requests are retried (default `true`); `shouldWaitForTrackingCalls` turns retries off. */
  readonly shouldRetry?: boolean;
  /** Seconds before the first retry (default 2). */
  readonly initialDelay?: number;
  /** Retries after the first attempt (default 3). */
  readonly maxRetries?: number;
  /** Each wait multiplies the previous one by this (default 2). */
  readonly backoffMultiplier?: number;
}

/** vwo-fme-node-sdk's `batchEventData` (fme/events.md §8). */
export interface FmeBatchEventData {
  /** Send when this many events are queued (1…5000, default 100). */
  readonly eventsPerRequest?: number;
  /** Send queued events every this many seconds (default 600). */
  readonly requestTimeInterval?: number;
  /** Called after each batch request, `(null, body)` when it was delivered, `(error, body)` otherwise. */
  readonly flushCallback?: (error: Error | null, body: { ev: unknown[] }) => void;
}

/** `flushEvents()`'s answer, shaped as 1.35.0's. */
export interface FmeFlushResult {
  /** `success` when the queue was empty or its batch was delivered; `error` when batching is off or the batch failed. */
  readonly status: 'success' | 'error';
  /** `[]` when nothing was sent, else the batch body sent. */
  readonly events:
    | readonly unknown[]
    | {
        /** The events of the batch, in queue order. */
        readonly ev: readonly unknown[];
      };
}

/** The integrations callback's payload (fme/decision-flow.md §7). */
export type FmeIntegrationsPayload = Record<string, unknown>;

/** What `explain` reports: the decision `getFlag` would make now, without sending or storing anything. */
export interface FmeExplanation {
  /** The feature key asked about. */
  readonly featureKey: string;
  /** What `isEnabled()` of the flag would answer. */
  readonly enabled: boolean;
  /** Why the flag is what it is; `invalid-settings` when the client's settings file was refused. */
  readonly outcome: FmeFlagOutcome | 'invalid-settings';
  /** What `getVariables()` of the flag would answer. */
  readonly variables: readonly FmeVariable[];
  /** The rollout rule that enabled the flag, if any. */
  readonly rollout: FmeRuleOutcome | undefined;
  /** The experiment (testing or personalise) rule whose variation is served, if any. */
  readonly experiment: FmeRuleOutcome | undefined;
  /** Impressions `getFlag` would send, as `[campaignId, variationId]`. */
  readonly impressions: readonly (readonly [unknown, unknown])[];
  /** The steps taken, in order; with a gateway, first what it answered (user details, lists) or why it could not. */
  readonly trace: readonly string[];
}

/** Everything `createFmeClient` needs; `init` of `@vwo/node` fills it from vwo-fme-node-sdk's options. */
export interface FmeClientConfig {
  /** The init option as given: sent as query `a` and namespace of the visitor ids. */
  readonly accountId: string | number;
  /** The init option `sdkKey`: sent with every request (query `env`/`i`) and as `vwo_fs_environment`. */
  readonly sdkKey: string;
  /** The settings file (given or fetched); an invalid one gives a client on which every call is refused as 1.35.0's. */
  readonly settings: unknown;
  /** Sends every request; without one nothing leaves the process. */
  readonly transport?: Transport | undefined;
  /** Already level-filtered; it must not throw (wrap it with `safeLogger` or `fmeLogger`). */
  readonly logger: Logger;
  /** User storage: decisions are read from it before `getFlag` decides and written after (fme/decision-flow.md §5). */
  readonly storage?: FmeStorageConnector | undefined;
  /** Receives a payload after every decision that reaches the end and every tracked event (fme/decision-flow.md §7). */
  readonly integrations?:
    | {
        /** Called with the payload; a throw or a rejection is logged and otherwise ignored. */
        readonly callback: (payload: FmeIntegrationsPayload) => unknown;
      }
    | undefined;
  /** Queue events and send them in batches (off without it, and with a gateway). */
  readonly batchEventData?: FmeBatchEventData | undefined;
  /**
   * `false`: the batch queue goes out only when it is full or on `flushEvents()`, never on a timer
   * (1.35.0's `edgeConfig`). Default `true`.
   */
  readonly batchTimer?: boolean | undefined;
  /**
   * Runs beside every `flushEvents()` that sends the batch queue, which then also waits for it; a
   * rejection is logged (1.35.0's `edgeConfig` refreshes the settings cache there).
   */
  readonly onFlushEvents?: (() => Promise<unknown>) | undefined;
  /** How failed event requests are retried; an invalid one is logged and the defaults are used. */
  readonly retryConfig?: FmeRetryConfig | undefined;
  /** Each API call resolves once its events have had their attempt (no retries). */
  readonly shouldWaitForTrackingCalls?: boolean | undefined;
  /** Every transport call and storage read is bounded by this many ms (default 10,000). */
  readonly requestTimeout?: number | undefined;
  /** How long `close()` waits for pending events (ms, default 2000). */
  readonly closeTimeout?: number | undefined;
  /** Fetches the settings file from `/server-side/v2-settings` (`settings`) or `/server-side/v2-pull` (`pull`). */
  readonly fetchSettings?: ((endpoint: 'settings' | 'pull') => Promise<unknown>) | undefined;
  /**
   * Count any 2xx as delivered and retry no 4xx but 408/429 (the shared delivery's rule), instead
   * of 1.35.0's (only 200 delivered, 400 refused, all else retried): for a transport whose answers
   * are not the server's, such as a beacon's `202` once queued.
   */
  readonly anySuccessDelivers?: boolean | undefined;
  /**
   * Replaces `fetchSettings` (polling, `updateSettings`): a fetch with 1.35.0's retries whose
   * outcome carries the `vwo_sdkDebug` event 1.35.0 sends after a fetch that needed a retry or failed.
   */
  readonly fetchSettingsReported?:
    | ((endpoint: 'settings' | 'pull', apiName: FmeSettingsApi) => Promise<FmeSettingsFetchOutcome>)
    | undefined;
  /**
   * Ms between settings fetches (≥ 1000; else reported as 1.35.0 does and the settings'
   * `pollInterval`, else 600000, is used). Fetched settings are applied when they changed and are valid.
   */
  readonly pollInterval?: number | undefined;
  /** `false`: no polling (default on when `fetchSettings` is given, as 1.35.0). */
  readonly polling?: boolean | undefined;
  /** Send `vwo_fmeSdkInit` (when the settings are valid) and, when the settings ask for it, `vwo_sdkUsageStats`. */
  readonly startEvents?:
    | {
        /** How long fetching the settings took (ms; 0 when they were given), reported in `vwo_fmeSdkInit`. */
        readonly settingsFetchTime: number;
        /** `Date.now()` when `init` started. */
        readonly initStartedAt: number;
        /** The statistics sent in `vwo_sdkUsageStats` (fme/events.md §7). */
        readonly usageStats: Readonly<Record<string, unknown>>;
        /** `false` when the settings came from a storage cache: 1.35.0 sends no init event then. */
        readonly sendInitEvent?: boolean;
        /** The debug event of the settings fetch at `init` ({@link FmeSettingsFetchOutcome.debugMeta}), sent first. */
        readonly settingsFetchDebug?: Readonly<Record<string, unknown>> | undefined;
        /** The fetch at `init` failed: 1.35.0 then starts without settings and reports no invalid schema. */
        readonly settingsFetchFailed?: boolean | undefined;
      }
    | undefined;
  /**
   * A VWO Gateway Service: settings, user events and the init event go to it; location and
   * user-agent segments get the user's details from it, `inlist(…)` segments ask it about lists.
   * Debug and usage events still go to VWO; batching is off (as 1.35.0).
   */
  readonly gateway?: FmeGateway | undefined;
  /**
   * Without a gateway: the origin the gateway's lookups (user details, lists, aliases) go to.
   * 1.35.0's browser build counts every client as gateway-backed and asks VWO's host (or its
   * proxy); such a client also ignores `batchEventData`, as that build. Settings and events are
   * unaffected.
   */
  readonly lookupOrigin?: string | undefined;
  /** Before every call, ask the gateway which user an id is an alias of (1.35.0's `isAliasingEnabled`). */
  readonly isAliasingEnabled?: boolean | undefined;
  /** The SDK every request names (`sn`, `sv`, `vwo_sdkName`, `vwoMeta.sn`): default `FME_NODE_SDK`, the Node build's; `@vwo/browser` passes `FME_BROWSER_SDK`. */
  readonly sdk?: FmeSdkIdentity | undefined;
  /**
   * Without a gateway: the host events are addressed to and name in their `url` query instead of
   * VWO's (no collection prefix then). 1.35.0's browser build names its `proxyUrl`'s host there.
   */
  readonly eventHostname?: string | undefined;
  /** Called once by `close()`. */
  readonly onClose?: (() => void) | undefined;
  /**
   * Keeps every unsent event request where it outlives the page (the browser facade's
   * `localStorage` outbox): saved before it is sent, removed once delivered or refused for good;
   * what an earlier run left is resent at creation. Debug events are not kept. Default none.
   */
  readonly eventOutbox?: EventOutbox | undefined;
}

/** Where a VWO Gateway Service listens. */
export interface FmeGateway {
  /** The URL scheme the gateway is reached with. */
  readonly scheme: 'http' | 'https';
  /** The gateway's host name. */
  readonly hostname: string;
  /** The gateway's port; the scheme's default when absent. */
  readonly port?: number | undefined;
}

/** vwo-fme-node-sdk 1.35.0's client; nothing rejects. */
export interface FmeClient {
  /**
   * The parsed settings the client decides with now (`undefined` while they are invalid); a
   * new object whenever new settings are applied (polling, `updateSettings`), so a reference
   * comparison tells a change. Not in 1.35.0: for tools over the client (OpenFeature providers).
   */
  readonly settings: FmeSettings | undefined;
  /** Decides the flag `featureKey` for the user (fme/decision-flow.md §2–§7); a disabled flag on any failure. */
  getFlag(featureKey: string, context: FmeUserContext): Promise<FmeFlag>;
  /**
   * Sends the event `eventName` with `eventProperties` when some feature has a metric with that
   * identifier: `{ [eventName]: true }`, else `{ [eventName]: false }`.
   */
  trackEvent(eventName: string, context: FmeUserContext, eventProperties?: Record<string, unknown>): Promise<Record<string, boolean>>;
  /** Sends the user attribute `key` = `value` (a `vwo_syncVisitorProp` event); invalid input is logged. */
  setAttribute(key: string, value: boolean | string | number, context: FmeUserContext): Promise<void>;
  /** Sends all `attributes` at once (one `vwo_syncVisitorProp` event); invalid input is logged. */
  setAttribute(attributes: Record<string, boolean | string | number>, context: FmeUserContext): Promise<void>;
  /** Applies `settings` (validated), or fetches them (`/server-side/v2-pull` when `isViaWebhook`). */
  updateSettings(settings?: Record<string, unknown>, isViaWebhook?: boolean): Promise<void>;
  /** Sends the batch queue; resolves after one attempt at most. */
  flushEvents(): Promise<FmeFlushResult>;
  /** Tells the gateway that `aliasId` names this user (needs `isAliasingEnabled` and a gateway): whether it was stored. */
  setAlias(contextOrUserId: FmeUserContext | string, aliasId: string): Promise<boolean>;
  /**
   * Why `getFlag` would answer what it answers, without sending events, storing or calling back.
   * With a gateway it asks the gateway as `getFlag` does; the trace opens with its answers.
   */
  explain(featureKey: string, context: FmeUserContext): Promise<FmeExplanation>;
  /**
   * Stops polling and the batch timer, lets calls still waiting on storage, a gateway or an alias
   * send their events (up to `closeTimeout`), sends what is queued and waits up to `closeTimeout`
   * for it. Idempotent.
   */
  close(): Promise<void>;
}
