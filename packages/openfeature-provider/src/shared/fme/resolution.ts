/**
 * One FME evaluation in two halves around the decision, shared by both providers:
 * {@link prepareFme} does what needs no decision (flag key, type, context) and
 * {@link settleFme} turns `explain` (reason, variant) and the flag the client answers (value)
 * into resolution details.
 */
import type { FmeCampaign, FmeExplanation, FmeFeature, FmeRuleOutcome, FmeSettings, FmeUserContext, FmeVariable } from '@vwo/core';
import { isPlainObject } from '../context.js';
import type { FlagType } from '../flags.js';
import type { ProviderSetup } from '../options.js';
import { type FlagMetadata, failed, isFailure, isOfType, type ReasonName, type Resolution } from '../resolution.js';
import { fmeContextOf } from './context.js';
import { type FmeFlagRef, findFmeFlag } from './flags.js';

/** What an evaluation needs from the decision: the flag, the type asked for and the user. */
export interface PreparedFme {
  readonly flag: FmeFlagRef;
  readonly type: FlagType;
  readonly context: FmeUserContext;
}

/** What a flag of the client answers: `isEnabled()` and `getVariables()`. */
export interface FmeAnswer {
  readonly enabled: boolean;
  readonly variables: readonly FmeVariable[];
}

/** Finds the flag, checks the type asked for and maps the context; a resolution when it cannot go on. */
export function prepareFme<T>(
  settings: FmeSettings | undefined,
  flagKey: string,
  type: FlagType,
  defaultValue: T,
  context: Readonly<Record<string, unknown>> | undefined,
  setup: ProviderSetup,
): PreparedFme | Resolution<T> {
  if (!settings) {
    return failed(defaultValue, { errorCode: 'GENERAL', errorMessage: "the VWO client's settings are not valid: every flag is off" });
  }
  const lookup = findFmeFlag(settings, flagKey, setup.separator);
  if ('missing' in lookup) {
    return {
      ...failed(defaultValue, { errorCode: 'FLAG_NOT_FOUND', errorMessage: lookup.missing }),
      flagMetadata: metadataOf(lookup.feature),
    };
  }
  const { flag } = lookup;
  if (flag.type !== undefined && flag.type !== type) {
    const what = flag.kind === 'feature' ? `feature ${flag.feature.key}` : `variable ${flag.variableKey} of feature ${flag.feature.key}`;
    return {
      ...failed(defaultValue, { errorCode: 'TYPE_MISMATCH', errorMessage: `${flagKey} is a ${flag.type} flag (${what}), not ${type}` }),
      flagMetadata: metadataOf(flag.feature),
    };
  }
  const user = fmeContextOf(context, setup.targetingAttribute);
  if (isFailure(user)) return { ...failed(defaultValue, user), flagMetadata: metadataOf(flag.feature) };
  return { flag, type, context: user };
}

/**
 * The resolution of a prepared flag: the value is what the client's flag answers; the reason and
 * the variant come from `explain` when it agrees with that answer (it cannot see what a gateway
 * adds, and new settings may arrive in between): else the reason is `UNKNOWN`.
 */
export function settleFme<T>(
  prepared: PreparedFme,
  explanation: FmeExplanation,
  answer: FmeAnswer,
  settings: FmeSettings,
  defaultValue: T,
): Resolution<T> {
  const { flag } = prepared;
  const feature = flag.feature;
  const explained = reasonOf(explanation, feature);
  if (typeof explained !== 'string') return { ...failed(defaultValue, explained), flagMetadata: metadataOf(feature) };
  const agrees = explanation.enabled === answer.enabled && JSON.stringify(explanation.variables) === JSON.stringify(answer.variables);
  const served = agrees ? servedRule(explanation) : undefined;
  const reason: ReasonName = agrees ? explained : 'UNKNOWN';
  const variation = served ? variationOf(settings, feature, served) : undefined;
  const flagMetadata = metadataOf(feature, served, settings);
  const resolved = (value: unknown): Resolution<T> =>
    variation === undefined
      ? { value: value as T, reason, flagMetadata }
      : { value: value as T, variant: variation.name, reason, flagMetadata };
  if (flag.kind === 'feature') return resolved(answer.enabled);
  if (!answer.enabled) return { value: defaultValue, reason, flagMetadata };
  const variable = answer.variables.find((candidate) => candidate.key === flag.variableKey);
  if (variable === undefined || variable.value === undefined) {
    const where = variation ? `variation ${variation.name} of ${String(served?.campaignKey)}` : `the variation served for ${feature.key}`;
    return {
      ...failed(defaultValue, {
        errorCode: 'FLAG_NOT_FOUND',
        errorMessage: `${where} has no variable ${JSON.stringify(flag.variableKey)}`,
      }),
      flagMetadata,
    };
  }
  if (!isOfType(variable.value, prepared.type)) {
    const held = variable.value === null ? 'null' : typeof variable.value;
    return {
      ...failed(defaultValue, {
        errorCode: 'TYPE_MISMATCH',
        errorMessage: `${feature.key}: variable ${flag.variableKey} (declared ${variable.type}) holds a ${held}, not a ${prepared.type}`,
      }),
      flagMetadata,
    };
  }
  return resolved(variable.value);
}

/**
 * Why the flag is what it is: a stored decision is cached; whitelisting, or a rule whose
 * pre-segmentation the user matched, is targeting; plain traffic or bucketing is a split; a
 * disabled flag is the default. 1.35.0 ignores `status`, so nothing is `DISABLED`.
 */
function reasonOf(
  explanation: FmeExplanation,
  feature: FmeFeature,
): ReasonName | { errorCode: 'FLAG_NOT_FOUND' | 'GENERAL'; errorMessage: string } {
  switch (explanation.outcome) {
    case 'feature-not-found':
      return { errorCode: 'FLAG_NOT_FOUND', errorMessage: `feature ${feature.key} left the settings` };
    case 'invalid-settings':
    case 'invalid-input':
    case 'error':
      return {
        errorCode: 'GENERAL',
        errorMessage: `VWO cannot decide ${feature.key} (${explanation.outcome}): ${explanation.trace[explanation.trace.length - 1] ?? 'no detail'}`,
      };
    case 'stored-experiment':
      return 'CACHED';
    default:
      break;
  }
  if (!explanation.enabled) return 'DEFAULT';
  const served = servedRule(explanation);
  if (!served) return 'DEFAULT';
  if (served.source === 'stored') return 'CACHED';
  if (served.source === 'whitelisted') return 'TARGETING_MATCH';
  const rule = ruleServing(feature, served);
  return rule && hasPreSegmentation(rule) ? 'TARGETING_MATCH' : 'SPLIT';
}

/** The rule whose variation the flag serves: the experiment's, else the rollout's. */
function servedRule(explanation: FmeExplanation): FmeRuleOutcome | undefined {
  return explanation.enabled ? (explanation.experiment ?? explanation.rollout) : undefined;
}

/** A/B rules segment by the campaign, rollout and personalise rules by their variation (fme/settings.md §4). */
function hasPreSegmentation(rule: FmeCampaign): boolean {
  const segments = rule.type === 'FLAG_TESTING' ? rule.segments : rule.variations[0]?.segments;
  return isPlainObject(segments) && Object.keys(segments).length > 0;
}

/** The feature's rule that served the variation (two rules may share a campaign, each with its own variation). */
function ruleServing(feature: FmeFeature, served: FmeRuleOutcome): FmeCampaign | undefined {
  return feature.rules.find(
    (rule) =>
      rule.id === served.campaignId &&
      rule.key === served.campaignKey &&
      rule.variations.some((variation) => variation.id === served.variationId),
  );
}

/** The variation served: from the rule, or (a stored decision) from the campaign of the stored key. */
function variationOf(settings: FmeSettings, feature: FmeFeature, served: FmeRuleOutcome) {
  const campaign =
    ruleServing(feature, served) ?? (typeof served.campaignKey === 'string' ? settings.campaignsByKey.get(served.campaignKey) : undefined);
  return campaign?.variations.find((variation) => variation.id === served.variationId);
}

/** `{ featureId }`, and the `campaignId`, `campaignKey` and `campaignType` of the rule served, if any. */
function metadataOf(feature: FmeFeature | undefined, served?: FmeRuleOutcome, settings?: FmeSettings): FlagMetadata {
  if (!feature) return {};
  const metadata: Record<string, string | number> = { featureId: feature.id };
  if (!served) return metadata;
  if (typeof served.campaignId === 'number' || typeof served.campaignId === 'string') metadata.campaignId = served.campaignId;
  if (typeof served.campaignKey === 'string') {
    metadata.campaignKey = served.campaignKey;
    const type = settings?.campaignsByKey.get(served.campaignKey)?.type;
    if (type !== undefined) metadata.campaignType = type;
  }
  return metadata;
}
