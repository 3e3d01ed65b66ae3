/**
 * The client's public contract: the plug-in interfaces (storage, transport, logger) and the
 * API every facade (`@vwo/node`, `@vwo/browser`) exposes.
 */
import type { ApiGateOutcome, CampaignApi } from '../decision/api-rules.js';
import type { DecisionOutcome, DecisionStep, StoredAssignment } from '../decision/types.js';
import type { EventRequest } from '../events/types.js';
import type { UsageStatsInput } from '../events/usage-stats.js';
import type { GoalTypeToTrack } from '../goals/campaigns-for-goal.js';
import type { Settings } from '../settings/model.js';

export type { StoredAssignment } from '../decision/types.js';

/** A value or a promise of it: storages may answer synchronously or not. */
export type Awaitable<T> = T | Promise<T>;

/** Sticky assignments. `get` that throws, rejects or times out counts as "no record". */
export interface UserStorage {
  /** The user's record for the campaign; `undefined` or `null` when there is none. */
  get(userId: string, campaignKey: string): Awaitable<StoredAssignment | null | undefined>;
  /** Stores the record, replacing the user's earlier record for the same campaign. */
  set(record: StoredAssignment): Awaitable<void>;
}

/** The answer to one HTTP request. */
export interface TransportResponse {
  /** The HTTP status code; every status resolves, the client decides what to retry. */
  readonly status: number;
  /** The response text (the settings fetch reads it). */
  readonly body?: string;
  /** Response headers with lower-case names (`retry-after` is honoured on 429 and 503). */
  readonly headers?: Readonly<Record<string, string>>;
  /** The status line's reason phrase, when the platform tells it (`fetch`'s `statusText`; empty over HTTP/2). */
  readonly statusText?: string;
}

/** Sends one HTTP request; the client does batching and retries. Rejects on network errors. */
export interface Transport {
  /** Performs the request and resolves its answer, 4xx and 5xx included; rejects only when no answer came. */
  send(request: EventRequest): Promise<TransportResponse>;
}

/** One request held by an {@link EventOutbox}, with the number of events it carries. */
export interface OutboxEntry {
  /** The request exactly as it is sent, its events' ids included. */
  readonly request: EventRequest;
  /** How many events the request carries (1, or a batch's length). */
  readonly events: number;
}

/**
 * Keeps every request not yet delivered somewhere that outlives the page or the process, so a
 * reload or a crash loses no event: the next client resends what an earlier one left, and the
 * events' ids let the collector drop what was in fact delivered twice. Synchronous, as
 * `localStorage` is; a method that throws is logged once and the event still goes out.
 */
export interface EventOutbox {
  /** What earlier clients left unsent; read once when the client starts, then resent and saved again. */
  restore(): readonly OutboxEntry[];
  /** A request the client is about to send; `key` names it until it is removed. */
  save(key: string, entry: OutboxEntry): void;
  /**
   * The request was delivered, or refused for good (a 4xx other than 408/429). Requests that
   * run out of retries or are still pending at `close()` are not removed: the next start resends them.
   */
  remove(key: string): void;
}

/** Where the SDK writes its log lines. Any `console`-like object fits. */
export interface Logger {
  /** Retries, batches sent and other detail. */
  debug(message: string): void;
  /** Calls answered `null`/`false` for a reason that is not a decision step, opt-out, polling. */
  info(message: string): void;
  /** Something the SDK worked around: an odd settings file, dropped events, a failing storage. */
  warn(message: string): void;
  /** A call that could not be answered, or events that could not be sent. */
  error(message: string): void;
}

/** The least severe level that is written; `silent` writes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Batching of events, as 1.73.0's `batchEvents`. */
export interface BatchEventsConfig {
  /** Send when this many events are queued (1…5000, default 100). */
  readonly eventsPerRequest?: number;
  /** Send queued events after this many **seconds** (default 600). */
  readonly requestTimeInterval?: number;
  /** Called after each batch request: `(null, payload)` on success, `(error, payload)` on final failure. */
  readonly flushCallback?: (error: Error | null, payload: string) => void;
}

/** The properties of one decision, handed to `integrations.callback` (decision-flow.md §14). */
export interface DecisionProperties {
  /** Whether the variation came from the user storage. */
  readonly fromUserStorageService: boolean;
  /** Whether a whitelisting rule (`variationTargetingVariables`) placed the user. */
  readonly isUserWhitelisted: boolean;
  /** For feature campaigns: whether the feature is on for the user. */
  readonly isFeatureEnabled?: boolean;
  /** The variation's name as found in the settings. */
  readonly variationName?: unknown;
  /** The variation's id as found in the settings. */
  readonly variationId?: unknown;
  /** The campaign's id as found in the settings. */
  readonly campaignId: unknown;
  /** The key the API was called with. */
  readonly campaignKey: string;
  /** `'VISUAL_AB'`, `'FEATURE_TEST'` or `'FEATURE_ROLLOUT'`. */
  readonly campaignType: string;
  /** The campaign's name as found in the settings. */
  readonly campaignName: unknown;
  /** The `customVariables` of the call. */
  readonly customVariables: unknown;
  /** Always `CAMPAIGN_DECISION`. */
  readonly event: 'CAMPAIGN_DECISION';
  /** The goal of a `track` call; `undefined` for the other APIs. */
  readonly goalIdentifier: string | undefined;
  /** The campaign's whitelisting flag as found in the settings. */
  readonly isForcedVariationEnabled: unknown;
  /** The SDK version reported to VWO (1.73.0's). */
  readonly sdkVersion: string;
  /** The API that took the decision. */
  readonly source: 'activate' | 'getVariation' | 'track' | 'isFeatureEnabled' | 'getFeatureVariableValue';
  /** The user id of the call. */
  readonly userId: string;
  /** The `variationTargetingVariables` of the call. */
  readonly variationTargetingVariables: unknown;
  /** The id segments see as `user`: the visitor UUID when the campaign has `isUserListEnabled`, else the user id. */
  readonly vwoUserId: string;
  /** The mutually exclusive group of the campaign, if any. */
  readonly groupId?: unknown;
  /** The name of that group. */
  readonly groupName?: unknown;
}

/** Options of the decision and tracking APIs, as in the VWO SDK family. */
export interface ApiOptions {
  /** Variables that pre-segmentation rules test (`plan`, `country`, …). */
  readonly customVariables?: Readonly<Record<string, unknown>>;
  /** Variables that whitelisting rules test, to force a variation. */
  readonly variationTargetingVariables?: Readonly<Record<string, unknown>>;
  /** Fields that override the stored record for this call, as if read from the user storage. */
  readonly userStorageData?: Readonly<Record<string, unknown>>;
  /** Stored with the record when a user storage writes one. */
  readonly metaData?: Readonly<Record<string, unknown>>;
  /** Overrides the launch option for this call: send impressions and conversions again for a returning user. */
  readonly shouldTrackReturningUser?: boolean;
  /** The revenue of a `REVENUE_TRACKING` goal (`track`). */
  readonly revenueValue?: unknown;
  /** Overrides the launch option for this call: which goal types `track` converts. */
  readonly goalTypeToTrack?: GoalTypeToTrack;
  /** Properties of a custom event (event-architecture accounts): sent with the conversion. */
  readonly eventProperties?: Readonly<Record<string, unknown>>;
  /** The visitor's user agent, sent with the events (for VWO's reports). */
  readonly userAgent?: string;
  /** The visitor's IP address, sent with the events (for VWO's reports). */
  readonly userIpAddress?: string;
}

/** Options of `flushEvents` beyond 1.73.0's (which takes none). */
export interface FlushOptions {
  /**
   * Also attempt at once every request waiting for its next retry, instead of after its
   * back-off (the browser facade does this when the page is hidden, its last chance to send).
   */
  readonly retryWaiting?: boolean;
}

/** What `flushEvents` resolves: 1.73.0's `{ status, message }` plus counts. */
export interface FlushResult {
  /** Whether the flush sent everything it tried to. */
  readonly status: boolean;
  /** 1.73.0's message, e.g. `'Batch call sent to VWO'`. */
  readonly message: string;
  /** Events delivered by the attempts this flush waited for. */
  readonly sent: number;
  /** Events given up on (for good) by the attempts this flush waited for. */
  readonly failed: number;
  /** Events still queued, in flight or waiting for a retry afterwards. */
  readonly pending: number;
}

/** Running totals of the event pipeline since the client started. */
export interface EventStats {
  /** Events handed to the pipeline. */
  readonly enqueued: number;
  /** Events delivered (the collector answered 2xx). */
  readonly sent: number;
  /** Requests retried after a failure. */
  readonly retried: number;
  /** Events given up on after the last retry. */
  readonly failed: number;
  /** Events dropped because the queue was full or the client closed before they went out. */
  readonly dropped: number;
  /** Events queued or in flight now. */
  readonly pending: number;
}

/**
 * Why an explained call ended as it did: a {@link DecisionOutcome} of the decision, or a rule of
 * the API that stopped the call first (`bandit-without-storage`, `campaign-type-not-served`,
 * `opted-out`).
 */
export type TraceOutcome = DecisionOutcome | ApiGateOutcome | 'opted-out';

/**
 * The trace `explain` returns: the steps of one API call for one user, without side effects.
 * It applies the same rules as the call, so `answer` is always what the call would answer now.
 */
export interface DecisionTrace {
  /** The campaign key of the call. */
  readonly campaignKey: string;
  /** The user id of the call. */
  readonly userId: string;
  /** The API explained (by default the campaign's own: `activate` for `VISUAL_AB`, else `isFeatureEnabled`). */
  readonly api: CampaignApi;
  /** The variable explained, for `getFeatureVariableValue`. */
  readonly variableKey?: string;
  /** What the call answers: a variation name, `isFeatureEnabled`'s boolean, a variable's value; `null` for none. */
  readonly answer: string | boolean | FeatureVariableValue;
  /**
   * The variation the call decided for the user, or `null`: none, or a rule of the API stopped
   * the call before deciding (then `outcome` names the rule). `activate` and `getVariationName`
   * answer it; `isFeatureEnabled` and `getFeatureVariableValue` read it.
   */
  readonly variationName: string | null;
  /** Why the call ended as it did: `'bucketed'`, `'not-in-traffic'`, `'bandit-without-storage'`, … */
  readonly outcome: TraceOutcome;
  /**
   * Every step taken, in order, with its inputs; the API's own rules (`api`, `feature`,
   * `variable`) included wherever the answer is not simply the variation's name.
   */
  readonly steps: readonly DecisionStep[];
}

/** The options of `explain`: those of the call explained, plus which call. */
export interface ExplainOptions extends ApiOptions {
  /** The API to explain; default: `activate` for a `VISUAL_AB` campaign (or an unknown key), else `isFeatureEnabled`. */
  readonly api?: CampaignApi;
  /** The variable, required with `api: 'getFeatureVariableValue'`. */
  readonly variableKey?: string;
}

/** Retry schedule of failed sends: 1.73.0's 1, 2, 4, 8, 16 s, with jitter added. */
export interface RetryConfig {
  /** Retries after the first attempt (default 5). */
  readonly retries?: number;
  /** The first wait in ms (default 1000); each next wait doubles. */
  readonly baseDelayMs?: number;
  /** Up to this fraction of each wait is added at random (default 0.2). */
  readonly jitter?: number;
}

/** Everything `createClient` needs; the facades fill most of it with platform defaults. */
export interface ClientConfig {
  /** The parsed settings (`parseSettings(...).settings`). */
  readonly settings: Settings;
  /** Sticky assignments; none by default, as in vwo-node-sdk (storage changes what some APIs answer). */
  readonly userStorage?: UserStorage | null;
  /** A storage call slower than this (ms) counts as a miss (default 1000). */
  readonly storageTimeout?: number;
  /** Sends events; required unless `isDevelopmentMode`. */
  readonly transport?: Transport;
  /** Where log lines go (default `console`); a logger that throws never breaks a call. */
  readonly logger?: Logger;
  /** Default `error`. */
  readonly logLevel?: LogLevel;
  /** Queue events and send them in batches, as vwo-node-sdk; by default each event is one request. */
  readonly batchEvents?: BatchEventsConfig;
  /** Which goal types `track` converts (default `'ALL'`). */
  readonly goalTypeToTrack?: GoalTypeToTrack;
  /** Send impressions and conversions again for a returning user (default `false`; needs a user storage to know one). */
  readonly shouldTrackReturningUser?: boolean;
  /** Decide, but send nothing. */
  readonly isDevelopmentMode?: boolean;
  /** Receives the properties of every decision (for analytics or a data warehouse). */
  readonly integrations?: {
    /** Called once per decision that was whitelisted, stored or freshly allocated; a callback that throws is logged and ignored. */
    readonly callback: (properties: DecisionProperties) => void;
  };
  /** Base URL of event endpoints (default VWO's; the settings' `collectionPrefix` is added). */
  readonly collectorUrl?: string;
  /** Events held at most (queued, in flight or awaiting a retry); more are dropped and counted (default 10,000). */
  readonly maxPendingEvents?: number;
  /** How failed sends are retried (default 5 retries after 1, 2, 4, 8, 16 s, with jitter). */
  readonly retry?: RetryConfig;
  /** How long `close()` waits for pending events (ms, default 2000). */
  readonly closeTimeout?: number;
  /**
   * Bounds every transport call (ms, default 10,000, the time-out of `@vwo/transport-fetch`): events,
   * settings fetches and `getAndUpdateSettingsFile`, whatever the transport, yours included. A call
   * with no answer by then is a failed attempt (retried on the usual schedule), and its late answer
   * is ignored.
   */
  readonly requestTimeout?: number;
  /** Fetches a fresh settings file for `getAndUpdateSettingsFile` (the facade's settings source). */
  readonly fetchSettings?: (accountId: string | number, sdkKey: string | undefined) => Promise<unknown>;
  /** Called once when `close()` or `setOptOut()` runs: the facade stops its polling there. */
  readonly onClose?: () => void;
  /** Launch options given, for the usage statistics 1.73.0 sends. */
  readonly usage?: UsageStatsInput;
  /**
   * Name every event with an id (`eid`: the last GET or event-architecture query parameter, the
   * last field of each batch event) that stays the same across its resends, so that a collector
   * which reads it can drop the duplicates at-least-once delivery makes.
   *
   * Default `false`: requests are exactly vwo-node-sdk 1.73.0's, parameter order and encoding
   * included. VWO's own endpoints do not deduplicate by `eid`, and whether they accept the
   * extra field could not be verified; an endpoint that refused it with a 4xx (not retried)
   * would lose every event. Turn it on only when your own collector or proxy deduplicates by it.
   * Without it, an event resent after a lost answer (a retry, a restored outbox) can be counted
   * twice by whatever receives it.
   */
  readonly eventIds?: boolean;
  /** Keeps unsent requests where they outlive the page or process (the browser facade's `localStorage` outbox); default none. */
  readonly eventOutbox?: EventOutbox;
  /** Clock and randomness (tests make them deterministic). */
  readonly now?: () => number;
  /** A number in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
}

/** A feature variable's value after casting by its type. */
export type FeatureVariableValue = string | number | boolean | Record<string, unknown> | null;

/**
 * The SDK instance. Method names and argument order match vwo-node-sdk, every method returns a
 * promise, and none throws or rejects: bad input gets one log line and `null`/`false`.
 */
export interface VWOClient {
  /** The variation for a `VISUAL_AB` campaign; sends an impression once per user (unless `shouldTrackReturningUser`). */
  activate(campaignKey: string, userId: string, options?: ApiOptions): Promise<string | null>;
  /** The variation of any campaign but a rollout, without sending anything. */
  getVariationName(campaignKey: string, userId: string, options?: ApiOptions): Promise<string | null>;
  /** Converts a goal: for one campaign key, several, or (`null`) every campaign with the goal. */
  track(
    campaignSpecifier: string | readonly string[] | null | undefined,
    userId: string,
    goalIdentifier: string,
    options?: ApiOptions,
  ): Promise<Record<string, boolean> | null>;
  /** Whether a feature rollout or feature test is on for the user; sends an impression like `activate`. */
  isFeatureEnabled(campaignKey: string, userId: string, options?: ApiOptions): Promise<boolean>;
  /** A feature variable, cast by its type; `null` when the user is not in the feature. */
  getFeatureVariableValue(campaignKey: string, variableKey: string, userId: string, options?: ApiOptions): Promise<FeatureVariableValue>;
  /** Sends one custom dimension. */
  push(tagKey: string, tagValue: string, userId: string): Promise<Record<string, boolean> | null>;
  /** Sends several custom dimensions. */
  push(customDimensionMap: Readonly<Record<string, unknown>>, userId: string): Promise<Record<string, boolean> | null>;
  /**
   * Sends queued events now and resolves once every request queued or in flight at the call has
   * had one attempt: sent, or failed and left waiting for its retries (counted in `pending`). Never
   * waits out a back-off, and never longer than `requestTimeout`, whatever the transport does. With
   * `retryWaiting`, also attempts at once every request waiting for a retry.
   */
  flushEvents(options?: FlushOptions): Promise<FlushResult>;
  /** Fetches the settings file again and swaps it in; resolves the new file, or `null` if that failed or took longer than `requestTimeout`. */
  getAndUpdateSettingsFile(accountId?: string | number, sdkKey?: string): Promise<unknown>;
  /**
   * Every step of one API call for this user, with what the call answers, without storing or
   * sending anything; `null` for invalid arguments. After `setOptOut()` it still explains (the
   * `opted-out` outcome), as the calls then answer `null`/`false`.
   */
  explain(campaignKey: string, userId: string, options?: ExplainOptions): Promise<DecisionTrace | null>;
  /** Stops everything for good: later calls return `null`/`false` and send nothing. */
  setOptOut(): Promise<boolean>;
  /**
   * Stops timers, lets calls still waiting on the user storage send their events (up to
   * `closeTimeout`), then flushes pending events (within `closeTimeout`); idempotent.
   */
  close(): Promise<void>;
  /** Swaps in new settings at once: a call in flight keeps the settings it started with. */
  updateSettings(settings: Settings): void;
  /** The settings every new call uses. */
  readonly settings: Settings;
  /** Totals of the event pipeline. */
  eventStats(): EventStats;
}
