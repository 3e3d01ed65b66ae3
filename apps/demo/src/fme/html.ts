/** The FME part of the HTML report: delivery, then per feature rule a users chart and a table. */
import { count, dollars, percent, weight } from '../format.js';
import { color, escapeHtml, fixed, INK, MUTED, svg, text } from '../html.js';
import { FME_RULE_TYPES, fmeRuleHeadline } from '../text.js';
import type { FmeFeatureReport, FmeReport, FmeRuleReport } from './report.js';

/** Users per variation of a rule, as bars scaled to the FME population. */
export function fmeUsersChart(rule: FmeRuleReport, featureKey: string, population: number): string {
  const labelWidth = 130;
  const plot = 260;
  const row = 34;
  const width = labelWidth + plot + 150;
  const height = 26 + row * rule.variations.length + 8;
  let body = text(0, 14, `users served each variation, of ${count(population)} simulated`, `fill="${MUTED}" font-size="12"`);
  rule.variations.forEach((v, i) => {
    const y = 26 + i * row;
    const share = population > 0 ? v.users / population : 0;
    body +=
      text(labelWidth - 8, y + 17, v.name, `text-anchor="end" fill="${INK}" font-size="13"`) +
      `<rect class="bar" x="${labelWidth}" y="${y + 4}" width="${fixed(Math.max(1, share * plot))}" height="${row - 12}" rx="3" fill="${color(i)}"/>` +
      text(labelWidth + plot + 10, y + 17, `${count(v.users)} (${percent(share)})`, `fill="${INK}" font-size="12"`);
  });
  return svg(`${featureKey}/${rule.key}: users per variation`, width, height, body);
}

function ruleTable(feature: FmeFeatureReport, rule: FmeRuleReport): string {
  const revenueMetrics = feature.metrics.filter((m) => rule.variations.some((v) => v.metrics[m.identifier]?.revenue !== null));
  const head = [
    'variation',
    rule.type === 'FLAG_TESTING' ? 'weight' : 'traffic',
    'users',
    'impressions',
    ...feature.metrics.map((m) => m.identifier),
    ...(revenueMetrics.length > 0 ? ['revenue'] : []),
  ];
  const rows = rule.variations.map((v, i) => {
    const revenue = revenueMetrics.reduce((sum, m) => sum + (v.metrics[m.identifier]?.revenue ?? 0), 0);
    const cells = [
      `<td><span class="swatch" style="background:${color(i)}"></span>${escapeHtml(v.name)}</td>`,
      `<td>${weight(v.weight)}</td>`,
      `<td>${count(v.users)}</td>`,
      `<td>${count(v.impressions)}</td>`,
      ...feature.metrics.map((m) => {
        const cell = v.metrics[m.identifier];
        return `<td>${count(cell?.conversions ?? 0)} <small>${percent(cell?.rate ?? 0, 2)}</small></td>`;
      }),
      ...(revenueMetrics.length > 0 ? [`<td>${dollars(revenue)}</td>`] : []),
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function ruleSection(feature: FmeFeatureReport, rule: FmeRuleReport, population: number): string {
  const agree = rule.agrees
    ? '<p class="ok">✔ The collector’s counts equal what the SDK reported (users, impressions, conversions, revenue).</p>'
    : `<p class="bad">✘ The collector’s counts differ from the SDK’s: ${escapeHtml(rule.mismatches.join('; '))}</p>`;
  return `<section class="fme-rule" id="fme-${escapeHtml(feature.key)}-${escapeHtml(rule.key)}">
<h2>${escapeHtml(`${feature.key}/${rule.key}`)} <small>${escapeHtml(FME_RULE_TYPES[rule.type] ?? rule.type)}</small></h2>
<p class="meta">${escapeHtml(fmeRuleHeadline(feature, rule))}</p>
<figure>${fmeUsersChart(rule, feature.key, population)}</figure>
${ruleTable(feature, rule)}
${agree}
</section>`;
}

/** The FME section: what went through `init`, rule by rule, and the metrics. */
export function fmeSection(fme: FmeReport): string {
  const d = fme.delivery;
  const delivery = d.complete
    ? `<p class="ok">✔ Delivery complete: the SDK sent ${count(d.sdk.deliveredEvents)} events in ${count(d.sdk.batches)} batch requests and the collector counted every one.</p>`
    : `<p class="bad">✘ Delivery incomplete: the SDK delivered ${count(d.sdk.deliveredEvents)} events, ${count(d.sdk.failed)} requests failed; the collector counted ${count(d.collector.events)}.</p>`;
  const metricRows = fme.metrics
    .map(
      (m) =>
        `<tr><td>${escapeHtml(m.identifier)}</td><td>${count(m.conversions)}</td><td>${count(m.sdk)}</td><td>${m.revenue === null ? '—' : dollars(m.revenue)}</td><td>${count(m.unattributed)}</td></tr>`,
    )
    .join('');
  return `<section class="overview fme" id="fme">
<h2>${escapeHtml(fme.title)} <small>init · getFlag · trackEvent</small></h2>
<p class="lead">${count(fme.users)} simulated users went through <code>init</code> of <code>@vwo/node</code> (vwo-fme-node-sdk 1.35.0’s API) with <code>${escapeHtml(fme.settingsFile)}</code>: features with a rollout and an A/B rule, a personalise rule and a mutually exclusive group. Conversions are attributed to the variation of each user’s latest impression in every rule of the features that list the metric.</p>
${delivery}
<table class="fme-metrics"><thead><tr><th>metric</th><th>conversions</th><th>SDK</th><th>revenue</th><th>unattributed</th></tr></thead><tbody>${metricRows}</tbody></table>
</section>
${fme.features.flatMap((feature) => feature.rules.map((rule) => ruleSection(feature, rule, fme.users))).join('\n')}`;
}
