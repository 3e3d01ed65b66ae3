/**
 * One evaluation in two halves around the VWO decision, shared by both providers:
 * `prepare` does what needs no decision (flag key, type, context, campaign status) and
 * `settle` turns the decision's trace and VWO's answer into resolution details.
 */
import { type Campaign, type DecisionTrace, type FeatureVariableValue, featureEnabled, type Settings } from '@vwo/core';
import { type ContextLike, userFromContext, type VWOUser } from './context.js';
import { type Flag, type FlagType, findFlag } from './flags.js';
import type { ProviderSetup } from './options.js';
import { failed, isFailure, isOfType, metadataOf, type Resolution, reasonOf } from './resolution.js';
import { castVariable, variableFor } from './variables.js';

export interface Prepared {
  readonly flag: Flag;
  /** The type asked for. */
  readonly type: FlagType;
  readonly user: VWOUser;
}

/** VWO's answer for the flag: a variation name, `isFeatureEnabled`, or a variable value (`null`: none). */
export type Answer = string | boolean | FeatureVariableValue | undefined;

/**
 * Finds the flag, checks the type asked for and the context, and answers a paused campaign at
 * once: `DISABLED`, with `false` for a feature flag (what `isFeatureEnabled` answers) and the
 * default for the rest. Returns what the decision needs otherwise.
 */
export function prepare<T>(
  settings: Settings,
  flagKey: string,
  type: FlagType,
  defaultValue: T,
  context: ContextLike | undefined,
  setup: ProviderSetup,
): Prepared | Resolution<T> {
  const lookup = findFlag(settings, flagKey, setup.separator);
  if ('missing' in lookup) return failed(defaultValue, { errorCode: 'FLAG_NOT_FOUND', errorMessage: lookup.missing }, lookup.campaign);
  const { flag } = lookup;
  if (flag.type !== undefined && flag.type !== type) {
    return failed(
      defaultValue,
      { errorCode: 'TYPE_MISMATCH', errorMessage: `${flagKey} is a ${flag.type} flag (${describe(flag)}), not ${type}` },
      flag.campaign,
    );
  }
  const user = userFromContext(context, setup.targetingAttribute);
  if (isFailure(user)) return failed(defaultValue, user, flag.campaign);
  if (!flag.campaign.isRunning) return disabled(flag, defaultValue);
  return { flag, type, user };
}

function describe(flag: Flag): string {
  if (flag.kind === 'variable') return `feature variable ${flag.variableKey} of ${flag.campaign.key}`;
  return flag.type === 'string' ? `the variation name of A/B campaign ${flag.campaign.key}` : `feature campaign ${flag.campaign.key}`;
}

function disabled<T>(flag: Flag, defaultValue: T): Resolution<T> {
  const value = flag.kind === 'campaign' && flag.type === 'boolean' ? (false as T) : defaultValue;
  return { value, reason: 'DISABLED', flagMetadata: metadataOf(flag.campaign) };
}

/**
 * Resolution details from the decision's trace (reason, variant) and VWO's answer (value).
 * `0`, `''` and `false` are values like any other. A feature flag of a user left out is `false`
 * with reason `DEFAULT`, as `isFeatureEnabled` answers; a variation name or variable the user
 * does not get is the caller's default.
 */
export function settle<T>(prepared: Prepared, trace: DecisionTrace | null, answer: Answer, defaultValue: T): Resolution<T> {
  const { flag } = prepared;
  const campaign = flag.campaign;
  if (trace === null) {
    return failed(
      defaultValue,
      { errorCode: 'GENERAL', errorMessage: `VWO could not decide ${campaign.key}; see the VWO client's log` },
      campaign,
    );
  }
  const reason = reasonOf(trace);
  if (typeof reason !== 'string') return failed(defaultValue, reason, campaign);
  const flagMetadata = metadataOf(campaign);
  const variationName = trace.variationName;

  if (variationName === null) {
    const value = flag.kind === 'campaign' && flag.type === 'boolean' ? answer === true : defaultValue;
    return { value: value as T, reason, flagMetadata };
  }
  const answered = (value: unknown): Resolution<T> => ({ value: value as T, variant: variationName, reason, flagMetadata });

  if (flag.kind === 'campaign') {
    if (flag.type === 'string') {
      // The name VWO answered is the variant too (settings may have changed since the trace).
      if (typeof answer === 'string') return { value: answer as T, variant: answer, reason, flagMetadata };
      return failed(defaultValue, disagreement(campaign, `no variation where the decision is ${variationName}`), campaign);
    }
    if (answer === false && enabledIn(campaign, variationName)) {
      return failed(defaultValue, disagreement(campaign, `the feature off where ${variationName} has it on`), campaign);
    }
    return answered(answer === true);
  }

  if (answer !== null && answer !== undefined) {
    if (isOfType(answer, prepared.type)) return answered(answer);
    return failed(
      defaultValue,
      {
        errorCode: 'TYPE_MISMATCH',
        errorMessage: `${campaign.key}: variable ${flag.variableKey} is a ${typeof answer}, not ${prepared.type}`,
      },
      campaign,
    );
  }
  const variable = variableFor(campaign, variationName, flag.variableKey);
  if (!variable) {
    return failed(
      defaultValue,
      {
        errorCode: 'FLAG_NOT_FOUND',
        errorMessage: `variation ${variationName} of ${campaign.key} has no variable ${JSON.stringify(flag.variableKey)}`,
      },
      campaign,
    );
  }
  if (castVariable(variable) === null) {
    return failed(
      defaultValue,
      {
        errorCode: 'PARSE_ERROR',
        errorMessage: `${campaign.key}: variable ${flag.variableKey} of type ${String(variable.type)} has a value that is not one: ${JSON.stringify(variable.value) ?? 'nothing'}`,
      },
      campaign,
    );
  }
  // A user storage makes VWO answer variables only for users it has activated before.
  return { value: defaultValue, reason: 'DEFAULT', flagMetadata };
}

/** `isFeatureEnabled`'s own rule (a rollout is on for everyone in it; otherwise the variation's flag). */
export function enabledIn(campaign: Campaign, variationName: string): boolean {
  const variation = campaign.variations.find((candidate) => candidate.name === variationName);
  return featureEnabled(campaign, { outcome: 'bucketed', variation, variationName, campaign, notifies: false, store: false });
}

function disagreement(campaign: Campaign, what: string) {
  return {
    errorCode: 'GENERAL' as const,
    errorMessage: `VWO answered ${what} for ${campaign.key} (a multi-armed bandit campaign without user storage, or settings that changed meanwhile); see the VWO client's log`,
  };
}
