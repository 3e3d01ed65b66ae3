/** The settings file of the browser tests: one A/B campaign, 50/50, a custom and a revenue goal. */
export const ACCOUNT_ID = 888888;
export const SDK_KEY = 'browser-sdk-key';

export function abSettings(): Record<string, unknown> {
  return {
    accountId: ACCOUNT_ID,
    version: 1,
    sdkKey: SDK_KEY,
    groups: {},
    campaignGroups: {},
    campaigns: [
      {
        id: 230,
        key: 'hero',
        status: 'RUNNING',
        type: 'VISUAL_AB',
        percentTraffic: 100,
        segments: {},
        goals: [
          { id: 213, identifier: 'signup', type: 'CUSTOM_GOAL' },
          { id: 214, identifier: 'purchase', type: 'REVENUE_TRACKING' },
        ],
        variations: [
          { id: 1, name: 'Control', weight: 50 },
          { id: 2, name: 'Variation-1', weight: 50 },
        ],
      },
    ],
  };
}
