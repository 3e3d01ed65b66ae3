import { type Campaign, type CampaignApi, createClient, type DecisionTrace, type Settings } from '@vwo/core';
import { OUTCOME_TEXT } from '../outcomes.js';
import type { UserContext } from './decide.js';

/** The call to explain: by default the campaign's own (`activate` for A/B, else `isFeatureEnabled`). */
export interface ExplainedCall {
  /** The API explained. */
  readonly api?: CampaignApi;
  /** The variable, with `getFeatureVariableValue`. */
  readonly variableKey?: string;
}

/** The trace of one API call for one user, as `explain` records it (development mode: nothing stored or sent). */
export async function traceOf(
  settings: Settings,
  campaign: Campaign,
  userId: string,
  context: UserContext & ExplainedCall = {},
): Promise<DecisionTrace> {
  const client = createClient({ settings, isDevelopmentMode: true, logLevel: 'silent' });
  try {
    const trace = await client.explain(campaign.key, userId, {
      customVariables: context.customVariables,
      variationTargetingVariables: context.variationTargetingVariables,
      api: context.api,
      variableKey: context.variableKey,
    });
    if (trace === null) throw new Error('explain returned no trace');
    return trace;
  } finally {
    await client.close();
  }
}

/** A trace as readable lines: a headline, one line per step with ✔ or ✘, then how it ended and what the call answers. */
export function explainLines(campaign: Campaign, trace: DecisionTrace): string[] {
  const variation = trace.variationName === null ? 'no variation' : trace.variationName;
  const lines = [`${campaign.key} (${campaign.type}) for user ${JSON.stringify(trace.userId)} → ${variation}`];
  if (trace.steps.length === 0) lines.push('  ✔ no segments, whitelisting, storage or group to check');
  for (const step of trace.steps) lines.push(`  ${step.passed ? '✔' : '✘'} ${step.step}: ${step.detail}${dataText(step.data)}`);
  const outcome = OUTCOME_TEXT[trace.outcome] ?? trace.outcome;
  const verdict = outcome === trace.outcome ? `outcome: ${trace.outcome}` : `outcome: ${trace.outcome} (${outcome})`;
  const call = trace.variableKey === undefined ? `${trace.api}` : `${trace.api}(${JSON.stringify(trace.variableKey)})`;
  lines.push(`${verdict}; ${call} answers ${JSON.stringify(trace.answer)}`);
  return lines;
}

/** Step data not already in the detail text (seed and multiplier of the variation bucket, group ranges…). */
function dataText(data: Readonly<Record<string, unknown>> | undefined): string {
  if (!data) return '';
  const parts = Object.entries(data)
    // The bucket is in the detail already; what a variable step found is too.
    .filter(([key]) => key !== 'bucket' && key !== 'found' && key !== 'type' && key !== 'value')
    .map(([key, value]) => `${key} ${JSON.stringify(value)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
