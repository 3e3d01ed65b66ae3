import type { StorageSnapshot, StoredAssignment } from '../decision/types.js';
import type { Campaign } from '../settings/model.js';
import { chain, isPromiseLike, type MaybePromise } from '../util/maybe-async.js';
import { startTimer, stopTimer, type TimerHandle } from '../util/timers.js';
import { errorMessage } from '../util/types.js';
import type { SafeLogger } from './logger.js';
import type { UserStorage } from './types.js';

const TIMED_OUT = Symbol('timed out');

/**
 * Reads and writes a user storage for the client. A `get` that throws, rejects or outlasts the
 * time-out is a miss, logged once per call: the user still gets an answer (spec README,
 * "do better, on purpose"); 1.73.0 failed the whole call instead.
 */
export class StorageAccess {
  // `#` members: the minifier renames them, as it cannot rename `private` ones.
  readonly #storage: UserStorage;
  readonly #timeoutMs: number;
  readonly #log: SafeLogger;

  constructor(storage: UserStorage, timeoutMs: number, log: SafeLogger) {
    this.#storage = storage;
    this.#timeoutMs = timeoutMs;
    this.#log = log;
  }

  /** The records `decide` needs: the called campaign's and, in a group, the other members'. */
  snapshot(
    userId: string,
    campaign: Campaign,
    userStorageData: Readonly<Record<string, unknown>> | undefined,
  ): MaybePromise<StorageSnapshot> {
    const members = campaign.membership?.group?.members;
    if (!members || members.length < 2) return chain(this.get(userId, campaign.key), (record) => ({ record, userStorageData }));
    const keys = [campaign.key, ...members.filter((m) => m.id !== campaign.id).map((m) => m.key)];
    const pending = keys.map((key) => this.get(userId, key));
    const all = pending.some(isPromiseLike) ? Promise.all(pending) : (pending as unknown[]);
    return chain(all, (records) => {
      const byKey = new Map<string, unknown>();
      keys.forEach((key, i) => {
        if (!byKey.has(key)) byKey.set(key, records[i]);
      });
      return { record: records[0], groupRecord: (key: string) => byKey.get(key), userStorageData };
    });
  }

  /** The stored record, or `undefined` when the storage failed or was too slow. */
  get(userId: string, campaignKey: string): MaybePromise<unknown> {
    const failed = (error: unknown) => {
      this.#log.error(
        `user storage get(${JSON.stringify(userId)}, ${JSON.stringify(campaignKey)}) failed: ${errorMessage(error)}: treated as no record`,
      );
      return undefined;
    };
    try {
      const pending = this.#storage.get(userId, campaignKey);
      if (!isPromiseLike(pending)) return pending;
      return withTimeout(pending, this.#timeoutMs).then((record) => {
        if (record !== TIMED_OUT) return record;
        this.#log.warn(
          `user storage get(${JSON.stringify(userId)}, ${JSON.stringify(campaignKey)}) took longer than ${this.#timeoutMs} ms: treated as no record`,
        );
        return undefined;
      }, failed);
    } catch (error) {
      return failed(error);
    }
  }

  set(record: StoredAssignment): MaybePromise<void> {
    const failed = (error: unknown) => {
      this.#log.error(`user storage set for ${JSON.stringify(record.userId)} failed: ${errorMessage(error)}`);
    };
    try {
      const pending = this.#storage.set(record);
      if (!isPromiseLike(pending)) return;
      return withTimeout(pending, this.#timeoutMs).then((outcome) => {
        if (outcome === TIMED_OUT)
          this.#log.warn(`user storage set for ${JSON.stringify(record.userId)} took longer than ${this.#timeoutMs} ms`);
      }, failed);
    } catch (error) {
      failed(error);
    }
  }
}

/** A storage record in 1.73.0's key order: userId, variationName, campaignKey, goalIdentifier, metaData. */
export function assignmentRecord(
  userId: string,
  variationName: string,
  campaignKey: string,
  goalIdentifier: string | undefined,
  metaData: Readonly<Record<string, unknown>> | undefined,
): StoredAssignment {
  const record: StoredAssignment = { userId, variationName, campaignKey };
  if (goalIdentifier !== undefined) record.goalIdentifier = goalIdentifier;
  if (metaData !== undefined) record.metaData = metaData as Record<string, unknown>;
  return record;
}

function withTimeout<T>(pending: PromiseLike<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: TimerHandle | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = startTimer(() => resolve(TIMED_OUT), ms);
  });
  // The deadline is checked as well as raced: when a blocked event loop lets both the storage's
  // own timer and ours fall due, Node may run the storage's first (its timer list expires
  // earlier), and a late answer must still count as late.
  const deadline = Date.now() + ms;
  const answered = Promise.resolve(pending).then((value) => (Date.now() > deadline ? TIMED_OUT : value));
  return Promise.race([answered, timeout]).finally(() => stopTimer(timer));
}
