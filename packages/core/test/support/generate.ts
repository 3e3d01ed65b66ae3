/**
 * Generators of settings files, users and variables for the differential tests: every
 * campaign type, fractional and zero weights, gaps, traffic below 100 and above, seed flags,
 * isNB/isNBv2/isOB/isOBv2, whitelisting (with user lists), pre-segmentation and groups.
 */
import type { Random } from './random.js';

const TYPES = ['VISUAL_AB', 'FEATURE_TEST', 'FEATURE_ROLLOUT'] as const;
const VALUES: readonly unknown[] = ['x', 'y', 'X', '1', '2.0', 3, 0, '0', true, false, null, 'abc', 'Ünï', 12.5, '12.50'];
const OPERANDS = [
  'x',
  'y',
  'lower(X)',
  'wildcard(*b*)',
  'wildcard(a*)',
  'regex(^[xy]$)',
  'gt(1)',
  'gte(2)',
  'lt(3)',
  'lte(.5)',
  '3',
  '0',
  'true',
  '12.5',
  'null',
  '',
];
const KEYS = ['a', 'b', 'c'];
const NAME_CHARS = 'abcXYZ019_-é😀ユーザーJosé ';

export function userId(rng: Random): string {
  if (rng.chance(0.5)) return `user${rng.int(0, 100_000)}`;
  let id = '';
  const length = rng.int(1, 12);
  for (let i = 0; i < length; i++) id += rng.pick([...NAME_CHARS]);
  return id;
}

export function variables(rng: Random): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const key of KEYS) if (rng.chance(0.7)) vars[key] = rng.pick(VALUES);
  return vars;
}

export function segment(rng: Random, depth = 0): Record<string, unknown> {
  const roll = rng.next();
  if (depth < 2 && roll < 0.2) return { and: Array.from({ length: rng.int(0, 3) }, () => segment(rng, depth + 1)) };
  if (depth < 2 && roll < 0.4) return { or: Array.from({ length: rng.int(0, 3) }, () => segment(rng, depth + 1)) };
  if (depth < 2 && roll < 0.5) return { not: segment(rng, depth + 1) };
  if (roll < 0.55) return { user: 'user1, user2 ,Ashley' };
  return { custom_variable: { [rng.pick(KEYS)]: rng.pick(OPERANDS) } };
}

function weights(rng: Random, count: number): unknown[] {
  const style = rng.int(0, 6);
  if (style === 6) return Array.from({ length: count }, () => rng.pick([0, 0, 10]));
  if (style === 0) return Array.from({ length: count }, () => 100 / count);
  if (style === 1) return Array.from({ length: count }, () => Math.round(rng.next() * 10_000) / 100);
  if (style === 2) return Array.from({ length: count }, (_, i) => (i === 0 ? 0 : 100 / (count - 1 || 1)));
  if (style === 3) return Array.from({ length: count }, () => rng.pick([33.3333, 16.67, 10.005, 0.07, 1.1, 50, 25]));
  if (style === 4) return Array.from({ length: count }, () => String(rng.int(0, 60)));
  // Integer split that sums to 100.
  const cuts = Array.from({ length: count - 1 }, () => rng.int(0, 100)).sort((a, b) => a - b);
  return [...cuts, 100].map((cut, i) => cut - (i === 0 ? 0 : (cuts[i - 1] as number)));
}

function variables_(rng: Random): unknown[] {
  return [
    { id: 1, key: 'str', type: 'string', value: rng.pick(['a', 'b', 7]) },
    { id: 2, key: 'int', type: 'integer', value: rng.pick([5, '12.7', 'x']) },
    { id: 3, key: 'dbl', type: 'double', value: rng.pick([2.5, '1e3', 'x']) },
    { id: 4, key: 'bool', type: 'boolean', value: rng.pick([true, false, 'true']) },
    { id: 5, key: 'json', type: 'json', value: rng.pick([{ a: 1 }, '{"v":1}', [1]]) },
  ];
}

export function campaign(rng: Random, id: number, forceType?: string): Record<string, unknown> {
  const type = forceType ?? rng.pick(TYPES);
  const count = type === 'FEATURE_ROLLOUT' ? 1 : rng.int(1, 4);
  const ws = type === 'FEATURE_ROLLOUT' ? [100] : weights(rng, count);
  const forced = rng.chance(0.25);
  const variations = ws.map((weight, i) => ({
    id: i + 1,
    name: i === 0 ? 'Control' : `Variation-${i}`,
    weight,
    isFeatureEnabled: i > 0 && rng.chance(0.7),
    segments: forced && rng.chance(0.5) ? segment(rng) : {},
    ...(type === 'FEATURE_TEST' ? { variables: variables_(rng) } : {}),
  }));
  return {
    id,
    key: `c${id}`,
    name: `Campaign ${id}`,
    status: rng.chance(0.9) ? 'RUNNING' : rng.pick(['PAUSED', 'running']),
    type,
    percentTraffic: rng.pick([100, 100, 50, 33.5, 7, 0, 150, rng.int(1, 100), Math.round(rng.next() * 1000) / 10]),
    segments: rng.chance(0.3) ? segment(rng) : rng.chance(0.1) ? [] : {},
    goals: [
      { id: id * 10 + 1, identifier: 'buy', type: 'CUSTOM_GOAL' },
      { id: id * 10 + 2, identifier: 'rev', type: 'REVENUE_TRACKING', revenueProp: 'amount' },
    ],
    variations,
    ...(type === 'FEATURE_ROLLOUT' ? { variables: variables_(rng) } : {}),
    ...(rng.chance(0.3) ? { isBucketingSeedEnabled: rng.chance(0.7) } : {}),
    ...(forced ? { isForcedVariationEnabled: true } : {}),
    ...(forced && rng.chance(0.3) ? { isUserListEnabled: true } : {}),
    ...(rng.chance(0.2) ? { isOB: rng.chance(0.5) } : {}),
    ...(rng.chance(0.2) ? { isOBv2: rng.chance(0.5) } : {}),
  };
}

export function settingsFile(rng: Random): Record<string, unknown> {
  const count = rng.int(1, 6);
  const campaigns = Array.from({ length: count }, (_, i) => campaign(rng, 100 + i));
  const file: Record<string, unknown> = {
    accountId: rng.pick([888888, '888888', 60781, 123456]),
    version: 1,
    sdkKey: 'sdkkey123',
    campaigns,
    campaignGroups: {},
    groups: {},
  };
  if (rng.chance(0.15)) file.isNB = true;
  if (rng.chance(0.15)) file.isNBv2 = true;
  if (count >= 2 && rng.chance(0.4)) {
    const members = campaigns.slice(0, rng.int(2, count)).map((c) => c.id as number);
    if (rng.chance(0.2)) members.reverse();
    const groupId = rng.int(1, 9);
    const groupMap: Record<string, number> = {};
    for (const m of members) groupMap[String(m)] = groupId;
    file.campaignGroups = groupMap;
    const group: Record<string, unknown> = { name: `Group ${groupId}`, campaigns: members };
    const algorithm = rng.int(0, 4);
    if (algorithm === 1) group.et = 1;
    if (algorithm >= 2) {
      group.et = 2;
      if (rng.chance(0.5)) group.p = [rng.pick(members)];
      if (rng.chance(0.7))
        group.wt = Object.fromEntries(members.filter(() => rng.chance(0.8)).map((m) => [String(m), rng.pick([20, 50, 33.3, 10])]));
    }
    // Now and then a campaignGroups entry names a group that is missing: 1.73.0 then fails.
    file.groups = rng.chance(0.05) ? {} : { [String(groupId)]: group };
  }
  return file;
}
