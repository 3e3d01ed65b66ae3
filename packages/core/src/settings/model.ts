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
  /** The variable id as found. */
  readonly id: unknown;
  /** The key `getFeatureVariableValue` looks up. */
  readonly key: unknown;
  /** `'string'`, `'integer'`, `'double'`, `'boolean'` or `'json'`: how the value is cast. */
  readonly type: unknown;
  /** The value as found, before casting. */
  readonly value: unknown;
}

/** A variation with its precomputed bucket range (`start`..`end`, both -1 when unreachable). */
export interface Variation {
  /** Position in the campaign's `variations`. */
  readonly index: number;
  /** The variation id as found (sent as `combination`). */
  readonly id: unknown;
  /** The name as found in the file; only a non-empty string can be answered by an API. */
  readonly name: unknown;
  /** The weight as found in the file (1.73.0 also accepts numeric strings). */
  readonly weight: unknown;
  /** First bucket (1…10000) of the variation's range, or -1. */
  readonly start: number;
  /** Last bucket of the range, inclusive, or -1. */
  readonly end: number;
  /** Whether a feature test turns the feature on in this variation. */
  readonly isFeatureEnabled: boolean;
  /** The variables of a feature test variation. */
  readonly variables: readonly Variable[] | undefined;
  /** Whitelisting predicate; `undefined` when the variation can never be whitelisted. */
  readonly whitelist: SegmentPredicate | undefined;
  /** The variation object as given (JSON copy), for callbacks and `explain`. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** A goal of a campaign. */
export interface Goal {
  /** The goal id as found (sent as `goal_id`). */
  readonly id: unknown;
  /** The identifier `track` is called with. */
  readonly identifier: unknown;
  /** `'CUSTOM_GOAL'` or `'REVENUE_TRACKING'`. */
  readonly type: unknown;
  /** Event-architecture accounts: the event property that carries the revenue. */
  readonly revenueProp: unknown;
  /** `-1` lets `track` convert the goal again for a user who converted it before, and relaxes the revenue check. */
  readonly mca: unknown;
}

/** How the variation bucket of a campaign is seeded (bucketing.md §3). */
export interface VariationSeeding {
  /** String placed before the user id, e.g. `"230_"`, `"230_888888_"` or `""`. */
  readonly prefix: string;
  /** Multiplier of the variation bucket: `10000 / percentTraffic / 100` without new-bucketing flags, else 1 (bucketing.md §3). */
  readonly multiplier: number;
}

/**
 * A mutually exclusive group (MEG) as 1.73.0 reads it. Malformed parts are kept as found,
 * because 1.73.0 fails a decision only when it reaches them (bucketing.md §8).
 */
export interface Group {
  /** The group id exactly as found in `campaignGroups` (a number in well-formed files). */
  readonly id: unknown;
  /** The group name as found. */
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
  /** The group, when `groups` has it. */
  readonly group: Group | undefined;
  /** `campaignGroups` names a group that `groups` lacks: every decision of the campaign fails, as in 1.73.0. */
  readonly broken: boolean;
}

/** A campaign of the model, with everything a decision needs precomputed. */
export interface Campaign {
  /** Position in the settings' `campaigns`. */
  readonly index: number;
  /** The campaign id (sent as `experiment_id`). */
  readonly id: number | string;
  /** The key the APIs are called with. */
  readonly key: string;
  /** `'RUNNING'` for a live campaign; anything else answers `null`. */
  readonly status: string;
  /** A/B test, feature test or feature rollout. */
  readonly type: CampaignType;
  /** The name as found. */
  readonly name: unknown;
  /** Share of users (0–100) that enter the campaign. */
  readonly percentTraffic: number;
  /** `status` is `'RUNNING'`. */
  readonly isRunning: boolean;
  /** Whitelisting (forced variations) is on. */
  readonly isForcedVariationEnabled: boolean;
  /** The bucket seed is prefixed with the campaign id. */
  readonly isBucketingSeedEnabled: boolean;
  /** Segments see the visitor UUID as `user` instead of the user id. */
  readonly isUserListEnabled: boolean;
  /** A multi-armed bandit: without a user storage the APIs answer `null`, as in 1.73.0. */
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
  /** How the variation bucket is seeded. */
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
  /** The VWO account id. */
  readonly accountId: number | string;
  /** The settings version. */
  readonly version: number | string;
  /** The SDK key of the project, when the file has one. */
  readonly sdkKey: string | undefined;
  /** New bucketing: seeds carry the campaign id, and the variation bucket is not rescaled by traffic. */
  readonly isNB: boolean;
  /** New bucketing v2: the variation seed carries the campaign and account ids. */
  readonly isNBv2: boolean;
  /** Events go to the event-architecture endpoint (`/events/t`). */
  readonly isEventArchEnabled: boolean;
  /** A path segment put before event endpoints (data residency), e.g. `eu`. */
  readonly collectionPrefix: string | undefined;
  /** Every campaign in file order. */
  readonly campaigns: readonly Campaign[];
  /** First campaign for each key (1.73.0's lookup: exact, case-sensitive, first match wins). */
  readonly campaignsByKey: ReadonlyMap<string, Campaign>;
  /** Campaigns (settings order) for each goal identifier, for `track` with a global goal. */
  readonly campaignsByGoal: ReadonlyMap<string, readonly Campaign[]>;
  /** The JSON copy of the file the model was built from. */
  readonly raw: Readonly<Record<string, unknown>>;
}
