/**
 * The proof that trimming a bootstrap's settings changes no answer for the campaigns kept:
 * generated settings files (every campaign type, segments, whitelisting, mutually exclusive
 * groups with priorities and weights), a random subset of campaign keys, and every API answer
 * and `explain` trace for generated users compared between the whole file and the trimmed one.
 * A naive trim (listed campaigns only, without their group) must change some answers on the
 * same inputs: that shows the comparison can fail.
 */
import { describe, expect, it } from 'vitest';
import { createClient, parseSettings, trimSettings, type VWOClient } from '../src/index.js';
import * as generate from './support/generate.js';
import { Random } from './support/random.js';

const FILES = 120;
const USERS_PER_FILE = 25;
const VARIABLE_KEYS = ['str', 'int', 'dbl', 'bool', 'json'];

function clientFor(file: Record<string, unknown>): VWOClient | null {
  const parsed = parseSettings(file);
  return parsed.ok ? createClient({ settings: parsed.settings, isDevelopmentMode: true, logLevel: 'silent' }) : null;
}

async function answers(client: VWOClient, key: string, user: string, options: Record<string, unknown>): Promise<unknown[]> {
  const out: unknown[] = [
    await client.getVariationName(key, user, options),
    await client.activate(key, user, options),
    await client.isFeatureEnabled(key, user, options),
    JSON.stringify(await client.explain(key, user, options)),
  ];
  for (const variable of VARIABLE_KEYS) out.push(await client.getFeatureVariableValue(key, variable, user, options));
  return out;
}

function naiveTrim(file: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return { ...file, campaigns: (file.campaigns as Array<{ key: string }>).filter((c) => keys.includes(c.key)) };
}

describe('trimSettings', () => {
  it(`answers as the whole file for every kept campaign (${FILES} generated files × ${USERS_PER_FILE} users)`, async () => {
    let compared = 0;
    let naiveDiffers = 0;
    for (let seed = 1; seed <= FILES; seed++) {
      const rng = new Random(seed);
      const file = generate.settingsFile(rng);
      const keys = (file.campaigns as Array<{ key: string }>).map((c) => c.key).filter(() => rng.chance(0.5));
      const whole = clientFor(file);
      if (whole === null) continue;
      const trimmed = clientFor(trimSettings(file, keys) as Record<string, unknown>);
      const naive = clientFor(naiveTrim(file, keys));
      expect(trimmed, `seed ${seed}: the trimmed file parses`).not.toBeNull();
      let naiveChanged = false;
      for (let u = 0; u < USERS_PER_FILE; u++) {
        const user = generate.userId(rng);
        const options = { customVariables: generate.variables(rng), variationTargetingVariables: generate.variables(rng) };
        for (const key of keys) {
          const expected = await answers(whole, key, user, options);
          expect(await answers(trimmed as VWOClient, key, user, options), `seed ${seed}, ${key}, ${user}`).toEqual(expected);
          if (naive && JSON.stringify(await answers(naive, key, user, options)) !== JSON.stringify(expected)) naiveChanged = true;
          compared++;
        }
      }
      if (naiveChanged) naiveDiffers++;
    }
    expect(compared).toBeGreaterThan(1000);
    expect(naiveDiffers).toBeGreaterThan(0);
  }, 120_000);

  it('keeps the other campaigns of a kept campaign’s group, and drops the rest', () => {
    const file = {
      accountId: 1,
      version: 3,
      campaigns: [
        { id: 1, key: 'a' },
        { id: 2, key: 'b' },
        { id: 3, key: 'c' },
      ],
      campaignGroups: { '1': 9, '2': 9 },
      groups: { '9': { name: 'g', campaigns: [1, 2] } },
    };
    expect((trimSettings(file, ['a']).campaigns as Array<{ key: string }>).map((c) => c.key)).toEqual(['a', 'b']);
    expect((trimSettings(file, ['c']).campaigns as Array<{ key: string }>).map((c) => c.key)).toEqual(['c']);
    expect(trimSettings(file, []).campaigns).toEqual([]);
    expect(trimSettings(file, ['a']).groups).toBe(file.groups);
  });
});
