import type { StoredAssignment, UserStorage } from '@vwo/core';
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

/** Running totals of a {@link RedisStorage}, since it was created. */
export interface RedisStorageStats {
  /** `get` calls. */
  readonly reads: number;
  /** Reads that found a record. */
  readonly hits: number;
  /** Reads that Redis answered with no (usable) record. */
  readonly misses: number;
  /** Reads that Redis did not answer in time, answered with an error, or that were not sent because it was down (all answered as misses). */
  readonly failedReads: number;
  /** `set` calls. */
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

  return {
    async get(userId, campaignKey) {
      const key = keyOf('get', userId, campaignKey);
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
      const record = parseRecord(text);
      if (record === undefined) {
        totals.misses++;
        log.error(`@vwo/storage-redis: the value at ${JSON.stringify(key)} is not a stored assignment (JSON object): treated as no record`);
        return undefined;
      }
      totals.hits++;
      return record;
    },

    async set(record) {
      const key = keyOf('set', record?.userId, record?.campaignKey);
      const value = JSON.stringify(record);
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
    },

    async delete(userId, campaignKey) {
      const key = keyOf('delete', userId, campaignKey);
      return (await link.del(key)) > 0;
    },

    stats: () => ({ ...totals, outages: outages.count }),
    close: () => link.close(),
    client: link.client,
    prefix,
  };
}

function parseRecord(text: string): StoredAssignment | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as StoredAssignment) : undefined;
  } catch {
    return undefined;
  }
}
