/**
 * Trimming an FME bootstrap's settings to some features changes no answer for them: on generated
 * files (rollouts, A/B and personalise rules, segments with `featureId` nodes, mutually
 * exclusive groups with random and advanced draws, duplicate keys and ids), a page session of
 * `getFlag` calls on the kept features is decided from the whole and the trimmed file side by
 * side, each side with its own storage that its own decisions write; every decision (flag,
 * variables, impressions, storage writes, integrations payload, trace) must be equal. A naive
 * trim (the features asked for and their campaigns only) differs on the same inputs, which shows
 * the comparison can fail.
 */
import { describe, expect, it } from 'vitest';
import { trimFmeSettings } from '../src/bootstrap/fme-trim.js';
import { decideFlag, type FmeFlagDecision, type FmeSettings, parseFmeSettings } from '../src/index.js';
import { context, Random, settingsFile } from './fme/support/generate.js';

type Json = Record<string, unknown>;

function parsed(file: Json): FmeSettings {
  const result = parseFmeSettings(file);
  if (!result.ok) throw new Error(`generated file refused: ${JSON.stringify(result.issues)}`);
  return result.settings;
}

/** One client's view: its settings and the storage its decisions wrote. */
class Side {
  readonly storage = new Map<string, unknown>();
  constructor(readonly settings: FmeSettings) {}
  getFlag(featureKey: string, ctx: Json): FmeFlagDecision {
    const userId = String(ctx.id);
    const decision = decideFlag(this.settings, featureKey, ctx as never, (key) => this.storage.get(`${key}\0${userId}`), { trace: true });
    for (const record of decision.storageWrites) this.storage.set(`${record.featureKey}\0${userId}`, record);
    return decision;
  }
}

/** The features asked for and the campaigns of their rules, nothing else: what the trim must beat. */
function naiveTrim(file: Json, keys: readonly string[]): Json {
  const features = (file.features as Json[]).filter((feature) => keys.includes(feature.key as string));
  const ids = new Set(features.flatMap((feature) => (feature.rules as Json[]).map((rule) => String(rule.campaignId))));
  return { ...file, features, campaigns: (file.campaigns as Json[]).filter((campaign) => ids.has(String(campaign.id))) };
}

const SCENARIOS = 400;

describe('trimFmeSettings', () => {
  it('answers every getFlag of the kept features as the whole file does, on generated files and sessions', () => {
    let compared = 0;
    let naiveDifferences = 0;
    let trimmedAway = 0;
    for (let scenario = 0; scenario < SCENARIOS; scenario++) {
      const rng = new Random(9100 + scenario);
      const generated = settingsFile(rng, { groupHeavy: scenario % 3 === 1, weird: scenario % 4 === 3 });
      const file = generated.settings;
      const whole = parsed(file);
      const keys = generated.featureKeys.filter(() => rng.chance(0.5));
      if (keys.length === 0) keys.push(rng.pick(generated.featureKeys));
      const trimmedFile = trimFmeSettings(whole, file, keys) as Json;
      trimmedAway += (file.features as Json[]).length - (trimmedFile.features as Json[]).length;
      const full = new Side(whole);
      const trimmed = new Side(parsed(trimmedFile));
      const naive = new Side(parsed(naiveTrim(file, keys)));
      // A page session: several calls per visitor, contexts varying between calls, storage kept.
      for (let call = 0; call < 40; call++) {
        const ctx = context(rng) as unknown as Json;
        const featureKey = rng.pick(keys);
        const expected = full.getFlag(featureKey, ctx);
        expect(trimmed.getFlag(featureKey, ctx), `scenario ${scenario}, call ${call}, ${featureKey}`).toEqual(expected);
        if (JSON.stringify(naive.getFlag(featureKey, ctx)) !== JSON.stringify(expected)) naiveDifferences++;
        compared++;
      }
      expect([...trimmed.storage]).toEqual([...full.storage]);
    }
    console.log(
      `FME trim: ${SCENARIOS} files, ${compared} getFlag calls equal (${trimmedAway} features trimmed away); naive trim differed on ${naiveDifferences}`,
    );
    expect(trimmedAway).toBeGreaterThan(SCENARIOS / 4);
    expect(naiveDifferences).toBeGreaterThan(0);
  });

  it('keeps the features a group or a featureId segment makes a kept feature read, and drops the others', () => {
    const campaign = (id: number, type: string, segments: Json = {}) => ({
      id,
      key: `c${id}`,
      name: `c${id}`,
      type,
      status: 'RUNNING',
      percentTraffic: 100,
      segments,
      variations: [{ id: 1, name: 'v1', weight: 100, segments: {}, variables: [] }],
    });
    const feature = (id: number, campaignId: number, type: string) => ({
      id,
      key: `f${id}`,
      name: `f${id}`,
      type: 'FEATURE_FLAG',
      status: 'ON',
      metrics: [],
      rules: [{ type, ruleKey: 'r', campaignId, ...(type === 'FLAG_TESTING' ? {} : { variationId: 1 }) }],
    });
    const file: Json = {
      version: 3,
      accountId: 1,
      sdkKey: 'k',
      campaigns: [
        campaign(10, 'FLAG_TESTING'),
        campaign(11, 'FLAG_TESTING'),
        campaign(12, 'FLAG_ROLLOUT', { featureId: { '4': 'on' } }),
        campaign(13, 'FLAG_ROLLOUT'),
        campaign(14, 'FLAG_ROLLOUT'),
      ],
      features: [
        feature(1, 10, 'FLAG_TESTING'),
        feature(2, 11, 'FLAG_TESTING'),
        feature(3, 12, 'FLAG_ROLLOUT'),
        feature(4, 13, 'FLAG_ROLLOUT'),
        feature(5, 14, 'FLAG_ROLLOUT'),
      ],
      groups: { 7: { name: 'g', campaigns: ['10', '11'] } },
      campaignGroups: { 10: 7, 11: 7 },
    };
    const keysOf = (list: unknown) => (list as Json[]).map((item) => item.key);
    const byGroup = trimFmeSettings(parsed(file), file, ['f1']) as Json;
    expect(keysOf(byGroup.features)).toEqual(['f1', 'f2']);
    expect(keysOf(byGroup.campaigns)).toEqual(['c10', 'c11']);
    const byFeatureId = trimFmeSettings(parsed(file), file, ['f3']) as Json;
    expect(keysOf(byFeatureId.features)).toEqual(['f3', 'f4']);
    expect(keysOf(byFeatureId.campaigns)).toEqual(['c12', 'c13']);
    expect(byFeatureId.groups).toBe(file.groups);
    expect(byFeatureId.version).toBe(3);
    // The older minified format (`f`, `c`) is trimmed under its own keys.
    const minified: Json = { ...file, f: file.features, c: file.campaigns, features: [], campaigns: [] };
    const trimmedMinified = trimFmeSettings(parsed(minified), minified, ['f5']) as Json;
    expect(keysOf(trimmedMinified.f)).toEqual(['f5']);
    expect(keysOf(trimmedMinified.c)).toEqual(['c14']);
  });
});
