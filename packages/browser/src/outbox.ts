import type { EventOutbox, OutboxEntry } from '@vwo/core';

/** The part of the Web Storage API the outbox uses (`localStorage` fits). */
export interface OutboxStorage {
  /** How many keys it holds. */
  readonly length: number;
  /** The name of the key at `index`, or `null`. */
  key(index: number): string | null;
  /** The value of `key`, or `null`. */
  getItem(key: string): string | null;
  /** Stores `value` under `key`; may throw (`QuotaExceededError`). */
  setItem(key: string, value: string): void;
  /** Forgets `key`. */
  removeItem(key: string): void;
}

/**
 * The page's `localStorage`, or `undefined` where touching it throws (storage disabled,
 * sandboxed frames, some private modes) or it does not exist (workers, edge runtimes).
 */
export function pageLocalStorage(): OutboxStorage | undefined {
  try {
    const storage = (globalThis as { localStorage?: OutboxStorage }).localStorage;
    if (storage === undefined || storage === null) return undefined;
    const probe = '__vwo_probe__';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    return undefined;
  }
}

/**
 * An event outbox in Web Storage: one key per request (`<prefix><key>`), so that two tabs of
 * one site never overwrite each other's entries. `restore` hands over and deletes every entry
 * under the prefix: what a closed or crashed page left, and possibly a request another open tab
 * still has in flight; the events' ids let the collector drop that rare duplicate.
 *
 * @example
 * const outbox = localStorageOutbox(localStorage, 'vwo:outbox:');
 * createClient({ settings, transport, eventOutbox: outbox });
 */
export function localStorageOutbox(storage: OutboxStorage, prefix: string): EventOutbox {
  return {
    restore(): OutboxEntry[] {
      const keys: string[] = [];
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i);
        if (key?.startsWith(prefix)) keys.push(key);
      }
      const entries: OutboxEntry[] = [];
      for (const key of keys.sort()) {
        const text = storage.getItem(key);
        storage.removeItem(key);
        if (text === null) continue;
        try {
          entries.push(JSON.parse(text) as OutboxEntry);
        } catch {
          // A truncated or foreign value: nothing to resend. The client checks each entry's shape.
        }
      }
      return entries;
    },
    save(key, entry) {
      storage.setItem(prefix + key, JSON.stringify(entry));
    },
    remove(key) {
      storage.removeItem(prefix + key);
    },
  };
}
