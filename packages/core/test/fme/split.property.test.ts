/**
 * The observed split matches the weights: 20,000 seeded user ids through `decideFlag` for an A/B
 * rule (weights 50 / 30 / 20) and a rollout (weight 40). Pearson's chi-square stays below the
 * 0.1 % critical value; the same statistic rejects a split skewed by 3 points, so the check has
 * the power to fail. Fixed seed and count: the outcome is the same on every run.
 */
import { describe, expect, it } from 'vitest';
import { decideFlag, type FmeSettings, parseFmeSettings } from '../../src/index.js';
import { Random } from '../support/random.js';

const USERS = 20_000;
/** Chi-square critical values at p = 0.001, by degrees of freedom. */
const CRITICAL_0_001: Readonly<Record<number, number>> = { 1: 10.828, 2: 13.816 };

function chiSquare(observed: readonly number[], weights: readonly number[]): number {
  const total = observed.reduce((sum, count) => sum + count, 0);
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  return observed.reduce((sum, count, index) => {
    const expected = (total * (weights[index] ?? 0)) / weightSum;
    return sum + (count - expected) ** 2 / expected;
  }, 0);
}

function settings(): FmeSettings {
  const variation = (id: number, weight: number) => ({ id, name: `v${id}`, weight, segments: {}, variables: [] });
  const feature = (id: number, key: string, campaignId: number, type: string) => ({
    id,
    key,
    name: key,
    type: 'FEATURE_FLAG',
    status: 'ON',
    metrics: [],
    rules: [{ campaignId, type, ruleKey: 'r', ...(type === 'FLAG_ROLLOUT' ? { variationId: 1 } : {}) }],
  });
  const parsed = parseFmeSettings({
    version: 1,
    accountId: 123456,
    sdkKey: 'abcdef0123456789abcdef0123456789',
    features: [feature(1, 'ab', 10, 'FLAG_TESTING'), feature(2, 'rollout', 20, 'FLAG_ROLLOUT')],
    campaigns: [
      {
        id: 10,
        key: 'ab_r',
        name: 'ab_r',
        type: 'FLAG_TESTING',
        status: 'RUNNING',
        percentTraffic: 100,
        segments: {},
        variations: [variation(1, 50), variation(2, 30), variation(3, 20)],
      },
      {
        id: 20,
        key: 'rollout_r',
        name: 'rollout_r',
        type: 'FLAG_ROLLOUT',
        status: 'RUNNING',
        segments: {},
        variations: [variation(1, 40)],
      },
    ],
  });
  if (!parsed.ok) throw new Error('the test settings are invalid');
  return parsed.settings;
}

function userIds(seed: number): string[] {
  const rng = new Random(seed);
  return Array.from({ length: USERS }, (_, index) => `user-${index}-${Math.floor(rng.next() * 2 ** 32).toString(36)}`);
}

describe('the observed split matches the weights', () => {
  const model = settings();
  const users = userIds(20261206);

  it('of an A/B rule with weights 50 / 30 / 20', () => {
    const counts = [0, 0, 0];
    for (const id of users) {
      const decision = decideFlag(model, 'ab', { id }, () => undefined);
      const variationId = decision.experiment?.variationId;
      expect([1, 2, 3]).toContain(variationId);
      counts[(variationId as number) - 1]++;
    }
    const statistic = chiSquare(counts, [50, 30, 20]);
    console.log(`FME A/B split over ${USERS} users: ${counts.join(' / ')}, chi-square ${statistic.toFixed(2)} (df 2)`);
    expect(statistic, `counts ${counts.join(' / ')}`).toBeLessThan(CRITICAL_0_001[2] as number);
    // Power: the same counts are far from a split 3 points off.
    expect(chiSquare(counts, [47, 33, 20])).toBeGreaterThan(CRITICAL_0_001[2] as number);
  });

  it('of a rollout with weight 40', () => {
    let enabled = 0;
    for (const id of users) if (decideFlag(model, 'rollout', { id }, () => undefined).enabled) enabled++;
    const counts = [enabled, USERS - enabled];
    console.log(`FME rollout 40 % over ${USERS} users: ${enabled} enabled, chi-square ${chiSquare(counts, [40, 60]).toFixed(2)} (df 1)`);
    expect(chiSquare(counts, [40, 60]), `enabled ${enabled} of ${USERS}`).toBeLessThan(CRITICAL_0_001[1] as number);
    expect(chiSquare(counts, [43, 57])).toBeGreaterThan(CRITICAL_0_001[1] as number);
  });

  it('rejects a skewed split: chi-square sees a 52 / 30 / 18 assignment against 50 / 30 / 20', () => {
    const rng = new Random(7);
    const counts = [0, 0, 0];
    for (let i = 0; i < USERS; i++) {
      const r = rng.next();
      counts[r < 0.52 ? 0 : r < 0.82 ? 1 : 2]++;
    }
    expect(chiSquare(counts, [50, 30, 20])).toBeGreaterThan(CRITICAL_0_001[2] as number);
  });
});
