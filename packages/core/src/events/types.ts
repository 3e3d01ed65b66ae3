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
  readonly method: 'GET' | 'POST';
  readonly url: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** The settings fields the event builders read. */
export type EventSettings = Pick<Settings, 'accountId' | 'sdkKey' | 'isEventArchEnabled' | 'collectionPrefix'>;

/** Everything a builder needs besides the event itself; one per client, reused for every event. */
export interface EventContext {
  readonly settings: EventSettings;
  /** Base URL without a trailing path, default {@link DEFAULT_COLLECTOR_URL}. */
  readonly collectorUrl?: string;
  /** Sent on impressions and batches; default none. */
  readonly usageStats?: UsageStats;
  /** Default {@link SDK_NAME}. */
  readonly sdkName?: string;
  /** Default {@link SDK_VERSION}. */
  readonly sdkVersion?: string;
  /** The visitor UUID of a user for `settings.accountId`; default {@link visitorUuid} (a client passes a cached one). */
  readonly visitorUuid?: (userId: string) => string;
  /** Current time in milliseconds (`Date.now`); injected so tests are deterministic. */
  readonly now: () => number;
  /** A number in [0, 1) (`Math.random`), sent as `random`. */
  readonly random: () => number;
}

/** User agent and IP address of the visitor, as the API options give them. */
export interface VisitorOptions {
  readonly userAgent?: string;
  readonly userIpAddress?: string;
}

interface RecordBase {
  /** The visitor UUID (§9). */
  readonly visitorUuid: string;
  /** When the event happened, in ms; `sId` is `ceil(time / 1000)`. */
  readonly time: number;
}

/** A visitor was shown a variation: GET track-user, batch `eT: 1`, or `vwo_variationShown`. */
export interface ImpressionRecord extends RecordBase {
  readonly type: 'impression';
  readonly campaignId: number | string;
  readonly variationId: unknown;
  readonly userAgent: string;
  readonly userIpAddress: string;
}

/** A conversion in one campaign: GET track-goal or batch `eT: 2`. */
export interface GoalRecord extends RecordBase {
  readonly type: 'goal';
  readonly campaignId: number | string;
  readonly variationId: unknown;
  readonly goalId: unknown;
  /** Whether `r` is sent; the value keeps its JSON type in batches. */
  readonly hasRevenue: boolean;
  readonly revenue: unknown;
  readonly userAgent: string;
  readonly userIpAddress: string;
}

/** One custom dimension: GET push or batch `eT: 3`. */
export interface PushRecord extends RecordBase {
  readonly type: 'push';
  readonly key: string;
  /** The value as 1.73.0 sends it: strings as is, anything else JSON-stringified (`undefined` stays `undefined`). */
  readonly value: string | undefined;
}

/** The records a GET or a batch POST carries. */
export type EventRecord = ImpressionRecord | GoalRecord | PushRecord;

/** One campaign converted by an event-architecture `track` call. */
export interface ConvertedCampaign {
  readonly campaignId: number | string;
  readonly goalId: unknown;
}

/** Every conversion of one `track` call in event-architecture mode: one POST `/events/t`. */
export interface ConversionRecord extends RecordBase {
  readonly type: 'conversion';
  readonly goalIdentifier: string;
  readonly campaigns: readonly ConvertedCampaign[];
  readonly revenueValue: unknown;
  readonly revenueProps: readonly unknown[];
  readonly eventProperties: Readonly<Record<string, unknown>> | undefined;
  readonly userAgent: string;
  readonly userIpAddress: string;
}

/** Custom dimensions of one `push` call in event-architecture mode (`vwo_syncVisitorProp`). */
export interface VisitorPropsRecord extends RecordBase {
  readonly type: 'visitorProps';
  /** Dimension keys and values in call order; values as in {@link PushRecord.value}. */
  readonly props: ReadonlyArray<readonly [string, string | undefined]>;
}

/** The records sent to the event-architecture endpoint. */
export type EventArchRecord = ImpressionRecord | ConversionRecord | VisitorPropsRecord;
