import { type FmeFeature, type FmeSettings, formatIssues, parseFmeSettings, type SettingsIssue } from '@vwo/core';
import { CliError, EXIT_INVALID } from '../errors.js';
import { unknownKey } from '../input.js';

/** A parsed FME settings file. */
export interface LoadedFme {
  /** Where it was read from (`-`: standard input), for messages. */
  readonly path: string;
  /** The file as read: what an FME client is given. */
  readonly raw: unknown;
  /** The model `parseFmeSettings` built from it. */
  readonly settings: FmeSettings;
}

/**
 * Parses an FME file; an invalid one is a {@link CliError} (exit 1) listing every bad field path.
 *
 * @example
 * const loaded = loadFme('settings.json', JSON.parse(readFileSync('settings.json', 'utf8')));
 */
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
  throw unknownKey('feature', key, [...loaded.settings.featuresByKey.keys()], loaded.path);
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
  /** `context.id`. */
  readonly id: string;
  /** `context.customVariables`: what pre-segmentation reads. */
  readonly customVariables?: Readonly<Record<string, unknown>>;
  /** `context.variationTargetingVariables`: what whitelisting of A/B rules reads. */
  readonly variationTargetingVariables?: Readonly<Record<string, unknown>>;
  /** `context.userAgent`: what user-agent segments read. */
  readonly userAgent?: string;
  /** `context.ipAddress`: what location and IP segments read. */
  readonly ipAddress?: string;
}
