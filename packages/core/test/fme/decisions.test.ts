import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideFlag, type FmeSettings, parseFmeSettings } from '../../src/index.js';
import cases from '../cases/fme/decisions.json' with { type: 'json' };

function settingsOf(file: unknown): FmeSettings {
  const result = parseFmeSettings(file);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.settings;
}

const fixtures = Object.fromEntries(Object.entries(cases.settings).map(([name, file]) => [name, settingsOf(file)]));

interface Expectation {
  enabled: boolean;
  variables?: unknown[];
  impressions?: unknown[][];
  storageWrites?: Record<string, unknown>[];
  outcome?: string;
  experimentId?: number;
  firstWrite?: Record<string, unknown>;
  writesOnlyFeature?: boolean;
}

/** JSON cannot hold `undefined`: the 8-key records come back from JSON with nulls. */
const withUndefined = (record: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(record).map(([key, value]) => [key, value === null ? undefined : value]));

describe('decideFlag: the worked examples of the spec', () => {
  it.each(cases.cases)('$name', (example) => {
    const stored = new Map(
      ((example as { stored?: Record<string, unknown>[] }).stored ?? []).map((record) => [record.featureKey, withUndefined(record)]),
    );
    const decision = decideFlag(fixtures[example.settings] as FmeSettings, example.featureKey, example.context, (key) => stored.get(key));
    const expected = example.expect as Expectation;
    expect(decision.enabled).toBe(expected.enabled);
    if (expected.variables) expect(decision.variables).toEqual(expected.variables);
    if (expected.impressions) expect(decision.impressions.map((i) => [i.campaignId, i.variationId])).toEqual(expected.impressions);
    if (expected.storageWrites) expect(decision.storageWrites).toEqual(expected.storageWrites.map(withUndefined));
    if (expected.outcome) expect(decision.outcome).toBe(expected.outcome);
    if (expected.experimentId !== undefined) expect(decision.experiment?.campaignId).toBe(expected.experimentId);
    if (expected.firstWrite) expect(decision.storageWrites[0]).toEqual(withUndefined(expected.firstWrite));
    if (expected.writesOnlyFeature) expect(decision.storageWrites.map((r) => r.featureKey)).toEqual([example.featureKey]);
  });
});

const A = cases.settings.A;

function variant(edit: (file: typeof A) => void): FmeSettings {
  const file = structuredClone(A);
  edit(file);
  return settingsOf(file);
}

describe('decideFlag: the traps of the spec', () => {
  it('two or more whitelisting matches give a disabled flag, keeping the rollout impression already sent (trap 11)', () => {
    const settings = variant((file) => {
      const ab = file.campaigns[1] as Record<string, unknown>;
      ab.isForcedVariationEnabled = true;
      for (const variation of ab.variations as Record<string, unknown>[]) variation.segments = { custom_variable: { qa: 'yes' } };
    });
    const decision = decideFlag(settings, 'feat', {
      id: 'u1',
      customVariables: { plan: 'pro' },
      variationTargetingVariables: { qa: 'yes' },
    });
    expect(decision.enabled).toBe(false);
    expect(decision.outcome).toBe('error');
    expect(decision.impressions.map((i) => [i.campaignId, i.variationId])).toEqual([[10, 1]]);
    expect(decision.storageWrites).toEqual([]);
  });

  it('one whitelisting match bypasses segments and traffic and is sent at once', () => {
    const settings = variant((file) => {
      (file.features[0] as Record<string, unknown>).isDebuggerEnabled = true;
      const ab = file.campaigns[1] as Record<string, unknown>;
      ab.isForcedVariationEnabled = true;
      (ab.variations as Record<string, unknown>[])[2]!.segments = { user: 'u1' };
    });
    const decision = decideFlag(settings, 'feat', { id: 'u1' });
    expect(decision.experiment).toMatchObject({ campaignId: 11, variationId: 3, source: 'whitelisted' });
    expect(decision.impressions.map((i) => [i.campaignId, i.variationId, i.kind])).toEqual([
      [10, 1, 'rollout'],
      [11, 3, 'whitelisted'],
    ]);
    expect(decision.debugEvent).toEqual({
      msg: 'Flag decision given for feature:feat. Got rollout:r1 with variation:1 and experiment:t1 with variation:3',
      rId: 10,
      rvId: 1,
      eId: 11,
      evId: 3,
    });
  });

  it('a rollout variation without segments disables the flag silently (trap 17)', () => {
    const settings = variant((file) => {
      delete (file.campaigns[0]!.variations[0] as Record<string, unknown>).segments;
    });
    const decision = decideFlag(settings, 'feat', { id: 'u1' });
    expect(decision).toMatchObject({ enabled: false, outcome: 'error', impressions: [] });
  });

  it('a variation id 0 is served but never stored (1.35.0 refuses the record)', () => {
    const settings = variant((file) => {
      file.campaigns[0]!.variations[0]!.id = 0;
      file.features[0]!.rules = [{ type: 'FLAG_ROLLOUT', ruleKey: 'r1', campaignId: 10 }];
    });
    const decision = decideFlag(settings, 'feat', { id: 'u1' });
    expect(decision.enabled).toBe(true);
    expect(decision.storageWrites).toEqual([]);
  });

  it('an impact campaign adds an impression on every call, variation 2 when enabled and 1 when not', () => {
    const settings = variant((file) => {
      (file.features[0] as Record<string, unknown>).impactCampaign = { campaignId: 77, type: 'IMPACT' };
    });
    expect(decideFlag(settings, 'feat', { id: 'u1' }).impressions.at(-1)).toMatchObject({ campaignId: 77, variationId: 2 });
    expect(decideFlag(settings, 'feat', { id: 'u2' }).impressions.map((i) => [i.campaignId, i.variationId, i.kind])).toEqual([
      [77, 1, 'impact'],
    ]);
  });

  it('the integrations payload lists variables and rules in 1.35.0 insertion order, with _vwoUserId', () => {
    const decision = decideFlag(fixtures.B as FmeSettings, 'ab', { id: 'user-1' });
    expect(JSON.stringify(decision.integrations)).toBe(
      '{"featureName":"AB","featureId":1,"featureKey":"ab","userId":"user-1","api":"getFlag","variationTargetingVariables":{"_vwoUserId":"user-1"},"customVariables":{"_vwoUserId":"user-1"},"experimentId":11,"experimentKey":"ab_t","experimentVariationId":2}',
    );
  });

  it('a user list uses the visitor UUID as _vwoUserId (the example of decision-flow.md §7)', () => {
    const settings = variant((file) => {
      (file.campaigns[1] as Record<string, unknown>).isUserListEnabled = true;
      (file.campaigns[1] as Record<string, unknown>).segments = { user: '5B1AFB67FB4E5FF4937D761D2DA55344' };
      (file.campaigns[1] as Record<string, unknown>).percentTraffic = 100;
    });
    const decision = decideFlag(settings, 'feat', { id: 'u1' });
    expect(decision.integrations?.customVariables).toEqual({ _vwoUserId: '5B1AFB67FB4E5FF4937D761D2DA55344' });
    expect(decision.experiment?.campaignId).toBe(11);
  });

  it('a missing feature and unusable input give a disabled flag without events', () => {
    expect(decideFlag(fixtures.A as FmeSettings, 'nope', { id: 'u1' })).toMatchObject({
      enabled: false,
      outcome: 'feature-not-found',
      impressions: [],
    });
    expect(decideFlag(fixtures.A as FmeSettings, 'feat', { id: '' })).toMatchObject({ enabled: false, outcome: 'invalid-input' });
    expect(decideFlag(fixtures.A as FmeSettings, 'feat', null as never)).toMatchObject({ enabled: false, outcome: 'invalid-input' });
  });

  it('answers for a user id with a lone surrogate (1.35.0 fails the call)', () => {
    const settings = variant((file) => {
      (file.campaigns[1] as Record<string, unknown>).isUserListEnabled = true;
    });
    const decision = decideFlag(settings, 'feat', { id: 'u\ud800', customVariables: { plan: 'pro' } });
    expect(decision.outcome).toBe('evaluated');
  });

  it('records the steps taken when asked for a trace', () => {
    const decision = decideFlag(fixtures.A as FmeSettings, 'feat', { id: 'u2' }, undefined, { trace: true });
    expect(decision.trace).toEqual(['rollout r1: pre-segmentation passed', 'rollout r1: traffic failed', 'flag disabled']);
  });

  it('never throws, for any context, stored record and feature key', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.constantFrom('feat', 'nope', ''),
        (context, record, key) => {
          const decision = decideFlag(fixtures.A as FmeSettings, key, context as never, () => record);
          expect(typeof decision.enabled).toBe('boolean');
        },
      ),
      { numRuns: 3000 },
    );
  });

  it.each([
    [0, false],
    ['', false],
    ['abc', false],
    [{ name: 'x' }, false],
    [{ name: 'x', campaigns: '5' }, true],
    [{ name: 'x', campaigns: ['5'], et: 2, p: null }, true],
  ])('a group written as %j gives %s, as observed with 1.35.0', (group, enabled) => {
    const settings = settingsOf({
      version: 1,
      accountId: 123456,
      campaigns: [
        {
          id: 5,
          key: 'f_t',
          name: 'f_t',
          type: 'FLAG_TESTING',
          status: 'RUNNING',
          segments: {},
          percentTraffic: 100,
          variations: [{ id: 1, name: 'A', weight: 100 }],
        },
      ],
      features: [
        {
          id: 9,
          key: 'f',
          name: 'F',
          type: 'FEATURE_FLAG',
          status: 'ON',
          metrics: [],
          rules: [{ type: 'FLAG_TESTING', ruleKey: 't', campaignId: 5 }],
        },
      ],
      groups: { 7: group },
      campaignGroups: { 5: 7 },
    });
    expect(decideFlag(settings, 'f', { id: 'u1' }).enabled).toBe(enabled);
  });
});
