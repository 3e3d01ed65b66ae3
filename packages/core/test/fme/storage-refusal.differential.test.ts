/**
 * Storage writes 1.35.0 refuses (a variation id 0 can never be stored): both SDKs log
 * `ERROR_STORING_DATA_IN_STORAGE`, report it to VWO as a `vwo_sdkDebug` event in the same place
 * among the impressions, and write nothing; everything else of the call is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedStorageKey } from '../../src/fme/decision/storage-refusal.js';
import { ACCOUNT_ID, OurSide, ReferenceSide, SDK_KEY } from './support/client-reference.js';

const variation = (id: number, weight: number) => ({
  id,
  name: `v${id}`,
  weight,
  segments: {},
  variables: [{ id: 1, key: 'plan', type: 'string', value: `p${id}` }],
});

/** Rollouts and A/B tests whose variation id 0 is served to some users. */
function settings(): Record<string, unknown> {
  return {
    version: 1,
    accountId: ACCOUNT_ID,
    sdkKey: SDK_KEY,
    features: [
      {
        id: 1,
        key: 'zero',
        name: 'zero',
        type: 'FEATURE_FLAG',
        status: 'ON',
        metrics: [{ id: 1, type: 'CUSTOM_GOAL', identifier: 'e0' }],
        isDebuggerEnabled: true,
        rules: [{ campaignId: 10, type: 'FLAG_ROLLOUT', ruleKey: 'r', variationId: 0 }],
      },
      {
        id: 2,
        key: 'ab',
        name: 'ab',
        type: 'FEATURE_FLAG',
        status: 'ON',
        metrics: [],
        rules: [
          { campaignId: 20, type: 'FLAG_ROLLOUT', ruleKey: 'r', variationId: 1 },
          { campaignId: 21, type: 'FLAG_TESTING', ruleKey: 't' },
        ],
      },
    ],
    campaigns: [
      { id: 10, key: 'zero_r', name: 'zero_r', type: 'FLAG_ROLLOUT', status: 'RUNNING', segments: {}, variations: [variation(0, 100)] },
      { id: 20, key: 'ab_r', name: 'ab_r', type: 'FLAG_ROLLOUT', status: 'RUNNING', segments: {}, variations: [variation(1, 100)] },
      {
        id: 21,
        status: 'RUNNING',
        key: 'ab_t',
        name: 'ab_t',
        type: 'FLAG_TESTING',
        percentTraffic: 100,
        segments: {},
        variations: [variation(0, 50), variation(5, 50)],
      },
    ],
  };
}

/**
 * 1.35.0's StorageDecorator rejects a promise nobody handles, with no reason, for every refused
 * write: an unhandled rejection in this process that vitest would report as an error of ours.
 * While this file runs, rejections without a reason are counted here instead (each must be one
 * of 1.35.0's refusals); any other rejection still goes to vitest's handlers.
 */
let referenceRejections = 0;
let vitestHandlers: NodeJS.UnhandledRejectionListener[] = [];
const countReferenceRejection: NodeJS.UnhandledRejectionListener = (reason, promise) => {
  if (reason === undefined) referenceRejections++;
  else for (const handler of vitestHandlers) handler(reason, promise);
};
beforeAll(() => {
  vitestHandlers = process.listeners('unhandledRejection');
  process.removeAllListeners('unhandledRejection');
  process.on('unhandledRejection', countReferenceRejection);
});
afterAll(() => {
  process.off('unhandledRejection', countReferenceRejection);
  for (const handler of vitestHandlers) process.on('unhandledRejection', handler);
});

describe('refused storage writes agree with vwo-fme-node-sdk 1.35.0', () => {
  it('names the refused key in 1.35.0’s order of checks', () => {
    expect(refusedStorageKey({ featureKey: '' })).toBe('featureKey');
    expect(refusedStorageKey({ featureKey: 'f', rolloutKey: 'f_r', rolloutVariationId: 0 })).toBe(
      'Variation:(rolloutKey, experimentKey or rolloutVariationId)',
    );
    expect(
      refusedStorageKey({ featureKey: 'f', rolloutKey: 'f_r', rolloutVariationId: 1, experimentKey: 'f_t', experimentVariationId: 0 }),
    ).toBe('Variation:(experimentKey or rolloutVariationId)');
    expect(
      refusedStorageKey({ featureKey: 'f', rolloutKey: 'f_r', rolloutVariationId: 0, experimentKey: 'f_t', experimentVariationId: 3 }),
    ).toBeUndefined();
  });

  it('for rollout and experiment variation id 0, over 40 users', async () => {
    const reference = new ReferenceSide();
    await reference.start(settings());
    const ours = new OurSide();
    ours.start(settings());
    const differences: string[] = [];
    let refusals = 0;
    for (let user = 0; user < 40; user++) {
      for (const key of ['zero', 'ab']) {
        const ctx = { id: `user-${user}` };
        const theirs = await reference.call('getFlag', key, ctx);
        const mine = await ours.call('getFlag', key, ctx);
        refusals += theirs.requests.filter((request) => request.includes('ERROR_STORING_DATA_IN_STORAGE')).length;
        for (const field of ['answer', 'requests', 'writes', 'integrations'] as const) {
          const a = JSON.stringify(mine[field]);
          const b = JSON.stringify(theirs[field]);
          if (a !== b) differences.push(`${key} user-${user} ${field}:\n  ours   ${a}\n  1.35.0 ${b}`);
        }
      }
    }
    await ours.close();
    console.log(`FME refused storage writes: 80 calls, ${refusals} refusals reported by 1.35.0; ${differences.length} differences`);
    expect(refusals).toBeGreaterThan(40);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(referenceRejections).toBe(refusals);
    expect(differences.slice(0, 3)).toEqual([]);
  });
});
