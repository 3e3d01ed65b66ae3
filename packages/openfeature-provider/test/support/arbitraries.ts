/**
 * fast-check arbitraries of settings files and evaluation contexts for the differential test:
 * every campaign type (and an unknown one), paused campaigns, multi-armed bandits, traffic
 * below 100, pre-segmentation, whitelisting (also with user lists), mutually exclusive groups
 * (equal split, priority, weights, a campaign mapped to a group that does not list it, a group
 * that is missing), variations without a name or sharing one, and variables of every type,
 * often holding values that are not of their declared type.
 */
import fc from 'fast-check';

export type Json = Record<string, unknown>;

export const USERS = ['Ashley', 'José', 'Bill', 'Chris', 'John', 'Emma', 'ユーザー', 'user1', 'user2', 'u 42'];
export const VARIABLE_KEYS = ['label', 'count', 'ratio', 'on', 'config', 'misc', 'ui.theme'];

const VARIABLE_TYPES = ['string', 'integer', 'double', 'boolean', 'json', 'colour'] as const;

/** Values of every type, so that many do not match the type they are declared with. */
const variableValue = fc.constantFrom<unknown>(
  'text',
  '',
  '12.7',
  'many',
  '1e3',
  7,
  0,
  2.5,
  -3,
  true,
  false,
  'true',
  null,
  { theme: 'dark' },
  {},
  [1, 2],
  '{"v":1}',
);

const variables = fc.uniqueArray(
  fc.record({ key: fc.constantFrom(...VARIABLE_KEYS), type: fc.constantFrom(...VARIABLE_TYPES), value: variableValue }),
  { selector: (v) => v.key, maxLength: 4 },
);

const segment: fc.Arbitrary<Json> = fc.letrec<{ node: Json }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<Json>(
      { custom_variable: { plan: 'pro' } },
      { custom_variable: { plan: 'wildcard(*re*)' } },
      { custom_variable: { n: 'gt(3)' } },
      { custom_variable: { role: 'admin' } },
      { user: 'Ashley, Bill,user1' },
    ),
    fc.record({ or: fc.array(tie('node'), { minLength: 1, maxLength: 2 }) }),
    fc.record({ and: fc.array(tie('node'), { minLength: 1, maxLength: 2 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node;

const weight = fc.constantFrom<unknown>(50, 50, 33.3333, 25, 10, 0, 100, '40', 16.67);

const variation = fc.record(
  {
    name: fc.constantFrom('auto', 'auto', 'auto', 'auto', '', 'Control'),
    weight,
    isFeatureEnabled: fc.constantFrom<unknown>(true, false, undefined, 'yes', 0),
    segments: fc.oneof({ weight: 3, arbitrary: fc.constant<Json>({}) }, { weight: 1, arbitrary: segment }),
    variables,
  },
  { requiredKeys: ['name', 'weight', 'segments'] },
);

const campaignShape = fc.record({
  type: fc.constantFrom('VISUAL_AB', 'FEATURE_TEST', 'FEATURE_ROLLOUT', 'VISUAL_AB', 'FEATURE_TEST', 'FEATURE_ROLLOUT', 'FEATURE_FOO'),
  status: fc.oneof({ weight: 7, arbitrary: fc.constant('RUNNING') }, { weight: 1, arbitrary: fc.constant('PAUSED') }),
  percentTraffic: fc.oneof({ weight: 6, arbitrary: fc.constant(100) }, { weight: 3, arbitrary: fc.constantFrom(50, 7, 0) }),
  segments: fc.oneof({ weight: 4, arbitrary: fc.constant<Json>({}) }, { weight: 1, arbitrary: segment }),
  isMAB: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  forced: fc.constantFrom(false, false, true),
  userList: fc.boolean(),
  variations: fc.array(variation, { minLength: 1, maxLength: 3 }),
  rolloutVariables: variables,
});

type CampaignShape = typeof campaignShape extends fc.Arbitrary<infer T> ? T : never;

function campaignFrom(shape: CampaignShape, index: number): Json {
  const id = 100 + index;
  const rollout = shape.type === 'FEATURE_ROLLOUT';
  const variations = (rollout ? shape.variations.slice(0, 1) : shape.variations).map((v, i) => ({
    id: i + 1,
    name: v.name === 'auto' ? (i === 0 ? 'Control' : `Variation-${i}`) : v.name,
    weight: rollout ? 100 : v.weight,
    ...(v.isFeatureEnabled === undefined ? {} : { isFeatureEnabled: v.isFeatureEnabled }),
    segments: shape.forced ? v.segments : {},
    ...(shape.type === 'FEATURE_TEST' && v.variables ? { variables: v.variables.map((x, j) => ({ id: j + 1, ...x })) } : {}),
  }));
  return {
    id,
    key: `c${index}`,
    name: `Campaign ${index}`,
    status: shape.status,
    type: shape.type,
    percentTraffic: shape.percentTraffic,
    segments: shape.segments,
    goals: [{ id: id * 10, identifier: 'buy', type: 'CUSTOM_GOAL' }],
    variations,
    ...(rollout ? { variables: shape.rolloutVariables.map((x, j) => ({ id: j + 1, ...x })) } : {}),
    ...(shape.isMAB ? { isMAB: true } : {}),
    ...(shape.forced ? { isForcedVariationEnabled: true } : {}),
    ...(shape.forced && shape.userList ? { isUserListEnabled: true } : {}),
  };
}

const groupShape = fc.record({
  members: fc.uniqueArray(fc.nat({ max: 4 }), { minLength: 2, maxLength: 4 }),
  /** A campaign mapped to the group that the group does not list (1.73.0's lone-eligible-member quirk). */
  stray: fc.option(fc.nat({ max: 4 }), { nil: undefined }),
  algorithm: fc.constantFrom('equal', 'priority', 'weights'),
  missing: fc.constantFrom(false, false, false, false, false, false, false, true),
});

export const settingsFileArbitrary: fc.Arbitrary<Json> = fc
  .record({
    campaigns: fc.array(campaignShape, { minLength: 1, maxLength: 5, size: 'medium' }),
    group: fc.option(groupShape, { nil: undefined, freq: 2 }),
  })
  .map(({ campaigns: shapes, group }) => {
    const campaigns = shapes.map(campaignFrom);
    const file: Json = { accountId: 888888, version: 1, sdkKey: 'sdkkey123', campaigns, campaignGroups: {}, groups: {} };
    if (group) {
      const ids = group.members.filter((m) => m < campaigns.length).map((m) => 100 + m);
      if (ids.length >= 2) {
        const mapped = [...ids];
        if (group.stray !== undefined && group.stray < campaigns.length && !ids.includes(100 + group.stray)) mapped.push(100 + group.stray);
        file.campaignGroups = Object.fromEntries(mapped.map((id) => [String(id), 7]));
        const definition: Json = { name: 'Group 7', campaigns: ids };
        if (group.algorithm !== 'equal') definition.et = 2;
        if (group.algorithm === 'priority') definition.p = [ids[ids.length - 1]];
        if (group.algorithm === 'weights')
          definition.wt = Object.fromEntries(ids.map((id, i) => [String(id), i === 0 ? 60 : 40 / (ids.length - 1)]));
        file.groups = group.missing ? {} : { 7: definition };
      }
    }
    return file;
  });

/** Evaluation contexts: sometimes without a targeting key, sometimes with a targeting attribute that is not an object. */
export const contextArbitrary: fc.Arbitrary<Json> = fc
  .record({
    user: fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...USERS) }, { weight: 2, arbitrary: fc.string({ maxLength: 6 }) }),
    missingKey: fc.constantFrom(false, false, false, false, false, false, false, false, false, true),
    plan: fc.option(fc.constantFrom('pro', 'free', 'premium'), { nil: undefined }),
    n: fc.option(fc.constantFrom(1, 5, '7'), { nil: undefined }),
    targeting: fc.oneof(
      { weight: 5, arbitrary: fc.constant(undefined) },
      { weight: 4, arbitrary: fc.constantFrom<unknown>({ role: 'admin' }, { role: 'user' }, {}) },
      { weight: 1, arbitrary: fc.constantFrom<unknown>('admin', [1], null) },
    ),
  })
  .map(({ user, missingKey, plan, n, targeting }) => {
    const context: Json = {};
    if (!missingKey) context.targetingKey = user;
    if (plan !== undefined) context.plan = plan;
    if (n !== undefined) context.n = n;
    if (targeting !== undefined) context.variationTargetingVariables = targeting;
    return context;
  });
