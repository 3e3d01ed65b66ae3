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
  readonly id: number | string;
  readonly key: string;
  readonly type: string;
  readonly value: FmeJson | undefined;
}

export interface FmeVariation {
  /** Sent in impressions and compared with `===` against stored ids. */
  readonly id: number | string;
  /** The variation name (1.35.0's model `key`). */
  readonly name: string;
  /** A/B: share in percent. Rollout/personalise: the rule's traffic percentage. */
  readonly weight: number | string | undefined;
  /** Rollout/personalise: pre-segmentation DSL; A/B: whitelisting DSL. `undefined` when absent. */
  readonly segments: FmeJson | undefined;
  readonly variables: readonly FmeVariable[];
  readonly salt: string | undefined;
  /** A/B: the bucket range `[start, end]` in 1…10000; rollout/personalise: `[1, weight·100]` (never used). */
  readonly range: Range;
}

export interface FmeCampaign {
  readonly id: number | string;
  readonly key: string;
  readonly name: string;
  readonly type: FmeCampaignType;
  readonly salt: string | undefined;
  readonly percentTraffic: number | undefined;
  /** A/B pre-segmentation DSL (ignored for rollout/personalise). */
  readonly segments: FmeJson | undefined;
  readonly isForcedVariationEnabled: boolean;
  readonly isUserListEnabled: boolean;
  readonly variations: readonly FmeVariation[];
}

/** A feature rule linked to its campaign (settings.md §8): what `getFlag` walks. */
export interface FmeRule extends FmeCampaign {
  readonly ruleKey: string;
}

/** A feature rule as written in the file (used by MEG to find a group's features). */
export interface FmeRuleRef {
  readonly campaignId: number;
  readonly variationId: number | undefined;
  readonly ruleKey: string;
  readonly type: string;
}

export interface FmeMetric {
  readonly id: number | string;
  readonly type: string;
  readonly identifier: string;
}

export interface FmeFeature {
  readonly id: number | string;
  readonly key: string;
  readonly name: string;
  readonly type: string;
  readonly metrics: readonly FmeMetric[];
  /** The rules as written, including those whose campaign is missing. */
  readonly ruleRefs: readonly FmeRuleRef[];
  /** Rules linked to campaigns, in `rules` order; rules without a campaign are dropped. */
  readonly rules: readonly FmeRule[];
  readonly rolloutRules: readonly FmeRule[];
  /** Testing and personalise rules, in their relative order. */
  readonly experimentRules: readonly FmeRule[];
  /** `impactCampaign.campaignId` when truthy. */
  readonly impactCampaignId: FmeJson | undefined;
  readonly isDebuggerEnabled: boolean;
  /** Some rule's segments need gateway data (location, user agent, `inlist`): settings.md §9. */
  readonly needsGateway: boolean;
}

/** A mutually exclusive group as written in `groups` (not validated by 1.35.0). */
export type FmeGroup = FmeJson;

export interface FmeSettings {
  readonly accountId: number | string;
  readonly sdkKey: string | undefined;
  readonly version: number | string;
  readonly collectionPrefix: string | undefined;
  readonly pollInterval: number | undefined;
  readonly usageStatsAccountId: number | undefined;
  readonly features: readonly FmeFeature[];
  /** First feature with each key (what `getFlag` finds). */
  readonly featuresByKey: ReadonlyMap<string, FmeFeature>;
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
