/**
 * The other exports of vwo-fme-node-sdk 1.35.0, so that moving from it changes the import only.
 */
import { visitorUuid } from '../../events/uuid.js';
import type { FmeStorageRecord } from '../decision/types.js';

/** vwo-fme-node-sdk's log levels, for `init({ logger: { level: LogLevelEnum.DEBUG } })`. */
export const LogLevelEnum = Object.freeze({ TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const);

/** A settings file cached by a storage connector, with when it was stored. */
export interface FmeSettingsData {
  settings: Record<string, unknown>;
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
  protected ttl?: number;
  protected alwaysUseCachedSettings?: boolean;
  abstract get(featureKey: string, userId: string): unknown;
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
