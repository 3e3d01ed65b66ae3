/**
 * FME's bucketing arithmetic (fme/bucketing.md): the legacy formula with multiplier 1 over the
 * UTF-8 MurmurHash3, and the seeds of each check.
 */
import { bucketFromHash, HASH_SEED } from '../bucketing/bucket.js';
import { murmurhash3Utf8 } from '../bucketing/murmurhash-utf8.js';

/**
 * `floor(maxValue · hash / 2³² + 1)` over the UTF-8 hash of `seed`: 1…100 for traffic,
 * 1…10000 for variations, groups and whitelisting. FME never scales by traffic (trap 2).
 *
 * @example
 * fmeBucketValue('saltR_u1', 100);            // 1
 * fmeBucketValue('11_123456_user-1', 10000);  // 9276
 */
export function fmeBucketValue(seed: string, maxValue: number): number {
  return bucketFromHash(murmurhash3Utf8(seed, HASH_SEED), maxValue);
}

/** Traffic seed: `<salt or campaign id>_<userId>` (rollout/personalise pass `variations[0].salt`). */
export function fmeTrafficSeed(salt: string | undefined, campaignId: unknown, userId: string): string {
  return salt ? `${salt}_${userId}` : `${String(campaignId)}_${userId}`;
}

/** A/B variation seed: `<salt or campaign id>_<settings accountId>_<userId>`. */
export function fmeVariationSeed(salt: string | undefined, campaignId: unknown, accountId: unknown, userId: string): string {
  return salt ? `${salt}_${String(accountId)}_${userId}` : `${String(campaignId)}_${String(accountId)}_${userId}`;
}

/** Mutually-exclusive-group seed: `<groupId>_<userId>`. */
export function fmeGroupSeed(groupId: unknown, userId: string): string {
  return `${String(groupId)}_${userId}`;
}

/**
 * The equal weight a random group draw gives each of `n` candidates: `100/n` rounded to 4
 * decimals; ranges then `ceil`, so the draw always covers 1…10000 (trap 12).
 */
export function megRandomWeight(n: number): number {
  return Math.round((100 / n) * 10000) / 10000;
}
