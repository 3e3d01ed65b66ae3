/**
 * The immutable, indexed model that `parseSettings` builds from a VWO settings file.
 * Every decision reads this model and never re-parses the file.
 */
import type { SegmentPredicate } from '../segments/types.js';

/** A JSON value as found in a settings file (after the JSON round trip 1.73.0 does). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** The campaign types VWO FullStack knows; other strings pass validation and act as "neither". */
export type CampaignType = 'VISUAL_AB' | 'FEATURE_TEST' | 'FEATURE_ROLLOUT' | (string & {});

/** The goal types of a campaign goal. */
export type GoalType = 'CUSTOM_GOAL' | 'REVENUE_TRACKING' | (string & {});

/** A feature variable: campaign `variables` of a rollout, variation `variables` of a feature test. */
export interface Variable {
  readonly id: unknown;
  readonly key: unknown;
  readonly type: unknown;
  readonly value: unknown;
}

/** A variation with its precomputed bucket range (`start`..`end`, both -1 when unreachable). */
export interface Variation {
  readonly index: number;
  readonly id: unknown;
  /** The name as found in the file; only a non-empty string can be answered by an API. */
  readonly name: unknown;
  /** The weight as found in the file (1.73.0 also accepts numeric strings). */
  readonly weight: unknown;
  readonly start: number;
  readonly end: number;
  readonly isFeatureEnabled: boolean;
  readonly variables: readonly Variable[] | undefined;
  /** Whitelisting predicate; `undefined` when the variation can never be whitelisted. */
  readonly whitelist: SegmentPredicate | undefined;
  /** The variation object as given (JSON copy), for callbacks and `explain`. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** A goal of a campaign. */
export interface Goal {
  readonly id: unknown;
  readonly identifier: unknown;
  readonly type: unknown;
  readonly revenueProp: unknown;
  readonly mca: unknown;
}

/** How the variation bucket of a campaign is seeded (bucketing.md §3). */
export interface VariationSeeding {
  /** String placed before the user id, e.g. `"230_"`, `"230_888888_"` or `""`. */
  readonly prefix: string;
  readonly multiplier: number;
}

/**
 * A mutually exclusive group (MEG) as 1.73.0 reads it. Malformed parts are kept as found,
 * because 1.73.0 fails a decision only when it reaches them (bucketing.md §8).
 */
export interface Group {
  /** The group id exactly as found in `campaignGroups` (a number in well-formed files). */
  readonly id: unknown;
  readonly name: unknown;
  /** Member campaigns in group order (unknown ids skipped); `undefined` when `campaigns` is not a list. */
  readonly members: readonly Campaign[] | undefined;
  /** `true` for the random/equal algorithm: `et` absent or the number 1. */
  readonly randomAlgorithm: boolean;
  /** The priority list `p` as found (normally campaign ids). */
  readonly priority: unknown;
  /** The weights `wt` as found (normally `{ campaignId: weight }`). */
  readonly weights: unknown;
}

/**
 * How a campaign belongs to a group: `group` is set when the group exists; `broken` when
 * `campaignGroups` names a group that `groups` lacks, which makes 1.73.0 fail every decision
 * of the campaign.
 */
export interface GroupMembership {
  readonly group: Group | undefined;
  readonly broken: boolean;
}

/** A campaign of the model, with everything a decision needs precomputed. */
export interface Campaign {
  readonly index: number;
  readonly id: number | string;
  readonly key: string;
  readonly status: string;
  readonly type: CampaignType;
  readonly name: unknown;
  readonly percentTraffic: number;
  readonly isRunning: boolean;
  readonly isForcedVariationEnabled: boolean;
  readonly isBucketingSeedEnabled: boolean;
  readonly isUserListEnabled: boolean;
  readonly isMAB: boolean;
  /** Variations in file order with ranges. */
  readonly variations: readonly Variation[];
  /** Variations that carry a whitelisting DSL, in file order; empty when whitelisting is off. */
  readonly whitelistable: readonly Variation[];
  /** The control of a feature test: the first variation whose `id` is the number 1. */
  readonly control: Variation | undefined;
  /** Goals in file order (empty when `goals` is not an array). */
  readonly goals: readonly Goal[];
  /** First goal for each identifier. */
  readonly goalsByIdentifier: ReadonlyMap<string, Goal>;
  /** Rollout variables (campaign level). */
  readonly variables: readonly Variable[] | undefined;
  /** Pre-segmentation predicate; `undefined` when the campaign has no pre-segmentation. */
  readonly segment: SegmentPredicate | undefined;
  /** `"<id>_"` when the seed is prefixed (seed flag or isNB/isNBv2), else `""`. */
  readonly seedPrefix: string;
  readonly variationSeeding: VariationSeeding;
  /** True when traffic and variation hash the same string (the common case): one hash serves both. */
  readonly sharedSeed: boolean;
  /** Set when the campaign belongs to a mutually exclusive group. */
  readonly membership: GroupMembership | undefined;
  /** The campaign object as given (JSON copy, without computed fields). */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** The parsed settings: immutable and indexed. */
export interface Settings {
  readonly accountId: number | string;
  readonly version: number | string;
  readonly sdkKey: string | undefined;
  readonly isNB: boolean;
  readonly isNBv2: boolean;
  readonly isEventArchEnabled: boolean;
  readonly collectionPrefix: string | undefined;
  readonly campaigns: readonly Campaign[];
  /** First campaign for each key (1.73.0's lookup: exact, case-sensitive, first match wins). */
  readonly campaignsByKey: ReadonlyMap<string, Campaign>;
  /** Campaigns (settings order) for each goal identifier, for `track` with a global goal. */
  readonly campaignsByGoal: ReadonlyMap<string, readonly Campaign[]>;
  /** The JSON copy of the file the model was built from. */
  readonly raw: Readonly<Record<string, unknown>>;
}
