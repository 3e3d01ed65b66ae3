/**
 * Settings files the Node and reliability tests share, shaped after the worked examples of the
 * spec's events.md (legacy) and fme/events.md (FME): plain JSON, so this package needs no SDK.
 */
type Json = Record<string, unknown>;

/** The account of the legacy settings files. */
export const ACCOUNT_ID = 888888;
/** The SDK key of the legacy settings files. */
export const SDK_KEY = 'sdkkey123';

/** A/B campaign `K` (id 230), 50/50, with a custom goal (213) and a revenue goal (214, `revenueProp: 'amount'`). */
export function abCampaign(overrides: Json = {}): Json {
  return {
    id: 230,
    key: 'K',
    name: 'Campaign K',
    status: 'RUNNING',
    type: 'VISUAL_AB',
    percentTraffic: 100,
    segments: {},
    goals: [
      { id: 213, identifier: 'CUSTOM', type: 'CUSTOM_GOAL' },
      { id: 214, identifier: 'REVENUE', type: 'REVENUE_TRACKING', revenueProp: 'amount' },
    ],
    variations: [
      { id: 1, name: 'Control', weight: 50 },
      { id: 2, name: 'Variation-1', weight: 50 },
    ],
    ...overrides,
  };
}

/** Feature test `FT` (id 231), 50/50, its variables of every type; only `Variation-1` has the feature on. */
export function featureTest(overrides: Json = {}): Json {
  const variables = (value: string, number: number) => [
    { id: 1, key: 'label', type: 'string', value },
    { id: 2, key: 'count', type: 'integer', value: number },
    { id: 3, key: 'ratio', type: 'double', value: '2.5' },
    { id: 4, key: 'enabled', type: 'boolean', value: true },
    { id: 5, key: 'config', type: 'json', value: { theme: value } },
  ];
  return {
    id: 231,
    key: 'FT',
    status: 'RUNNING',
    type: 'FEATURE_TEST',
    percentTraffic: 100,
    segments: {},
    goals: [{ id: 301, identifier: 'CUSTOM', type: 'CUSTOM_GOAL' }],
    variations: [
      { id: 1, name: 'Control', weight: 50, isFeatureEnabled: false, variables: variables('ctrl', 1) },
      { id: 2, name: 'Variation-1', weight: 50, isFeatureEnabled: true, variables: variables('v1', 2) },
    ],
    ...overrides,
  };
}

/** Feature rollout `FR` (id 232) to everybody, variable `results` = 25. */
export function rollout(overrides: Json = {}): Json {
  return {
    id: 232,
    key: 'FR',
    status: 'RUNNING',
    type: 'FEATURE_ROLLOUT',
    percentTraffic: 100,
    segments: {},
    goals: [],
    variables: [{ id: 1, key: 'results', type: 'integer', value: '25' }],
    variations: [{ id: 1, name: 'website', weight: 100 }],
    ...overrides,
  };
}

/** A legacy settings file of {@link ACCOUNT_ID} and {@link SDK_KEY}: by default `K`, `FT` and `FR`. */
export function settingsFile(campaigns: unknown[] = [abCampaign(), featureTest(), rollout()], overrides: Json = {}): Json {
  return { accountId: ACCOUNT_ID, version: 1, sdkKey: SDK_KEY, campaigns, campaignGroups: {}, groups: {}, ...overrides };
}

/** The account of the FME settings files. */
export const FME_ACCOUNT_ID = 123456;
/** The SDK key of the FME settings files. */
export const FME_SDK_KEY = 'abcdef0123456789abcdef0123456789';

/** What differs between the FME files of {@link checkoutFlagSettings}. */
export interface CheckoutFlagOptions {
  /** The value of variable `color` in the rollout. */
  readonly rolloutColor: string;
  /** The type of the metric `purchase`. */
  readonly metricType: 'CUSTOM_GOAL' | 'REVENUE_TRACKING';
  /** After the rollout, an A/B test over every user (`color` `blue` or `green`, 50/50): two impressions per `getFlag`. */
  readonly abTest: boolean;
}

/** An FME settings file of {@link FME_ACCOUNT_ID} with one flag, `checkout`: a rollout to everybody, then optionally an A/B test. */
export function checkoutFlagSettings(options: CheckoutFlagOptions): Json {
  const color = (value: string) => [{ id: 1, key: 'color', type: 'string', value }];
  const rules: Json[] = [{ campaignId: 10, type: 'FLAG_ROLLOUT', ruleKey: 'rollout1', variationId: 1 }];
  const campaigns: Json[] = [
    {
      id: 10,
      key: 'checkout_rollout1',
      name: 'Rollout',
      type: 'FLAG_ROLLOUT',
      status: 'RUNNING',
      segments: {},
      variations: [{ id: 1, name: 'Rollout', weight: 100, segments: {}, variables: color(options.rolloutColor) }],
    },
  ];
  if (options.abTest) {
    rules.push({ campaignId: 11, type: 'FLAG_TESTING', ruleKey: 'testing1' });
    campaigns.push({
      id: 11,
      key: 'checkout_testing1',
      name: 'Button colour',
      type: 'FLAG_TESTING',
      status: 'RUNNING',
      percentTraffic: 100,
      segments: {},
      variations: [
        { id: 1, name: 'Default', weight: 50, variables: color('blue') },
        { id: 2, name: 'Green', weight: 50, variables: color('green') },
      ],
    });
  }
  return {
    version: 1,
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    features: [
      {
        id: 1,
        key: 'checkout',
        name: 'Checkout',
        type: 'FEATURE_FLAG',
        status: 'ON',
        metrics: [{ id: 1, type: options.metricType, identifier: 'purchase' }],
        rules,
      },
    ],
    campaigns,
  };
}
