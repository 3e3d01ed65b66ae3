/** The FME settings file of the browser tests: one feature with a 50/50 A/B rule and a revenue metric. */
export const FME_ACCOUNT_ID = 777777;
export const FME_SDK_KEY = 'fme-browser-sdk-key';

export function fmeSettings(): Record<string, unknown> {
  const variation = (id: number, name: string, color: string) => ({
    id,
    name,
    weight: 50,
    variables: [{ id: 1, key: 'color', type: 'string', value: color }],
  });
  return {
    version: 1,
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    campaigns: [
      {
        id: 501,
        key: 'hero_ab',
        name: 'Hero',
        type: 'FLAG_TESTING',
        status: 'RUNNING',
        percentTraffic: 100,
        segments: {},
        variations: [variation(1, 'Blue', 'blue'), variation(2, 'Green', 'green')],
      },
    ],
    features: [
      {
        id: 51,
        key: 'hero',
        name: 'Hero',
        type: 'FEATURE_FLAG',
        status: 'ON',
        metrics: [{ id: 6, type: 'REVENUE_TRACKING', identifier: 'purchase', revenueProp: 'revenue' }],
        rules: [{ type: 'FLAG_TESTING', ruleKey: 'ab', campaignId: 501 }],
      },
    ],
    groups: {},
    campaignGroups: {},
  };
}
