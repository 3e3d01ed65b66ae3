/**
 * One evaluation in two halves around the VWO decision, shared by both providers:
 * `prepare` does what needs no decision (flag key, type, context, campaign status) and
 * `settle` turns the decision's trace and VWO's answer into resolution details.
 */
import type { DecisionTrace, FeatureVariableValue, Settings } from '@vwo/core';
import { type ContextLike, userFromContext, type VWOUser } from './context.js';
import { type Flag, type FlagType, findFlag } from './flags.js';
import type { ProviderSetup } from './options.js';
import { failed, isFailure, isOfType, metadataOf, type Resolution, reasonOf } from './resolution.js';

export interface Prepared {
  readonly flag: Flag;
  /** The type asked for. */
  readonly type: FlagType;
  readonly user: VWOUser;
}

/** VWO's answer for the flag: a variation name, `isFeatureEnabled`, or a variable value (`null`: none). */
export type Answer = string | boolean | FeatureVariableValue;

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
 * Resolution details from `explain` of the flag's call (reason, variant, and the answer the
 * call gives) and from the call itself where the provider made it (the server). `0`, `''` and
 * `false` are values like any other. A feature flag of a user left out is `false`, as
 * `isFeatureEnabled` answers; a variation name or variable the user does not get is the
 * caller's default.
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
  // The server makes the call after explain: new settings swapped in between can separate them.
  if (!sameAnswer(answer, trace.answer)) {
    return failed(
      defaultValue,
      {
        errorCode: 'GENERAL',
        errorMessage: `VWO answered ${JSON.stringify(answer)} for ${campaign.key} where its decision gave ${JSON.stringify(trace.answer)} (the settings changed meanwhile); see the VWO client's log`,
      },
      campaign,
    );
  }
  const flagMetadata = metadataOf(campaign);
  const value = trace.answer;
  const variant = trace.variationName ?? undefined;
  const withVariant = (resolved: unknown): Resolution<T> =>
    variant === undefined ? { value: resolved as T, reason, flagMetadata } : { value: resolved as T, variant, reason, flagMetadata };

  if (flag.kind === 'campaign') {
    if (flag.type === 'boolean') return withVariant(value === true);
    return typeof value === 'string'
      ? { value: value as T, variant: value, reason, flagMetadata }
      : { value: defaultValue, reason, flagMetadata };
  }
  if (value !== null) {
    if (isOfType(value, prepared.type)) return withVariant(value);
    return failed(
      defaultValue,
      {
        errorCode: 'TYPE_MISMATCH',
        errorMessage: `${campaign.key}: variable ${flag.variableKey} holds a ${typeof value}, not a ${prepared.type}`,
      },
      campaign,
    );
  }
  // A user VWO leaves out (or, with a user storage, has not activated yet) gets the default.
  if (trace.variationName === null) return { value: defaultValue, reason, flagMetadata };
  const lookup = [...trace.steps].reverse().find((step) => step.step === 'variable');
  if (lookup?.data?.found === true) {
    return failed(
      defaultValue,
      {
        errorCode: 'PARSE_ERROR',
        errorMessage: `${campaign.key}: variable ${flag.variableKey} of type ${String(lookup.data.type)} has a value that is not one: ${JSON.stringify(lookup.data.value) ?? 'nothing'}`,
      },
      campaign,
    );
  }
  return failed(
    defaultValue,
    {
      errorCode: 'FLAG_NOT_FOUND',
      errorMessage: `variation ${trace.variationName} of ${campaign.key} has no variable ${JSON.stringify(flag.variableKey)}`,
    },
    campaign,
  );
}

/** Answers are JSON values (a `json` variable is a fresh copy on each call). */
function sameAnswer(a: Answer, b: Answer): boolean {
  return a === b || (typeof a === 'object' && a !== null && JSON.stringify(a) === JSON.stringify(b));
}
