import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Collector, type CollectorStats, startCollector } from '@vwo/collector';
import { parseSettings } from '@vwo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoReport } from '../src/report.js';
import { type DemoRun, FME_SETTINGS_PATH, numbersOf, readReport, runDemo, SETTINGS_PATH, tempDir } from './helpers.js';

const USERS = 2000;
const FME_USERS = 500;
const settingsFile = JSON.parse(readFileSync(SETTINGS_PATH, 'utf8')) as Record<string, unknown>;
const fmeSettingsFile = JSON.parse(readFileSync(FME_SETTINGS_PATH, 'utf8')) as Record<string, unknown>;
const parsed = parseSettings(settingsFile);
if (!parsed.ok) throw parsed.error;
const settings = parsed.settings;

let collector: Collector;
let run: DemoRun;
let report: DemoReport;
let stats: CollectorStats;
let dir: string;

beforeAll(async () => {
  // The test's own collector: what it counted is the ground truth the report must equal.
  collector = await startCollector({ settings: [settingsFile, fmeSettingsFile] });
  dir = tempDir();
  run = await runDemo(
    [
      '--users',
      String(USERS),
      '--fme-users',
      String(FME_USERS),
      '--seed',
      'ci',
      '--collector',
      collector.url,
      '--out',
      join(dir, 'report.html'),
    ],
    dir,
  );
  if (run.status !== 0) throw new Error(`the demo failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  report = readReport(join(dir, 'report.json'));
  stats = collector.stats();
}, 90_000);

afterAll(async () => {
  await collector?.close();
});

const num = (text: string) => Number(text.replace(/[$,%]/g, ''));

/** The rows of one campaign's (or FME rule's) table in the printed report, cells split on runs of spaces. */
function printedRows(stdout: string, key: string): string[][] {
  const block = stdout.split('\n\n').find((b) => b.startsWith(`${key} — `));
  if (!block) throw new Error(`no table for ${key} in:\n${stdout}`);
  const lines = block.split('\n');
  const header = lines.findIndex((line) => line.trimStart().startsWith('variation'));
  return lines
    .slice(header + 1)
    .filter((line) => /^ {2}\S/.test(line) && !/^ {2}(split|✔|✘)/.test(line))
    .map((line) => line.trim().split(/\s{2,}/));
}

describe('the demo with a small population', () => {
  it('exits 0 quickly, with plain progress lines when not on a terminal', () => {
    expect(run.status).toBe(0);
    expect(run.ms).toBeLessThan(30_000);
    expect(run.stderr).toContain(`simulated 2,000 of 2,000 users (100%)`);
    expect(run.stderr).not.toContain('\r');
    expect(run.stdout).toMatch(/^VWO FullStack demo: 2,000 simulated users \(seed "ci"\)/);
    expect(run.stdout).not.toContain('✘');
  });

  it('reports exactly what the collector received: every user, impression, conversion and dollar', () => {
    expect(report.collectorStats).toEqual(stats);
    for (const campaign of report.campaigns) {
      const got = stats.campaigns[String(campaign.id)];
      expect(got, campaign.key).toBeDefined();
      expect(campaign.impressions).toBe(got?.impressions);
      expect(campaign.users).toBe(got?.uniqueVisitors);
      for (const variation of campaign.variations) {
        const v = got?.variations[String(variation.id)];
        expect(variation.users, `${campaign.key} ${variation.name}`).toBe(v?.uniqueVisitors);
        expect(variation.impressions).toBe(v?.impressions);
        let revenue = 0;
        for (const goal of campaign.goals) {
          const cell = variation.goals[goal.identifier];
          expect(cell?.conversions).toBe(v?.conversions[String(goal.id)] ?? 0);
          expect(cell?.uniqueConversions).toBe(v?.uniqueConversions[String(goal.id)] ?? 0);
          if (goal.type === 'REVENUE_TRACKING') {
            expect(cell?.revenue).toBeCloseTo(v?.revenue[String(goal.id)] ?? 0, 6);
            revenue += v?.revenue[String(goal.id)] ?? 0;
          }
        }
        expect(variation.revenue).toBeCloseTo(revenue, 6);
      }
    }
    expect(report.delivery).toMatchObject({
      complete: true,
      collector: { events: stats.events.total, impressions: stats.events.impressions, conversions: stats.events.conversions },
    });
    expect(report.delivery.sdk.sent).toBe(stats.events.total);
    expect(stats.requests.rejected).toBe(0);
    expect(stats.events.byVia.batch).toBe(stats.events.total);
  });

  it('names every event with an id of its own, so a batch resent after a lost answer cannot inflate the report', () => {
    const ids = collector
      .events()
      .filter((event) => event.format === 'legacy')
      .map((event) => event.eid);
    expect(ids).toHaveLength(stats.events.total);
    expect(ids.every((id) => typeof id === 'string' && /^[0-9a-z]{20}\.[0-9a-z]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('prints the same numbers in its table', () => {
    for (const campaign of report.campaigns) {
      const rows = printedRows(run.stdout, campaign.key);
      expect(rows.map((r) => r[0])).toEqual(campaign.variations.map((v) => v.name));
      campaign.variations.forEach((variation, i) => {
        const row = rows[i] as string[];
        const v = stats.campaigns[String(campaign.id)]?.variations[String(variation.id)];
        expect(num(row[1] as string)).toBe(variation.weight);
        expect(num(row[3] as string)).toBe(v?.uniqueVisitors);
        expect(num(row[4] as string)).toBe(v?.impressions);
        campaign.goals.forEach((goal, g) => {
          expect(num(row[5 + 2 * g] as string)).toBe(v?.conversions[String(goal.id)] ?? 0);
        });
        if (campaign.goals.some((g) => g.type === 'REVENUE_TRACKING')) {
          const revenue = campaign.goals.reduce((sum, g) => sum + (v?.revenue[String(g.id)] ?? 0), 0);
          expect(num(row[5 + 2 * campaign.goals.length] as string)).toBeCloseTo(revenue, 2);
        }
      });
    }
  });

  it('observes splits within a tolerance of the configured weights', () => {
    for (const campaign of report.campaigns) {
      const n = campaign.users;
      expect(n, campaign.key).toBeGreaterThan(100);
      for (const variation of campaign.variations) {
        const p = variation.weight / 100;
        const tolerance = 4.5 * Math.sqrt((p * (1 - p)) / n) + 3 / n; // 4.5 sigma, plus the 3 whitelisted testers
        expect(Math.abs(variation.observedShare - p), `${campaign.key} ${variation.name}`).toBeLessThanOrEqual(tolerance);
      }
      if (campaign.split.pValue !== null) expect(campaign.split.pValue).toBeGreaterThan(0.001);
    }
  });

  it('exercises every API and every goal: impressions, conversions and revenue in each campaign', () => {
    for (const campaign of settings.campaigns) {
      const got = stats.campaigns[String(campaign.id)];
      expect(got?.impressions, campaign.key).toBeGreaterThan(0);
      for (const goal of campaign.goals) expect(got?.conversions[String(goal.id)], `${campaign.key} ${goal.identifier}`).toBeGreaterThan(0);
      if (campaign.goalsByIdentifier.has('purchase')) expect(got?.revenue['301']).toBeGreaterThan(0);
    }
  });

  it('never lets a visitor into both campaigns of the mutually exclusive group', () => {
    const visitors = (campaignId: number) =>
      new Set(
        collector
          .events()
          .filter((e) => e.format === 'legacy' && e.kind === 'impression' && e.campaignId === campaignId)
          .map((e) => e.uuid),
      );
    const hero = visitors(204);
    const banner = visitors(205);
    expect(hero.size).toBeGreaterThan(0);
    expect(banner.size).toBeGreaterThan(0);
    expect([...hero].filter((uuid) => banner.has(uuid))).toEqual([]);
  });

  it('sends one impression per user and campaign, except for whitelisted testers (whitelisting skips the storage)', () => {
    for (const campaign of report.campaigns) {
      for (const variation of campaign.variations) {
        const extra = variation.impressions - variation.users;
        expect(extra, `${campaign.key} ${variation.name}`).toBeGreaterThanOrEqual(0);
        expect(extra).toBeLessThanOrEqual(campaign.whitelisting ? 3 * 4 : 0);
      }
    }
  });
});

describe('the FME part (init, getFlag, trackEvent)', () => {
  const fme = () => {
    if (!report.fme) throw new Error('the report has no FME section');
    return report.fme;
  };

  it('fetches the FME settings from the collector and delivers every event it sends, in batch-events-v2 requests', () => {
    expect(stats.requests.byEndpoint['v2-settings']).toBe(1);
    const { delivery } = fme();
    expect(delivery.complete).toBe(true);
    expect(delivery.sdk.failed).toBe(0);
    expect(delivery.sdk.deliveredEvents).toBe(stats.fme.events.total);
    expect(delivery.sdk.batches).toBe(stats.requests.byEndpoint['batch-events-v2']);
    expect(stats.fme.events.byVia).toEqual({ 'event-arch': 0, batch: stats.fme.events.total });
    expect(stats.fme.events.byName.vwo_fmeSdkInit).toBe(1);
    expect(fme().users).toBe(FME_USERS);
  });

  it('reports per feature, rule and variation exactly what the collector counted, and it equals what the SDK reported', () => {
    expect(report.fme?.agrees).toBe(true);
    for (const feature of fme().features) {
      for (const rule of feature.rules) {
        const got = stats.fme.features[feature.key]?.rules[rule.key];
        expect(got, `${feature.key}/${rule.key}`).toBeDefined();
        expect(rule.agrees, rule.mismatches.join('; ')).toBe(true);
        expect([rule.users, rule.impressions]).toEqual([got?.uniqueVisitors, got?.impressions]);
        for (const variation of rule.variations) {
          const v = got?.variations[String(variation.id)];
          expect(variation.users, `${feature.key}/${rule.key} ${variation.name}`).toBe(v?.uniqueVisitors);
          expect(variation.impressions).toBe(v?.impressions);
          expect(variation.impressions).toBe(variation.sdk.impressions);
          for (const metric of feature.metrics) {
            expect(variation.metrics[metric.identifier]?.conversions).toBe(v?.conversions[metric.identifier] ?? 0);
            expect(variation.metrics[metric.identifier]?.conversions).toBe(variation.sdk.conversions[metric.identifier] ?? 0);
          }
        }
      }
    }
    for (const metric of fme().metrics) {
      expect(metric.conversions, metric.identifier).toBe(stats.fme.metrics[metric.identifier]?.conversions);
      expect(metric.conversions).toBe(metric.sdk);
    }
  });

  it('exercises every rule and metric: a rollout and an A/B rule, a personalise rule, a mutually exclusive group', () => {
    const types = new Set(fme().features.flatMap((f) => f.rules.map((r) => r.type)));
    expect(types).toEqual(new Set(['FLAG_ROLLOUT', 'FLAG_TESTING', 'FLAG_PERSONALIZE']));
    for (const feature of fme().features) {
      for (const rule of feature.rules) expect(rule.impressions, `${feature.key}/${rule.key}`).toBeGreaterThan(0);
    }
    for (const metric of ['add-to-cart', 'purchase', 'recommendation-click']) {
      expect(stats.fme.metrics[metric]?.conversions, metric).toBeGreaterThan(0);
    }
    expect(stats.fme.metrics.purchase?.revenue).toBeGreaterThan(0);
    expect(
      fme()
        .features.flatMap((f) => f.rules)
        .filter((r) => r.group === 'Promotions'),
    ).toHaveLength(2);
  });

  it('never lets a user into both rules of the mutually exclusive group, and every user into one of them', () => {
    const visitors = (campaignId: number) =>
      new Set(
        collector
          .events()
          .filter((e) => e.format === 'fme' && e.kind === 'impression' && e.campaignId === campaignId)
          .map((e) => e.uuid),
      );
    const banner = visitors(405);
    const popup = visitors(406);
    expect([...banner].filter((uuid) => popup.has(uuid))).toEqual([]);
    expect(banner.size + popup.size).toBe(FME_USERS);
  });

  it('observes A/B splits within a tolerance of the weights', () => {
    for (const rule of fme()
      .features.flatMap((f) => f.rules)
      .filter((r) => r.type === 'FLAG_TESTING')) {
      for (const variation of rule.variations) {
        const p = variation.weight / 100;
        const share = variation.users / rule.users;
        expect(Math.abs(share - p), `${rule.key} ${variation.name}`).toBeLessThanOrEqual(4.5 * Math.sqrt((p * (1 - p)) / rule.users));
      }
    }
  });

  it('prints the same numbers in its rule tables', () => {
    for (const feature of fme().features) {
      for (const rule of feature.rules) {
        const rows = printedRows(run.stdout, `${feature.key}/${rule.key}`);
        expect(rows.map((r) => r[0])).toEqual(rule.variations.map((v) => v.name));
        rule.variations.forEach((variation, i) => {
          const row = rows[i] as string[];
          const v = stats.fme.features[feature.key]?.rules[rule.key]?.variations[String(variation.id)];
          expect(num(row[2] as string)).toBe(v?.uniqueVisitors);
          expect(num(row[3] as string)).toBe(v?.impressions);
          feature.metrics.forEach((metric, m) => {
            expect(num(row[4 + 2 * m] as string)).toBe(v?.conversions[metric.identifier] ?? 0);
          });
        });
      }
    }
  });
});

describe('the README command', () => {
  it('npm run demo (its node part) writes demo-report.html and .json in the current directory; the same seed gives the same numbers', async () => {
    const cwd = tempDir();
    const again = await runDemo(['--users', String(USERS), '--fme-users', String(FME_USERS), '--seed', 'ci'], cwd);
    expect(again.status).toBe(0);
    expect(existsSync(join(cwd, 'demo-report.html'))).toBe(true);
    expect(again.stdout).toContain(`HTML report: ${join(cwd, 'demo-report.html')}`);
    expect(numbersOf(readReport(join(cwd, 'demo-report.json')))).toEqual(numbersOf(report));
    const other = await runDemo(['--users', String(USERS), '--fme-users', '0', '--seed', 'other', '--out', '-'], cwd);
    expect(other.status).toBe(0);
    expect(other.stdout).not.toContain('VWO FME');
    expect(other.stdout).not.toContain('HTML report');
    expect(other.stdout.split('\n')[2]).not.toBe(again.stdout.split('\n')[2]);
  }, 60_000);

  it('explains bad flags with exit 2, and --help', async () => {
    const cwd = tempDir();
    const bad = await runDemo(['--users', 'lots'], cwd);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^demo: --users expects a whole number from 1 to 5,000,000, got lots/);
    const badFme = await runDemo(['--fme-users', 'many'], cwd);
    expect(badFme.status).toBe(2);
    expect(badFme.stderr).toMatch(/^demo: --fme-users expects a whole number from 0 to 5,000,000, got many/);
    const unknown = await runDemo(['--userz', '10'], cwd);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^demo: Unknown option '--userz'/);
    const help = await runDemo(['--help'], cwd);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run demo/);
  });
});
