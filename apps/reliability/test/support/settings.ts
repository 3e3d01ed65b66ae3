/** Settings files of the suite, shaped after the worked examples of events.md. */
import { ACCOUNT_ID, abCampaign, SDK_KEY, settingsFile } from '@vwo/test-support';

export { ACCOUNT_ID, SDK_KEY };

type Json = Record<string, unknown>;

/** One A/B campaign `K` (id 230) with a custom and a revenue goal: each user gives one impression and one conversion. */
export function transportSettings(): Json {
  return settingsFile([abCampaign()]);
}

const variables = (tag: string, n: number) => [
  { id: 1, key: 'label', type: 'string', value: tag },
  { id: 2, key: 'count', type: 'integer', value: n },
  { id: 3, key: 'ratio', type: 'double', value: n / 4 },
  { id: 4, key: 'enabled', type: 'boolean', value: n % 2 === 0 },
  { id: 5, key: 'config', type: 'json', value: { tag, n } },
];

/**
 * Every feature of the settings file the parser and the decision engine know: an A/B test
 * with whitelisting and pre-segmentation, a feature test with every variable type, a rollout
 * with a segment, a mutually exclusive group of two campaigns, a paused campaign and a
 * multi-armed bandit. The bad-input section mutates it.
 */
export function richSettings(): Json {
  return {
    accountId: ACCOUNT_ID,
    version: 7,
    sdkKey: SDK_KEY,
    isNB: true,
    campaigns: [
      {
        id: 301,
        key: 'ab',
        name: 'A/B with whitelisting',
        status: 'RUNNING',
        type: 'VISUAL_AB',
        percentTraffic: 90,
        isForcedVariationEnabled: true,
        isBucketingSeedEnabled: true,
        segments: { or: [{ custom_variable: { plan: 'wildcard(*pro*)' } }, { not: { custom_variable: { country: 'regex(^X.)' } } }] },
        goals: [
          { id: 1, identifier: 'purchase', type: 'REVENUE_TRACKING', revenueProp: 'amount' },
          { id: 2, identifier: 'signup', type: 'CUSTOM_GOAL' },
        ],
        variations: [
          { id: 1, name: 'Control', weight: 34, segments: {} },
          { id: 2, name: 'Green', weight: 33, segments: { or: [{ user: 'qa-1, qa-2' }] } },
          {
            id: 3,
            name: 'Blue',
            weight: 33,
            segments: { and: [{ custom_variable: { age: 'gt(30)' } }, { custom_variable: { tier: 'lower(GOLD)' } }] },
          },
        ],
      },
      {
        id: 302,
        key: 'ft',
        name: 'Feature test',
        status: 'RUNNING',
        type: 'FEATURE_TEST',
        percentTraffic: 100,
        segments: {},
        goals: [{ id: 2, identifier: 'signup', type: 'CUSTOM_GOAL' }],
        variations: [
          { id: 1, name: 'Control', weight: 50, isFeatureEnabled: false, variables: variables('ctrl', 1) },
          { id: 2, name: 'On', weight: 50, isFeatureEnabled: true, variables: variables('on', 2) },
        ],
      },
      {
        id: 303,
        key: 'rollout',
        status: 'RUNNING',
        type: 'FEATURE_ROLLOUT',
        percentTraffic: 60,
        segments: { or: [{ custom_variable: { beta: 'true' } }, { custom_variable: { version: 'gte(2.1)' } }] },
        goals: [],
        variables: [{ id: 1, key: 'results', type: 'integer', value: '25' }],
        variations: [{ id: 1, name: 'website', weight: 100 }],
      },
      {
        id: 304,
        key: 'group-a',
        status: 'RUNNING',
        type: 'VISUAL_AB',
        percentTraffic: 100,
        segments: {},
        goals: [{ id: 1, identifier: 'purchase', type: 'REVENUE_TRACKING', revenueProp: 'amount' }],
        variations: [
          { id: 1, name: 'Control', weight: 50 },
          { id: 2, name: 'Variation-1', weight: 50 },
        ],
      },
      {
        id: 305,
        key: 'group-b',
        status: 'RUNNING',
        type: 'VISUAL_AB',
        percentTraffic: 100,
        segments: {},
        goals: [{ id: 2, identifier: 'signup', type: 'CUSTOM_GOAL' }],
        variations: [
          { id: 1, name: 'Control', weight: 50 },
          { id: 2, name: 'Variation-1', weight: 50 },
        ],
      },
      {
        id: 306,
        key: 'paused',
        status: 'PAUSED',
        type: 'VISUAL_AB',
        percentTraffic: 100,
        segments: {},
        goals: [{ id: 2, identifier: 'signup', type: 'CUSTOM_GOAL' }],
        variations: [{ id: 1, name: 'Control', weight: 100 }],
      },
      {
        id: 307,
        key: 'mab',
        status: 'RUNNING',
        type: 'VISUAL_AB',
        isMAB: true,
        percentTraffic: 100,
        segments: {},
        goals: [{ id: 2, identifier: 'signup', type: 'CUSTOM_GOAL' }],
        variations: [
          { id: 1, name: 'Control', weight: 50 },
          { id: 2, name: 'Variation-1', weight: 50 },
        ],
      },
    ],
    campaignGroups: { '304': 9, '305': 9 },
    groups: { '9': { name: 'Checkout', campaigns: [304, 305] } },
  };
}

/**
 * The two versions of the settings-swap section. They differ everywhere a call can look:
 * variation names (`A1`/`B1` against `A2`/`B2`), weights (so most users change variation) and
 * every feature variable (each names its version and variation). A call that read one model's
 * ranges and the other's variations would answer something neither version answers.
 */
export function versionedSettings(version: 1 | 2): Json {
  const [w1, w2] = version === 1 ? [50, 50] : [15, 85];
  const variation = (id: number, name: string, weight: number, on: boolean) => ({
    id,
    name,
    weight,
    isFeatureEnabled: on,
    variables: [
      { id: 1, key: 'tag', type: 'json', value: { version, variation: name } },
      { id: 2, key: 'label', type: 'string', value: `v${version}:${name}` },
    ],
  });
  return {
    accountId: ACCOUNT_ID,
    version,
    sdkKey: SDK_KEY,
    campaignGroups: {},
    groups: {},
    campaigns: [
      {
        id: 401,
        key: 'AB',
        status: 'RUNNING',
        type: 'VISUAL_AB',
        percentTraffic: 100,
        segments: {},
        goals: [{ id: 1, identifier: 'CUSTOM', type: 'CUSTOM_GOAL' }],
        variations: [
          { id: 1, name: `A${version}`, weight: w1 },
          { id: 2, name: `B${version}`, weight: w2 },
        ],
      },
      {
        id: 402,
        key: 'FT',
        status: 'RUNNING',
        type: 'FEATURE_TEST',
        percentTraffic: 100,
        segments: {},
        goals: [{ id: 1, identifier: 'CUSTOM', type: 'CUSTOM_GOAL' }],
        variations: [variation(1, `C${version}`, w2, false), variation(2, `D${version}`, w1, true)],
      },
    ],
  };
}
