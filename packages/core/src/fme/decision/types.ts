import type { FmeSegmentMessage } from '../segments/evaluate.js';
import type { FmeJson, FmeVariable } from '../settings/model.js';

/** The context of one `getFlag` call (api.md §5), after aliasing. */
export interface FmeContext {
  /** The user id; must be truthy (a number is accepted and stringified). */
  readonly id: string | number;
  readonly userAgent?: string | undefined;
  readonly ipAddress?: string | undefined;
  readonly customVariables?: Readonly<Record<string, unknown>> | undefined;
  readonly variationTargetingVariables?: Readonly<Record<string, unknown>> | undefined;
  /** Gateway data (location and parsed user agent), given by the caller or fetched by the client. */
  readonly _vwo?: { readonly location?: unknown; readonly userAgent?: unknown } | undefined;
}

/**
 * A user-storage record (decision-flow.md §5): always these 8 keys in this order, the
 * undecided ones `undefined`. Stored under the feature key or `_vwo_meta_meg_<groupId>`.
 */
export interface FmeStorageRecord {
  readonly featureKey: string;
  /** `context.id` as given: 1.35.0 stores a numeric id as a number (everywhere else it is stringified). */
  readonly userId: string | number;
  readonly rolloutId: unknown;
  readonly rolloutKey: unknown;
  readonly rolloutVariationId: unknown;
  readonly experimentId: unknown;
  readonly experimentKey: unknown;
  readonly experimentVariationId: unknown;
}

/**
 * Reads what the storage connector holds for `(key, userId)`; the client fetches every key a
 * decision may read beforehand ({@link fmeStorageKeysFor}) so that the decision stays synchronous.
 * Returns `undefined`/`null` for no data.
 */
export type FmeStorageLookup = (key: string) => unknown;

/** One `vwo_variationShown` impression, in sending order. */
export interface FmeImpression {
  readonly campaignId: FmeJson | undefined;
  readonly variationId: FmeJson | undefined;
  /** Why it is sent. */
  readonly kind: 'rollout' | 'whitelisted' | 'experiment' | 'impact';
  /**
   * The call's custom variables when the impression was made (with the `_vwoUserId` of the
   * rule evaluated last): what `postSegmentationVariables` copies into the visitor props.
   */
  readonly customVariables: Readonly<Record<string, unknown>>;
}

/** A rule that decided part of the flag. */
export interface FmeRuleOutcome {
  readonly campaignId: unknown;
  readonly campaignKey: unknown;
  readonly variationId: unknown;
  /** `stored`: served from the user's storage record; `whitelisted`: forced by variation targeting. */
  readonly source: 'evaluated' | 'stored' | 'whitelisted';
}

/** Why the flag is what it is. */
export type FmeFlagOutcome =
  /** Rules were evaluated (the flag may still be disabled). */
  | 'evaluated'
  /** A stored experiment variation was served; nothing else happens (trap 9). */
  | 'stored-experiment'
  /** No feature has this key. */
  | 'feature-not-found'
  /** The feature key or the context is not usable (decision-flow.md §1). */
  | 'invalid-input'
  /** Evaluation failed where 1.35.0 fails (trap 17): a disabled flag, events sent so far kept. */
  | 'error';

export interface FmeFlagDecision {
  readonly enabled: boolean;
  /** The served variation's variables, never merged with the rollout's, never cast. */
  readonly variables: readonly FmeVariable[];
  readonly outcome: FmeFlagOutcome;
  readonly rollout: FmeRuleOutcome | undefined;
  readonly experiment: FmeRuleOutcome | undefined;
  /** Impressions to send, in order (no de-duplication across calls: trap 13). */
  readonly impressions: readonly FmeImpression[];
  /** Records to write (MEG records first, then the feature's record), already filtered by 1.35.0's refusal rules. */
  readonly storageWrites: readonly FmeStorageRecord[];
  /**
   * The errors 1.35.0's segment evaluator logs (and reports to VWO as `vwo_sdkDebug` events) on
   * the way, each placed before the impression it preceded.
   */
  readonly errorLogs: readonly FmeErrorLog[];
  /** The integrations callback payload, when the call reaches the end (decision-flow.md §7). */
  readonly integrations: Readonly<Record<string, unknown>> | undefined;
  /**
   * The content of the `vwo_sdkDebug` "decision" event, when the feature has
   * `isDebuggerEnabled` (events.md §6): `msg`, then `rId`, `rvId`, `eId`, `evId` when truthy.
   */
  readonly debugEvent: FmeDebugDecision | undefined;
  /** The failure, when `outcome` is `error`. */
  readonly error: string | undefined;
  /** Steps taken, when asked for with `{ trace: true }`. */
  readonly trace: readonly string[] | undefined;
}

/** An error 1.35.0 logs during a decision: its template key, and how many impressions were made before it. */
export interface FmeErrorLog {
  readonly messageKey: FmeSegmentMessage;
  readonly beforeImpression: number;
}

/** The decision-specific properties of a `vwo_sdkDebug` "decision" event. */
export interface FmeDebugDecision {
  readonly msg: string;
  readonly rId?: unknown;
  readonly rvId?: unknown;
  readonly eId?: unknown;
  readonly evId?: unknown;
}

export interface FmeDecideOptions {
  /**
   * The gateway's `check-attribute` answers for `inlist(…)` nodes; absent when no gateway is
   * configured (those nodes are then false).
   */
  readonly attributeList?: ((listId: string, attribute: string | null) => unknown) | undefined;
  /** Record the steps taken in `trace`. */
  readonly trace?: boolean | undefined;
}
