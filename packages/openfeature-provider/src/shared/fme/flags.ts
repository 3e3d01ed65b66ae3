/**
 * Flag keys of an FME client: a feature key is the feature's flag (`isEnabled()`, boolean);
 * `featureKey.variableKey` is a variable of the variation the feature serves
 * (`getVariable(variableKey)`), typed by the type its variations declare.
 */
import type { FmeFeature, FmeSettings } from '@vwo/core';
import { type FlagType, flagTypeOfVariable } from '../flags.js';

/** A flag of an FME client: a feature, or one of its variables. */
export type FmeFlagRef =
  | { readonly kind: 'feature'; readonly feature: FmeFeature; readonly type: 'boolean' }
  | {
      readonly kind: 'variable';
      readonly feature: FmeFeature;
      readonly variableKey: string;
      /** `undefined`: a type OpenFeature has no name for; any type may be asked, the value decides. */
      readonly type: FlagType | undefined;
    };

/** The flag, or why there is none (with the feature, when the key named one). */
export type FmeFlagLookup = { readonly flag: FmeFlagRef } | { readonly missing: string; readonly feature?: FmeFeature };

/**
 * Finds the flag of a key: a key that is a feature key is that feature, even with the separator
 * in it; otherwise the longest feature key followed by the separator wins and the rest is the
 * variable key, which some variation of the feature's rules must declare.
 */
export function findFmeFlag(settings: FmeSettings, flagKey: string, separator: string): FmeFlagLookup {
  const feature = settings.featuresByKey.get(flagKey);
  if (feature) return { flag: { kind: 'feature', feature, type: 'boolean' } };
  for (let at = flagKey.lastIndexOf(separator); at > 0; at = flagKey.lastIndexOf(separator, at - 1)) {
    const owner = settings.featuresByKey.get(flagKey.slice(0, at));
    if (!owner) continue;
    const variableKey = flagKey.slice(at + separator.length);
    const declared = declaredVariables(owner);
    if (!declared.has(variableKey)) {
      return { missing: `feature ${owner.key} has no variable ${JSON.stringify(variableKey)} in any rule's variation`, feature: owner };
    }
    return { flag: { kind: 'variable', feature: owner, variableKey, type: declared.get(variableKey) } };
  }
  return { missing: `no feature has the key ${JSON.stringify(flagKey)}` };
}

/** Every variable key the variations of a feature's rules declare, in file order. */
export function fmeVariableKeys(feature: FmeFeature): string[] {
  return [...declaredVariables(feature).keys()];
}

const declaredByFeature = new WeakMap<FmeFeature, ReadonlyMap<string, FlagType | undefined>>();

/** The variables of every variation of every rule, the first declaration of a key giving its type; built once per feature object. */
function declaredVariables(feature: FmeFeature): ReadonlyMap<string, FlagType | undefined> {
  let declared = declaredByFeature.get(feature);
  if (declared) return declared;
  const map = new Map<string, FlagType | undefined>();
  for (const rule of feature.rules) {
    for (const variation of rule.variations) {
      for (const variable of variation.variables) {
        if (!map.has(variable.key)) map.set(variable.key, flagTypeOfVariable(variable.type));
      }
    }
  }
  declared = map;
  declaredByFeature.set(feature, declared);
  return declared;
}

/**
 * The flag keys whose answers may differ between two settings (for `flagsChanged`): each
 * feature added, removed or changed (its rules carry their campaigns), with its variable flags;
 * every feature when the account, the groups, or — with groups — any campaign changed, since a
 * group draw reads campaigns of other features.
 */
export function changedFmeFlags(previous: FmeSettings | undefined, next: FmeSettings | undefined, separator: string): string[] {
  const changed = new Set<string>();
  const before = previous?.featuresByKey ?? new Map<string, FmeFeature>();
  const after = next?.featuresByKey ?? new Map<string, FmeFeature>();
  const everything = JSON.stringify(sharedParts(previous)) !== JSON.stringify(sharedParts(next));
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const old = before.get(key);
    const now = after.get(key);
    if (!everything && old && now && JSON.stringify(old) === JSON.stringify(now)) continue;
    changed.add(key);
    for (const feature of [old, now])
      if (feature) for (const variableKey of fmeVariableKeys(feature)) changed.add(`${key}${separator}${variableKey}`);
  }
  return [...changed];
}

/** What decides every feature at once. */
function sharedParts(settings: FmeSettings | undefined): unknown {
  if (!settings) return null;
  const grouped = Object.keys(settings.groups).length > 0;
  return {
    accountId: settings.accountId,
    groups: settings.groups,
    campaignGroups: settings.campaignGroups,
    campaigns: grouped ? settings.campaigns : undefined,
  };
}
