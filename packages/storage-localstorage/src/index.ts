/**
 * `@vwo/storage-localstorage`: sticky assignments kept in the browser's `localStorage`, under a
 * namespace of their own. Where localStorage is full or disabled (private modes, sandboxed
 * frames, blocked site data), records go to a cookie or, failing that, to memory for the page;
 * each kind of trouble is logged once, and no call ever throws.
 *
 * @packageDocumentation
 */
import {
  type FmeUserStorage,
  fmeAccountScope,
  fmeRecordAddress,
  fmeRecordOf,
  type Logger,
  type StoredAssignment,
  type UserStorage,
} from '@vwo/core';
import { type CookieJar, type CookieOptions, cookieJar } from './cookies.js';

export type { CookieOptions } from './cookies.js';

/**
 * Where records are kept: `'localStorage'` (survives reloads and restarts), `'cookie'` (survives
 * too, at most 4 KB per record and sent with each request to the site), `'memory'` (this page
 * only: a reload forgets it).
 */
export type LocalStorageBackend = 'localStorage' | 'cookie' | 'memory';

/** The part of the Web Storage interface the storage uses: `localStorage`, `sessionStorage`, or a look-alike. */
export interface StorageLike {
  /** The value under `key`, or `null`. */
  getItem(key: string): string | null;
  /** Stores `value` under `key`; throws a `QuotaExceededError` when the storage is full. */
  setItem(key: string, value: string): void;
  /** Removes `key`, if present. */
  removeItem(key: string): void;
  /** The name of the `index`-th key, or `null` (used by `clear()`). */
  key(index: number): string | null;
  /** How many keys the storage holds (used by `clear()`). */
  readonly length: number;
}

/** Options of {@link createLocalStorage}. */
export interface LocalStorageOptions {
  /**
   * Put before every key (default `'vwo'`): storages with different namespaces never see each
   * other's records. 1–64 characters among `A–Z a–z 0–9 _ - .` (anything else throws a
   * `RangeError`), so that the key format below stays unambiguous.
   */
  readonly namespace?: string;
  /**
   * The Web Storage to use (default `globalThis.localStorage`, when the page may touch it).
   * `null`: none, records go to cookies or memory from the start (nothing is logged).
   */
  readonly storage?: StorageLike | null;
  /** The cookie fallback's settings, or `false` for no cookies (then the fallback is memory). */
  readonly cookie?: CookieOptions | false;
  /** Records the memory fallback holds at most (default 1,000); the oldest is dropped first. */
  readonly maxMemoryEntries?: number;
  /**
   * Where fallbacks and unreadable values are logged, once each per storage (default `console`):
   * `warn` for a localStorage that throws, is full or holds garbage, `info` where there is no
   * localStorage at all (server rendering, workers). A logger that throws is ignored.
   */
  readonly logger?: Logger;
}

/** A {@link UserStorage} that answers synchronously and never throws, plus a little housekeeping. */
export interface LocalUserStorage extends UserStorage {
  /**
   * The user's record for the campaign, as a fresh object, or `undefined`: also for a value
   * that is not a record of this pair (logged once, see the README).
   */
  get(userId: string, campaignKey: string): StoredAssignment | undefined;
  /** Stores the record (replacing the user's record for that campaign) in the first backend that takes it. */
  set(record: StoredAssignment): void;
  /**
   * The same storage as vwo-fme-node-sdk's `storage` connector: FME decisions of `accountId`
   * beside the assignments, in the same backends with the same fallbacks, under keys of their own
   * ({@link fmeDecisionKey}). `get` and `set` answer with promises (as 1.35.0 needs) and never
   * reject: a record without a string `featureKey` and a string or numeric `userId` is logged
   * once and not stored.
   *
   * @throws TypeError when `accountId` is not a non-empty string or a number.
   */
  fme(options: { readonly accountId: string | number }): FmeUserStorage;
  /** Forgets the user's record for the campaign, in every backend. */
  delete(userId: string, campaignKey: string): void;
  /**
   * Removes every record of this namespace, FME decisions included (localStorage keys, cookies, memory), and nothing
   * else: keys that are not records, such as `vwo:outbox:…` of `@vwo/browser`, stay.
   */
  clear(): void;
  /** Where the last `set` put its record; before any `set`, where the next one goes first. */
  readonly backend: LocalStorageBackend;
  /** The namespace given at construction. */
  readonly namespace: string;
}

/** The default of {@link LocalStorageOptions.namespace}. */
export const DEFAULT_NAMESPACE = 'vwo';

/**
 * The key of a record: `namespace + ':' + JSON.stringify([userId, campaignKey])`, e.g.
 * `vwo:["user-42","checkout-button"]`. JSON keeps every pair apart (`'u:x' × 'a'` and
 * `'u' × 'x:a'` give `["u:x","a"]` and `["u","x:a"]`), and escapes NUL and lone surrogates,
 * so the key is always well-formed text.
 */
export function assignmentKey(userId: string, campaignKey: string, namespace: string = DEFAULT_NAMESPACE): string {
  return `${namespace}:${JSON.stringify([userId, campaignKey])}`;
}

/**
 * The key of an FME decision (`init`'s storage, see {@link LocalUserStorage.fme}):
 * `namespace + ':' + JSON.stringify(['fme', accountId, featureKey, userId])`, e.g.
 * `vwo:["fme","123456","checkout","user-42"]`. A four-element array, where an assignment key
 * holds two: the formats never share a key, and `clear()` finds both by their `namespace:[` start.
 */
export function fmeDecisionKey(accountId: string, featureKey: string, userId: string, namespace: string = DEFAULT_NAMESPACE): string {
  return `${namespace}:${JSON.stringify(['fme', accountId, featureKey, userId])}`;
}

const LOG_PREFIX = 'VWO-SDK @vwo/storage-localstorage: ';
const NAMESPACE = /^[\w.-]{1,64}$/;

/**
 * A user storage on the browser's `localStorage`: one key per user and campaign under the
 * namespace (see {@link assignmentKey}), the record as JSON. `get` and `set` are synchronous
 * and never throw.
 *
 * Where localStorage cannot be touched (blocked site data, sandboxed frames: a
 * `SecurityError`) or does not exist, records go to cookies, one per record when it fits in
 * 4 KB, else to a bounded map in memory (this page only). A record that does not fit in a full
 * localStorage (`QuotaExceededError`, also what private modes with no room throw) goes the
 * same way, and the next one tries localStorage again. Each of these is logged once per
 * storage, as is a stored value that is not a record.
 *
 * Nothing is touched before the first call, so creating one where there is no DOM (server
 * rendering) is harmless.
 *
 * @throws RangeError for a bad `namespace` or `maxMemoryEntries` (at construction).
 *
 * @example
 * import { launch } from '@vwo/browser';
 * import { createLocalStorage } from '@vwo/storage-localstorage';
 * const vwo = await launch({ accountId: 123456, sdkKey: 'your-sdk-key', userStorage: createLocalStorage() });
 */
export function createLocalStorage(options: LocalStorageOptions = {}): LocalUserStorage {
  const namespace = options.namespace ?? DEFAULT_NAMESPACE;
  if (typeof namespace !== 'string' || !NAMESPACE.test(namespace)) {
    throw new RangeError(`createLocalStorage: namespace must be 1-64 characters among A-Z a-z 0-9 _ - ., got ${JSON.stringify(namespace)}`);
  }
  const maxMemoryEntries = options.maxMemoryEntries ?? 1000;
  if (!Number.isInteger(maxMemoryEntries) || maxMemoryEntries <= 0) {
    throw new RangeError(`createLocalStorage: maxMemoryEntries must be a positive integer, got ${String(maxMemoryEntries)}`);
  }
  // Every key of ours starts so (the JSON pair opens with "["): other keys under the same
  // namespace, such as @vwo/browser's event outbox (vwo:outbox:…), are not ours to clear.
  const prefix = `${namespace}:[`;
  const logged = new Set<string>();
  const logOnce = (level: 'info' | 'warn', kind: string, message: () => string) => {
    if (logged.has(kind)) return;
    logged.add(kind);
    try {
      const logger = options.logger ?? (globalThis as { console?: Pick<Logger, 'info' | 'warn'> }).console;
      logger?.[level](LOG_PREFIX + message());
    } catch {
      // A broken logger must not break the caller.
    }
  };
  const warnOnce = (kind: string, message: () => string) => logOnce('warn', kind, message);

  let started = false;
  let web: StorageLike | null = null;
  let jar: CookieJar | null = null; // null: no cookies (disabled by option, unreadable, or refused)
  let jarMayHold = false; // whether a cookie of ours may exist: spares reading document.cookie on each miss
  let last: LocalStorageBackend = 'memory';
  const memory = new Map<string, string>();

  const fallbackName = () => (jar ? 'a cookie when they fit in 4 KB, else in memory for this page' : 'memory for this page only');
  const loseWebStorage = (error: unknown) => {
    web = null;
    warnOnce('unavailable', () => `localStorage failed (${describe(error)}): records are kept in ${fallbackName()} from now on`);
  };
  const loseCookies = (error: unknown) => {
    jar = null;
    warnOnce('cookies', () => `cookies are not available (${describe(error)}): records localStorage cannot take are kept in memory`);
  };
  const start = () => {
    if (started) return;
    started = true;
    if (options.cookie !== false) {
      try {
        jar = cookieJar(prefix, options.cookie ?? {});
        if (jar.readable()) jarMayHold = jar.holdsAny();
        else jar = null;
      } catch {
        jar = null; // an opaque origin's document.cookie throws a SecurityError
      }
    }
    try {
      web = options.storage === undefined ? (globalThis.localStorage ?? null) : options.storage;
      // Reading the property or a key is what throws where site data is disabled.
      web?.getItem(prefix);
      // No localStorage at all is where the code runs (server rendering, a worker), not trouble.
      if (web === null && options.storage === undefined) {
        logOnce('info', 'unavailable', () => `no localStorage here: records are kept in ${fallbackName()}`);
      }
    } catch (error) {
      web = null;
      warnOnce('unavailable', () => `localStorage is not available (${describe(error)}): records are kept in ${fallbackName()}`);
    }
    last = web ? 'localStorage' : jar ? 'cookie' : 'memory';
  };
  const dropCookie = (key: string) => {
    if (!jar || !jarMayHold) return;
    try {
      jar.remove(key);
    } catch (error) {
      loseCookies(error);
    }
  };
  const remember = (key: string, value: string) => {
    memory.delete(key);
    memory.set(key, value);
    if (memory.size > maxMemoryEntries) memory.delete(memory.keys().next().value!);
  };
  const read = (key: string): string | undefined => {
    if (web) {
      try {
        const value = web.getItem(key);
        if (value !== null) return value;
      } catch (error) {
        loseWebStorage(error);
      }
    }
    const held = memory.get(key);
    if (held !== undefined) {
      remember(key, held);
      return held;
    }
    if (!jar || !jarMayHold) return undefined;
    try {
      return jar.read(key);
    } catch (error) {
      loseCookies(error);
      return undefined;
    }
  };
  /** `raw` parsed and accepted as the record `key` should hold, or `undefined` (logged once). */
  const decode = <T>(raw: string, key: string, what: string, accept: (value: unknown) => T | undefined): T | undefined => {
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = undefined;
    }
    const record = accept(value);
    if (record !== undefined) return record;
    warnOnce(
      'garbage',
      () => `the value under ${JSON.stringify(key.slice(0, 200))} is not ${what}: treated as no record (further ones are not logged)`,
    );
    return undefined;
  };
  /** Writes `value` under `key` in the first backend that takes it. */
  const store = (key: string, value: string) => {
    if (web) {
      try {
        web.setItem(key, value);
        memory.delete(key);
        dropCookie(key);
        last = 'localStorage';
        return;
      } catch (error) {
        if (!isQuotaError(error)) loseWebStorage(error);
        else {
          // The user's earlier record must not answer for this one.
          try {
            web.removeItem(key);
          } catch {}
          warnOnce('quota', () => `localStorage is full (${describe(error)}): records that do not fit are kept in ${fallbackName()}`);
        }
      }
    }
    if (jar) {
      try {
        const outcome = jar.write(key, value);
        if (outcome === 'written') {
          jarMayHold = true;
          memory.delete(key);
          last = 'cookie';
          return;
        }
        if (outcome === 'refused') loseCookies('the browser did not keep a cookie');
      } catch (error) {
        loseCookies(error);
      }
    }
    dropCookie(key);
    remember(key, value);
    last = 'memory';
  };
  const json = (record: unknown): string | undefined => {
    try {
      return JSON.stringify(record);
    } catch (error) {
      warnOnce('json', () => `set: the record cannot be written as JSON (${describe(error)}): not stored`);
      return undefined;
    }
  };

  return {
    get(userId, campaignKey) {
      try {
        start();
        if (typeof userId !== 'string' || typeof campaignKey !== 'string') return undefined;
        const key = assignmentKey(userId, campaignKey, namespace);
        const raw = read(key);
        return raw === undefined
          ? undefined
          : decode(raw, key, 'a stored assignment of that user and campaign', (value) =>
              isRecordOf(value, userId, campaignKey) ? value : undefined,
            );
      } catch (error) {
        warnOnce('get', () => `get failed (${describe(error)}): treated as no record`);
        return undefined;
      }
    },
    set(record) {
      try {
        start();
        if (typeof record?.userId !== 'string' || typeof record.campaignKey !== 'string') {
          warnOnce('invalid', () => 'set: a record needs a string userId and a string campaignKey: not stored');
          return;
        }
        const value = json(record);
        if (value !== undefined) store(assignmentKey(record.userId, record.campaignKey, namespace), value);
      } catch (error) {
        warnOnce('set', () => `set failed (${describe(error)}): not stored`);
      }
    },
    fme(fmeOptions) {
      const accountId = fmeAccountScope(fmeOptions?.accountId, 'LocalUserStorage.fme');
      return {
        async get(featureKey, userId) {
          try {
            start();
            if (typeof featureKey !== 'string' || typeof userId !== 'string') return undefined;
            const key = fmeDecisionKey(accountId, featureKey, userId, namespace);
            const raw = read(key);
            return raw === undefined
              ? undefined
              : decode(raw, key, 'an FME decision of that feature and user', (value) => fmeRecordOf(value, featureKey, userId));
          } catch (error) {
            warnOnce('get', () => `get failed (${describe(error)}): treated as no record`);
            return undefined;
          }
        },
        async set(record) {
          try {
            start();
            const address = fmeRecordAddress(record);
            if (address === undefined) {
              warnOnce('invalid-fme', () => 'fme().set: a record needs a string featureKey and a string or numeric userId: not stored');
              return;
            }
            const value = json(record);
            if (value !== undefined) store(fmeDecisionKey(accountId, address.featureKey, address.userId, namespace), value);
          } catch (error) {
            warnOnce('set', () => `set failed (${describe(error)}): not stored`);
          }
        },
        accountId,
      };
    },
    delete(userId, campaignKey) {
      try {
        start();
        const key = assignmentKey(userId, campaignKey, namespace);
        memory.delete(key);
        dropCookie(key);
        web?.removeItem(key);
      } catch (error) {
        warnOnce('delete', () => `delete failed (${describe(error)})`);
      }
    },
    clear() {
      try {
        start();
        memory.clear();
        if (jar && jarMayHold) jar.clear();
        if (web) {
          const ours: string[] = [];
          for (let i = web.length - 1; i >= 0; i--) {
            const key = web.key(i);
            if (key?.startsWith(prefix)) ours.push(key);
          }
          for (const key of ours) web.removeItem(key);
        }
      } catch (error) {
        warnOnce('clear', () => `clear failed (${describe(error)})`);
      }
    },
    get backend() {
      start();
      return last;
    },
    namespace,
  };
}

/** A record of exactly this pair; `goalIdentifier`, split by the SDK, must be a string when present. */
function isRecordOf(value: unknown, userId: string, campaignKey: string): value is StoredAssignment {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Partial<Record<keyof StoredAssignment, unknown>>;
  return (
    record.userId === userId &&
    record.campaignKey === campaignKey &&
    typeof record.variationName === 'string' &&
    (record.goalIdentifier === undefined || typeof record.goalIdentifier === 'string')
  );
}

/** `QuotaExceededError` by name or legacy code (Firefox called it NS_ERROR_DOM_QUOTA_REACHED, 1014). */
function isQuotaError(error: unknown): boolean {
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || code === 22 || code === 1014;
}

function describe(error: unknown): string {
  if (typeof error === 'string') return error;
  const { name, message } = (error ?? {}) as { name?: unknown; message?: unknown };
  return typeof name === 'string' && typeof message === 'string' ? `${name}: ${message}` : String(error);
}
