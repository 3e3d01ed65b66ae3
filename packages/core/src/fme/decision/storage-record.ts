import type { FmeStorageRecord } from './types.js';

/** The keys of a user-storage record, in the order vwo-fme-node-sdk 1.35.0 writes them (fme/decision-flow.md §5). */
export const FME_STORAGE_RECORD_KEYS = /* @__PURE__ */ Object.freeze([
  'featureKey',
  'userId',
  'rolloutId',
  'rolloutKey',
  'rolloutVariationId',
  'experimentId',
  'experimentKey',
  'experimentVariationId',
] as const);

/** Where a record is stored: the `get(featureKey, userId)` arguments that find it again. */
export interface FmeRecordAddress {
  /** The feature key, or `_vwo_meta_meg_<groupId>` for a group winner. */
  readonly featureKey: string;
  /** `String(record.userId)`: the client reads with `String(context.id)` whatever type the id had. */
  readonly userId: string;
}

/**
 * The address of a record a storage adapter is asked to `set`, or `undefined` when the value is
 * not a record it can store (no string `featureKey`, or a `userId` that is neither a string nor a
 * finite number). 1.35.0 writes a numeric `context.id` as a number but reads with the string, so
 * the number is stringified here.
 *
 * @example
 * fmeRecordAddress({ featureKey: 'checkout', userId: 42, experimentVariationId: 2 }); // { featureKey: 'checkout', userId: '42' }
 */
export function fmeRecordAddress(record: unknown): FmeRecordAddress | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { featureKey, userId } = record as { featureKey?: unknown; userId?: unknown };
  if (typeof featureKey !== 'string') return undefined;
  if (typeof userId === 'string') return { featureKey, userId };
  if (typeof userId === 'number' && Number.isFinite(userId)) return { featureKey, userId: String(userId) };
  return undefined;
}

/**
 * A value read back from a storage as the record of `(featureKey, userId)`: the eight keys in
 * 1.35.0's order, those a JSON round trip dropped back as `undefined`. `undefined` when the value
 * is not a record of that address (another user's or feature's, or not an object at all), so a
 * key that somebody else wrote never feeds a decision.
 *
 * @example
 * fmeRecordOf({ featureKey: 'checkout', userId: 'u1', experimentKey: 'checkout_ab', experimentVariationId: 2 }, 'checkout', 'u1');
 * // { featureKey: 'checkout', userId: 'u1', rolloutId: undefined, …, experimentKey: 'checkout_ab', experimentVariationId: 2 }
 */
export function fmeRecordOf(value: unknown, featureKey: string, userId: string): FmeStorageRecord | undefined {
  if (Array.isArray(value)) return undefined;
  const address = fmeRecordAddress(value);
  if (address === undefined || address.featureKey !== featureKey || address.userId !== userId) return undefined;
  const source = value as Record<string, unknown>;
  const record: Record<string, unknown> = {};
  for (const key of FME_STORAGE_RECORD_KEYS) record[key] = source[key];
  return record as unknown as FmeStorageRecord;
}

/**
 * The text an adapter scopes FME keys with: the account id as a non-empty string. Feature keys
 * are unique only within an account, so two accounts sharing one store must not share keys.
 *
 * @throws TypeError when `accountId` is not a non-empty string or a finite number.
 *
 * @example
 * fmeAccountScope(123456, 'storage.fme'); // '123456'
 */
export function fmeAccountScope(accountId: unknown, caller: string): string {
  if ((typeof accountId === 'string' && accountId !== '') || (typeof accountId === 'number' && Number.isFinite(accountId))) {
    return String(accountId);
  }
  throw new TypeError(
    `${caller}: accountId must be your VWO account id (a non-empty string or a number), got ${JSON.stringify(accountId)}`,
  );
}

/**
 * The FME face of a first-party storage adapter (`storage.fme({ accountId })`): vwo-fme-node-sdk
 * 1.35.0's connector shape, with promises both ways so that the reference SDK (which needs a
 * thenable from `get`) can use it as well as `init` of `@vwo/node`.
 */
export interface FmeUserStorage {
  /** The record stored for `featureKey` (a feature key or `_vwo_meta_meg_<groupId>`) and `userId`, or `undefined`. */
  get(featureKey: string, userId: string): Promise<FmeStorageRecord | undefined>;
  /** Stores `record` under `record.featureKey` and `String(record.userId)`, replacing any earlier one. */
  set(record: FmeStorageRecord): Promise<void>;
  /** The account the connector's keys are scoped to. */
  readonly accountId: string;
}
