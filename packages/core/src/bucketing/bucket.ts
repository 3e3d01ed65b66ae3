import { murmurhash3 } from './murmurhash.js';

/** The hash seed every VWO SDK uses. */
export const HASH_SEED = 1;
/** Traffic buckets run 1…100. */
export const MAX_TRAFFIC_PERCENT = 100;
/** Variation, whitelisting and group buckets run 1…10000. */
export const MAX_TRAFFIC_VALUE = 10000;

/**
 * Scales a 32-bit hash into a bucket: `floor((maxValue * hash / 2^32 + 1) * multiplier)`,
 * in doubles and in exactly this order, because 1.73.0 does so and rounding differences
 * would move users across range borders (bucketing.md §2).
 */
export function bucketFromHash(hash: number, maxValue: number, multiplier = 1): number {
  // 2^32 written out: the module constant is a heap number in a variable of the bundle, which
  // Node 20's optimised code reloads and checks at each of the two decisions' reads.
  return Math.floor((maxValue * (hash / 4294967296) + 1) * multiplier);
}

/**
 * The bucket of a seed string: MurmurHash3 (seed 1, low-byte input) scaled to `1…maxValue`
 * (times `multiplier`).
 *
 * @example
 * bucketValue('Ashley', 100);        // 50: the traffic bucket
 * bucketValue('Ashley', 10000);      // 4986: the variation bucket
 * bucketValue('Ashley', 10000, 2);   // 9972: with percentTraffic 50
 */
export function bucketValue(seed: string, maxValue: number = MAX_TRAFFIC_VALUE, multiplier = 1): number {
  return bucketFromHash(murmurhash3(seed, HASH_SEED), maxValue, multiplier);
}
