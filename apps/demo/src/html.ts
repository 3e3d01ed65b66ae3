/**
 * The HTML report: one self-contained file (inline CSS and SVG, no script, no fonts, no
 * external request), so it opens offline and can be mailed or archived as it is.
 */

import { fmeSection } from './fme/html.js';
import { CAMPAIGN_TYPES, count, dollars, percent, pValue, seconds, weight } from './format.js';
import type { CampaignReport, DemoReport } from './report.js';
import { campaignHeadline, splitVerdict } from './text.js';

const COLORS = ['#3b5bdb', '#f08c00', '#0ca678', '#d6336c', '#7048e8', '#1098ad'];
export const INK = '#212529';
export const MUTED = '#868e96';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const color = (i: number) => COLORS[i % COLORS.length] as string;
export const fixed = (n: number) => Number(n.toFixed(2));

export function svg(label: string, width: number, height: number, body: string): string {
  return (
    `<svg class="chart" role="img" aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg" ` +
    `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><title>${escapeHtml(label)}</title>${body}</svg>`
  );
}

export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${fixed(x)}" y="${fixed(y)}" ${attrs}>${escapeHtml(content)}</text>`;
}

/** Observed share of users per variation as bars, with the configured weight as a tick on each. */
export function splitChart(c: CampaignReport): string {
  const labelWidth = 130;
  const plot = 260;
  const row = 34;
  const width = labelWidth + plot + 150;
  const height = 26 + row * c.variations.length + 8;
  const top = Math.max(...c.variations.flatMap((v) => [v.observedShare, v.expectedShare]), 0.01);
  const scale = Math.min(1, top * 1.2);
  let body = text(0, 14, 'observed split (bar) and configured weight (tick)', `fill="${MUTED}" font-size="12"`);
  c.variations.forEach((v, i) => {
    const y = 26 + i * row;
    const barWidth = Math.max(1, (v.observedShare / scale) * plot);
    const tick = labelWidth + (v.expectedShare / scale) * plot;
    body +=
      text(labelWidth - 8, y + 17, v.name, `text-anchor="end" fill="${INK}" font-size="13"`) +
      `<rect class="bar" x="${labelWidth}" y="${y + 4}" width="${fixed(barWidth)}" height="${row - 12}" rx="3" fill="${color(i)}"/>` +
      `<line class="weight-tick" x1="${fixed(tick)}" x2="${fixed(tick)}" y1="${y}" y2="${y + row - 4}" stroke="${INK}" stroke-width="2"/>` +
      text(labelWidth + plot + 10, y + 17, `${percent(v.observedShare)} (weight ${weight(v.weight)})`, `fill="${INK}" font-size="12"`);
  });
  return svg(`${c.key}: observed split against the weights`, width, height, body);
}

/** Conversion rate per goal, one bar per variation. */
export function conversionChart(c: CampaignReport): string {
  const goals = c.goals;
  const n = c.variations.length;
  const barWidth = 40;
  const gap = 30;
  const groupWidth = n * barWidth + gap;
  const left = 10;
  const plotHeight = 150;
  const top = 34;
  const width = Math.max(320, left + goals.length * groupWidth + 10);
  const height = top + plotHeight + 40;
  const max = Math.max(...c.variations.flatMap((v) => goals.map((g) => v.goals[g.identifier]?.rate ?? 0)), 0.001) * 1.15;
  let body = text(0, 14, 'conversion rate per goal (converted users / users)', `fill="${MUTED}" font-size="12"`);
  body += `<line x1="${left}" x2="${width - 10}" y1="${top + plotHeight}" y2="${top + plotHeight}" stroke="${MUTED}"/>`;
  goals.forEach((goal, g) => {
    const x0 = left + g * groupWidth + gap / 2;
    c.variations.forEach((v, i) => {
      const rate = v.goals[goal.identifier]?.rate ?? 0;
      const h = Math.max(1, (rate / max) * plotHeight);
      const x = x0 + i * barWidth;
      body +=
        `<rect class="bar" x="${fixed(x)}" y="${fixed(top + plotHeight - h)}" width="${barWidth - 4}" height="${fixed(h)}" rx="2" fill="${color(i)}"><title>${escapeHtml(`${v.name} · ${goal.identifier}: ${percent(rate, 2)}`)}</title></rect>` +
        text(x + (barWidth - 4) / 2, top + plotHeight - h - 4, percent(rate, 1), `text-anchor="middle" fill="${INK}" font-size="10"`);
    });
    body += text(x0 + (n * barWidth) / 2, top + plotHeight + 18, goal.identifier, `text-anchor="middle" fill="${INK}" font-size="12"`);
  });
  return svg(`${c.key}: conversion rate per goal and variation`, width, height, body);
}

/** Revenue per user of each variation (the fair comparison when weights differ), with the total. */
export function revenueChart(c: CampaignReport): string {
  const labelWidth = 130;
  const plot = 240;
  const row = 34;
  const width = labelWidth + plot + 230;
  const height = 26 + row * c.variations.length + 8;
  const perUser = c.variations.map((v) => (v.users > 0 ? v.revenue / v.users : 0));
  const max = Math.max(...perUser, 0.01);
  let body = text(0, 14, 'revenue per user (total in brackets)', `fill="${MUTED}" font-size="12"`);
  c.variations.forEach((v, i) => {
    const y = 26 + i * row;
    const w = Math.max(1, ((perUser[i] as number) / max) * plot);
    body +=
      text(labelWidth - 8, y + 17, v.name, `text-anchor="end" fill="${INK}" font-size="13"`) +
      `<rect class="bar" x="${labelWidth}" y="${y + 4}" width="${fixed(w)}" height="${row - 12}" rx="3" fill="${color(i)}"/>` +
      text(
        labelWidth + plot + 10,
        y + 17,
        `${dollars(perUser[i] as number)} per user (${dollars(v.revenue)})`,
        `fill="${INK}" font-size="12"`,
      );
  });
  return svg(`${c.key}: revenue per user and variation`, width, height, body);
}

/** Users reached per campaign, out of the simulated population. */
export function reachChart(report: DemoReport): string {
  const labelWidth = 150;
  const plot = 300;
  const row = 30;
  const width = labelWidth + plot + 170;
  const height = 26 + row * report.campaigns.length + 8;
  let body = text(0, 14, `users who saw each campaign, of ${count(report.users)} simulated`, `fill="${MUTED}" font-size="12"`);
  report.campaigns.forEach((c, i) => {
    const y = 26 + i * row;
    const share = report.users > 0 ? c.users / report.users : 0;
    body +=
      text(labelWidth - 8, y + 15, c.key, `text-anchor="end" fill="${INK}" font-size="13"`) +
      `<rect class="bar" x="${labelWidth}" y="${y + 3}" width="${fixed(Math.max(1, share * plot))}" height="${row - 10}" rx="3" fill="${color(i)}"/>` +
      text(labelWidth + plot + 10, y + 15, `${count(c.users)} (${percent(share)})`, `fill="${INK}" font-size="12"`);
  });
  return svg('users reached per campaign', width, height, body);
}

function campaignTable(c: CampaignReport): string {
  const hasRevenue = c.goals.some((g) => g.type === 'REVENUE_TRACKING');
  const head = [
    'variation',
    'weight',
    'split',
    'users',
    'impressions',
    ...c.goals.map((g) => `${g.identifier}`),
    ...(hasRevenue ? ['revenue'] : []),
  ];
  const rows = c.variations.map((v, i) => {
    const cells = [
      `<td><span class="swatch" style="background:${color(i)}"></span>${escapeHtml(v.name)}</td>`,
      `<td>${weight(v.weight)}</td>`,
      `<td>${percent(v.observedShare)}</td>`,
      `<td>${count(v.users)}</td>`,
      `<td>${count(v.impressions)}</td>`,
      ...c.goals.map((g) => {
        const cell = v.goals[g.identifier];
        return `<td>${count(cell?.conversions ?? 0)} <small>${percent(cell?.rate ?? 0, 2)}</small></td>`;
      }),
      ...(hasRevenue ? [`<td>${dollars(v.revenue)}</td>`] : []),
    ];
    return `<tr>${cells.join('')}</tr>`;
  });
  return `<table><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function campaignSection(c: CampaignReport): string {
  const charts = [splitChart(c)];
  if (c.goals.length > 0) charts.push(conversionChart(c));
  if (c.goals.some((g) => g.type === 'REVENUE_TRACKING')) charts.push(revenueChart(c));
  const agree = c.agrees
    ? '<p class="ok">✔ The collector’s counts equal the SDK’s answers (users, impressions, conversions, revenue).</p>'
    : `<p class="bad">✘ The collector’s counts differ from the SDK’s answers: ${escapeHtml(c.mismatches.join('; '))}</p>`;
  return `<section class="campaign" id="campaign-${escapeHtml(c.key)}">
<h2>${escapeHtml(c.key)} <small>${escapeHtml(CAMPAIGN_TYPES[c.type] ?? c.type)}</small></h2>
<p class="meta">${escapeHtml(campaignHeadline(c))}</p>
<div class="charts">${charts.map((chart) => `<figure>${chart}</figure>`).join('')}</div>
${campaignTable(c)}
<p class="verdict">${escapeHtml(splitVerdict(c))}</p>
${agree}
</section>`;
}

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: ${INK}; background: #f8f9fa; margin: 0; }
main { max-width: 1180px; margin: 0 auto; padding: 24px; }
h1 { margin: 0 0 4px; font-size: 26px; }
h2 { margin: 0 0 4px; font-size: 19px; }
h2 small { font-weight: normal; color: ${MUTED}; font-size: 14px; margin-left: 6px; }
.lead, .meta, footer { color: #495057; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { background: #fff; border: 1px solid #dee2e6; border-radius: 8px; padding: 10px 16px; min-width: 140px; }
.card b { display: block; font-size: 22px; }
.campaign, .overview, .fme-rule { background: #fff; border: 1px solid #dee2e6; border-radius: 10px; padding: 16px 20px; margin: 18px 0; }
.charts { display: flex; flex-wrap: wrap; gap: 18px; align-items: flex-start; }
figure { margin: 8px 0; }
table { border-collapse: collapse; margin-top: 8px; font-variant-numeric: tabular-nums; }
th, td { padding: 5px 12px; border-bottom: 1px solid #e9ecef; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
th { color: #495057; font-weight: 600; }
td small { color: ${MUTED}; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.ok { color: #2b8a3e; } .bad { color: #c92a2a; }
.verdict { margin-bottom: 0; }
`;

/** The whole report as one HTML document. */
export function renderHtml(report: DemoReport): string {
  const d = report.delivery;
  const revenue = report.campaigns.reduce((sum, c) => sum + c.variations.reduce((s, v) => s + v.revenue, 0), 0);
  const cards = [
    ['simulated users', count(report.users)],
    ['events delivered', count(d.collector.events)],
    ['impressions', count(d.collector.impressions)],
    ['conversions', count(d.collector.conversions)],
    ['revenue (all campaigns)', dollars(revenue)],
    ['run time', `${seconds(report.durationMs)} · ${count(report.usersPerSecond)} users/s`],
  ];
  const delivery = d.complete
    ? `<p class="ok">✔ Delivery complete: the SDK sent ${count(d.sdk.sent)} events in ${count(d.collector.batchRequests)} batch requests and the collector counted every one; none was dropped, failed or rejected.</p>`
    : `<p class="bad">✘ Delivery incomplete: the SDK queued ${count(d.sdk.enqueued)}, sent ${count(d.sdk.sent)}, failed ${count(d.sdk.failed)}, dropped ${count(d.sdk.dropped)}; the collector counted ${count(d.collector.events)}.</p>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(report.title)} — ${count(report.users)} users</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(report.title)}</h1>
<p class="lead">${count(report.users)} simulated users (seed ${escapeHtml(JSON.stringify(report.seed))}) went through <code>@vwo/node</code> with the settings file <code>${escapeHtml(report.settingsFile)}</code> (account ${escapeHtml(String(report.accountId))}). Every number on this page is what the local collector received, not what the SDK answered.</p>
<div class="cards">${cards.map(([label, value]) => `<div class="card"><b>${escapeHtml(value as string)}</b>${escapeHtml(label as string)}</div>`).join('')}</div>
${delivery}
<section class="overview"><h2>Reach</h2><figure>${reachChart(report)}</figure></section>
${report.campaigns.map(campaignSection).join('\n')}
${report.fme ? fmeSection(report.fme) : ''}
<footer><p>Generated ${escapeHtml(report.generatedAt)} by <code>npm run demo</code>. Split tests: Pearson’s chi-square goodness of fit against the bucket ranges of the weights; p &lt; 0.001 is flagged. p-values: ${report.campaigns
    .filter((c) => c.split.pValue !== null)
    .map((c) => `${escapeHtml(c.key)} ${pValue(c.split.pValue)}`)
    .join(', ')}.</p></footer>
</main>
</body>
</html>
`;
}
