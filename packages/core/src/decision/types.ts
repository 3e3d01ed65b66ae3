import type { Campaign, Variation } from '../settings/model.js';

/**
 * What a user storage keeps for one user and campaign: the record shape of the VWO SDK family.
 * `goalIdentifier` holds the goals already tracked, joined with `_vwo_`.
 */
export interface StoredAssignment {
  /** The user id of the API call. */
  userId: string;
  /** The campaign key. */
  campaignKey: string;
  /** The variation the user was given. */
  variationName: string;
  /** Goals already converted by the user in this campaign, joined with `_vwo_`. */
  goalIdentifier?: string;
  /** The `metaData` option of the call that stored the record. */
  metaData?: Record<string, unknown>;
}

/**
 * What a configured user storage holds for this user, read before deciding (the client reads
 * it asynchronously and hands it in, so `decide` stays pure and synchronous).
 */
export interface StorageSnapshot {
  /** The record the storage returned for the called campaign, as returned (it may be garbage). */
  readonly record?: unknown;
  /** The records of the other members of the campaign's mutually exclusive group, by campaign key. */
  readonly groupRecord?: (campaignKey: string) => unknown;
  /** The `userStorageData` option: its fields override the stored ones, as in 1.73.0. */
  readonly userStorageData?: Readonly<Record<string, unknown>>;
}

/** Inputs of one decision besides the campaign and the user. */
export interface DecideOptions {
  /** Variables for pre-segmentation (`customVariables`). */
  readonly customVariables?: Readonly<Record<string, unknown>>;
  /** Variables for whitelisting (`variationTargetingVariables`). */
  readonly variationTargetingVariables?: Readonly<Record<string, unknown>>;
  /**
   * `true` (default) for the APIs that bucket a user without a stored record (`activate`,
   * `isFeatureEnabled`); `false` for `getVariationName`, `getFeatureVariableValue` and `track`,
   * which, with a storage configured, answer only for users with a stored record.
   */
  readonly isTrackUser?: boolean;
  /** Present exactly when a user storage is configured. */
  readonly storage?: StorageSnapshot;
  /** Record every step with its inputs and outcome in `Decision.steps` (for `explain`). */
  readonly trace?: boolean;
  /** The visitor UUID, when the caller already has it (saves computing it for `isUserListEnabled`). */
  readonly visitorUuid?: string;
}

/** Why a decision ended the way it did. */
export type DecisionOutcome =
  | 'campaign-not-found'
  | 'campaign-not-running'
  | 'whitelisted'
  | 'stored'
  | 'not-stored'
  | 'segment-failed'
  | 'not-in-traffic'
  | 'group-empty'
  | 'group-taken'
  | 'group-lost'
  | 'bucketed'
  | 'no-variation-in-range'
  | 'error';

/** One step of a decision, recorded when `trace` is on. */
export interface DecisionStep {
  /**
   * Which step of the decision. `api`, `feature` and `variable` are the explained API's own rules
   * (`explain` only): a check that stops the call before deciding (a bandit without storage, the
   * campaign type, opt-out), what `isFeatureEnabled` reads from the variation, which variable
   * `getFeatureVariableValue` reads and how it is cast.
   */
  readonly step:
    | 'campaign'
    | 'whitelisting'
    | 'storage'
    | 'pre-segmentation'
    | 'traffic'
    | 'group'
    | 'variation'
    | 'api'
    | 'feature'
    | 'variable';
  /** Whether the user got past it (`false` ends the decision, except for skipped optional steps). */
  readonly passed: boolean;
  /** What happened, in words: `traffic bucket 76 is above percentTraffic 70`. */
  readonly detail: string;
  /** The numbers behind it: bucket, seed, multiplier, ranges. */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The result of {@link decide}. */
export interface Decision {
  /** Why the decision ended the way it did. */
  readonly outcome: DecisionOutcome;
  /** The variation the user is in (it may lack a name in a malformed file). */
  readonly variation: Variation | undefined;
  /** What the APIs answer: the variation's name, or `null`. */
  readonly variationName: string | null;
  /**
   * The campaign the variation belongs to. It is the called campaign, except in one 1.73.0
   * quirk: a group that does not list the called campaign but leaves one eligible member.
   */
  readonly campaign: Campaign | undefined;
  /** Set for a stored decision: the goals already tracked for this user and campaign. */
  readonly storedGoalIdentifier?: unknown;
  /** Whether 1.73.0 would call the integrations callback for this decision. */
  readonly notifies: boolean;
  /** Whether the client must write the assignment to its storage (a fresh, named allocation). */
  readonly store: boolean;
  /** Set when `outcome` is `'error'`: what 1.73.0 trips over (the API then answers null/false). */
  readonly error?: string;
  /** Every step, with inputs and outcomes; only when `trace` was requested. */
  readonly steps?: readonly DecisionStep[];
}
