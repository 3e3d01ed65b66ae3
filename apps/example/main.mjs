// Decides a few users against the bundled settings file and prints who gets what, with the
// steps of one decision. Run with `npm run example` from the repository root.
import { readFileSync } from 'node:fs';
import { apiAcceptsCampaign, campaignsForGoal, decide, featureEnabled, parseSettings, visitorUuid } from '@vwo/core';

const file = JSON.parse(readFileSync(new URL('./settings.json', import.meta.url), 'utf8'));
const result = parseSettings(file);
if (!result.ok) {
  console.error(result.error.message);
  process.exit(1);
}
const { settings, warnings } = result;
for (const warning of warnings) console.warn(`warning: ${warning.path}: ${warning.message}`);

const users = [
  { id: 'Ashley', vars: { plan: 'pro' } },
  { id: 'Bill', vars: { plan: 'free' } },
  { id: 'José', vars: { plan: 'Pro' } },
  { id: 'ユーザー', vars: { plan: 'pro' }, targeting: { role: 'qa' } },
  { id: 'user-42', vars: {} },
];

const rows = [];
for (const user of users) {
  const row = { user: user.id, uuid: visitorUuid(settings.accountId, user.id) };
  for (const campaign of settings.campaigns) {
    const decision = decide(settings, campaign, user.id, {
      customVariables: user.vars,
      variationTargetingVariables: user.targeting,
    });
    row[campaign.key] = apiAcceptsCampaign('getVariationName', campaign)
      ? (decision.variationName ?? '—')
      : featureEnabled(campaign, decision)
        ? 'on'
        : 'off';
  }
  rows.push(row);
}
console.table(rows);

const trace = decide(settings, 'pricing-page', 'José', { trace: true });
console.log(`\nWhy José gets ${trace.variationName ?? 'nothing'} in pricing-page:`);
for (const step of trace.steps ?? []) console.log(`  ${step.passed ? '✔' : '✘'} ${step.step}: ${step.detail}`);

const reached = campaignsForGoal(settings, 'purchase').map((c) => c.key);
console.log(`\ntrack(null, user, 'purchase') reaches: ${reached.join(', ')}`);
