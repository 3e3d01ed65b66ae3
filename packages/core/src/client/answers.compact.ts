/**
 * The browser build's answers (tsup.config.ts takes it for `answers.ts`): the same answer for
 * every decision and the same `explain` steps (names, verdicts, `data`) with shorter texts. The
 * variable lookup and cast of feature-variables.ts are written here as one expression each, so
 * that module does not reach a page.
 */
import { type CampaignApi, featureEnabled } from '../decision/api-rules.js';
import { record, type Trace } from '../decision/trace.js';
import type { Decision } from '../decision/types.js';
import type { Campaign } from '../settings/model.js';
import { isPlainObject } from '../util/types.js';
import type { FeatureVariableValue } from './types.js';

/** An API's answer: a variation name, `isFeatureEnabled`, or a variable's value; `null` for none. */
export type ApiAnswer = string | boolean | FeatureVariableValue;

/** What the API answers when it gives the user nothing: `false` for `isFeatureEnabled`, else `null`. */
export function noAnswer(api: CampaignApi): false | null {
  return api === 'isFeatureEnabled' ? false : null;
}

/** The API's answer for a decision of the called campaign (answers.ts), its rule recorded in `trace`. */
export function answerOf(api: CampaignApi, called: Campaign, decision: Decision, variableKey: string, trace: Trace): ApiAnswer {
  const { variationName: name, variation } = decision;
  const json = JSON.stringify;
  const rollout = called.type === 'FEATURE_ROLLOUT';
  let answer: ApiAnswer = noAnswer(api);
  // The rule that turns the decision into the answer, for `explain` (the step's arguments).
  let step: Parameters<typeof record> | undefined;
  if (name === null) {
    // 1.73.0 buckets into a variation without a usable name and then has nothing to return.
    if (variation) step = [trace, 'api', false, `variation ${json(variation.id)} has no name: ${api} answers ${answer}`];
  } else if (api === 'activate' || api === 'getVariationName') answer = name;
  else if (api === 'isFeatureEnabled') {
    answer = featureEnabled(called, decision);
    step = [trace, 'feature', answer, rollout ? 'a rollout is on' : `${name} has the feature ${answer ? 'on' : 'off'}`];
  } else {
    // decision-flow.md §9: a rollout's variables; a feature test's, from the control (id 1) when the variation has the feature off.
    const on = variation?.raw.isFeatureEnabled;
    const source = rollout
      ? called
      : called.type === 'FEATURE_TEST' && variation?.raw.variables
        ? on
          ? variation
          : called.control
        : undefined;
    const variable = source?.variables?.find((candidate) => isPlainObject(candidate) && candidate.key === variableKey);
    if (variable) {
      // settings-file.md §5: cast by the declared type as 1.73.0 does; `json` as a copy the caller cannot alter settings through.
      const { type, value } = variable;
      const number =
        type === 'integer' ? Number.parseInt(value as string, 10) : type === 'double' ? Number.parseFloat(value as string) : undefined;
      answer =
        number !== undefined
          ? Number.isNaN(number)
            ? null
            : number
          : type === 'boolean'
            ? typeof value === 'boolean'
              ? value
              : null
            : type === 'json'
              ? isPlainObject(value)
                ? JSON.parse(json(value))
                : null
              : (value as FeatureVariableValue);
      const of = `${variableKey} of ${rollout ? 'the rollout' : on ? name : 'the control'}`;
      step = [
        trace,
        'variable',
        answer !== null,
        answer === null ? `${of} is not a ${type}` : `${of} is ${json(answer)}`,
        { found: true, type, value },
      ];
    } else step = [trace, 'variable', false, `${name} has no variable ${json(variableKey)}`, { found: false }];
  }
  if (step) record(...step);
  return answer;
}
