/**
 * What each decision API answers for a decision: one function for the API methods and for
 * `explain`, so that a trace can never tell a user something the API does not give them.
 */
import { type CampaignApi, featureEnabled } from '../decision/api-rules.js';
import { record, type Trace } from '../decision/trace.js';
import type { Decision } from '../decision/types.js';
import type { Campaign } from '../settings/model.js';
import { castVariable, findVariable } from './feature-variables.js';
import type { FeatureVariableValue } from './types.js';

/** An API's answer: a variation name, `isFeatureEnabled`, or a variable's value; `null` for none. */
export type ApiAnswer = string | boolean | FeatureVariableValue;

/** What the API answers when it gives the user nothing: `false` for `isFeatureEnabled`, else `null`. */
export function noAnswer(api: CampaignApi): false | null {
  return api === 'isFeatureEnabled' ? false : null;
}

/**
 * The API's answer for a decision of the called campaign (decision-flow.md §6–§10). With a
 * trace (explain), the rule that turns the decision into the answer is recorded as a step
 * whenever the answer is not simply the variation's name.
 */
export function answerOf(api: CampaignApi, called: Campaign, decision: Decision, variableKey: string, trace: Trace): ApiAnswer {
  const name = decision.variationName;
  if (name === null) {
    // 1.73.0 buckets into a variation without a usable name and then has nothing to return.
    if (trace && decision.variation !== undefined) {
      record(
        trace,
        'api',
        false,
        `the variation (id ${JSON.stringify(decision.variation.id)}) has no name: ${api} answers ${noAnswer(api)}`,
      );
    }
    return noAnswer(api);
  }
  if (api === 'activate' || api === 'getVariationName') return name;
  if (api === 'isFeatureEnabled') {
    const enabled = featureEnabled(called, decision);
    if (trace) {
      const why =
        called.type === 'FEATURE_ROLLOUT'
          ? 'a rollout is on for every user in it'
          : `${name} has the feature ${enabled ? 'on' : 'off'} (isFeatureEnabled ${JSON.stringify(decision.variation?.raw.isFeatureEnabled)})`;
      record(trace, 'feature', enabled, `${why}: isFeatureEnabled answers ${enabled}`);
    }
    return enabled;
  }
  const variable = findVariable(called, decision.variation, variableKey);
  if (!variable) {
    if (trace)
      record(trace, 'variable', false, `${name} has no variable ${JSON.stringify(variableKey)}: the answer is null`, { found: false });
    return null;
  }
  const value = castVariable(variable);
  if (trace) {
    const source = called.type === 'FEATURE_ROLLOUT' ? 'the rollout' : decision.variation?.raw.isFeatureEnabled ? name : 'the control';
    const offNote = source === 'the control' ? `${name} has the feature off, so its users read the control's variables; ` : '';
    const detail =
      value === null
        ? `${offNote}${variableKey} of ${source} is declared ${JSON.stringify(variable.type)} but holds ${JSON.stringify(variable.value) ?? 'nothing'}: the answer is null`
        : `${offNote}${variableKey} of ${source} is ${JSON.stringify(value)} (${String(variable.type)})`;
    record(trace, 'variable', value !== null, detail, { found: true, type: variable.type, value: variable.value });
  }
  return value;
}
