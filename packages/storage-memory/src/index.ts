/**
 * `@vwo/storage-memory`: sticky assignments kept in the process, in a bounded LRU. For one
 * server (or tests and scripts); a fleet of servers shares assignments with `@vwo/storage-redis`.
 *
 * @packageDocumentation
 */
import { type FmeUserStorage, fmeAccountScope, fmeRecordAddress, fmeRecordOf, type StoredAssignment, type UserStorage } from '@vwo/core';

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
  /**
   * The same store as vwo-fme-node-sdk's `storage` connector, for `init` of `@vwo/node`: FME
   * decisions of `accountId` live beside the assignments (one LRU, one `maxEntries`, one
   * `clear()`) under keys of their own, so the formats and accounts never meet. `get` and `set`
   * answer with promises, as 1.35.0 needs; `set` rejects with a `TypeError` for a record without a
   * string `featureKey` and a string or numeric `userId` (the client logs it and carries on).
   *
   * @throws TypeError when `accountId` is not a non-empty string or a number.
   */
  fme(options: { readonly accountId: string | number }): FmeUserStorage;
  /** Removes every record, of both formats. */
  clear(): void;
  /** Records held now, of both formats. */
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
 * // The same store for init of @vwo/node (FME):
 * const vwo = await init({ accountId: 123456, sdkKey, storage: storage.fme({ accountId: 123456 }) });
 */
export function createMemoryStorage(options: MemoryStorageOptions = {}): MemoryStorage {
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isInteger(maxEntries) || maxEntries <= 0) {
    throw new RangeError(`createMemoryStorage: maxEntries must be a positive integer, got ${String(maxEntries)}`);
  }
  // Legacy assignments by campaign, then by user; FME decisions in a table of their own per
  // account, by feature, then by user. The caller's strings are the keys, so no two pairs (and no
  // two formats or accounts) can share an entry whatever characters they hold, and no key string
  // is built (or hashed) per call. One recency list runs through both formats: one bound.
  const assignments: Table = new Map();
  const fmeTables = new Map<string, Table>();
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
  const remove = (entry: Entry) => {
    unlink(entry);
    const inners = entry.table.get(entry.outer)!;
    inners.delete(entry.inner);
    if (inners.size === 0) entry.table.delete(entry.outer);
    size--;
  };
  const lookup = (table: Table, outer: string, inner: string) => {
    const entry = table.get(outer)?.get(inner);
    if (entry !== undefined) touch(entry);
    return entry;
  };
  const store = (table: Table, outer: string, inner: string, record: object) => {
    const existing = table.get(outer)?.get(inner);
    if (existing !== undefined) {
      existing.record = { ...record };
      touch(existing);
      return;
    }
    if (size >= maxEntries && oldest !== null) remove(oldest);
    // Looked up after the eviction, which may have emptied (and dropped) this very map.
    let inners = table.get(outer);
    if (inners === undefined) {
      inners = new Map();
      table.set(outer, inners);
    }
    const entry: Entry = { record: { ...record }, table, outer, inner, newer: null, older: null };
    inners.set(inner, entry);
    pushNewest(entry);
    size++;
  };

  return {
    get(userId, campaignKey) {
      const entry = lookup(assignments, campaignKey, userId);
      return entry === undefined ? undefined : { ...(entry.record as StoredAssignment) };
    },
    set(record) {
      if (typeof record?.userId !== 'string' || typeof record.campaignKey !== 'string') {
        throw new TypeError('MemoryStorage.set: the record needs a string userId and a string campaignKey');
      }
      store(assignments, record.campaignKey, record.userId, record);
    },
    delete(userId, campaignKey) {
      const entry = assignments.get(campaignKey)?.get(userId);
      if (entry === undefined) return false;
      remove(entry);
      return true;
    },
    fme(fmeOptions) {
      const accountId = fmeAccountScope(fmeOptions?.accountId, 'MemoryStorage.fme');
      let table = fmeTables.get(accountId);
      if (table === undefined) {
        table = new Map();
        fmeTables.set(accountId, table);
      }
      const decisions = table;
      return {
        async get(featureKey, userId) {
          if (typeof featureKey !== 'string' || typeof userId !== 'string') return undefined;
          const entry = lookup(decisions, featureKey, userId);
          return entry === undefined ? undefined : fmeRecordOf(entry.record, featureKey, userId);
        },
        async set(record) {
          const address = fmeRecordAddress(record);
          if (address === undefined) {
            throw new TypeError('MemoryStorage.fme().set: the record needs a string featureKey and a string or numeric userId');
          }
          store(decisions, address.featureKey, address.userId, record);
        },
        accountId,
      };
    },
    clear() {
      assignments.clear();
      // Emptied, not dropped: the connectors handed out keep filing into their own table.
      for (const table of fmeTables.values()) table.clear();
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

/** Entries by an outer key (campaign or feature), then by user. */
type Table = Map<string, Map<string, Entry>>;

/** One stored record (an assignment or an FME decision) and its place in the recency list. */
interface Entry {
  /** The store's own copy. */
  record: object;
  /** Where it is filed: `table.get(outer).get(inner)` is this entry. */
  readonly table: Table;
  readonly outer: string;
  readonly inner: string;
  newer: Entry | null;
  older: Entry | null;
}
