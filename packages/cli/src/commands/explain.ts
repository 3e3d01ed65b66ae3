import { type Campaign, createClient, type DecisionTrace, type Settings } from '@vwo/core';
import { OUTCOME_TEXT } from '../outcomes.js';
import type { UserContext } from './decide.js';

/** The decision trace of one user, as `explain` records it (development mode: nothing stored or sent). */
export async function traceOf(settings: Settings, campaign: Campaign, userId: string, context: UserContext = {}): Promise<DecisionTrace> {
  const client = createClient({ settings, isDevelopmentMode: true, logLevel: 'silent' });
  try {
    const trace = await client.explain(campaign.key, userId, {
      customVariables: context.customVariables,
      variationTargetingVariables: context.variationTargetingVariables,
    });
    if (trace === null) throw new Error('explain returned no trace');
    return trace;
  } finally {
    await client.close();
  }
}

/** A trace as readable lines: a headline, then one line per step with ✔ or ✘. */
export function explainLines(campaign: Campaign, trace: DecisionTrace): string[] {
  const answer = trace.variationName === null ? 'no variation' : trace.variationName;
  const lines = [`${campaign.key} (${campaign.type}) for user ${JSON.stringify(trace.userId)} → ${answer}`];
  if (trace.steps.length === 0) lines.push('  ✔ no segments, whitelisting, storage or group to check');
  for (const step of trace.steps) lines.push(`  ${step.passed ? '✔' : '✘'} ${step.step}: ${step.detail}${dataText(step.data)}`);
  const outcome = OUTCOME_TEXT[trace.outcome] ?? trace.outcome;
  let verdict = outcome === trace.outcome ? `outcome: ${trace.outcome}` : `outcome: ${trace.outcome} (${outcome})`;
  if (campaign.type === 'FEATURE_ROLLOUT' || campaign.type === 'FEATURE_TEST') {
    const variation = campaign.variations.find((v) => v.name === trace.variationName);
    // As featureEnabled(): a rollout is on for everyone in it, a feature test by the variation's flag.
    const enabled = trace.variationName !== null && (campaign.type === 'FEATURE_ROLLOUT' || variation?.isFeatureEnabled === true);
    verdict += `; feature ${enabled ? 'enabled' : 'disabled'}`;
  }
  lines.push(verdict);
  return lines;
}

/** Step data not already in the detail text (seed and multiplier of the variation bucket, group ranges…). */
function dataText(data: Readonly<Record<string, unknown>> | undefined): string {
  if (!data) return '';
  const parts = Object.entries(data)
    .filter(([key]) => key !== 'bucket')
    .map(([key, value]) => `${key} ${JSON.stringify(value)}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
