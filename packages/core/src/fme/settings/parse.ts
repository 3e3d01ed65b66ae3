import type { Range } from '../../bucketing/ranges.js';
import { allocateRanges } from '../../bucketing/ranges.js';
import type { SettingsIssue } from '../../settings/issues.js';
import { isPlainObject } from '../../util/types.js';
import type { FmeCampaign, FmeFeature, FmeJson, FmeMetric, FmeRule, FmeRuleRef, FmeSettings, FmeVariable, FmeVariation } from './model.js';
import { validateFmeSettings } from './validate.js';

/** The outcome of {@link parseFmeSettings}: the model, or every bad field of the file. */
export type FmeParseResult =
  | {
      /** The file is valid. */
      readonly ok: true;
      /** The model built from it. */
      readonly settings: FmeSettings;
    }
  | {
      /** The file was refused. */
      readonly ok: false;
      /** Every bad field, with its path. */
      readonly issues: readonly SettingsIssue[];
    };

type Json = Record<string, unknown>;

export const FME_ROLLOUT = 'FLAG_ROLLOUT';
export const FME_TESTING = 'FLAG_TESTING';
export const FME_PERSONALIZE = 'FLAG_PERSONALIZE';

/**
 * Validates an FME settings file with vwo-fme-node-sdk 1.35.0's acceptance rules and builds the
 * immutable, indexed model `decideFlag` reads: variation ranges, rules linked to campaigns,
 * the "needs gateway" flag. Never throws; a refused file lists every bad field path.
 *
 * The file is copied through JSON first, so the model never shares objects with the caller
 * (1.35.0 returns the caller's own variable objects; ours are equal, frozen copies).
 *
 * @example
 * const result = parseFmeSettings(JSON.parse(text));
 * if (result.ok) decideFlag(result.settings, 'checkout', { id: 'user-1' });
 */
export function parseFmeSettings(input: unknown): FmeParseResult {
  let file: unknown;
  try {
    file = input === undefined ? undefined : JSON.parse(JSON.stringify(input));
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `not serialisable as JSON (${String(error)})` }] };
  }
  const issues = validateFmeSettings(file);
  if (issues.length > 0) return { ok: false, issues: Object.freeze(issues) };
  try {
    return { ok: true, settings: buildModel(deepFreeze(file) as Json) };
  } catch (error) {
    // Unreachable for a validated file; kept so that the parser keeps its never-throws promise.
    return { ok: false, issues: [{ path: '', message: `could not be modelled (${String(error)})` }] };
  }
}

/** Freezes `value` and everything inside it (the model and a client's settings file are never written). */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** 1.35.0 keeps a list field only when it is not a plain object (then it means "none"). */
function listOf(value: unknown): readonly Json[] {
  return Array.isArray(value) ? (value as Json[]) : [];
}

// 1.35.0 still reads an older minified format; a truthy short key wins over the long one.
function shortOr(owner: Json, short: string, long: string): unknown {
  return owner[short] || owner[long];
}

function buildModel(file: Json): FmeSettings {
  const campaigns = listOf(shortOr(file, 'c', 'campaigns')).map(buildCampaign);
  // A Map from the campaign list: with duplicate ids the last campaign wins, as in 1.35.0.
  const campaignsById = new Map<unknown, FmeCampaign>(campaigns.map((campaign) => [campaign.id, campaign]));
  const features = listOf(shortOr(file, 'f', 'features')).map((feature) => buildFeature(feature, campaignsById));

  const featuresByKey = new Map<string, FmeFeature>();
  const eventNames = new Set<string>();
  for (const feature of features) {
    if (!featuresByKey.has(feature.key)) featuresByKey.set(feature.key, feature);
    for (const metric of feature.metrics) eventNames.add(metric.identifier);
  }
  const campaignsByKey = new Map<string, FmeCampaign>();
  for (const campaign of campaigns) if (!campaignsByKey.has(campaign.key)) campaignsByKey.set(campaign.key, campaign);

  return Object.freeze({
    accountId: shortOr(file, 'a', 'accountId') as number | string,
    sdkKey: shortOr(file, 'sK', 'sdkKey') as string | undefined,
    version: shortOr(file, 'v', 'version') as number | string,
    collectionPrefix: file.collectionPrefix as string | undefined,
    pollInterval: (file.pollInterval || undefined) as number | undefined,
    usageStatsAccountId: file.usageStatsAccountId as number | undefined,
    features: Object.freeze(features),
    featuresByKey,
    campaigns: Object.freeze(campaigns),
    campaignsByKey,
    groups: (shortOr(file, 'g', 'groups') || {}) as FmeSettings['groups'],
    campaignGroups: (shortOr(file, 'cG', 'campaignGroups') || {}) as FmeSettings['campaignGroups'],
    eventNames,
  });
}

function isRolloutOrPersonalize(type: unknown): boolean {
  return type === FME_ROLLOUT || type === FME_PERSONALIZE;
}

function buildCampaign(raw: Json): FmeCampaign {
  const type = raw.type as string;
  const variations = listOf(raw.variations).map(buildVariation);
  const ranges: Range[] = isRolloutOrPersonalize(type)
    ? // Never used for decisions; 1.35.0 computes them for its logs (no ceil here).
      variations.map((variation) => ({ start: 1, end: (variation.weight as number) * 100 }))
    : allocateRanges(variations.map((variation) => variation.weight));
  return Object.freeze({
    id: raw.id as number | string,
    key: raw.key as string,
    name: raw.name as string,
    type,
    salt: raw.salt as string | undefined,
    percentTraffic: raw.percentTraffic as number | undefined,
    segments: raw.segments as FmeJson | undefined,
    isForcedVariationEnabled: Boolean(raw.isForcedVariationEnabled),
    isUserListEnabled: Boolean(raw.isUserListEnabled),
    variations: Object.freeze(variations.map((variation, index) => Object.freeze({ ...variation, range: ranges[index] as Range }))),
  });
}

function buildVariation(raw: Json): Omit<FmeVariation, 'range'> {
  const segments = shortOr(raw, 'seg', 'segments');
  return {
    id: shortOr(raw, 'i', 'id') as number | string,
    name: (raw.n || raw.key || raw.name) as string,
    weight: shortOr(raw, 'w', 'weight') as number | string | undefined,
    segments: (segments || undefined) as FmeJson | undefined,
    variables: Object.freeze(listOf(raw.variables).map(buildVariable)),
    salt: raw.salt as string | undefined,
  };
}

function buildVariable(raw: Json): FmeVariable {
  // 1.35.0's variable objects serialise as {value, type, key, id}; ours keep that order.
  return Object.freeze({
    value: (raw.val ?? raw.value) as FmeJson | undefined,
    type: raw.type as string,
    key: (raw.k ?? raw.key) as string,
    id: (raw.i ?? raw.id) as number | string,
  });
}

const GATEWAY_WORDS = /\b(country|region|city|os|device_type|browser_string|ua|browser_version|os_version)\b/;
const INLIST = /"custom_variable"\s*:\s*{[^}]*inlist\([^)]*\)/;

function buildFeature(raw: Json, campaignsById: ReadonlyMap<unknown, FmeCampaign>): FmeFeature {
  const ruleRefs: FmeRuleRef[] = listOf(raw.rules).map((rule) =>
    Object.freeze({
      campaignId: rule.campaignId as number,
      variationId: rule.variationId as number | undefined,
      ruleKey: rule.ruleKey as string,
      type: rule.type as string,
    }),
  );
  const rules: FmeRule[] = [];
  for (const ref of ruleRefs) {
    const campaign = campaignsById.get(ref.campaignId);
    if (!campaign) continue;
    let variations = campaign.variations;
    if (ref.variationId) {
      const only = variations.find((variation) => variation.id === ref.variationId);
      if (only) variations = Object.freeze([only]);
    }
    rules.push(Object.freeze({ ...campaign, variations, ruleKey: ref.ruleKey }));
  }
  const metricsRaw = isPlainObject(raw.m) ? [] : listOf(raw.m || raw.metrics);
  const metrics: FmeMetric[] = metricsRaw.map((metric) =>
    Object.freeze({ id: metric.id as number | string, type: metric.type as string, identifier: metric.identifier as string }),
  );
  const impact = raw.impactCampaign as Json | undefined;
  return Object.freeze({
    id: raw.id as number | string,
    key: raw.key as string,
    name: raw.name as string,
    type: raw.type as string,
    metrics: Object.freeze(metrics),
    ruleRefs: Object.freeze(ruleRefs),
    rules: Object.freeze(rules),
    rolloutRules: Object.freeze(rules.filter((rule) => rule.type === FME_ROLLOUT)),
    experimentRules: Object.freeze(rules.filter((rule) => rule.type === FME_TESTING || rule.type === FME_PERSONALIZE)),
    impactCampaignId: (impact ? (impact.campaignId as FmeJson | undefined) : undefined) || undefined,
    isDebuggerEnabled: Boolean(raw.isDebuggerEnabled),
    needsGateway: Boolean(raw.isGatewayServiceRequired) || rules.some(ruleNeedsGateway),
  });
}

function ruleNeedsGateway(rule: FmeRule): boolean {
  const segments = isRolloutOrPersonalize(rule.type) ? rule.variations[0]?.segments : rule.segments;
  if (!segments) return false;
  const text = JSON.stringify(segments);
  return GATEWAY_WORDS.test(text) || INLIST.test(text);
}
