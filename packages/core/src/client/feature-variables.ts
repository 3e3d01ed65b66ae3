import type { Campaign, Variable, Variation } from '../settings/model.js';
import { isPlainObject } from '../util/types.js';
import type { FeatureVariableValue } from './types.js';

/**
 * The variable a user in `variation` reads (decision-flow.md §9): a rollout's campaign
 * variables; a feature test's variation variables, or the control's (`id === 1`) when the
 * variation has the feature off. `undefined` when not found (1.73.0 also ends there when the
 * control is missing).
 *
 * @example
 * const decision = decide(settings, 'pricing-page', 'user-42');
 * const variable = findVariable(campaign, decision.variation, 'layout');
 * const value = variable && castVariable(variable); // 'cards'
 */
export function findVariable(called: Campaign, variation: Variation | undefined, variableKey: string): Variable | undefined {
  if (called.type === 'FEATURE_ROLLOUT') return firstWithKey(called.variables, variableKey);
  if (called.type !== 'FEATURE_TEST') return undefined;
  if (!variation?.raw.variables) return undefined;
  const source = variation.raw.isFeatureEnabled ? variation : called.control;
  return firstWithKey(source?.variables, variableKey);
}

function firstWithKey(variables: readonly Variable[] | undefined, key: string): Variable | undefined {
  if (!variables) return undefined;
  for (const variable of variables) {
    if (isPlainObject(variable) && variable.key === key) return variable;
  }
  return undefined;
}

/**
 * Casts a variable's value by its type, as 1.73.0 does (settings-file.md §5): `integer` with
 * `parseInt`, `double` with `parseFloat`, `boolean` and `json` only when already of that type,
 * anything else as is. A `json` value comes back as a copy, so the caller cannot alter settings.
 */
export function castVariable(variable: Variable): FeatureVariableValue {
  const value = variable.value;
  switch (variable.type) {
    case 'integer': {
      const n = Number.parseInt(value as string, 10);
      return Number.isNaN(n) ? null : n;
    }
    case 'double': {
      const n = Number.parseFloat(value as string);
      return Number.isNaN(n) ? null : n;
    }
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'json':
      return isPlainObject(value) ? (JSON.parse(JSON.stringify(value)) as Record<string, unknown>) : null;
    default:
      return value as FeatureVariableValue;
  }
}
