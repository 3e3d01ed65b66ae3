/**
 * `settings` of the FME client (not in 1.35.0): the parsed model it decides with, `undefined`
 * while the file is invalid, and a new object exactly when new settings are applied — what the
 * OpenFeature providers read feature keys from and watch by reference.
 */
import { describe, expect, it } from 'vitest';
import { createFmeClient } from '../../src/index.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function file(weight: number): Record<string, unknown> {
  return {
    version: 1,
    accountId: 1,
    campaigns: [
      {
        id: 1,
        key: 'f_rollout',
        name: 'f rollout',
        type: 'FLAG_ROLLOUT',
        status: 'RUNNING',
        segments: {},
        variations: [{ id: 1, name: 'R', weight, segments: {}, variables: [] }],
      },
    ],
    features: [
      {
        id: 1,
        key: 'f',
        name: 'f',
        type: 'FEATURE_FLAG',
        status: 'ON',
        metrics: [],
        rules: [{ type: 'FLAG_ROLLOUT', ruleKey: 'r', campaignId: 1, variationId: 1 }],
      },
    ],
  };
}

describe('FmeClient.settings', () => {
  it('is the model getFlag decides with; undefined for an invalid file', async () => {
    const client = createFmeClient({ accountId: 1, sdkKey: 'k', settings: file(100), logger: silent });
    expect([...(client.settings?.featuresByKey.keys() ?? [])]).toEqual(['f']);
    expect((await client.getFlag('f', { id: 'u' })).isEnabled()).toBe(true);
    await client.close();
    const invalid = createFmeClient({ accountId: 1, sdkKey: 'k', settings: { campaigns: 'none' }, logger: silent });
    expect(invalid.settings).toBeUndefined();
    await invalid.close();
  });

  it('changes reference when updateSettings applies a file, and only then', async () => {
    const client = createFmeClient({ accountId: 1, sdkKey: 'k', settings: file(100), logger: silent });
    const before = client.settings;
    expect(client.settings).toBe(before);
    await client.updateSettings({ version: 1 });
    expect(client.settings).toBe(before);
    await client.updateSettings(file(0));
    expect(client.settings).not.toBe(before);
    expect(client.settings?.featuresByKey.get('f')?.rules[0]?.variations[0]?.weight).toBe(0);
    expect((await client.getFlag('f', { id: 'u' })).isEnabled()).toBe(false);
    await client.close();
  });
});
