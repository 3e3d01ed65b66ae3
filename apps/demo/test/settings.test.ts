import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Campaign, campaignsForGoal, parseSettings } from '@vwo/core';
import { describe, expect, it } from 'vitest';
import { SETTINGS_PATH } from './helpers.js';

const file = JSON.parse(readFileSync(SETTINGS_PATH, 'utf8')) as Record<string, unknown>;
const parsed = parseSettings(file);
if (!parsed.ok) throw parsed.error;
const { settings } = parsed;
const ofType = (type: string) => settings.campaigns.filter((c) => c.type === type);
const variableTypes = (variables: readonly { type: unknown }[] | undefined) => new Set((variables ?? []).map((v) => v.type));

describe('the settings file shipped with the demo', () => {
  it('is accepted by parseSettings with no warning at all', () => {
    expect(parseSettings(file)).toMatchObject({ ok: true, warnings: [] });
  });

  it('is valid for `vwo validate`, without warnings', () => {
    const cliPackage = createRequire(import.meta.url).resolve('@vwo/cli/package.json');
    const run = spawnSync(process.execPath, [join(dirname(cliPackage), 'dist/cli.js'), 'validate', SETTINGS_PATH], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('valid (5 campaigns, 5 running, account 612345; no warnings)');
  });

  it('has an A/B test, a feature test with variables of every type, and a feature rollout', () => {
    expect(ofType('VISUAL_AB').length).toBeGreaterThanOrEqual(1);
    const [featureTest] = ofType('FEATURE_TEST') as [Campaign];
    for (const variation of featureTest.variations) {
      expect(variableTypes(variation.variables)).toEqual(new Set(['string', 'integer', 'double', 'boolean', 'json']));
    }
    expect(featureTest.variations.some((v) => v.isFeatureEnabled)).toBe(true);
    expect(featureTest.variations.some((v) => !v.isFeatureEnabled)).toBe(true);
    const [rollout] = ofType('FEATURE_ROLLOUT') as [Campaign];
    expect(variableTypes(rollout.variables).size).toBe(5);
  });

  it('has a revenue goal shared across campaigns', () => {
    const sharing = campaignsForGoal(settings, 'purchase');
    expect(sharing.length).toBeGreaterThanOrEqual(2);
    for (const campaign of sharing) expect(campaign.goalsByIdentifier.get('purchase')?.type).toBe('REVENUE_TRACKING');
  });

  it('has a mutually exclusive group, pre-segmentation and whitelisting', () => {
    const grouped = settings.campaigns.filter((c) => c.membership?.group);
    expect(grouped.length).toBeGreaterThanOrEqual(2);
    expect(new Set(grouped.map((c) => c.membership?.group))).toHaveProperty('size', 1);
    expect(settings.campaigns.some((c) => c.segment !== undefined)).toBe(true);
    expect(settings.campaigns.filter((c) => c.whitelistable.length > 0).length).toBeGreaterThanOrEqual(1);
  });
});
