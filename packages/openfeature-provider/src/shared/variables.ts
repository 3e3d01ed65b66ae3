/**
 * Which feature variable a user in a variation reads, and its value cast by its type: the
 * rules of the client's `getFeatureVariableValue`, taken from `@vwo/core`. The web provider
 * computes values with them from one decision per campaign; the server provider uses them
 * only to explain a `null` answer.
 */
import { type Campaign, castVariable as castByType, type FeatureVariableValue, findVariable, type Variable } from '@vwo/core';

/** The variable a user in the named variation reads, or `undefined`. */
export function variableFor(campaign: Campaign, variationName: string, variableKey: string): Variable | undefined {
  const variation = campaign.variations.find((candidate) => candidate.name === variationName);
  return findVariable(campaign, variation, variableKey);
}

/** The value cast by the variable's type; `null` when it cannot be read as its type. */
export function castVariable(variable: Variable): FeatureVariableValue {
  return castByType(variable) ?? null;
}
