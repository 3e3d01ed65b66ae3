/**
 * `vwo` on FME settings files, through the built bin. Expected answers come from the FME engine
 * of `@vwo/core` (`parseFmeSettings`, `createFmeClient`, `decideFlag`), never from the CLI's code.
 */
import { readFileSync } from 'node:fs';
import { createFmeClient, decideFlag, parseFmeSettings } from '@vwo/core';
import { describe, expect, it } from 'vitest';
import { goodnessOfFit } from '../src/stats/chi-square.js';
import { fixture, json, vwo } from './support/bin.js';

const FME = fixture('fme-settings.json');
const INVALID = fixture('fme-invalid.json');
const file = JSON.parse(readFileSync(FME, 'utf8')) as Record<string, unknown>;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function settingsModel() {
  const parsed = parseFmeSettings(file);
  if (!parsed.ok) throw new Error('the FME fixture must be valid');
  return parsed.settings;
}

describe('format detection', () => {
  it('features, or FLAG_* campaigns, make an FME file; --format overrides the detection', () => {
    expect(vwo(['validate', FME]).stdout).toContain('valid (FME: 3 features, 4 campaigns, account 888888; no warnings)');
    const campaignsOnly = JSON.stringify({ ...file, features: undefined });
    expect(vwo(['validate', '-'], campaignsOnly).stdout).toContain('valid (FME: 0 features, 4 campaigns');
    const asFullStack = vwo(['validate', FME, '--format', 'fullstack']);
    expect(asFullStack.status).toBe(1);
    expect(asFullStack.stdout).toContain('vwo-node-sdk 1.73.0 would refuse it');
    expect(vwo(['validate', FME, '--format', 'xml'])).toMatchObject({
      status: 2,
      stderr: 'vwo validate: --format expects fme or fullstack, got "xml"\n',
    });
  });

  it('options of the other format are refused with one line', () => {
    expect(vwo(['decide', FME, '--campaign', 'x', '--user', 'u'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--campaign is for FullStack files'),
    });
    expect(vwo(['decide', fixture('settings.json'), '--feature', 'x', '--user', 'u'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--feature is for FME files'),
    });
  });
});

describe('vwo validate on FME files', () => {
  it('every bad field path the FME parser finds, exit 1', () => {
    const run = vwo(['validate', INVALID]);
    const parsed = parseFmeSettings(JSON.parse(readFileSync(INVALID, 'utf8')));
    if (parsed.ok) throw new Error('the invalid fixture must be invalid');
    expect(run.status).toBe(1);
    expect(run.stdout).toContain(`invalid FME settings, ${parsed.issues.length} problems (vwo-fme-node-sdk 1.35.0 would refuse it)`);
    for (const issue of parsed.issues) expect(run.stdout).toContain(`  ${issue.path}: ${issue.message}\n`);
    const data = json(vwo(['validate', INVALID, '--json']));
    expect(data).toEqual({ format: 'fme', valid: false, issues: parsed.issues, warnings: [] });
  });

  it('what 1.35.0 quietly skips is a warning: a rule without its campaign, a duplicate feature key, an unknown type', () => {
    const odd = structuredClone(file) as { features: Record<string, unknown>[]; campaigns: Record<string, unknown>[] };
    odd.features.push({ ...odd.features[1], id: 3, rules: [{ type: 'FLAG_ROLLOUT', ruleKey: 'r', campaignId: 99 }] });
    (odd.campaigns[2] as Record<string, unknown>).type = 'FLAG_OTHER';
    const run = vwo(['validate', '-'], JSON.stringify(odd));
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('with 3 warnings:');
    expect(run.stdout).toContain('  warning: features[3].key: "pro-tools" is used by an earlier feature');
    expect(run.stdout).toContain('  warning: features[3].rules[0].campaignId: no campaign has id 99: the rule is skipped');
    expect(run.stdout).toContain('  warning: campaigns[2].type: "FLAG_OTHER" is never evaluated');
  });
});

describe('vwo decide on FME files', () => {
  it("every feature's isEnabled() and variables are what getFlag answers", async () => {
    const client = createFmeClient({ accountId: 888888, sdkKey: 'k', settings: file, logger: silent });
    for (const [user, vars] of [
      ['user-1', undefined],
      ['user-7', { plan: 'pro' }],
      ['José', { plan: 'free' }],
    ] as const) {
      const args = ['decide', FME, '--user', user, ...(vars ? ['--vars', JSON.stringify(vars)] : [])];
      const report = json(vwo(args)) as { features: Record<string, { isEnabled: boolean; variables: Record<string, unknown> }> };
      expect(Object.keys(report.features)).toEqual(['new-checkout', 'pro-tools', 'greeting']);
      for (const key of ['new-checkout', 'pro-tools', 'greeting']) {
        const flag = await client.getFlag(key, { id: user, ...(vars ? { customVariables: { ...vars } } : {}) });
        expect(report.features[key]?.isEnabled).toBe(flag.isEnabled());
        expect(report.features[key]?.variables).toEqual(Object.fromEntries(flag.getVariables().map((v) => [v.key, v.value])));
      }
    }
    await client.close();
  });

  it('--feature picks features; an unknown one suggests the closest key', () => {
    const report = json(vwo(['decide', FME, '--user', 'u', '--feature', 'pro-tools', '--vars', '{"plan":"pro"}']));
    expect(report).toMatchObject({
      user: 'u',
      features: { 'pro-tools': { isEnabled: true, variables: { quota: 2.5 }, rollout: 'pro_rollout → Pro' } },
    });
    expect(Object.keys(report.features as object)).toEqual(['pro-tools']);
    expect(vwo(['decide', FME, '--user', 'u', '--feature', 'pro-tool'])).toMatchObject({
      status: 2,
      stderr: `vwo: unknown feature "pro-tool" in ${FME}; did you mean "pro-tools"?\n`,
    });
  });
});

describe('vwo explain on FME files', () => {
  it('one line per step of the engine, ✘ where it stopped, then the rules, variables and impressions', async () => {
    const client = createFmeClient({ accountId: 888888, sdkKey: 'k', settings: file, logger: silent });
    const explanation = await client.explain('pro-tools', { id: 'u', customVariables: { plan: 'free' } });
    await client.close();
    const run = vwo(['explain', FME, '--feature', 'pro-tools', '--user', 'u', '--vars', '{"plan":"free"}']);
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('pro-tools (feature 2, 1 rule) for user "u" → disabled');
    expect(lines.slice(1, 1 + explanation.trace.length)).toEqual(
      explanation.trace.map((step) => `  ${/failed|disabled/.test(step) ? '✘' : '✔'} ${step}`),
    );
    expect(run.stdout).toContain('  ✘ rollout rollout1: pre-segmentation failed');
    expect(run.stdout).toContain('getFlag: isEnabled() false; variables none');
    expect(json(vwo(['explain', FME, '--feature', 'pro-tools', '--user', 'u', '--vars', '{"plan":"free"}', '--json']))).toEqual(
      JSON.parse(JSON.stringify(explanation)),
    );
  });

  it('--feature is required', () => {
    expect(vwo(['explain', FME, '--user', 'u'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--feature <key> is required'),
    });
  });
});

describe('vwo simulate on FME files', () => {
  it("each rule's split beside its weights, with the chi-square test of the counts the engine gives", () => {
    const users = 4000;
    const settings = settingsModel();
    let enabled = 0;
    let inRollout = 0;
    const variations = new Map<unknown, number>();
    for (let i = 1; i <= users; i++) {
      const decision = decideFlag(settings, 'new-checkout', { id: `user-${i}` });
      if (decision.enabled) enabled++;
      if (decision.rollout) inRollout++;
      if (decision.experiment) variations.set(decision.experiment.variationId, (variations.get(decision.experiment.variationId) ?? 0) + 1);
    }
    const report = json(vwo(['simulate', FME, '--users', String(users), '--feature', 'new-checkout', '--json'])) as {
      features: {
        key: string;
        enabled: number;
        rules: { reached: number; categories: { users: number; expectedShare: number }[]; test: { pValue: number } }[];
      }[];
    };
    const [feature] = report.features;
    expect(feature?.enabled).toBe(enabled);
    const [rollout, testing] = feature?.rules ?? [];
    expect(rollout?.reached).toBe(users);
    expect(rollout?.categories.map((c) => c.users)).toEqual([inRollout, users - inRollout]);
    expect(rollout?.categories[0]?.expectedShare).toBe(0.8);
    expect(rollout?.categories[1]?.expectedShare).toBeCloseTo(0.2, 12);
    expect(testing?.reached).toBe(inRollout);
    expect(testing?.categories.map((c) => c.users)).toEqual([1, 2, 3].map((id) => variations.get(id) ?? 0));
    const expected = goodnessOfFit(
      [1, 2, 3].map((id) => variations.get(id) ?? 0),
      [5000, 2500, 2500],
    );
    expect(testing?.test.pValue).toBeCloseTo(expected.pValue as number, 12);

    const personalised = Array.from({ length: users }, (_, i) => decideFlag(settings, 'greeting', { id: `user-${i + 1}` })).filter(
      (decision) => decision.enabled,
    ).length;
    const greeting = json(vwo(['simulate', FME, '--users', String(users), '--feature', 'greeting', '--json'])) as typeof report;
    const [personalise] = greeting.features[0]?.rules ?? [];
    expect(personalise?.categories.map((c) => c.users)).toEqual([personalised, users - personalised]);
    expect(personalise?.categories[0]?.expectedShare).toBe(0.4);

    const text = vwo(['simulate', FME, '--users', String(users), '--feature', 'new-checkout']).stdout;
    expect(text).toContain('rule testing1 · FLAG_TESTING · campaign checkout_test');
    expect(text).toMatch(/chi-square [\d.]+, df 2, p = [\d.<> ]+: [✔✘]/);
  });
});
