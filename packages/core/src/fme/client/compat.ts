/**
 * The other exports of vwo-fme-node-sdk 1.35.0, so that moving from it changes the import only.
 */
import { visitorUuid } from '../../events/uuid.js';
import type { FmeStorageRecord } from '../decision/types.js';

/** vwo-fme-node-sdk's log levels, for `init({ logger: { level: LogLevelEnum.DEBUG } })`. */
export const LogLevelEnum = /* @__PURE__ */ Object.freeze({
  /** Everything, including the finest-grained steps. */
  TRACE: 'trace',
  /** Diagnostic detail and above. */
  DEBUG: 'debug',
  /** Notable events and above. */
  INFO: 'info',
  /** Problems the SDK worked around, and errors. */
  WARN: 'warn',
  /** Errors only (the default level). */
  ERROR: 'error',
} as const);

/** A settings file cached by a storage connector, with when it was stored. */
export interface FmeSettingsData {
  /** The settings file, as fetched. */
  settings: Record<string, unknown>;
  /** `Date.now()` when it was stored; compared with `ttl` to decide whether it is still fresh. */
  timestamp: number;
}

/**
 * The base class vwo-fme-node-sdk's user storages extend: `get(featureKey, userId)` answers the
 * stored record (or `undefined`), `set(record)` stores one; either may answer with a promise.
 *
 * @example
 * class MemoryStore extends StorageConnector {
 *   private map = new Map<string, FmeStorageRecord>();
 *   get(featureKey: string, userId: string) { return this.map.get(`${featureKey}:${userId}`); }
 *   set(record: FmeStorageRecord) { this.map.set(`${record.featureKey}:${record.userId}`, record); }
 * }
 */
export abstract class StorageConnector {
  /** How long a cached settings file stays usable (ms, default 7,200,000 = 2 h). */
  protected ttl?: number;
  /** Use a cached settings file of this account and key however old it is. */
  protected alwaysUseCachedSettings?: boolean;
  /** The record stored for `featureKey` (a feature key or `_vwo_meta_meg_<groupId>`) and `userId`; `undefined`/`null` for none. */
  abstract get(featureKey: string, userId: string): unknown;
  /** Stores `record` under `record.featureKey` and `record.userId`, replacing any earlier one. */
  abstract set(record: FmeStorageRecord): unknown;
}

/**
 * The visitor UUID VWO reports `userId` under: 32 upper-case hex digits (vwo-fme-node-sdk's
 * `getUUID`).
 *
 * @example
 * getUUID('user-1', '123456'); // 'D8E56BFF89A75539B46C1FECD3C97D7C'
 */
export function getUUID(userId: string, accountId: string): string {
  return visitorUuid(String(accountId), String(userId));
}
