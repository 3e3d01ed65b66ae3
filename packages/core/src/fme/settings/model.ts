/**
 * The immutable, indexed model of an FME settings file (fme/settings.md). Field values keep
 * the JSON types 1.35.0 accepts (`number | string` ids, numeric-string weights) because its
 * decisions compare and multiply them with JavaScript's own rules.
 */
import type { Range } from '../../bucketing/ranges.js';

/** Any JSON value as found in a settings file. */
export type FmeJson = null | boolean | number | string | readonly FmeJson[] | { readonly [key: string]: FmeJson };

/** The campaign types FME evaluates; any other string is kept but never evaluated. */
export type FmeCampaignType = 'FLAG_ROLLOUT' | 'FLAG_TESTING' | 'FLAG_PERSONALIZE' | (string & {});

/** A variable of a variation, returned as it is in the file (never cast by `type`). */
export interface FmeVariable {
  /** The variable id. */
  readonly id: number | string;
  /** The name `getVariable(key)` looks up. */
  readonly key: string;
  /** The declared type (`string`, `integer`, `double`, `boolean`, `json`); informative only. */
  readonly type: string;
  /** The value, exactly as in the file. */
  readonly value: FmeJson | undefined;
}

/** A variation of a campaign (settings.md §4.1). */
export interface FmeVariation {
  /** Sent in impressions and compared with `===` against stored ids. */
  readonly id: number | string;
  /** The variation name (1.35.0's model `key`). */
  readonly name: string;
  /** A/B: share in percent. Rollout/personalise: the rule's traffic percentage. */
  readonly weight: number | string | undefined;
  /** Rollout/personalise: pre-segmentation DSL; A/B: whitelisting DSL. `undefined` when absent. */
  readonly segments: FmeJson | undefined;
  /** What the flag's `getVariables()` answers when this variation is served. */
  readonly variables: readonly FmeVariable[];
  /** Rollout/personalise: replaces the campaign id in the traffic seed. */
  readonly salt: string | undefined;
  /** A/B: the bucket range `[start, end]` in 1…10000; rollout/personalise: `[1, weight·100]` (never used). */
  readonly range: Range;
}

/** A campaign of the settings file (settings.md §4): a rollout, A/B test or personalise rule's content. */
export interface FmeCampaign {
  /** Sent in impressions; rules link to it with strict equality. */
  readonly id: number | string;
  /** Conventionally `<featureKey>_<ruleKey>`; stored in user storage and looked up again from there. */
  readonly key: string;
  /** The campaign name (logs only). */
  readonly name: string;
  /** `FLAG_ROLLOUT`, `FLAG_TESTING` (A/B) or `FLAG_PERSONALIZE`; any other type is never evaluated. */
  readonly type: FmeCampaignType;
  /** A/B: replaces the campaign id in the hash seeds. */
  readonly salt: string | undefined;
  /** A/B: the share of users that enter, in percent; missing or 0 lets nobody in. Ignored for rollout/personalise. */
  readonly percentTraffic: number | undefined;
  /** A/B pre-segmentation DSL (ignored for rollout/personalise). */
  readonly segments: FmeJson | undefined;
  /** A/B: whitelisting by the variations' `segments` is on. */
  readonly isForcedVariationEnabled: boolean;
  /** `_vwoUserId` is the visitor UUID instead of the raw user id. */
  readonly isUserListEnabled: boolean;
  /** The variations; a rule linked to one variation (`rules[].variationId`) keeps only that one. */
  readonly variations: readonly FmeVariation[];
}

/** A feature rule linked to its campaign (settings.md §8): what `getFlag` walks. */
export interface FmeRule extends FmeCampaign {
  /** The rule's `ruleKey` (logs, MEG de-duplication). */
  readonly ruleKey: string;
}

/** A feature rule as written in the file (used by MEG to find a group's features). */
export interface FmeRuleRef {
  /** The campaign the rule points at. */
  readonly campaignId: number;
  /** The one variation of that campaign the rule uses (rollout and personalise rules), if given. */
  readonly variationId: number | undefined;
  /** The rule's key. */
  readonly ruleKey: string;
  /** The rule type as written (`FLAG_ROLLOUT`, `FLAG_TESTING`, `FLAG_PERSONALIZE`); informative only. */
  readonly type: string;
}

/** A metric of a feature (settings.md §5). */
export interface FmeMetric {
  /** The metric id (unused). */
  readonly id: number | string;
  /** `CUSTOM_GOAL`, `REVENUE_TRACKING`… (unused). */
  readonly type: string;
  /** The event name `trackEvent` accepts. */
  readonly identifier: string;
}

/** A feature flag of the settings file (settings.md §3), with its rules linked to campaigns. */
export interface FmeFeature {
  /** The feature id (integrations `featureId`, `featureId` segment nodes). */
  readonly id: number | string;
  /** What `getFlag(featureKey)` looks up; also the user-storage key. */
  readonly key: string;
  /** The feature name (integrations `featureName`). */
  readonly name: string;
  /** The feature type (`FEATURE_FLAG` in practice; unused). */
  readonly type: string;
  /** The events `trackEvent` accepts for it. */
  readonly metrics: readonly FmeMetric[];
  /** The rules as written, including those whose campaign is missing. */
  readonly ruleRefs: readonly FmeRuleRef[];
  /** Rules linked to campaigns, in `rules` order; rules without a campaign are dropped. */
  readonly rules: readonly FmeRule[];
  /** Rollout rules, in their relative order. */
  readonly rolloutRules: readonly FmeRule[];
  /** Testing and personalise rules, in their relative order. */
  readonly experimentRules: readonly FmeRule[];
  /** `impactCampaign.campaignId` when truthy. */
  readonly impactCampaignId: FmeJson | undefined;
  /** Every decision sends a `vwo_sdkDebug` "decision" event. */
  readonly isDebuggerEnabled: boolean;
  /** Some rule's segments need gateway data (location, user agent, `inlist`): settings.md §9. */
  readonly needsGateway: boolean;
}

/** A mutually exclusive group as written in `groups` (not validated by 1.35.0). */
export type FmeGroup = FmeJson;

/** A parsed, valid settings file (settings.md §2), as {@link parseFmeSettings} builds it. */
export interface FmeSettings {
  /** The file's account id: the variation bucketing seed and the `_vwoUserId` UUID namespace (events use the init option). */
  readonly accountId: number | string;
  /** The SDK key the file is for, sent by `setAttribute` as `vwo_fs_environment`. */
  readonly sdkKey: string | undefined;
  /** The file version (unused). */
  readonly version: number | string;
  /** Data-residency path prefix of event URLs. */
  readonly collectionPrefix: string | undefined;
  /** Polling period (ms) when the init option is not valid; `undefined` for 0 or absent. */
  readonly pollInterval: number | undefined;
  /** When present, `init` sends the `vwo_sdkUsageStats` event to this account. */
  readonly usageStatsAccountId: number | undefined;
  /** The features, in file order. */
  readonly features: readonly FmeFeature[];
  /** First feature with each key (what `getFlag` finds). */
  readonly featuresByKey: ReadonlyMap<string, FmeFeature>;
  /** The campaigns, in file order. */
  readonly campaigns: readonly FmeCampaign[];
  /** First campaign with each key (where a stored decision is looked up). */
  readonly campaignsByKey: ReadonlyMap<string, FmeCampaign>;
  /** `groups` as written; `{}` when absent. */
  readonly groups: { readonly [groupId: string]: FmeGroup };
  /** `campaignGroups` as written; `{}` when absent. */
  readonly campaignGroups: { readonly [campaignRef: string]: FmeJson };
  /** Every metric identifier of every feature (what `trackEvent` accepts). */
  readonly eventNames: ReadonlySet<string>;
}
