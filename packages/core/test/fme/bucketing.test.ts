import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateRanges, fmeBucketValue, megRandomWeight, murmurhash3, murmurhash3Utf8 } from '../../src/index.js';
import cases from '../cases/fme/bucketing.json' with { type: 'json' };

const require = createRequire(import.meta.url);
// vwo-fme-node-sdk 1.35.0 hashes with murmurhash@2 (TextEncoder bytes), installed under an alias.
const oracle: { v3(key: string, seed: number): number } = require('murmurhash-utf8-oracle');

const asPairs = (ranges: { start: number; end: number }[]) => ranges.map((range) => [range.start, range.end]);

describe('FME hash: MurmurHash3 x86-32 over UTF-8 bytes', () => {
  it.each(Object.entries(cases.hashes))('hashes %j to the value 1.35.0 produced with seed 1', (input, hash) => {
    expect(murmurhash3Utf8(input, 1)).toBe(hash);
  });

  it('differs from the legacy low-byte hash for non-ASCII ids ("José")', () => {
    expect(murmurhash3Utf8('José', 1)).toBe(3691523483);
    expect(murmurhash3('José', 1)).toBe(cases.legacyDiffers.José);
  });

  it('agrees with murmurhash@2.0.1 on 20,000 arbitrary strings (any UTF-16, lone surrogates included) and seeds', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.integer({ min: 0, max: 0xffffffff }), (key, seed) => {
        expect(murmurhash3Utf8(key, seed)).toBe(oracle.v3(key, seed));
      }),
      { numRuns: 20_000 },
    );
  });

  it('hashes a lone surrogate as U+FFFD, as TextEncoder encodes it', () => {
    for (const lone of ['\ud800', 'a\udc00b', 'x\ud83d', '\ude00\ud83d']) {
      expect(murmurhash3Utf8(lone, 1)).toBe(oracle.v3(lone, 1));
      expect(murmurhash3Utf8(lone, 1)).toBe(murmurhash3Utf8(lone.replace(/[\ud800-\udfff]/g, '\ufffd'), 1));
    }
  });

  it('agrees with murmurhash@2.0.1 on long non-ASCII keys (beyond the scratch buffer)', () => {
    const long = 'é✓😀'.repeat(3000);
    expect(murmurhash3Utf8(long, 1)).toBe(oracle.v3(long, 1));
    expect(murmurhash3Utf8(`${long}\ud800`, 7)).toBe(oracle.v3(`${long}\ud800`, 7));
  });
});

describe('FME buckets (multiplier always 1)', () => {
  it.each(cases.buckets)('bucket($seed, $max) is $bucket', ({ seed, max, bucket }) => {
    expect(fmeBucketValue(seed, max)).toBe(bucket);
  });

  it('never leaves 1…max for any seed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (seed) => {
        const value = fmeBucketValue(seed, 10000);
        expect(value).toBeGreaterThanOrEqual(1);
        expect(value).toBeLessThanOrEqual(10000);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('weights → ranges', () => {
  it.each(cases.ranges)('A/B weights $weights give ranges $ranges', ({ weights, ranges }) => {
    expect(asPairs(allocateRanges(weights))).toEqual(ranges);
  });

  it.each(cases.megRandom)('a random group draw over $n candidates gives each weight $weight', (example) => {
    expect(megRandomWeight(example.n)).toBe(example.weight);
    const ranges = allocateRanges(Array.from({ length: example.n }, () => example.weight));
    if ('ranges' in example && example.ranges) expect(asPairs(ranges)).toEqual(example.ranges);
    if ('step' in example && example.step) for (const range of ranges) expect(range.end - range.start + 1).toBe(example.step);
  });

  it('a random group draw always covers every bucket, for 2…50 candidates', () => {
    for (let n = 2; n <= 50; n++) {
      const ranges = allocateRanges(Array.from({ length: n }, () => megRandomWeight(n)));
      expect(ranges.at(-1)?.end).toBeGreaterThanOrEqual(10000);
    }
  });
});
