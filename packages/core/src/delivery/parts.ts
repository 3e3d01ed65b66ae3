/**
 * What both builds of the event pipeline share (delivery.ts, and delivery.compact.ts in the
 * browser build): 1.73.0's flush messages and batch settings, the outbox behind calls that
 * never throw, the counts and drops, what a failed attempt leads to, the reports to the user's
 * hooks, and the batch request. The builds differ only in how they keep jobs and attempts.
 */
import type { EventStats, OutboxEntry } from '../client/types.js';
import { batchRequest, toGetRequest } from '../events/requests.js';
import type { EventContext, EventRecord, EventRequest } from '../events/types.js';
import { type AttemptResult, endpointPath, errorText, type RetryPolicy, retryDelay } from './retry.js';
import type { AttemptFailure, DeliveryOptions } from './types.js';

type Log = DeliveryOptions['logger'];

/** 1.73.0's `flushEvents` messages (decision-flow.md §12). */
export const FLUSH_MESSAGES = {
  sent: 'Batch call sent to VWO',
  empty: 'Batch queue is empty. Nothing to flush.',
  failed: 'Batch call could not be processed',
  noBatchQueue: 'No batchEvents config present in launch API',
  // 1.73.0's promise never settles here (its dev-mode flush emits no completion event).
  developmentMode: 'Development mode: the batch was not sent to VWO',
} as const;

const MAX_EVENTS_PER_REQUEST = 5000;
const DEFAULT_EVENTS_PER_REQUEST = 100;
const DEFAULT_REQUEST_TIME_INTERVAL_S = 600;
export const DEFAULT_MAX_PENDING_EVENTS = 10_000;
/** After the first "queue full" line, one summary line per this many drops. */
export const DROP_LOG_EVERY = 1000;

export type OutboxAccess = NonNullable<ReturnType<typeof createOutboxAccess>>;

/**
 * The user's outbox behind calls that never throw: a failing method is logged once and the
 * event still goes out (it is just not kept). Keys are unique per delivery.
 */
export function createOutboxAccess(outbox: DeliveryOptions['outbox'], log: DeliveryOptions['logger']) {
  if (outbox === undefined) return undefined;
  const prefix = `${Date.now().toString(36)}${Math.floor(Math.random() * 2 ** 32).toString(36)}.`;
  let counter = 0;
  let reported = false;
  const report = (method: string, error: unknown): void => {
    if (reported) return;
    reported = true;
    log.warn(`events: the outbox's ${method} failed (${errorText(error)}); events still go out, unsaved`);
  };
  return {
    restore(): readonly OutboxEntry[] {
      try {
        const entries = outbox.restore();
        return Array.isArray(entries) ? entries.filter(isOutboxEntry) : [];
      } catch (error) {
        report('restore', error);
        return [];
      }
    },
    save(entry: OutboxEntry): string | undefined {
      const key = prefix + (counter++).toString(36);
      try {
        outbox.save(key, entry);
        return key;
      } catch (error) {
        report('save', error);
        return undefined;
      }
    },
    remove(key: string | undefined): void {
      if (key === undefined) return;
      try {
        outbox.remove(key);
      } catch (error) {
        report('remove', error);
      }
    },
  };
}

function isOutboxEntry(value: unknown): value is OutboxEntry {
  // Optional chaining reads `undefined` off `null`, `undefined` and primitives alike.
  const request = (value as { request?: { method?: unknown; url?: unknown } } | null | undefined)?.request;
  return (request?.method === 'GET' || request?.method === 'POST') && typeof request.url === 'string';
}

export interface BatchSettings {
  readonly eventsPerRequest: number;
  readonly requestTimeIntervalMs: number;
  readonly flushCallback: ((error: Error | null, payload: string) => void) | undefined;
}

/** 1.73.0's reading of `batchEvents` (events.md §11). */
export function batchSettings(config: NonNullable<DeliveryOptions['batchEvents']>): BatchSettings {
  const { eventsPerRequest, requestTimeInterval, flushCallback } = config;
  return {
    eventsPerRequest:
      typeof eventsPerRequest === 'number' ? Math.min(eventsPerRequest, MAX_EVENTS_PER_REQUEST) : DEFAULT_EVENTS_PER_REQUEST,
    requestTimeIntervalMs: (typeof requestTimeInterval === 'number' ? requestTimeInterval : DEFAULT_REQUEST_TIME_INTERVAL_S) * 1000,
    flushCallback: typeof flushCallback === 'function' ? flushCallback : undefined,
  };
}

export function positiveInteger(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 1 ? Math.floor(value) : undefined;
}

export function eventCount(events: unknown): number {
  return typeof events === 'number' && Number.isFinite(events) && events > 0 ? Math.floor(events) : 0;
}

export function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** How a job ends: delivered, given up on, or dropped (at close). */
export type Outcome = 'sent' | 'failed' | 'dropped';

/** What one attempt led to. */
export type AttemptEnd = Outcome | 'retrying';

/** What a failed attempt leads to: another attempt after `delay` ms, or the end of its job. */
export type FailureVerdict =
  | { readonly end: 'retrying'; readonly delay: number }
  /** `refused`: the collector will refuse the request again, so the outbox need not keep it. */
  | { readonly end: 'failed' | 'dropped'; readonly error: Error; readonly refused: boolean };

/** What {@link Tally.judge} reads of a job, and the count of failures it keeps there. */
export interface FailingJob {
  readonly request: EventRequest;
  readonly events: number;
  readonly outboxKey: string | undefined;
  failures: number;
}

/**
 * The log of one delivery's dropped events, both builds': every drop is logged as an error, since
 * lost data must show under the default level, at a bounded rate (one line, then one per
 * {@link DROP_LOG_EVERY}; after `close()` one line in all), and `close()` reports what it dropped
 * in one line.
 */
export function createDropLog(log: Log, maxPending: number) {
  let reportedDropAfterClose = false;
  let fullDrops = 0;
  let unreportedFullDrops = 0;
  return {
    /** Logs `events` dropped, sent after `close()` or beyond `maxPending` (rate-limited). */
    dropped(events: number, closed: boolean): void {
      if (closed) {
        if (!reportedDropAfterClose) {
          reportedDropAfterClose = true;
          log.error(`events: dropped ${events} event(s) sent after close(); later ones are only counted`);
        }
        return;
      }
      fullDrops += events;
      if (fullDrops === events) {
        log.error(
          `events: dropped ${events} event(s): ${maxPending} events are already pending (maxPendingEvents); ` +
            `further drops are summarised every ${DROP_LOG_EVERY}`,
        );
        return;
      }
      unreportedFullDrops += events;
      if (unreportedFullDrops >= DROP_LOG_EVERY) {
        log.error(`events: dropped ${unreportedFullDrops} more events, the queue being full (${fullDrops} in all)`);
        unreportedFullDrops = 0;
      }
    },
    /**
     * Logs, in one line, the events close() dropped (`pastDeadline` of them at its deadline,
     * `failedDuringClose` whose attempt made at close failed) and the drops not reported yet.
     */
    reportClose(pastDeadline: number, failedDuringClose: number, timeoutMs: number): void {
      const atClose = pastDeadline + failedDuringClose;
      const earlier =
        unreportedFullDrops > 0 ? `${unreportedFullDrops} more events dropped earlier, the queue being full (${fullDrops} in all)` : '';
      unreportedFullDrops = 0;
      if (atClose > 0) {
        const reasons: string[] = [];
        if (pastDeadline > 0) reasons.push(`${pastDeadline} still pending after the ${timeoutMs} ms close timeout`);
        if (failedDuringClose > 0) reasons.push(`${failedDuringClose} whose last attempt, made at close, failed`);
        log.error(`events: dropped ${atClose} events at close: ${reasons.join(', ')}${earlier && `; ${earlier}`}`);
      } else if (earlier) {
        log.error(`events: ${earlier}`);
      }
    },
  };
}

/** The counts of one delivery; see {@link createTally}. */
export type Tally = ReturnType<typeof createTally>;

/**
 * The totals of one delivery and the bookkeeping of its drops: every dropped event is counted,
 * and logged by {@link createDropLog}.
 */
export function createTally(log: Log, maxPending: number) {
  const counts = { enqueued: 0, sent: 0, retried: 0, failed: 0, dropped: 0 };
  let closed = false;
  let failedDuringClose = 0;
  const drops = createDropLog(log, maxPending);
  /** Counts `events` dropped and logs them (rate-limited); `false`, for `admit`. */
  function drop(events: number): false {
    counts.dropped += events;
    drops.dropped(events, closed);
    return false;
  }
  return {
    counts,
    /** From now on every event is dropped, and a failed attempt ends its job. */
    close(): void {
      closed = true;
    },
    // Small enough to be inlined where every event passes: the dropping is a call of its own.
    /** Whether `events` more fit beside the `pending` ones; if not they are dropped, counted and logged. */
    admit: (events: number, pending: number): boolean => (!closed && pending + events <= maxPending) || drop(events),
    /**
     * Counts a failed attempt on `job` and decides, with the log line it deserves: a refusal and
     * the last retry end the job as failed, a failure once closed drops it, anything else waits
     * for its retry.
     */
    judge(job: FailingJob, result: Exclude<AttemptResult, { kind: 'sent' }>, policy: RetryPolicy, random: () => number): FailureVerdict {
      const attempts = ++job.failures;
      // Named only for the log lines and errors of a failed attempt: a request that goes out never needs it.
      const path = endpointPath(job.request.url);
      const { problem } = result;
      if (result.kind === 'refused') {
        log.error(`events: ${path} refused ${job.events} event(s): ${problem}; not retried`);
        return { end: 'failed', error: new Error(`VWO refused the request to ${path}: ${problem}`), refused: true };
      }
      if (attempts > policy.retries) {
        log.error(
          `events: gave up on ${job.events} event(s) to ${path} after ${attempts} attempts; last: ${problem}` +
            (job.outboxKey === undefined ? '' : '; kept in the outbox for the next start'),
        );
        return { end: 'failed', error: new Error(`Request to ${path} failed after ${attempts} attempts: ${problem}`), refused: false };
      }
      if (closed) {
        // The attempt close() made at once failed too: no waiting any more.
        failedDuringClose += job.events;
        return { end: 'dropped', error: new Error(`Request to ${path} failed during close: ${problem}`), refused: false };
      }
      const delay = retryDelay(policy, attempts - 1, random, result.retryAfterMs);
      log.debug(`events: ${path} failed (${problem}); retry ${attempts} of ${policy.retries} in ${Math.round(delay)} ms`);
      return { end: 'retrying', delay };
    },
    /** Logs, in one line, the events close() dropped (`pastDeadline` of them at its deadline) and drops not reported yet. */
    reportClose(pastDeadline: number, timeoutMs: number): void {
      drops.reportClose(pastDeadline, failedDuringClose, timeoutMs);
    },
    /** The totals, with `pending` events queued, in flight or waiting now. */
    stats(pending: number): EventStats {
      return { ...counts, pending };
    },
  };
}

/** The error a job dropped at close's deadline ends with. */
export function droppedAtClose(request: EventRequest, timeoutMs: number): Error {
  return new Error(`Dropped at close: no answer from ${endpointPath(request.url)} within ${timeoutMs} ms`);
}

/** A job that needed a retry, as `onRetriedRequest` is told of it. */
export interface RetriedJob {
  readonly request: EventRequest;
  readonly attempts: number;
  readonly lastFailure?: AttemptFailure;
}

/** Tells `onRetriedRequest` how a job that needed a retry ended; a hook that throws is logged. */
export function reportRetried(options: DeliveryOptions, job: RetriedJob, delivered: boolean): void {
  // A job reaches here only after a failed attempt, and each failed attempt records itself first.
  const lastFailure = job.lastFailure as AttemptFailure;
  try {
    options.onRetriedRequest?.(job.request, { delivered, retries: job.attempts - 1, lastFailure });
  } catch (thrown) {
    options.logger.error(`events: onRetriedRequest threw: ${errorText(thrown)}`);
  }
}

/** Hands a batch's outcome to the user's `flushCallback`, if any; a callback that throws is logged. */
export function notifyFlushCallback(batch: BatchSettings | undefined, log: Log, error: Error | null, payload: string): void {
  const callback = batch?.flushCallback;
  if (callback === undefined) return;
  try {
    callback(error, payload);
  } catch (thrown) {
    log.error(`events: batchEvents.flushCallback threw: ${errorText(thrown)}`);
  }
}

/**
 * The batch request of the queued `records`, or `undefined` when it cannot be built: then the
 * records are counted as failed, logged, and reported to `flushCallback`. The queue holds only
 * records the client built with its own context (`Delivery.enqueue`).
 */
export function batchOf(
  context: () => EventContext,
  records: readonly EventRecord[],
  tally: Tally,
  batch: BatchSettings | undefined,
  log: Log,
): EventRequest | undefined {
  try {
    const request = batchRequest(context(), records, true);
    log.debug(`events: sending a batch of ${records.length} event(s)`);
    return request;
  } catch (error) {
    tally.counts.failed += records.length;
    log.error(`events: could not build the batch of ${records.length} event(s): ${errorText(error)}`);
    notifyFlushCallback(batch, log, toError(error), '');
    return undefined;
  }
}

/** The GET of one record not batched, or `undefined` (counted as failed, and logged) when it cannot be built. */
export function getRequestOf(context: () => EventContext, record: EventRecord, tally: Tally, log: Log): EventRequest | undefined {
  try {
    return toGetRequest(context(), record);
  } catch (error) {
    tally.counts.failed += 1;
    log.error(`events: could not build the request of a ${record.type} event: ${errorText(error)}`);
    return undefined;
  }
}

/** Until the batch goes out, a queued record waits in the outbox as its own GET. */
export function saveQueuedRecord(outbox: OutboxAccess, context: () => EventContext, record: EventRecord): string | undefined {
  try {
    return outbox.save({ request: toGetRequest(context(), record), events: 1 });
  } catch {
    return undefined; // The batch will fail to build too, and say why.
  }
}
