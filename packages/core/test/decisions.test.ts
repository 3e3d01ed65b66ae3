import { describe, expect, it } from 'vitest';
import { decide, type Settings } from '../src/index.js';
import cases from './cases/decisions.json' with { type: 'json' };
import { campaign, settingsFile, variationsFor } from './support/files.js';
import { parsed } from './support/parse.js';

const admin = { role: 'admin' };

function whitelistingFile(seeded: boolean, weights = [20, 30, 50]): Settings {
  const variations = cases.whitelisting.variations.map((v, i) => ({ ...v, weight: weights[i] }));
  return parsed(settingsFile([campaign({ variations, isForcedVariationEnabled: true, isBucketingSeedEnabled: seeded })]));
}

describe('whitelisting (bucketing.md §7)', () => {
  it.each(cases.whitelisting.cases)('places $userId among several matched variations: $result', (row) => {
    expect(decide(whitelistingFile(false), 'K', row.userId, { variationTargetingVariables: admin }).variationName).toBe(row.result);
    expect(decide(whitelistingFile(true), 'K', row.userId, { variationTargetingVariables: admin }).variationName).toBe(row.seededResult);
  });

  it.each(cases.whitelisting.zeroWeights)('splits matched variations of weight 0 evenly: $userId gets $result', (row) => {
    const decision = decide(whitelistingFile(false, [0, 0, 50]), 'K', row.userId, { variationTargetingVariables: admin });
    expect(decision.variationName).toBe(row.result);
  });

  it('bypasses traffic, pre-segmentation and storage, and is never stored', () => {
    const file = settingsFile([
      campaign({
        percentTraffic: 0,
        isForcedVariationEnabled: true,
        segments: { or: [{ custom_variable: { plan: 'pro' } }] },
        variations: [
          { id: 1, name: 'Control', weight: 50, segments: {} },
          { id: 2, name: 'Variation-1', weight: 0, segments: { or: [{ user: 'Ashley' }] } },
        ],
      }),
    ]);
    const decision = decide(parsed(file), 'K', 'Ashley', {
      isTrackUser: false,
      storage: { record: { userId: 'Ashley', campaignKey: 'K', variationName: 'Control' } },
    });
    expect(decision).toMatchObject({ outcome: 'whitelisted', variationName: 'Variation-1', store: false, notifies: true });
  });

  it('compares the user list with the visitor UUID when isUserListEnabled is on', () => {
    const file = (list: string) =>
      parsed(
        settingsFile([
          campaign({
            isForcedVariationEnabled: true,
            isUserListEnabled: true,
            variations: [
              { id: 1, name: 'Control', weight: 50, segments: {} },
              { id: 2, name: 'Variation-1', weight: 50, segments: { or: [{ user: list }] } },
            ],
          }),
        ]),
      );
    expect(decide(file('0187748B41B3505786F8A04412DE1720'), 'K', 'Bill').outcome).toBe('whitelisted');
    expect(decide(file('Bill'), 'K', 'Bill').outcome).not.toBe('whitelisted');
  });
});

type GroupConfig = keyof typeof cases.groups.configs;
type GroupRow = (typeof cases.groups.cases)[number];

function groupFile(config: Record<string, unknown>, order = [101, 102, 103], trafficA = 100): Settings {
  const names = { 101: 'A', 102: 'B', 103: 'C' } as const;
  const campaigns = [101, 102, 103].map((id) =>
    campaign({ id, key: names[id as 101], percentTraffic: id === 101 ? trafficA : 100, variations: variationsFor([50, 50]) }),
  );
  return parsed(
    settingsFile(campaigns, {
      campaignGroups: { 101: 7, 102: 7, 103: 7 },
      groups: { 7: { name: 'G', campaigns: order, ...config } },
    }),
  );
}

function answers(settings: Settings, userId: string): (string | null)[] {
  return ['A', 'B', 'C'].map((key) => decide(settings, key, userId).variationName);
}

describe('mutually exclusive groups (bucketing.md §8)', () => {
  const configs = Object.keys(cases.groups.configs) as GroupConfig[];
  const rows = cases.groups.cases.flatMap((row) => configs.map((config) => [config, row] as [GroupConfig, GroupRow]));

  it.each(rows)('%s: %o', (config, row) => {
    const settings = groupFile(cases.groups.configs[config]);
    expect(answers(settings, row.userId)).toEqual(row[config]);
  });

  it('fails every member when the group bucket falls in the gap of the equal split (user263, 9907)', () => {
    const settings = groupFile({});
    expect(['A', 'B', 'C'].map((key) => decide(settings, key, 'user263').outcome)).toEqual(['error', 'error', 'error']);
  });

  it('derives the ranges from the order of the group list', () => {
    const settings = groupFile({}, cases.groups.reordered.order);
    for (const [userId, winner] of Object.entries(cases.groups.reordered.winners)) {
      const won = ['A', 'B', 'C'].filter((key) => decide(settings, key, userId).variationName !== null);
      expect(won).toEqual([winner]);
    }
  });

  it('splits only among members the user is in the traffic of', () => {
    const settings = groupFile({}, undefined, cases.groups.lowTrafficA.percentTrafficA);
    for (const [userId, winner] of Object.entries(cases.groups.lowTrafficA.winners)) {
      const won = ['A', 'B', 'C'].filter((key) => decide(settings, key, userId).variationName !== null);
      expect(won).toEqual([winner]);
    }
  });

  it('runs the advanced algorithm for et "1" (a string), so priority 103 always wins', () => {
    const settings = groupFile({ et: '1', p: [103] });
    for (const row of cases.groups.cases) expect(answers(settings, row.userId)[2]).not.toBeNull();
  });

  it('gives every member null with et 2 and neither p nor wt', () => {
    const settings = groupFile({ et: 2 });
    for (const row of cases.groups.cases) expect(answers(settings, row.userId)).toEqual([null, null, null]);
  });

  it('lets another member that holds a stored variation keep the user', () => {
    const settings = groupFile({});
    const stored = { userId: 'user1', campaignKey: 'B', variationName: 'Control' };
    const decision = decide(settings, 'A', 'user1', { storage: { groupRecord: (key) => (key === 'B' ? stored : undefined) } });
    expect(decision.outcome).toBe('group-taken');
  });
});

describe('user storage (decision-flow.md §4–§5)', () => {
  const settings = parsed(settingsFile([campaign()]));
  const record = (variationName: string) => ({ userId: 'Ashley', campaignKey: 'K', variationName });

  it('answers a stored variation without bucketing', () => {
    const decision = decide(settings, 'K', 'Ashley', { storage: { record: { ...record('Variation-1'), goalIdentifier: 'buy' } } });
    expect(decision).toMatchObject({ outcome: 'stored', variationName: 'Variation-1', storedGoalIdentifier: 'buy', store: false });
  });

  it('gates getVariationName-like calls for users without a record', () => {
    expect(decide(settings, 'K', 'Ashley', { isTrackUser: false, storage: {} }).outcome).toBe('not-stored');
    expect(decide(settings, 'K', 'Ashley', { isTrackUser: true, storage: {} })).toMatchObject({ outcome: 'bucketed', store: true });
  });

  it('buckets afresh and stores when the stored variation no longer exists, for every API', () => {
    const decision = decide(settings, 'K', 'Ashley', { isTrackUser: false, storage: { record: record('Renamed') } });
    expect(decision).toMatchObject({ outcome: 'bucketed', variationName: 'Control', store: true });
  });

  it.each([null, 'Control', 42, ['x'], { variationName: 'Control' }, { campaignKey: 'K' }])(
    'treats the garbage record %j as no record',
    (garbage) => {
      expect(decide(settings, 'K', 'Ashley', { isTrackUser: false, storage: { record: garbage } }).outcome).toBe('not-stored');
    },
  );

  it('lets userStorageData override the stored fields', () => {
    const decision = decide(settings, 'K', 'Ashley', {
      isTrackUser: false,
      storage: { record: record('Control'), userStorageData: { variationName: 'Variation-1' } },
    });
    expect(decision.variationName).toBe('Variation-1');
  });
});

describe('decision traces', () => {
  it('records each step with its outcome when asked, and nothing otherwise', () => {
    const settings = parsed(settingsFile([campaign({ percentTraffic: 50, segments: { or: [{ custom_variable: { a: '1' } }] } })]));
    const traced = decide(settings, 'K', 'Ashley', { customVariables: { a: 1 }, trace: true });
    expect(traced.steps?.map((s) => [s.step, s.passed])).toEqual([
      ['pre-segmentation', true],
      ['traffic', true],
      ['variation', true],
    ]);
    expect(traced.variationName).toBe('Variation-1');
    expect(decide(settings, 'K', 'Ashley', { customVariables: { a: 1 } }).steps).toBeUndefined();
  });

  it('names the missing campaign and the paused one', () => {
    const settings = parsed(settingsFile([campaign({ status: 'PAUSED' })]));
    expect(decide(settings, 'nope', 'u', { trace: true }).steps?.[0]?.detail).toContain('"nope"');
    expect(decide(settings, 'K', 'u', { trace: true })).toMatchObject({ outcome: 'campaign-not-running', variationName: null });
  });
});

describe('campaigns built by hand', () => {
  // Decisions read the variations as they are now: nothing about a campaign may be kept from one
  // decision to the next (a kept copy of frozen lists was tried, apps/bench/README.md).
  it('a variation list changed between decisions is read as it is now', () => {
    const settings = parsed(settingsFile([campaign()]));
    const frozen = settings.campaignsByKey.get('K');
    if (frozen === undefined) throw new Error('no campaign K');
    const variations = [...frozen.variations];
    const handMade = { ...frozen, variations };
    const handSettings = { ...settings, campaignsByKey: new Map([['K', handMade]]) } as Settings;
    const users = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const before = users.map((user) => decide(handSettings, handMade, user).variationName);
    expect(before).toEqual(users.map((user) => decide(settings, frozen, user).variationName));
    variations.splice(0, variations.length, ...frozen.variations.map((v) => ({ ...v, name: `renamed ${String(v.name)}` })));
    expect(users.map((user) => decide(handSettings, handMade, user).variationName)).toEqual(before.map((name) => `renamed ${name}`));
  });
});
