import { type FmeFeature, type FmeSettings, formatIssues, parseFmeSettings, type SettingsIssue } from '@vwo/core';
import { CliError, EXIT_INVALID } from '../errors.js';
import { closestNames } from '../suggest.js';

/** A parsed FME settings file. */
export interface LoadedFme {
  readonly path: string;
  /** The file as read: what an FME client is given. */
  readonly raw: unknown;
  readonly settings: FmeSettings;
}

/** Parses an FME file; an invalid one is an error (exit 1) listing every bad field path. */
export function loadFme(path: string, raw: unknown): LoadedFme {
  const result = parseFmeSettings(raw);
  if (!result.ok) throw invalidFme(path, result.issues);
  return { path, raw, settings: result.settings };
}

export function invalidFme(path: string, issues: readonly SettingsIssue[]): CliError {
  const n = issues.length;
  return new CliError(
    `${path} is not a valid FME settings file (${n} problem${n === 1 ? '' : 's'}; vwo-fme-node-sdk 1.35.0 would refuse it):`,
    EXIT_INVALID,
    formatIssues(issues)
      .split('\n')
      .map((line) => `  ${line}`),
  );
}

/** The feature of a key, or an error that suggests the closest keys. */
export function featureOf(loaded: LoadedFme, key: string): FmeFeature {
  const feature = loaded.settings.featuresByKey.get(key);
  if (feature) return feature;
  const keys = [...loaded.settings.featuresByKey.keys()];
  const close = closestNames(key, keys);
  const hint =
    close.length > 0
      ? `; did you mean ${close.map((k) => JSON.stringify(k)).join(' or ')}?`
      : keys.length === 0
        ? ' (it has no features)'
        : `; its features are ${keys
            .slice(0, 8)
            .map((k) => JSON.stringify(k))
            .join(', ')}${keys.length > 8 ? ', …' : ''}`;
  throw new CliError(`unknown feature ${JSON.stringify(key)} in ${loaded.path}${hint}`);
}

/**
 * What 1.35.0 accepts but quietly ignores or cannot serve: a rule whose campaign is missing (the
 * rule is skipped), a feature without rules (always off), a second feature with a key already
 * used (never found), a campaign of a type FME never evaluates.
 */
export function fmeWarnings(settings: FmeSettings): SettingsIssue[] {
  const warnings: SettingsIssue[] = [];
  const campaignIds = new Set(settings.campaigns.map((campaign) => campaign.id));
  settings.features.forEach((feature, f) => {
    if (settings.featuresByKey.get(feature.key) !== feature) {
      warnings.push({
        path: `features[${f}].key`,
        message: `${JSON.stringify(feature.key)} is used by an earlier feature: getFlag never finds this one`,
      });
    }
    if (feature.ruleRefs.length === 0) warnings.push({ path: `features[${f}].rules`, message: 'no rules: the flag is always off' });
    feature.ruleRefs.forEach((rule, r) => {
      if (!campaignIds.has(rule.campaignId)) {
        warnings.push({
          path: `features[${f}].rules[${r}].campaignId`,
          message: `no campaign has id ${rule.campaignId}: the rule is skipped`,
        });
      }
    });
  });
  settings.campaigns.forEach((campaign, c) => {
    if (!['FLAG_ROLLOUT', 'FLAG_TESTING', 'FLAG_PERSONALIZE'].includes(campaign.type)) {
      warnings.push({ path: `campaigns[${c}].type`, message: `${JSON.stringify(campaign.type)} is never evaluated` });
    }
  });
  return warnings;
}

/** The user of an FME command: `--user`, `--vars`, `--targeting`, `--user-agent`, `--ip`. */
export interface FmeUser {
  readonly id: string;
  readonly customVariables?: Readonly<Record<string, unknown>>;
  readonly variationTargetingVariables?: Readonly<Record<string, unknown>>;
  readonly userAgent?: string;
  readonly ipAddress?: string;
}
