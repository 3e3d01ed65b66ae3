import type { FmeFeatureReport, FmeReport, FmeRuleReport } from './fme/report.js';
import { CAMPAIGN_TYPES, count, dollars, percent, pValue, seconds, weight } from './format.js';
import type { CampaignReport, DemoReport } from './report.js';

/** Columns separated by two spaces; `align` has 'l' or 'r' per column. */
export function columns(rows: readonly (readonly string[])[], align: string, indent = '  '): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, [...cell].length);
    });
  }
  return rows.map((row) =>
    (
      indent +
      row
        .map((cell, i) => {
          const pad = ' '.repeat((widths[i] ?? 0) - [...cell].length);
          return align[i] === 'r' ? pad + cell : cell + pad;
        })
        .join('  ')
    ).trimEnd(),
  );
}

/** A campaign's headline: key, name, type and what it exercises. */
export function campaignHeadline(c: CampaignReport): string {
  const traits = [CAMPAIGN_TYPES[c.type] ?? c.type, `traffic ${c.percentTraffic}%`];
  if (c.preSegmented) traits.push('pre-segmented');
  if (c.whitelisting) traits.push('whitelisting');
  if (c.group) traits.push(`mutually exclusive group "${c.group}"`);
  return `${c.key} — "${c.name}" · ${traits.join(' · ')}`;
}

/** The split verdict: chi-square, df, p and what it means. */
export function splitVerdict(c: CampaignReport): string {
  const t = c.split;
  if (t.pValue === null) return c.variations.length < 2 ? 'split: one variation (100%)' : 'split: no users to test';
  const mark = t.consistent ? '✔ consistent with the weights' : '✘ departs from the weights';
  return `split vs weights: chi-square ${t.statistic.toFixed(2)}, df ${t.df}, p = ${pValue(t.pValue)} ${mark}`;
}

/** The per-campaign table: users, impressions, conversions and rate per goal, revenue, split beside weights. */
export function campaignLines(c: CampaignReport): string[] {
  const hasRevenue = c.goals.some((g) => g.type === 'REVENUE_TRACKING');
  const header = ['variation', 'weight', 'split', 'users', 'impressions'];
  const align = ['l', 'r', 'r', 'r', 'r'];
  for (const goal of c.goals) {
    header.push(goal.identifier, 'rate');
    align.push('r', 'r');
  }
  if (hasRevenue) {
    header.push('revenue');
    align.push('r');
  }
  const rows = [header];
  for (const v of c.variations) {
    const row = [v.name, weight(v.weight), percent(v.observedShare), count(v.users), count(v.impressions)];
    for (const goal of c.goals) {
      const cell = v.goals[goal.identifier];
      row.push(count(cell?.conversions ?? 0), percent(cell?.rate ?? 0, 2));
    }
    if (hasRevenue) row.push(dollars(v.revenue));
    rows.push(row);
  }
  const lines = [campaignHeadline(c), ...columns(rows, align.join('')), `  ${splitVerdict(c)}`];
  lines.push(
    c.agrees
      ? '  ✔ collector = SDK: users, impressions, conversions and revenue match the SDK’s answers'
      : `  ✘ collector ≠ SDK: ${c.mismatches.join('; ')}`,
  );
  return lines;
}

/** The whole terminal report. */
export function reportLines(report: DemoReport): string[] {
  const d = report.delivery;
  const lines = [
    `${report.title}: ${count(report.users)} simulated users (seed ${JSON.stringify(report.seed)}) in ${seconds(report.durationMs)}, ${count(report.usersPerSecond)} users/s`,
    `Numbers below are what the collector received at ${report.collectorUrl}, not what the SDK answered.`,
    d.complete
      ? `Delivery ✔ the SDK sent ${count(d.sdk.sent)} events in ${count(d.collector.batchRequests)} batches; the collector counted ${count(d.collector.events)} (${count(d.collector.impressions)} impressions, ${count(d.collector.conversions)} conversions), none dropped or rejected`
      : `Delivery ✘ the SDK queued ${count(d.sdk.enqueued)} events, sent ${count(d.sdk.sent)}, failed ${count(d.sdk.failed)}, dropped ${count(d.sdk.dropped)}; the collector counted ${count(d.collector.events)} and rejected ${count(d.collector.rejectedRequests)} requests`,
  ];
  for (const campaign of report.campaigns) lines.push('', ...campaignLines(campaign));
  if (report.fme) lines.push('', ...fmeLines(report.fme));
  return lines;
}

export const FME_RULE_TYPES: Readonly<Record<string, string>> = {
  FLAG_ROLLOUT: 'rollout',
  FLAG_TESTING: 'A/B test',
  FLAG_PERSONALIZE: 'personalise',
};

/** A rule's headline: feature/rule, campaign name, type and what it exercises. */
export function fmeRuleHeadline(feature: FmeFeatureReport, rule: FmeRuleReport): string {
  const traits = [FME_RULE_TYPES[rule.type] ?? rule.type, `campaign ${rule.campaignId}`];
  if (rule.preSegmented) traits.push('pre-segmented');
  if (rule.group) traits.push(`mutually exclusive group "${rule.group}"`);
  return `${feature.key}/${rule.key} — "${rule.campaignName}" · ${traits.join(' · ')}`;
}

/** One rule's table: users, impressions, conversions and rate per metric of its feature, revenue. */
export function fmeRuleLines(feature: FmeFeatureReport, rule: FmeRuleReport): string[] {
  const revenueMetrics = feature.metrics.filter((m) => rule.variations.some((v) => v.metrics[m.identifier]?.revenue !== null));
  const header = ['variation', rule.type === 'FLAG_TESTING' ? 'weight' : 'traffic', 'users', 'impressions'];
  const align = ['l', 'r', 'r', 'r'];
  for (const metric of feature.metrics) {
    header.push(metric.identifier, 'rate');
    align.push('r', 'r');
  }
  if (revenueMetrics.length > 0) {
    header.push('revenue');
    align.push('r');
  }
  const rows = [header];
  for (const v of rule.variations) {
    const row = [v.name, weight(v.weight), count(v.users), count(v.impressions)];
    for (const metric of feature.metrics) {
      const cell = v.metrics[metric.identifier];
      row.push(count(cell?.conversions ?? 0), percent(cell?.rate ?? 0, 2));
    }
    if (revenueMetrics.length > 0) row.push(dollars(revenueMetrics.reduce((sum, m) => sum + (v.metrics[m.identifier]?.revenue ?? 0), 0)));
    rows.push(row);
  }
  return [
    fmeRuleHeadline(feature, rule),
    ...columns(rows, align.join('')),
    rule.agrees
      ? '  ✔ collector = SDK: users, impressions, conversions and revenue match what the SDK reported'
      : `  ✘ collector ≠ SDK: ${rule.mismatches.join('; ')}`,
  ];
}

/** The FME section: delivery, then one table per feature rule, then the metrics. */
export function fmeLines(fme: FmeReport): string[] {
  const d = fme.delivery;
  const byName = d.collector.byName;
  const lines = [
    `${fme.title}: ${count(fme.users)} simulated users through init, getFlag and trackEvent on ${fme.settingsFile} in ${seconds(fme.durationMs)}`,
    d.complete
      ? `Delivery ✔ the SDK sent ${count(d.sdk.deliveredEvents)} events in ${count(d.sdk.batches)} batches (batch-events-v2); the collector counted ${count(d.collector.events)} (${count(byName.vwo_variationShown ?? 0)} impressions, ${count(d.collector.events - (byName.vwo_variationShown ?? 0))} other), none failed`
      : `Delivery ✘ the SDK delivered ${count(d.sdk.deliveredEvents)} events, ${count(d.sdk.failed)} requests failed; the collector counted ${count(d.collector.events)}`,
  ];
  for (const feature of fme.features) for (const rule of feature.rules) lines.push('', ...fmeRuleLines(feature, rule));
  const rows = [['metric', 'conversions', 'SDK', 'revenue', 'unattributed']];
  for (const m of fme.metrics) {
    rows.push([m.identifier, count(m.conversions), count(m.sdk), m.revenue === null ? '—' : dollars(m.revenue), count(m.unattributed)]);
  }
  lines.push(
    '',
    'FME metrics (trackEvent; unattributed: the user had no impression in a rule of a feature listing the metric)',
    ...columns(rows, 'lrrrr'),
  );
  return lines;
}
