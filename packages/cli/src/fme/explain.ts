import { createFmeClient, type FmeExplanation, type FmeFeature } from '@vwo/core';
import { fmeContext, ruleText } from './decide.js';
import type { FmeUser, LoadedFme } from './load.js';

/** `explain` of one feature for one user, on a client without transport or storage. */
export async function explainFeature(loaded: LoadedFme, feature: FmeFeature, user: FmeUser): Promise<FmeExplanation> {
  const { settings } = loaded;
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const client = createFmeClient({ accountId: settings.accountId, sdkKey: settings.sdkKey ?? '', settings: loaded.raw, logger: silent });
  try {
    return await client.explain(feature.key, fmeContext(user));
  } finally {
    await client.close();
  }
}

/** Steps that stopped something: the rest moved the decision on. */
const FAILED_STEP = /\b(failed|no variation|disabled|no winner|draw → none|no feature)\b/;

/** An explanation as readable lines: a headline, one line per step with ✔ or ✘, the rules served, variables and impressions. */
export function explainFeatureLines(loaded: LoadedFme, feature: FmeFeature, user: FmeUser, explanation: FmeExplanation): string[] {
  const { settings } = loaded;
  const lines = [
    `${feature.key} (feature ${String(feature.id)}, ${feature.rules.length} rule${feature.rules.length === 1 ? '' : 's'}) for user ${JSON.stringify(user.id)} → ${explanation.enabled ? 'enabled' : 'disabled'}`,
  ];
  if (explanation.trace.length === 0) lines.push('  ✘ no rule to evaluate');
  for (const step of explanation.trace) lines.push(`  ${FAILED_STEP.test(step) ? '✘' : '✔'} ${step}`);
  const rollout = ruleText(settings, explanation.rollout);
  const experiment = ruleText(settings, explanation.experiment);
  lines.push(`outcome: ${explanation.outcome}; rollout ${rollout ?? 'none'}; experiment ${experiment ?? 'none'}`);
  const variables = explanation.variables.map((variable) => `${variable.key} = ${JSON.stringify(variable.value)}`);
  lines.push(`getFlag: isEnabled() ${explanation.enabled}; variables ${variables.length > 0 ? variables.join(', ') : 'none'}`);
  const impressions = explanation.impressions.map(([campaignId, variationId]) => `${String(campaignId)}/${String(variationId)}`);
  lines.push(`impressions (campaign/variation): ${impressions.length > 0 ? impressions.join(', ') : 'none'}`);
  return lines;
}
