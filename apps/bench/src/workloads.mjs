/** The settings files and users every contender of a workload decides on. */
const condition = (key, operand) => ({ custom_variable: { [key]: operand } });

export const SIX_CONDITIONS = {
  and: [
    condition('plan', 'lower(PRO)'),
    condition('country', 'wildcard(*US*)'),
    condition('age', 'gte(18)'),
    condition('visits', 'lt(1000)'),
    condition('browser', 'regex(^(chrome|firefox)$)'),
    { not: condition('beta', 'true') },
  ],
};

export const MATCHING_VARIABLES = { plan: 'Pro', country: 'US-CA', age: 33, visits: 12, browser: 'chrome', beta: false };

/**
 * Every operator kind of the segment DSL (segmentation.md §2–§6), all evaluated for every call:
 * lower; wildcard as contains, starts-with and ends-with; regex; gt, gte, lt and lte on a number
 * and on a numeric string; equality on text and on a number normalised from `"12.0"`; `not`;
 * nested `and`/`or`; the `user` operand (a list, split and trimmed, matched against
 * `_vwoUserId`). The `or` fails its first child, so the `user` list is searched.
 */
export const EVERY_OPERATOR = {
  and: [
    condition('plan', 'lower(PRO)'),
    condition('country', 'wildcard(*US*)'),
    condition('city', 'wildcard(San*)'),
    condition('email', 'wildcard(*@example.com)'),
    condition('browser', 'regex(^(chrome|firefox)$)'),
    condition('age', 'gt(18)'),
    condition('age', 'gte(33)'),
    condition('age', 'lt(65)'),
    condition('age', 'lte(33.0)'),
    condition('visits', 'gt(3)'),
    condition('visits', 'gte(12)'),
    condition('visits', 'lt(1000)'),
    condition('visits', 'lte(12.5)'),
    condition('tier', 'gold'),
    condition('count', '12'),
    { not: condition('beta', 'true') },
    { or: [condition('plan', 'Free'), { user: 'Ashley, Bill ,Chris' }] },
  ],
};

export const EVERY_OPERATOR_VARIABLES = {
  plan: 'Pro',
  country: 'US-CA',
  city: 'San Jose',
  email: 'ada@example.com',
  browser: 'chrome',
  age: 33,
  visits: '12',
  tier: 'gold',
  count: '12.0',
  beta: false,
  _vwoUserId: 'Chris',
};

export function abCampaign(id, segments = {}) {
  return {
    id,
    key: `campaign-${id}`,
    status: 'RUNNING',
    type: 'VISUAL_AB',
    percentTraffic: 100,
    segments,
    goals: [{ id: id * 10, identifier: 'purchase', type: 'CUSTOM_GOAL' }],
    variations: [
      { id: 1, name: 'Control', weight: 50 },
      { id: 2, name: 'Variation-1', weight: 50 },
    ],
  };
}

/** A feature test at 50/50: the feature off in Control, on in Variation-1, one variable each. */
export function featureTestCampaign(id) {
  const variation = (variationId, name, enabled, price) => ({
    id: variationId,
    name,
    weight: 50,
    isFeatureEnabled: enabled,
    variables: [{ id: 1, key: 'price', type: 'integer', value: price }],
  });
  return {
    id,
    key: `feature-${id}`,
    status: 'RUNNING',
    type: 'FEATURE_TEST',
    percentTraffic: 100,
    segments: {},
    goals: [{ id: id * 10, identifier: 'purchase', type: 'CUSTOM_GOAL' }],
    variations: [variation(1, 'Control', false, 10), variation(2, 'Variation-1', true, 12)],
  };
}

export function file(campaigns) {
  return { accountId: 888888, version: 1, sdkKey: 'bench-sdk-key', campaigns, campaignGroups: {}, groups: {} };
}

export const twoVariations = file([abCampaign(1)]);
export const behindSegment = file([abCampaign(1, SIX_CONDITIONS)]);
export const behindEveryOperator = file([abCampaign(1, EVERY_OPERATOR)]);
/** One attribute condition, the segment every peer can express (GrowthBook: `{ plan: 'Pro' }`). */
export const behindOneCondition = file([abCampaign(1, { or: [condition('plan', 'Pro')] })]);
export const featureTest = file([featureTestCampaign(1)]);
export const twoHundred = file(Array.from({ length: 200 }, (_, i) => abCampaign(i + 1)));
/** 50 campaigns sharing the goal `purchase`, for `track(null, …)`. */
export const fiftySharingAGoal = file(twoHundred.campaigns.slice(0, 50));
export const thousand = file(Array.from({ length: 1000 }, (_, i) => abCampaign(i + 1, i % 3 === 0 ? SIX_CONDITIONS : {})));

/**
 * User ids as a server gets them: parsed from a request (a cookie, a header, a JSON body), which
 * gives flat strings. Built by concatenation, V8 keeps them as ropes, and every character read
 * goes through one more indirection for every contender (apps/bench/README.md).
 */
export function userIds(count) {
  const built = Array.from({ length: count }, (_, i) => `user-${i}-${((i * 2654435761) >>> 0).toString(36)}`);
  return JSON.parse(JSON.stringify(built));
}

/**
 * An FME settings file (vwo-fme-node-sdk 1.35.0's format): feature `checkout` with a 100 %
 * rollout rule and then an A/B testing rule of 2 variations at 50/50. The rollout passes for
 * every user, so `getFlag` evaluates the A/B rule too: the flag is on for everyone, its
 * variables come from the A/B variation, and every call sends two impressions (one per rule).
 */
export const FME_ACCOUNT = { accountId: 888888, sdkKey: 'abcdef0123456789abcdef0123456789' };
const fmeVariables = (price, color) => [
  { id: 1, key: 'price', type: 'integer', value: price },
  { id: 2, key: 'color', type: 'string', value: color },
];
export const fmeRolloutAndTest = {
  version: 1,
  accountId: FME_ACCOUNT.accountId,
  sdkKey: FME_ACCOUNT.sdkKey,
  features: [
    {
      id: 1,
      key: 'checkout',
      name: 'Checkout',
      type: 'FEATURE_FLAG',
      status: 'ON',
      metrics: [{ id: 1, type: 'CUSTOM_GOAL', identifier: 'purchase' }],
      rules: [
        { type: 'FLAG_ROLLOUT', ruleKey: 'rollout', campaignId: 10, variationId: 1 },
        { type: 'FLAG_TESTING', ruleKey: 'test', campaignId: 11 },
      ],
    },
  ],
  campaigns: [
    {
      id: 10,
      key: 'checkout_rollout',
      name: 'Rollout rule',
      type: 'FLAG_ROLLOUT',
      status: 'RUNNING',
      segments: {},
      variations: [{ id: 1, name: 'Rollout-rule-1', weight: 100, segments: {}, variables: fmeVariables(10, 'blue') }],
    },
    {
      id: 11,
      key: 'checkout_test',
      name: 'A/B rule',
      type: 'FLAG_TESTING',
      status: 'RUNNING',
      segments: {},
      percentTraffic: 100,
      variations: [
        { id: 1, name: 'Default', weight: 50, variables: fmeVariables(10, 'blue') },
        { id: 2, name: 'Variation-1', weight: 50, variables: fmeVariables(12, 'green') },
      ],
    },
  ],
};
