import type { Campaign, Settings, Variation } from '../settings/model.js';
import type { StorageSnapshot } from './types.js';

/** A stored record read the way 1.73.0 reads it: `Object.assign({}, get() || {}, userStorageData)`. */
export interface StoredLookup {
  /** The stored variation when the record names one of the campaign's variations. */
  readonly variation: Variation | undefined;
  /** The record names a campaign and a variation, but that variation is gone (renamed/deleted). */
  readonly stale: boolean;
  readonly goalIdentifier: unknown;
}

const NOTHING: StoredLookup = Object.freeze({ variation: undefined, stale: false, goalIdentifier: undefined });

export function readStored(settings: Settings, campaignKey: string, stored: unknown, storage: StorageSnapshot): StoredLookup {
  const record = Object.assign({}, stored || {}, storage.userStorageData) as Record<string, unknown>;
  const name = record.variationName;
  if (!record.campaignKey || !name) return NOTHING;
  // 1.73.0 finds the variation through the campaign key: with duplicate keys, the first campaign.
  const owner = settings.campaignsByKey.get(campaignKey) as Campaign;
  const variation = owner.variations.find((v) => v.name === name);
  return { variation, stale: variation === undefined, goalIdentifier: record.goalIdentifier };
}
