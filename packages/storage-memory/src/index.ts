/**
 * `@vwo/storage-memory`: sticky assignments kept in the process, in a bounded LRU. For one
 * server (or tests and scripts); a fleet of servers shares assignments with `@vwo/storage-redis`.
 *
 * @packageDocumentation
 */
import type { StoredAssignment, UserStorage } from '@vwo/core';

/** Options of {@link createMemoryStorage}. */
export interface MemoryStorageOptions {
  /**
   * Assignments held at most (default 100,000); storing one more evicts the least recently
   * used. A positive integer: anything else throws a `RangeError` at construction.
   */
  readonly maxEntries?: number;
}

/** The default of {@link MemoryStorageOptions.maxEntries}. */
export const DEFAULT_MAX_ENTRIES = 100_000;

/** A {@link UserStorage} that answers synchronously, plus a little housekeeping. */
export interface MemoryStorage extends UserStorage {
  /** A shallow copy of the user's record for the campaign, or `undefined`; marks it recently used. */
  get(userId: string, campaignKey: string): StoredAssignment | undefined;
  /**
   * Stores a shallow copy of `record` (replacing the user's record for that campaign); marks it recently used.
   * Throws a `TypeError` when `userId` or `campaignKey` is not a string (the client logs it and carries on).
   */
  set(record: StoredAssignment): void;
  /** Removes the user's record for the campaign; `true` if there was one. */
  delete(userId: string, campaignKey: string): boolean;
  /** Removes every record. */
  clear(): void;
  /** Records held now. */
  readonly size: number;
  /** The bound given at construction. */
  readonly maxEntries: number;
}

/**
 * An in-memory user storage: a least-recently-used store of assignments, bounded by
 * `maxEntries`. `get` and `set` are O(1) and synchronous; `get` makes a record the most recently
 * used, and `set` of a new pair on a full store evicts the least recently used one.
 *
 * Records are copied in and out (a shallow copy each way), so a caller that mutates a record it
 * got or gave never changes what is stored. `metaData` is not copied: treat it as read-only. The
 * copies cost about 30 ns per get + set on a small store and about 0.4 µs on a full store of 1M
 * records, where promoting the copies to the old generation is the cost (README, "Performance").
 *
 * @throws RangeError when `maxEntries` is not a positive integer (at construction).
 *
 * @example
 * import { createMemoryStorage } from '@vwo/storage-memory';
 * const storage = createMemoryStorage({ maxEntries: 50_000 });
 * storage.set({ userId: 'user-42', campaignKey: 'checkout-button', variationName: 'Green' });
 * storage.get('user-42', 'checkout-button'); // { userId: 'user-42', campaignKey: 'checkout-button', variationName: 'Green' }
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): MemoryStorage {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
    throw new RangeError(`createMemoryStorage: maxEntries must be a positive integer, got ${String(maxEntries)}`);
  }
  // Entries by campaign, then by user: the caller's strings are the keys, so no two pairs can
  // share a key whatever characters they hold, and no key string is built (or hashed) per call.
  const byCampaign = new Map<string, Map<string, Entry>>();
  // Recency: a doubly linked list through the entries, newest first.
  let newest: Entry | null = null;
  let oldest: Entry | null = null;
  let size = 0;

  const unlink = (entry: Entry) => {
    if (entry.newer) entry.newer.older = entry.older;
    else newest = entry.older;
    if (entry.older) entry.older.newer = entry.newer;
    else oldest = entry.newer;
  };
  const pushNewest = (entry: Entry) => {
    entry.newer = null;
    entry.older = newest;
    if (newest) newest.newer = entry;
    else oldest = entry;
    newest = entry;
  };
  const touch = (entry: Entry) => {
    if (entry === newest) return;
    unlink(entry);
    pushNewest(entry);
  };
  const remove = (entry: Entry, users: Map<string, Entry>, campaignKey: string) => {
    unlink(entry);
    users.delete(entry.record.userId);
    if (users.size === 0) byCampaign.delete(campaignKey);
    size--;
  };

  return {
    get(userId, campaignKey) {
      const entry = byCampaign.get(campaignKey)?.get(userId);
      if (entry === undefined) return undefined;
      touch(entry);
      return { ...entry.record };
    },
    set(record) {
      if (typeof record?.userId !== 'string' || typeof record.campaignKey !== 'string') {
        throw new TypeError('MemoryStorage.set: the record needs a string userId and a string campaignKey');
      }
      const { userId, campaignKey } = record;
      let users = byCampaign.get(campaignKey);
      const existing = users?.get(userId);
      if (existing !== undefined) {
        existing.record = { ...record };
        touch(existing);
        return;
      }
      if (size >= maxEntries && oldest !== null) {
        const evicted = oldest;
        const evictedKey = evicted.record.campaignKey;
        remove(evicted, byCampaign.get(evictedKey)!, evictedKey);
        // The evicted entry may have been the last of this very campaign.
        if (users !== undefined && users.size === 0) users = undefined;
      }
      if (users === undefined) {
        users = new Map();
        byCampaign.set(campaignKey, users);
      }
      const entry: Entry = { record: { ...record }, newer: null, older: null };
      users.set(userId, entry);
      pushNewest(entry);
      size++;
    },
    delete(userId, campaignKey) {
      const users = byCampaign.get(campaignKey);
      const entry = users?.get(userId);
      if (users === undefined || entry === undefined) return false;
      remove(entry, users, campaignKey);
      return true;
    },
    clear() {
      byCampaign.clear();
      newest = null;
      oldest = null;
      size = 0;
    },
    get size() {
      return size;
    },
    maxEntries,
  };
}

/** One stored assignment and its place in the recency list. */
interface Entry {
  /** The store's own copy: its `userId` and `campaignKey` are the entry's keys. */
  record: StoredAssignment;
  newer: Entry | null;
  older: Entry | null;
}
