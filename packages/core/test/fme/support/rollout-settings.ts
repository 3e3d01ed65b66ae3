/**
 * The FME settings file most client tests start from: one flag `f`, rolled out to everyone, with
 * one custom goal `buy`. Tests that need more build their own file.
 */

/** A variable of the rollout's only variation, as a settings file holds it. */
export interface RolloutVariable {
  readonly id: number;
  readonly key: string;
  readonly type: string;
  readonly value: unknown;
}

/**
 * Flag `f` (id 1, goal `buy` of id 5) whose rule `r` rolls out campaign 10 to 100% of the traffic
 * with variation 1, holding `variables`.
 */
export function rolloutSettings(variables: readonly RolloutVariable[] = []) {
  return {
    version: 1,
    accountId: 1,
    sdkKey: 'k',
    features: [
      {
        id: 1,
        key: 'f',
        name: 'F',
        type: 'FEATURE_FLAG',
        status: 'ON',
        metrics: [{ id: 5, identifier: 'buy', type: 'CUSTOM_GOAL' }],
        rules: [{ campaignId: 10, type: 'FLAG_ROLLOUT', ruleKey: 'r', variationId: 1 }],
      },
    ],
    campaigns: [
      {
        id: 10,
        key: 'f_r',
        name: 'R',
        type: 'FLAG_ROLLOUT',
        status: 'RUNNING',
        percentTraffic: 100,
        segments: {},
        variations: [{ id: 1, name: 'R', weight: 100, segments: {}, variables }],
      },
    ],
  };
}
