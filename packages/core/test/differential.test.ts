/**
 * `decide` against vwo-node-sdk 1.73.0 itself, on generated settings files and users: every
 * campaign type, fractional weights and gaps, traffic below and above 100, seed flags,
 * isNB/isNBv2, whitelisting, pre-segmentation and groups, non-ASCII user ids. The default run
 * checks at least 10,000 cases; DIFF_CASES raises it.
 */
import { describe, expect, it } from 'vitest';
import * as emulate from './support/emulate.js';
import * as generate from './support/generate.js';
import { parsed } from './support/parse.js';
import { Random } from './support/random.js';
import { launchReference, MapStorage } from './support/reference.js';

const TARGET_CASES = Number(process.env.DIFF_CASES ?? 12_000);
const USERS_PER_FILE = 20;

interface Mismatch {
  seed: number;
  api: string;
  key: string;
  userId: string;
  options: unknown;
  ours: unknown;
  reference: unknown;
}

function report(mismatches: Mismatch[]): string {
  return mismatches
    .slice(0, 5)
    .map((m) => JSON.stringify(m))
    .join('\n');
}

describe('decide agrees with vwo-node-sdk 1.73.0', () => {
  it(`on getVariationName and isFeatureEnabled for ${TARGET_CASES}+ generated cases without storage`, () => {
    const mismatches: Mismatch[] = [];
    let cases = 0;
    for (let seed = 1; cases < TARGET_CASES; seed++) {
      const rng = new Random(seed);
      const file = generate.settingsFile(rng);
      const settings = parsed(file);
      const sdk = launchReference(file);
      for (let u = 0; u < USERS_PER_FILE; u++) {
        const userId = generate.userId(rng);
        const options = { customVariables: generate.variables(rng), variationTargetingVariables: generate.variables(rng) };
        for (const c of file.campaigns as { key: string }[]) {
          const pairs: [string, unknown, unknown][] = [
            ['getVariationName', emulate.getVariationName(settings, c.key, userId, options), sdk.getVariationName(c.key, userId, options)],
            ['isFeatureEnabled', emulate.isFeatureEnabled(settings, c.key, userId, options), sdk.isFeatureEnabled(c.key, userId, options)],
          ];
          for (const [api, ours, ref] of pairs) {
            cases++;
            if (ours !== ref) mismatches.push({ seed, api, key: c.key, userId, options, ours, reference: ref });
          }
        }
      }
    }
    expect(mismatches.length, report(mismatches)).toBe(0);
    expect(cases).toBeGreaterThanOrEqual(TARGET_CASES);
  });

  it('with a user storage: stored, stale and garbage records, the storage gate, and what gets stored', () => {
    const mismatches: Mismatch[] = [];
    let cases = 0;
    const garbage: unknown[] = [null, 'Control', 42, ['x'], { variationName: 'Control' }, { campaignKey: 'x' }];
    for (let seed = 50_001; cases < TARGET_CASES / 4; seed++) {
      const rng = new Random(seed);
      const file = generate.settingsFile(rng);
      const settings = parsed(file);
      const ours = new MapStorage();
      const theirs = new MapStorage();
      const sdk = launchReference(file, theirs);
      const keys = (file.campaigns as { key: string }[]).map((c) => c.key);
      for (let u = 0; u < USERS_PER_FILE; u++) {
        const userId = generate.userId(rng);
        for (const key of keys) {
          const roll = rng.next();
          const prefill =
            roll < 0.2
              ? { userId, campaignKey: key, variationName: rng.pick(['Control', 'Variation-1', 'Gone']) }
              : roll < 0.3
                ? rng.pick(garbage)
                : undefined;
          if (prefill !== undefined) {
            ours.records.set(`${userId}\u0000${key}`, prefill);
            theirs.records.set(`${userId}\u0000${key}`, prefill);
          }
        }
        const options = { customVariables: generate.variables(rng), variationTargetingVariables: generate.variables(rng) };
        for (const key of rng.chance(0.5) ? keys : [...keys].reverse()) {
          const calls: [string, () => unknown, () => unknown][] = [
            [
              'getVariationName',
              () => emulate.getVariationName(settings, key, userId, options, ours),
              () => sdk.getVariationName(key, userId, options),
            ],
            [
              'isFeatureEnabled',
              () => emulate.isFeatureEnabled(settings, key, userId, options, ours),
              () => sdk.isFeatureEnabled(key, userId, options),
            ],
            [
              'getVariationName',
              () => emulate.getVariationName(settings, key, userId, options, ours),
              () => sdk.getVariationName(key, userId, options),
            ],
          ];
          for (const [api, our, ref] of calls) {
            cases++;
            const a = our();
            const b = ref();
            if (a !== b) mismatches.push({ seed, api, key, userId, options, ours: a, reference: b });
          }
        }
      }
      const stored = (storage: MapStorage) => JSON.stringify([...storage.records.entries()].sort());
      if (stored(ours) !== stored(theirs))
        mismatches.push({ seed, api: 'stored records', key: '', userId: '', options: {}, ours: stored(ours), reference: stored(theirs) });
    }
    expect(mismatches.length, report(mismatches)).toBe(0);
  });

  it('exercised every outcome of a decision on the way', () => {
    const expected = [
      'whitelisted',
      'stored',
      'not-stored',
      'segment-failed',
      'not-in-traffic',
      'group-taken',
      'group-lost',
      'bucketed',
      'no-variation-in-range',
      'error',
    ];
    for (const outcome of expected) expect(emulate.outcomes.get(outcome) ?? 0, outcome).toBeGreaterThan(0);
  });
});
