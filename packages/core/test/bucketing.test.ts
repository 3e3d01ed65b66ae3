import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateRanges, bucketValue, decide, murmurhash3, rangeStep } from '../src/index.js';
import cases from './cases/bucketing.json' with { type: 'json' };
import { campaign, settingsFile, variationsFor } from './support/files.js';
import { parsed } from './support/parse.js';

const require = createRequire(import.meta.url);
// The package vwo-node-sdk 1.73.0 hashes with (murmurhash@0.0.2), installed under an alias.
const oracle: { v3(key: string, seed: number): number } = require('murmurhash-oracle');

describe('MurmurHash3 over low bytes of UTF-16 units', () => {
  it.each(Object.entries(cases.hashes.seed1))('hashes %j to the observed value with seed 1', (input, hash) => {
    expect(murmurhash3(input, 1)).toBe(hash);
  });

  it('matches the reference value for "hello" with seed 0', () => {
    expect(murmurhash3('hello', 0)).toBe(cases.hashes.seed0.hello);
  });

  it('agrees with murmurhash@0.0.2 on 20,000 arbitrary strings and seeds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 0, max: 0xffffffff }), (key, seed) => {
        expect(murmurhash3(key, seed)).toBe(oracle.v3(key, seed));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('bucket values', () => {
  it('puts traffic buckets in 1…100 and variation buckets in 1…10000', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (seed) => {
        const traffic = bucketValue(seed, 100);
        const variation = bucketValue(seed, 10000);
        expect(traffic).toBeGreaterThanOrEqual(1);
        expect(traffic).toBeLessThanOrEqual(100);
        expect(variation).toBeGreaterThanOrEqual(1);
        expect(variation).toBeLessThanOrEqual(10000);
      }),
      { numRuns: 10_000 },
    );
  });

  it('scales Ashley to 50, 4986 and 9972 as bucketing.md §2 computes', () => {
    expect(bucketValue('Ashley', 100)).toBe(50);
    expect(bucketValue('Ashley', 10000)).toBe(4986);
    expect(bucketValue('Ashley', 10000, 2)).toBe(9972);
  });
});

describe('weights to ranges', () => {
  it.each(cases.rangeSteps.steps)('turns weight %d into a range of %d buckets (ceil in doubles)', (weight, step) => {
    expect(rangeStep(weight)).toBe(step);
  });

  it('does not normalise weights that sum past 100', () => {
    const ranges = allocateRanges(cases.overlap.weights).map((r) => [r.start, r.end]);
    expect(ranges).toEqual(cases.overlap.ranges);
  });

  it('gives a zero weight no range and does not advance the running total', () => {
    expect(allocateRanges([0, 100, 0])).toEqual([
      { start: -1, end: -1 },
      { start: 1, end: 10000 },
      { start: -1, end: -1 },
    ]);
  });

  it('treats a numeric string weight like the number, and a non-numeric one as unreachable from there on', () => {
    expect(allocateRanges(['50', 50])).toEqual([
      { start: 1, end: 5000 },
      { start: 5001, end: 10000 },
    ]);
    expect(allocateRanges(['x', 50, 50])).toEqual([
      { start: -1, end: -1 },
      { start: Number.NaN, end: Number.NaN },
      { start: Number.NaN, end: Number.NaN },
    ]);
  });
});

describe('the worked examples of bucketing.md §6', () => {
  it.each(cases.examples)('example $example: $userId gets $result', (example) => {
    const file = settingsFile(
      [
        campaign({
          id: example.campaignId,
          percentTraffic: example.percentTraffic,
          isBucketingSeedEnabled: example.seedEnabled,
          isOB: example.isOB,
          isOBv2: example.isOBv2,
          variations: variationsFor(example.weights, example.variationNames),
        }),
      ],
      { isNB: example.isNB, isNBv2: example.isNBv2 },
    );
    expect(murmurhash3(example.trafficSeed, 1)).toBe(example.trafficHash);
    const decision = decide(parsed(file), 'K', example.userId, { trace: true });
    expect(decision.variationName).toBe(example.result);
    const traffic = decision.steps?.find((s) => s.step === 'traffic');
    expect(traffic?.data?.bucket).toBe(example.trafficBucket);
    const variation = decision.steps?.find((s) => s.step === 'variation');
    if (example.variationBucket === null) {
      expect(variation).toBeUndefined();
    } else {
      expect(variation?.data?.seed).toBe(example.variationSeed);
      expect(variation?.data?.bucket).toBe(example.variationBucket);
    }
  });
});

describe('observed split', () => {
  it('matches the weights within 0.5 percentage points over 100,000 users', () => {
    const weights = [10, 20.5, 33.3, 36.2];
    const settings = parsed(settingsFile([campaign({ variations: variationsFor(weights) })]));
    const counts = new Map<string, number>();
    const users = 100_000;
    for (let i = 0; i < users; i++) {
      const name = decide(settings, 'K', `user-${i}-${(i * 2654435761) >>> 0}`).variationName ?? 'none';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    weights.forEach((weight, i) => {
      const name = i === 0 ? 'Control' : `Variation-${i}`;
      expect(Math.abs(((counts.get(name) ?? 0) / users) * 100 - weight)).toBeLessThan(0.5);
    });
  });

  it('admits percentTraffic of users within 0.5 percentage points over 100,000 users', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99 }), (percentTraffic) => {
        const settings = parsed(settingsFile([campaign({ percentTraffic })]));
        let admitted = 0;
        const users = 100_000;
        for (let i = 0; i < users; i++) if (decide(settings, 'K', `u${i}`, { trace: false }).outcome !== 'not-in-traffic') admitted++;
        expect(Math.abs((admitted / users) * 100 - percentTraffic)).toBeLessThan(0.5);
      }),
      { numRuns: 3 },
    );
  });
});
