import type { Settings } from '../settings/model.js';
import type { UsageStats } from './usage-stats.js';

/** The SDK name VWO's servers expect in `sdk` and `vwo_sdkName` (1.73.0's package name). */
export const SDK_NAME = 'vwo-node-sdk';
/** The SDK version VWO's servers expect in `sdk-v` and `vwo_sdkVersion`. */
export const SDK_VERSION = '1.73.0';
/** VWO's collector; the settings' `collectionPrefix` is appended for event endpoints. */
export const DEFAULT_COLLECTOR_URL = 'https://dev.visualwebsiteoptimizer.com';

/** One HTTP request, the argument of `Transport.send` (sdk-design.md). */
export interface EventRequest {
  /** GET for single events and settings, POST for batches and event architecture. */
  readonly method: 'GET' | 'POST';
  /** The complete URL, query string included (it carries the SDK key: do not log it). */
  readonly url: string;
  /** Request headers, e.g. `content-type` of a POST. */
  readonly headers?: Record<string, string>;
  /** The JSON body of a POST. */
  readonly body?: string;
}

/** The settings fields the event builders read. */
export type EventSettings = Pick<Settings, 'accountId' | 'sdkKey' | 'isEventArchEnabled' | 'collectionPrefix'>;

/** Everything a builder needs besides the event itself; one per client, reused for every event. */
export interface EventContext {
  /** The account, SDK key and event mode the events are built for. */
  readonly settings: EventSettings;
  /** Base URL without a trailing path, default {@link DEFAULT_COLLECTOR_URL}. */
  readonly collectorUrl?: string;
  /** Sent on impressions and batches; default none. */
  readonly usageStats?: UsageStats;
  /** Default {@link SDK_NAME}. */
  readonly sdkName?: string;
  /** Default {@link SDK_VERSION}. */
  readonly sdkVersion?: string;
  /**
   * The visitor UUID of a user for `settings.accountId`, which requests carry (`u`, `visId`);
   * default {@link visitorUuid}. A client passes one that remembers its recent users.
   */
  readonly visitorUuid?: (userId: string) => string;
  /** Current time in milliseconds (`Date.now`); injected so tests are deterministic. */
  readonly now: () => number;
  /** A number in [0, 1) (`Math.random`), sent as `random`. */
  readonly random: () => number;
  /** Names each new record (`eid`, see {@link eventIdSource}); without it events carry no id, as in 1.73.0. */
  readonly eventId?: () => string;
}

/** User agent and IP address of the visitor, as the API options give them. */
export interface VisitorOptions {
  /** The visitor's user agent (`visitor_ua`); default empty. */
  readonly userAgent?: string;
  /** The visitor's IP address (`visitor_ip`); default empty. */
  readonly userIpAddress?: string;
}

interface RecordBase {
  /**
   * The user, as the API call named them. A request carries the user's visitor UUID (§9)
   * instead, derived from the context when the request is written: a batch derives the ids
   * of all its events in one pass, where the hashing code stays hot (a batched `activate` +
   * `track` costs ~16 % less than with the id hashed inside each call; apps/bench/README.md).
   */
  readonly userId: string;
  /** When the event happened, in ms; `sId` is `ceil(time / 1000)`. */
  readonly time: number;
  /** The event's id (`eid`), the same in every resend; absent when the context names no events. */
  readonly eventId?: string | undefined;
}

/** A visitor was shown a variation: GET track-user, batch `eT: 1`, or `vwo_variationShown`. */
export interface ImpressionRecord extends RecordBase {
  /** The record kind. */
  readonly type: 'impression';
  /** The campaign id (`experiment_id`). */
  readonly campaignId: number | string;
  /** The variation id (`combination`). */
  readonly variationId: unknown;
  /** The visitor's user agent, or empty. */
  readonly userAgent: string;
  /** The visitor's IP address, or empty. */
  readonly userIpAddress: string;
}

/** A conversion in one campaign: GET track-goal or batch `eT: 2`. */
export interface GoalRecord extends RecordBase {
  /** The record kind. */
  readonly type: 'goal';
  /** The campaign id (`experiment_id`). */
  readonly campaignId: number | string;
  /** The user's variation id (`combination`). */
  readonly variationId: unknown;
  /** The goal id (`goal_id`). */
  readonly goalId: unknown;
  /** Whether `r` is sent; the value keeps its JSON type in batches. */
  readonly hasRevenue: boolean;
  /** The revenue (`r`), when `hasRevenue`. */
  readonly revenue: unknown;
  /** The visitor's user agent, or empty. */
  readonly userAgent: string;
  /** The visitor's IP address, or empty. */
  readonly userIpAddress: string;
}

/** One custom dimension: GET push or batch `eT: 3`. */
export interface PushRecord extends RecordBase {
  /** The record kind. */
  readonly type: 'push';
  /** The custom dimension key. */
  readonly key: string;
  /** The value as 1.73.0 sends it: strings as is, anything else JSON-stringified (`undefined` stays `undefined`). */
  readonly value: string | undefined;
}

/** The records a GET or a batch POST carries. */
export type EventRecord = ImpressionRecord | GoalRecord | PushRecord;

/** One campaign converted by an event-architecture `track` call. */
export interface ConvertedCampaign {
  /** The campaign id. */
  readonly campaignId: number | string;
  /** The id of the goal in that campaign. */
  readonly goalId: unknown;
}

/** Every conversion of one `track` call in event-architecture mode: one POST `/events/t`. */
export interface ConversionRecord extends RecordBase {
  /** The record kind. */
  readonly type: 'conversion';
  /** The goal identifier of the `track` call (the event name). */
  readonly goalIdentifier: string;
  /** The campaigns converted, with their goal ids. */
  readonly campaigns: readonly ConvertedCampaign[];
  /** The `revenueValue` of the call. */
  readonly revenueValue: unknown;
  /** The `revenueProp`s of the revenue goals converted: each carries `revenueValue` in `vwoMeta`. */
  readonly revenueProps: readonly unknown[];
  /** The `eventProperties` of the call, copied into the event. */
  readonly eventProperties: Readonly<Record<string, unknown>> | undefined;
  /** The visitor's user agent, or empty. */
  readonly userAgent: string;
  /** The visitor's IP address, or empty. */
  readonly userIpAddress: string;
}

/** Custom dimensions of one `push` call in event-architecture mode (`vwo_syncVisitorProp`). */
export interface VisitorPropsRecord extends RecordBase {
  /** The record kind. */
  readonly type: 'visitorProps';
  /** Dimension keys and values in call order; values as in {@link PushRecord.value}. */
  readonly props: ReadonlyArray<readonly [string, string | undefined]>;
}

/** The records sent to the event-architecture endpoint. */
export type EventArchRecord = ImpressionRecord | ConversionRecord | VisitorPropsRecord;
