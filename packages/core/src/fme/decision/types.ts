import type { FmeSegmentMessage } from '../segments/evaluate.js';
import type { FmeJson, FmeVariable } from '../settings/model.js';

/** The context of one `getFlag` call (api.md §5), after aliasing. */
export interface FmeContext {
  /** The user id; must be truthy (a number is accepted and stringified). */
  readonly id: string | number;
  /** The user's user agent, for user-agent segments. */
  readonly userAgent?: string | undefined;
  /** The user's IP address, for location and IP segments. */
  readonly ipAddress?: string | undefined;
  /** Pre-segmentation variables (`_vwoUserId` is added per rule). */
  readonly customVariables?: Readonly<Record<string, unknown>> | undefined;
  /** Whitelisting variables of A/B rules (`_vwoUserId` is added per rule). */
  readonly variationTargetingVariables?: Readonly<Record<string, unknown>> | undefined;
  /** Gateway data (location and parsed user agent), given by the caller or fetched by the client. */
  readonly _vwo?:
    | {
        /** The user's location (`country`, `region`, `city`…), for location segments. */
        readonly location?: unknown;
        /** The parsed user agent (`os`, `browser_string`, `device_type`…), for user-agent segments. */
        readonly userAgent?: unknown;
      }
    | undefined;
}

/**
 * A user-storage record (decision-flow.md §5): always these 8 keys in this order, the
 * undecided ones `undefined`. Stored under the feature key or `_vwo_meta_meg_<groupId>`.
 */
export interface FmeStorageRecord {
  /** The key it is stored under: the feature key, or `_vwo_meta_meg_<groupId>` for a group winner. */
  readonly featureKey: string;
  /** `context.id` as given: 1.35.0 stores a numeric id as a number (everywhere else it is stringified). */
  readonly userId: string | number;
  /** The id of the rollout campaign that enabled the flag; `undefined` when none (always for MEG records). */
  readonly rolloutId: unknown;
  /** The key of that rollout campaign; `undefined` when none. */
  readonly rolloutKey: unknown;
  /** The id of the rollout variation served; `undefined` when none. */
  readonly rolloutVariationId: unknown;
  /** The id of the experiment (testing or personalise) campaign decided; `undefined` when none. */
  readonly experimentId: unknown;
  /** The key of that experiment campaign, by which the stored variation is looked up again; `undefined` when none. */
  readonly experimentKey: unknown;
  /** The id of the experiment variation served (`-1` in a MEG record of an A/B winner); `undefined` when none. */
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
  /** The campaign shown (sent as `id`). */
  readonly campaignId: FmeJson | undefined;
  /** The variation shown (sent as `variation`); for an impact campaign `2` when the flag is enabled, else `1`. */
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
  /** The rule's campaign id. */
  readonly campaignId: unknown;
  /** The rule's campaign key. */
  readonly campaignKey: unknown;
  /** The id of the variation served. */
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

/**
 * What {@link decideFlag} decides for one `getFlag` call, as data: the flag and every side effect
 * (impressions, storage writes, logs, callback, debug event) the client then carries out.
 */
export interface FmeFlagDecision {
  /** Whether the flag is on (`isEnabled()`). */
  readonly enabled: boolean;
  /** The served variation's variables, never merged with the rollout's, never cast. */
  readonly variables: readonly FmeVariable[];
  /** Why the flag is what it is. */
  readonly outcome: FmeFlagOutcome;
  /** The rollout rule that enabled the flag (evaluated or stored), if any. */
  readonly rollout: FmeRuleOutcome | undefined;
  /** The experiment (testing or personalise) rule whose variation is served, if any. */
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
  /** The message template key, e.g. `INVALID_USER_AGENT_IN_CONTEXT_FOR_PRE_SEGMENTATION`, or a refused storage write's. */
  readonly messageKey: FmeSegmentMessage | 'ERROR_STORING_DATA_IN_STORAGE';
  /** How many of the decision's impressions were made before it (it is sent before the next one). */
  readonly beforeImpression: number;
  /** The message data 1.35.0 logs and reports with it (`key` for a refused storage write). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** The decision-specific properties of a `vwo_sdkDebug` "decision" event. */
export interface FmeDebugDecision {
  /** `Flag decision given for feature:<key>.`, then the rollout and experiment decided, if any. */
  readonly msg: string;
  /** The rollout campaign id, when truthy. */
  readonly rId?: unknown;
  /** The rollout variation id, when truthy. */
  readonly rvId?: unknown;
  /** The experiment campaign id, when truthy. */
  readonly eId?: unknown;
  /** The experiment variation id, when truthy. */
  readonly evId?: unknown;
}

/** Optional inputs of {@link decideFlag}. */
export interface FmeDecideOptions {
  /**
   * The gateway's `check-attribute` answers for `inlist(…)` nodes; absent when no gateway is
   * configured (those nodes are then false).
   */
  readonly attributeList?: ((listId: string, attribute: string | null) => unknown) | undefined;
  /** Record the steps taken in `trace`. */
  readonly trace?: boolean | undefined;
}
