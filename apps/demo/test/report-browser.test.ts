import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium, requireChromium } from '@vwo/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoReport } from '../src/report.js';
import { readReport, runDemo, tempDir } from './helpers.js';

requireChromium('the HTML report test');

interface Box {
  readonly width: number;
  readonly height: number;
}

describe('the HTML report in headless Chromium', () => {
  let browser: Browser;
  let report: DemoReport;
  let htmlPath: string;
  const consoleErrors: string[] = [];
  const requests: string[] = [];
  const failed: string[] = [];
  let charts: { label: string; box: Box; bars: Box[] }[] = [];
  let tables: string[][][] = [];
  let fmeTables: string[][][] = [];

  beforeAll(async () => {
    const dir = tempDir();
    htmlPath = join(dir, 'demo-report.html');
    const run = await runDemo(['--users', '1000', '--seed', 'browser', '--out', htmlPath], dir);
    if (run.status !== 0) throw new Error(`the demo failed:\n${run.stdout}\n${run.stderr}`);
    report = readReport(join(dir, 'demo-report.json'));

    // launch() gives Chromium a fresh temporary profile of its own and removes it on close.
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    page.on('requestfailed', (request) => failed.push(request.url()));
    await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load', timeout: 30_000 });

    charts = await page.$$eval('svg.chart', (svgs) =>
      svgs.map((svg) => {
        const size = (element: Element) => {
          const rect = element.getBoundingClientRect();
          return { width: rect.width, height: rect.height };
        };
        return { label: svg.getAttribute('aria-label') ?? '', box: size(svg), bars: [...svg.querySelectorAll('rect.bar')].map(size) };
      }),
    );
    tables = await page.$$eval('section.campaign table', (elements) =>
      elements.map((table) =>
        [...table.querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      ),
    );
    fmeTables = await page.$$eval('section.fme-rule table', (elements) =>
      elements.map((table) =>
        [...table.querySelectorAll('tbody tr')].map((row) => [...row.querySelectorAll('td')].map((td) => td.textContent ?? '')),
      ),
    );
    await page.close();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
  });

  it('renders every chart with a real size: reach, then split, conversion and revenue per campaign', () => {
    const withGoals = report.campaigns.filter((c) => c.goals.length > 0);
    const withRevenue = report.campaigns.filter((c) => c.goals.some((g) => g.type === 'REVENUE_TRACKING'));
    const fmeRules = report.fme?.features.flatMap((f) => f.rules) ?? [];
    expect(fmeRules.length).toBeGreaterThan(0);
    expect(charts).toHaveLength(1 + report.campaigns.length + withGoals.length + withRevenue.length + fmeRules.length);
    for (const chart of charts) {
      expect(chart.box.width, chart.label).toBeGreaterThan(100);
      expect(chart.box.height, chart.label).toBeGreaterThan(40);
      expect(chart.bars.length, chart.label).toBeGreaterThan(0);
      for (const bar of chart.bars) {
        expect(bar.width, chart.label).toBeGreaterThan(0);
        expect(bar.height, chart.label).toBeGreaterThan(0);
      }
    }
    for (const campaign of report.campaigns) {
      const split = charts.find((c) => c.label === `${campaign.key}: observed split against the weights`);
      expect(split?.bars).toHaveLength(campaign.variations.length);
    }
  });

  it('shows the FME rules beside the campaigns, with the numbers of the JSON report', () => {
    const rules = report.fme?.features.flatMap((f) => f.rules) ?? [];
    expect(fmeTables).toHaveLength(rules.length);
    rules.forEach((rule, r) => {
      const rows = fmeTables[r] as string[][];
      expect(rows.map((row) => row[0])).toEqual(rule.variations.map((v) => v.name));
      rule.variations.forEach((variation, i) => {
        const row = rows[i] as string[];
        expect(Number(row[2]?.replaceAll(',', ''))).toBe(variation.users);
        expect(Number(row[3]?.replaceAll(',', ''))).toBe(variation.impressions);
      });
      const chart = charts.find((c) => c.label.endsWith(`/${rule.key}: users per variation`));
      expect(chart?.bars).toHaveLength(rule.variations.length);
    });
  });

  it('opens offline: the file itself is the only request, and nothing fails or logs an error', () => {
    expect(requests).toEqual([pathToFileURL(htmlPath).href]);
    expect(failed).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });

  it('shows in its tables the numbers of the JSON report', () => {
    expect(tables).toHaveLength(report.campaigns.length);
    report.campaigns.forEach((campaign, c) => {
      const rows = tables[c] as string[][];
      expect(rows.map((row) => row[0])).toEqual(campaign.variations.map((v) => v.name));
      campaign.variations.forEach((variation, i) => {
        const row = rows[i] as string[];
        expect(Number(row[3]?.replaceAll(',', ''))).toBe(variation.users);
        expect(Number(row[4]?.replaceAll(',', ''))).toBe(variation.impressions);
      });
    });
  });
});
