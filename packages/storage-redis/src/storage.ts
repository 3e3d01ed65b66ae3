import { type FmeUserStorage, fmeAccountScope, fmeRecordAddress, fmeRecordOf, type StoredAssignment, type UserStorage } from '@vwo/core';
import {
  type Link,
  Outages,
  openLink,
  type RedisClient,
  type RedisConnectionOptions,
  reason,
  TIMED_OUT,
  withTimeout,
} from './connection.js';

/** Options of {@link createRedisStorage}: a connection, plus where and how long records live. */
export interface RedisStorageOptions extends RedisConnectionOptions {
  /**
   * Put before every key (default `'vwo:'`). Every server of a fleet uses the same prefix; give
   * each VWO account or environment that shares one Redis its own (`'vwo:123456:prod:'`).
   */
  readonly prefix?: string;
  /** Records expire this many seconds after their last write (a positive integer; default: never). */
  readonly ttlSeconds?: number;
  /**
   * A call that takes longer (ms, default 50) counts as a miss (`get`) or a skipped write (`set`),
   * so a slow or paused Redis costs a decision at most this long.
   */
  readonly timeoutMs?: number;
}

/** The default of {@link RedisStorageOptions.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 50;
/** The default of {@link RedisStorageOptions.prefix}. */
export const DEFAULT_PREFIX = 'vwo:';

/** Running totals of a {@link RedisStorage}, since it was created: assignments and FME decisions together. */
export interface RedisStorageStats {
  /** `get` calls (of the storage and of its `fme()` connectors). */
  readonly reads: number;
  /** Reads that found a record. */
  readonly hits: number;
  /** Reads that Redis answered with no (usable) record. */
  readonly misses: number;
  /** Reads that Redis did not answer in time, answered with an error, or that were not sent because it was down (all answered as misses). */
  readonly failedReads: number;
  /** `set` calls (of the storage and of its `fme()` connectors). */
  readonly writes: number;
  /** Writes not confirmed in time, refused, or not sent because Redis was down. */
  readonly failedWrites: number;
  /** Outages seen: stretches of failed calls between two answers. */
  readonly outages: number;
}

/** A {@link UserStorage} on Redis. `get` and `set` never reject for an outage; they resolve within `timeoutMs`. */
export interface RedisStorage extends UserStorage {
  /** The user's record for the campaign, or `undefined` (also when Redis failed or was too slow). */
  get(userId: string, campaignKey: string): Promise<StoredAssignment | undefined>;
  /**
   * Stores `record` as JSON, replacing the user's record for that campaign (and restarting its TTL).
   * Resolves once Redis confirmed it, or after `timeoutMs`, or at once while Redis is down.
   * Rejects only with a `TypeError` for a record without string `userId` and `campaignKey`.
   */
  set(record: StoredAssignment): Promise<void>;
  /**
   * The same storage as vwo-fme-node-sdk's `storage` connector, for `init` of `@vwo/node`: FME
   * decisions of `accountId` on the same client, prefix, TTL, time-out and {@link RedisStorage.stats}
   * (see {@link fmeDecisionKey}). `get` answers `undefined` and `set` resolves when Redis is down
   * or slow, as for assignments; both reject with a `TypeError` only for arguments of the wrong
   * type (the client logs it and carries on).
   *
   * @throws TypeError when `accountId` is not a non-empty string or a number.
   */
  fme(options: { readonly accountId: string | number }): FmeUserStorage;
  /** Removes the user's record for the campaign (to forget a user); `true` if there was one. Rejects when Redis fails. */
  delete(userId: string, campaignKey: string): Promise<boolean>;
  /** Running totals since the storage was created (a fresh object each call). */
  stats(): RedisStorageStats;
  /** Quits the client if the storage created it (from `url` or `redisOptions`); a client you gave is left open. */
  close(): Promise<void>;
  /** The client in use: share it with `createRedisSettingsCache({ client })`. */
  readonly client: RedisClient;
  /** The prefix of every key this storage reads and writes. */
  readonly prefix: string;
}

// `%` and `:` are escaped so that the one `:` between the campaign key and the user id is
// unambiguous; lone UTF-16 surrogates are escaped because Redis keys are UTF-8 bytes, where every
// lone surrogate would become the same U+FFFD and two different user ids would share a key.
const UNSAFE = /[%:]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const escapeOne = (c: string) => (c === '%' ? '%25' : c === ':' ? '%3A' : `%u${c.charCodeAt(0).toString(16).toUpperCase()}`);
const escapePart = (part: string) => part.replace(UNSAFE, escapeOne);

/**
 * The Redis key of one user's record for one campaign: `prefix + campaignKey + ':' + userId`, with
 * `%`, `:` and lone surrogates escaped (`%25`, `%3A`, `%uD800`), so that no two pairs share a key.
 * Campaign first, so that `SCAN MATCH vwo:checkout-button:*` finds one campaign's assignments.
 */
export function assignmentKey(prefix: string, campaignKey: string, userId: string): string {
  return `${prefix}${escapePart(campaignKey)}:${escapePart(userId)}`;
}

/**
 * The Redis key of one user's FME decision for one feature (or `_vwo_meta_meg_<groupId>`) of one
 * account: `prefix + 'fme:' + accountId + ':' + featureKey + ':' + userId`, each part escaped as in
 * {@link assignmentKey}. After the prefix it has three unescaped `:` where an assignment key has
 * one, so the two formats never share a key; the account keeps accounts apart.
 * `SCAN MATCH vwo:fme:123456:checkout:*` finds one feature's decisions.
 */
export function fmeDecisionKey(prefix: string, accountId: string, featureKey: string, userId: string): string {
  return `${prefix}fme:${escapePart(accountId)}:${escapePart(featureKey)}:${escapePart(userId)}`;
}

/**
 * A user storage on Redis: every server of a fleet that uses the same Redis and prefix gives a user
 * the same variation, and counts a returning user (and a goal already tracked) once.
 *
 * Made for the decision path: each call is bounded by `timeoutMs` (default 50 ms) and answers a
 * miss when Redis is slow or down, so decisions carry on from bucketing; a client the storage
 * created never queues commands while disconnected and reconnects by itself. An outage is logged
 * once when it starts and once when it ends, not per call.
 *
 * @throws TypeError when not exactly one of `client`, `url`, `redisOptions` is given.
 * @throws RangeError for a `ttlSeconds` that is not a positive integer or a `timeoutMs` that is not a positive number.
 *
 * @example
 * import { launch } from '@vwo/node';
 * import { createRedisStorage } from '@vwo/storage-redis';
 * const userStorage = createRedisStorage({ url: 'redis://127.0.0.1:6379', ttlSeconds: 90 * 24 * 3600 });
 * const vwo = await launch({ settingsFile, userStorage });
 */
export function createRedisStorage(options: RedisStorageOptions): RedisStorage {
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ttl = options.ttlSeconds;
  if (typeof prefix !== 'string') throw new TypeError('createRedisStorage: prefix must be a string');
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0 && Number.isFinite(timeoutMs)))
    throw new RangeError(`createRedisStorage: timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  if (ttl !== undefined && !(Number.isInteger(ttl) && ttl > 0))
    throw new RangeError(`createRedisStorage: ttlSeconds must be a positive integer, got ${String(ttl)}`);

  const log = options.logger ?? console;
  const outages = new Outages(log, 'Redis user storage');
  const link: Link = openLink(options, (error) => outages.failed(reason(error), 'client'), 'createRedisStorage');
  const totals = { reads: 0, hits: 0, misses: 0, failedReads: 0, writes: 0, failedWrites: 0 };
  const noAnswer = `no answer within ${timeoutMs} ms`;

  const readFailed = (why: string) => {
    totals.failedReads++;
    outages.failed(why, 'read');
    return undefined;
  };
  const writeFailed = (why: string) => {
    totals.failedWrites++;
    outages.failed(why, 'write');
  };
  const keyOf = (method: string, userId: unknown, campaignKey: unknown) => {
    if (typeof userId !== 'string' || typeof campaignKey !== 'string')
      throw new TypeError(`RedisStorage.${method}: userId and campaignKey must be strings`);
    return assignmentKey(prefix, campaignKey, userId);
  };
  /** The value at `key` as a parsed record (`undefined` for none, or when Redis failed); counts and logs as it goes. */
  const read = async <T>(key: string, what: string, accept: (value: unknown) => T | undefined): Promise<T | undefined> => {
    totals.reads++;
    if (!link.usable()) return readFailed('not connected');
    let text: string | null | typeof TIMED_OUT;
    try {
      text = await withTimeout(link.get(key), timeoutMs);
    } catch (error) {
      return readFailed(reason(error));
    }
    if (text === TIMED_OUT) return readFailed(noAnswer);
    outages.answered();
    if (text === null) {
      totals.misses++;
      return undefined;
    }
    const record = accept(parseJson(text));
    if (record === undefined) {
      totals.misses++;
      log.error(`@vwo/storage-redis: the value at ${JSON.stringify(key)} is not ${what}: treated as no record`);
      return undefined;
    }
    totals.hits++;
    return record;
  };
  const write = async (key: string, value: string): Promise<void> => {
    totals.writes++;
    if (!link.usable()) return writeFailed('not connected');
    let outcome: unknown;
    try {
      outcome = await withTimeout(link.set(key, value, ttl), timeoutMs);
    } catch (error) {
      return writeFailed(reason(error));
    }
    if (outcome === TIMED_OUT) return writeFailed(noAnswer);
    outages.answered();
  };

  return {
    async get(userId, campaignKey) {
      return read(keyOf('get', userId, campaignKey), 'a stored assignment (JSON object)', asObject);
    },

    async set(record) {
      const key = keyOf('set', record?.userId, record?.campaignKey);
      return write(key, JSON.stringify(record));
    },

    async delete(userId, campaignKey) {
      const key = keyOf('delete', userId, campaignKey);
      return (await link.del(key)) > 0;
    },

    fme(fmeOptions) {
      const accountId = fmeAccountScope(fmeOptions?.accountId, 'RedisStorage.fme');
      return {
        async get(featureKey, userId) {
          if (typeof featureKey !== 'string' || typeof userId !== 'string')
            throw new TypeError('RedisStorage.fme().get: featureKey and userId must be strings');
          return read(fmeDecisionKey(prefix, accountId, featureKey, userId), `an FME decision of that feature and user`, (value) =>
            fmeRecordOf(value, featureKey, userId),
          );
        },
        async set(record) {
          const address = fmeRecordAddress(record);
          if (address === undefined)
            throw new TypeError('RedisStorage.fme().set: the record needs a string featureKey and a string or numeric userId');
          return write(fmeDecisionKey(prefix, accountId, address.featureKey, address.userId), JSON.stringify(record));
        },
        accountId,
      };
    },

    stats: () => ({ ...totals, outages: outages.count }),
    close: () => link.close(),
    client: link.client,
    prefix,
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function asObject(value: unknown): StoredAssignment | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as StoredAssignment) : undefined;
}
