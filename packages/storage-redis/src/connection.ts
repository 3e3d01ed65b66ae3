import type { Logger } from '@vwo/core';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

/**
 * A node-redis (`redis` package, v4 and later) client or cluster, already connected
 * (`await createClient({ url }).connect()`). Only what the adapter calls is described, so any
 * version of the package fits.
 */
export interface NodeRedisClient {
  /** `true` while connected: the adapter sends nothing otherwise. */
  readonly isReady: boolean;
  /** `GET key`: the string, or `null`. */
  get(key: string): Promise<unknown>;
  /** `SET key value [EX seconds]`. */
  set(key: string, value: string, options?: { EX?: number }): Promise<unknown>;
  /** `DEL key`: how many keys were removed. */
  del(key: string): Promise<unknown>;
}

/** A client the adapter can use: ioredis `Redis` or `Cluster`, or a node-redis client or cluster. */
export type RedisClient = Redis | Cluster | NodeRedisClient;

/** How the adapter reaches Redis: give exactly one of `client`, `url` or `redisOptions`. */
export interface RedisConnectionOptions {
  /**
   * A client you already have (ioredis `Redis` or `Cluster`, or a connected node-redis client).
   * The adapter never closes it: `close()` leaves it to you.
   */
  readonly client?: RedisClient;
  /** Or a `redis://` / `rediss://` URL: the adapter creates an ioredis client (and `close()` quits it). */
  readonly url?: string;
  /** Or ioredis options (host, port, password, tls, db…), laid over {@link CLIENT_DEFAULTS}. */
  readonly redisOptions?: RedisOptions;
  /** Where the adapter logs outages and recoveries (default `console`). */
  readonly logger?: Logger;
}

/**
 * The defaults of a client the adapter creates: one retry at most for a command caught by a lost
 * connection, and reconnection every ≤ 1 s for ever, so the adapter recovers by itself when Redis
 * is back. The offline queue stays on, but only for the first connection: while the client is
 * reconnecting the adapter sends nothing (see `Link.usable`), so a call fails at once
 * instead of waiting in a queue, and decisions carry on from bucketing.
 */
export const CLIENT_DEFAULTS: RedisOptions = {
  maxRetriesPerRequest: 1,
  connectTimeout: 2000,
  retryStrategy: (times: number) => Math.min(100 * times, 1000),
};

/** The two commands the adapter needs, over whichever client it was given. */
export interface Link {
  /**
   * `false` while the client is known to be disconnected (ioredis: reconnecting or closed; node-redis:
   * not ready): the call then fails at once without sending, whatever the client's queue options.
   */
  usable(): boolean;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number | undefined): Promise<unknown>;
  del(key: string): Promise<number>;
  /** Quits a client the adapter created; does nothing for a client it was given. */
  close(): Promise<void>;
  readonly client: RedisClient;
}

/** ioredis statuses in which a command cannot be sent now (it would wait in a queue or fail). */
const IOREDIS_DOWN = new Set(['reconnecting', 'close', 'end', 'disconnecting']);

export function openLink(options: RedisConnectionOptions, onClientError: (error: Error) => void, caller: string): Link {
  const given = [options.client, options.url, options.redisOptions].filter((x) => x !== undefined).length;
  if (given !== 1) throw new TypeError(`${caller}: give exactly one of client, url or redisOptions (got ${given})`);
  if (options.client !== undefined) return linkTo(options.client, false, caller);
  const client =
    options.url !== undefined ? new Redis(options.url, { ...CLIENT_DEFAULTS }) : new Redis({ ...CLIENT_DEFAULTS, ...options.redisOptions });
  // Without a listener ioredis prints every failed reconnection; the adapter logs once per outage instead.
  client.on('error', onClientError);
  return linkTo(client, true, caller);
}

function linkTo(client: RedisClient, owned: boolean, caller: string): Link {
  if (isIoRedis(client)) {
    return {
      client,
      usable: () => !IOREDIS_DOWN.has(client.status),
      get: (key) => client.get(key),
      set: (key, value, ttl) => (ttl === undefined ? client.set(key, value) : client.set(key, value, 'EX', ttl)),
      del: (key) => client.del(key),
      close: async () => {
        if (!owned || client.status === 'end') return;
        try {
          await client.quit();
        } catch {
          client.disconnect();
        }
      },
    };
  }
  if (isNodeRedis(client)) {
    return {
      client,
      usable: () => client.isReady,
      get: async (key) => {
        const value = await client.get(key);
        return value === null || value === undefined ? null : String(value);
      },
      set: (key, value, ttl) => (ttl === undefined ? client.set(key, value) : client.set(key, value, { EX: ttl })),
      del: async (key) => Number(await client.del(key)),
      close: async () => {},
    };
  }
  throw new TypeError(`${caller}: client is neither an ioredis Redis/Cluster nor a node-redis client`);
}

function isIoRedis(client: RedisClient): client is Redis | Cluster {
  // `instanceof` misses a client from another copy of ioredis: its `status` string tells it apart.
  return (
    client instanceof Redis ||
    client instanceof Cluster ||
    (typeof (client as { status?: unknown }).status === 'string' && !('isReady' in client))
  );
}

function isNodeRedis(client: RedisClient): client is NodeRedisClient {
  return typeof (client as NodeRedisClient).isReady === 'boolean' && typeof client.get === 'function';
}

/** Resolves `TIMED_OUT` when `pending` takes longer than `ms`; the timer never keeps the process alive. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

export function withTimeout<T>(pending: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, ms, TIMED_OUT);
    timer.unref?.();
  });
  return Promise.race([pending, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Tracks whether Redis answers, so that an outage is logged once when it starts and once when it
 * ends (with what failed meanwhile), never once per call: at thousands of decisions a second a
 * line per call would bury the log.
 */
export class Outages {
  private downSince: number | undefined;
  private failedReads = 0;
  private failedWrites = 0;
  count = 0;

  constructor(
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  get down(): boolean {
    return this.downSince !== undefined;
  }

  failed(reason: string, kind: 'read' | 'write' | 'client'): void {
    if (kind === 'read') this.failedReads++;
    else if (kind === 'write') this.failedWrites++;
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    this.count++;
    safe(() =>
      this.log.warn(
        `@vwo/storage-redis: ${this.what} unavailable (${reason}): reads count as misses and writes are skipped until Redis answers again`,
      ),
    );
  }

  answered(): void {
    if (this.downSince === undefined) return;
    const ms = Date.now() - this.downSince;
    safe(() =>
      this.log.info(
        `@vwo/storage-redis: ${this.what} answers again after ${ms} ms; ${this.failedReads} reads and ${this.failedWrites} writes failed meanwhile`,
      ),
    );
    this.downSince = undefined;
    this.failedReads = 0;
    this.failedWrites = 0;
  }
}

function safe(write: () => void): void {
  try {
    write();
  } catch {
    // A logger that throws must not break a decision.
  }
}

export function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
