/**
 * The storage writes vwo-fme-node-sdk 1.35.0's StorageDecorator refuses (fme/decision-flow.md §5):
 * it logs `ERROR_STORING_DATA_IN_STORAGE` with the `key` it found invalid, reports it to VWO, and
 * writes nothing. A variation id `0` can therefore never be stored.
 */
import type { FmeStorageRecord } from './types.js';

/**
 * The `key` 1.35.0 names when it refuses to store `record`, or `undefined` when it stores it.
 * The checks run in 1.35.0's order; the first that fails names the key.
 *
 * @example
 * refusedStorageKey({ featureKey: 'f', rolloutKey: 'f_r', rolloutVariationId: 0 }); // 'Variation:(rolloutKey, experimentKey or rolloutVariationId)'
 */
export function refusedStorageKey(record: Partial<FmeStorageRecord>): string | undefined {
  if (!record.featureKey) return 'featureKey';
  if (record.rolloutKey && !record.experimentKey && !record.rolloutVariationId) {
    return 'Variation:(rolloutKey, experimentKey or rolloutVariationId)';
  }
  if (record.experimentKey && !record.experimentVariationId) return 'Variation:(experimentKey or rolloutVariationId)';
  return undefined;
}
