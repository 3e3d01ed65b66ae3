/**
 * Flag keys → VWO campaigns and feature variables. `campaignKey` is the campaign itself (a
 * boolean for feature campaigns, the variation name for A/B campaigns); `campaignKey.variableKey`
 * is a feature variable with the type the settings file declares.
 */
import type { Campaign, CampaignApi, Settings, Variable } from '@vwo/core';

/** The four OpenFeature value types. */
export type FlagType = 'boolean' | 'string' | 'number' | 'object';

export type Flag =
  | { readonly kind: 'campaign'; readonly campaign: Campaign; readonly type: FlagType }
  /** `type` is undefined for a VWO variable type we do not know: its value decides. */
  | { readonly kind: 'variable'; readonly campaign: Campaign; readonly variableKey: string; readonly type: FlagType | undefined };

export type FlagLookup = { readonly flag: Flag } | { readonly missing: string; readonly campaign?: Campaign };

/**
 * Finds the flag. A key that is a campaign key is that campaign, even when it contains the
 * separator; otherwise the longest campaign key followed by the separator wins, and the rest is
 * the variable key (variable keys may contain the separator too).
 */
export function findFlag(settings: Settings, flagKey: string, separator: string): FlagLookup {
  const campaign = settings.campaignsByKey.get(flagKey);
  if (campaign) return { flag: { kind: 'campaign', campaign, type: campaignFlagType(campaign) } };
  for (let at = flagKey.lastIndexOf(separator); at > 0; at = flagKey.lastIndexOf(separator, at - 1)) {
    const owner = settings.campaignsByKey.get(flagKey.slice(0, at));
    if (!owner) continue;
    const variableKey = flagKey.slice(at + separator.length);
    const declared = declaredVariables(owner);
    if (!declared.has(variableKey)) {
      return { missing: `campaign ${owner.key} (${owner.type}) has no feature variable ${JSON.stringify(variableKey)}`, campaign: owner };
    }
    return { flag: { kind: 'variable', campaign: owner, variableKey, type: declared.get(variableKey) } };
  }
  return { missing: `no campaign has the key ${JSON.stringify(flagKey)}` };
}

/** Same split as the client's API rules: `activate` serves only `VISUAL_AB`; `isFeatureEnabled` everything else. */
export function campaignFlagType(campaign: Campaign): FlagType {
  return campaign.type === 'VISUAL_AB' ? 'string' : 'boolean';
}

/**
 * The client call whose answer a flag is: `activate` or `isFeatureEnabled` for a campaign flag
 * (as {@link campaignFlagType}), `getFeatureVariableValue` for a variable. `explain` is asked
 * about the same call, so the reason and the variant come from the rules that made the answer.
 */
export function callOf(flag: Flag): { readonly api: CampaignApi; readonly variableKey?: string } {
  if (flag.kind === 'variable') return { api: 'getFeatureVariableValue', variableKey: flag.variableKey };
  return { api: flag.type === 'string' ? 'activate' : 'isFeatureEnabled' };
}

/** Every variable key a campaign declares (see `declaredVariables`), in file order. */
export function variableKeysOf(campaign: Campaign): string[] {
  return [...declaredVariables(campaign).keys()];
}

/** The OpenFeature type of a VWO variable type (settings-file.md §5); undefined for types VWO passes through as is. */
export function flagTypeOfVariable(vwoType: unknown): FlagType | undefined {
  switch (vwoType) {
    case 'integer':
    case 'double':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'string':
      return 'string';
    case 'json':
      return 'object';
    default:
      return undefined;
  }
}

const declaredByCampaign = new WeakMap<Campaign, ReadonlyMap<string, FlagType | undefined>>();

/**
 * Every variable key a campaign declares, with its type: a rollout's campaign variables, a
 * feature test's variation variables (the first declaration of a key wins). Other campaign
 * types have none: `getFeatureVariableValue` serves only these two. Built once per campaign
 * object; a settings update brings new campaign objects.
 */
function declaredVariables(campaign: Campaign): ReadonlyMap<string, FlagType | undefined> {
  let declared = declaredByCampaign.get(campaign);
  if (declared) return declared;
  const map = new Map<string, FlagType | undefined>();
  const add = (variables: readonly Variable[] | undefined) => {
    if (!Array.isArray(variables)) return;
    for (const variable of variables) {
      if (typeof variable === 'object' && variable !== null && typeof variable.key === 'string' && !map.has(variable.key)) {
        map.set(variable.key, flagTypeOfVariable(variable.type));
      }
    }
  };
  if (campaign.type === 'FEATURE_ROLLOUT') add(campaign.variables);
  else if (campaign.type === 'FEATURE_TEST') for (const variation of campaign.variations) add(variation.variables);
  declared = map;
  declaredByCampaign.set(campaign, declared);
  return declared;
}

/**
 * The flag keys whose answers may differ between two settings: each campaign added, removed
 * or changed in any way, with its variable flags (for `flagsChanged` of
 * `PROVIDER_CONFIGURATION_CHANGED`).
 */
export function changedFlags(previous: Settings, next: Settings, separator: string): string[] {
  const changed = new Set<string>();
  // Groups, seeds flags and the like change decisions of campaigns whose own entry is unchanged.
  const everything = JSON.stringify(withoutCampaigns(previous.raw)) !== JSON.stringify(withoutCampaigns(next.raw));
  const keys = new Set([...previous.campaignsByKey.keys(), ...next.campaignsByKey.keys()]);
  for (const key of keys) {
    const before = previous.campaignsByKey.get(key);
    const after = next.campaignsByKey.get(key);
    if (!everything && before && after && JSON.stringify(before.raw) === JSON.stringify(after.raw)) continue;
    changed.add(key);
    for (const campaign of [before, after]) {
      if (campaign) for (const variableKey of declaredVariables(campaign).keys()) changed.add(`${key}${separator}${variableKey}`);
    }
  }
  return [...changed];
}

/** The settings besides campaigns, and besides `version`, which changes with every edit and decides nothing. */
function withoutCampaigns(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { campaigns: _campaigns, version: _version, ...rest } = raw;
  return rest;
}
