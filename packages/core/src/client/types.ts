/**
 * The client's public contract: the plug-in interfaces (storage, transport, logger) and the
 * API every facade (`@vwo/node`, `@vwo/browser`) exposes.
 */
import type { DecisionStep, StoredAssignment } from '../decision/types.js';
import type { EventRequest } from '../events/types.js';
import type { UsageStatsInput } from '../events/usage-stats.js';
import type { GoalTypeToTrack } from '../goals/campaigns-for-goal.js';
import type { Settings } from '../settings/model.js';

export type { StoredAssignment } from '../decision/types.js';

/** A value or a promise of it: storages may answer synchronously or not. */
export type Awaitable<T> = T | Promise<T>;

/** Sticky assignments. `get` that throws, rejects or times out counts as "no record". */
export interface UserStorage {
  get(userId: string, campaignKey: string): Awaitable<StoredAssignment | null | undefined>;
  set(record: StoredAssignment): Awaitable<void>;
}

/** The answer to one HTTP request. */
export interface TransportResponse {
  readonly status: number;
  /** The response text (the settings fetch reads it). */
  readonly body?: string;
  /** Response headers with lower-case names (`retry-after` is honoured on 429 and 503). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Sends one HTTP request; the client does batching and retries. Rejects on network errors. */
export interface Transport {
  send(request: EventRequest): Promise<TransportResponse>;
}

/** Where the SDK writes its log lines. Any `console`-like object fits. */
export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
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
  readonly fromUserStorageService: boolean;
  readonly isUserWhitelisted: boolean;
  readonly isFeatureEnabled?: boolean;
  readonly variationName?: unknown;
  readonly variationId?: unknown;
  readonly campaignId: unknown;
  readonly campaignKey: string;
  readonly campaignType: string;
  readonly campaignName: unknown;
  readonly customVariables: unknown;
  readonly event: 'CAMPAIGN_DECISION';
  readonly goalIdentifier: string | undefined;
  readonly isForcedVariationEnabled: unknown;
  readonly sdkVersion: string;
  readonly source: 'activate' | 'getVariation' | 'track' | 'isFeatureEnabled' | 'getFeatureVariableValue';
  readonly userId: string;
  readonly variationTargetingVariables: unknown;
  readonly vwoUserId: string;
  readonly groupId?: unknown;
  readonly groupName?: unknown;
}

/** Options of the decision and tracking APIs, as in the VWO SDK family. */
export interface ApiOptions {
  readonly customVariables?: Readonly<Record<string, unknown>>;
  readonly variationTargetingVariables?: Readonly<Record<string, unknown>>;
  readonly userStorageData?: Readonly<Record<string, unknown>>;
  readonly metaData?: Readonly<Record<string, unknown>>;
  readonly shouldTrackReturningUser?: boolean;
  readonly revenueValue?: unknown;
  readonly goalTypeToTrack?: GoalTypeToTrack;
  readonly eventProperties?: Readonly<Record<string, unknown>>;
  readonly userAgent?: string;
  readonly userIpAddress?: string;
}

/** What `flushEvents` resolves: 1.73.0's `{ status, message }` plus counts. */
export interface FlushResult {
  readonly status: boolean;
  readonly message: string;
  /** Events delivered by this flush. */
  readonly sent: number;
  /** Events this flush gave up on. */
  readonly failed: number;
  /** Events still queued or waiting for a retry afterwards. */
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

/** The trace `explain` returns: the steps of one decision, without side effects. */
export interface DecisionTrace {
  readonly campaignKey: string;
  readonly userId: string;
  readonly variationName: string | null;
  readonly outcome: string;
  readonly steps: readonly DecisionStep[];
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
  readonly logger?: Logger;
  /** Default `error`. */
  readonly logLevel?: LogLevel;
  readonly batchEvents?: BatchEventsConfig;
  readonly goalTypeToTrack?: GoalTypeToTrack;
  readonly shouldTrackReturningUser?: boolean;
  /** Decide, but send nothing. */
  readonly isDevelopmentMode?: boolean;
  readonly integrations?: { readonly callback: (properties: DecisionProperties) => void };
  /** Base URL of event endpoints (default VWO's; the settings' `collectionPrefix` is added). */
  readonly collectorUrl?: string;
  /** Events held at most (queued, in flight or awaiting a retry); more are dropped and counted (default 10,000). */
  readonly maxPendingEvents?: number;
  readonly retry?: RetryConfig;
  /** How long `close()` waits for pending events (ms, default 2000). */
  readonly closeTimeout?: number;
  /** Fetches a fresh settings file for `getAndUpdateSettingsFile` (the facade's settings source). */
  readonly fetchSettings?: (accountId: string | number, sdkKey: string | undefined) => Promise<unknown>;
  /** Called once when `close()` or `setOptOut()` runs: the facade stops its polling there. */
  readonly onClose?: () => void;
  /** Launch options given, for the usage statistics 1.73.0 sends. */
  readonly usage?: UsageStatsInput;
  /** Clock and randomness (tests make them deterministic). */
  readonly now?: () => number;
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
  /** Sends queued events now. */
  flushEvents(): Promise<FlushResult>;
  /** Fetches the settings file again and swaps it in; resolves the new file, or `null` if that failed. */
  getAndUpdateSettingsFile(accountId?: string | number, sdkKey?: string): Promise<unknown>;
  /** Every step of the decision for this user, without storing or sending anything. */
  explain(campaignKey: string, userId: string, options?: ApiOptions): Promise<DecisionTrace | null>;
  /** Stops everything for good: later calls return `null`/`false` and send nothing. */
  setOptOut(): Promise<boolean>;
  /** Flushes pending events (within `closeTimeout`), stops timers; idempotent. */
  close(): Promise<void>;
  /** Swaps in new settings at once: a call in flight keeps the settings it started with. */
  updateSettings(settings: Settings): void;
  /** The settings every new call uses. */
  readonly settings: Settings;
  /** Totals of the event pipeline. */
  eventStats(): EventStats;
}
