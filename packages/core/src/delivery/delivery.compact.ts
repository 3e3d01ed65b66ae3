/**
 * The browser build's event pipeline (tsup.config.ts takes it for `delivery.ts`): the same
 * batching, retries, bounds, counts, flush and close answers, the same requests and log lines,
 * written for size where the server build is written for speed. It is one closure: the counts
 * and the verdict on a failed attempt live beside the jobs instead of behind the server's tally
 * object (parts.ts; the drop log is both builds'), since every object, method and property name
 * is bytes a page downloads. A page sends a few events, so the jobs not finished are one Set,
 * kept in the order their attempts started or failed; one sweep timer, armed while attempts are
 * in flight, expires those past their deadline (no timer per request); and a flush waits for the
 * attempts in flight through each attempt's own promise. test/delivery.test.ts runs on both builds.
 */
import type { FlushResult } from '../client/types.js';
import { batchRequest, toGetRequest } from '../events/requests.js';
import type { EventRecord, EventRequest } from '../events/types.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../util/deadline.js';
import { startTimer, stopTimer, type TimerHandle } from '../util/timers.js';
import {
  type AttemptEnd,
  batchSettings,
  createDropLog,
  createOutboxAccess,
  DEFAULT_MAX_PENDING_EVENTS,
  eventCount,
  FLUSH_MESSAGES,
  type Outcome,
  saveQueuedRecord,
  toError,
} from './parts.js';
import { type AttemptResult, classifyError, classifyResponse, endpointPath, errorText, retryDelay, retryPolicy } from './retry.js';
import type { AttemptFailure, Delivery, DeliveryOptions } from './types.js';

export { FLUSH_MESSAGES } from './parts.js';

/** One request and its retries. */
interface Job {
  readonly request: EventRequest;
  readonly events: number;
  /** The body handed to `flushCallback`; only batch-queue requests have one. */
  readonly payload: string | undefined;
  readonly outboxKey: string | undefined;
  /**
   * Attempts made so far. Every attempt but a job's last fails, so this is also the number of
   * the failure being judged; an answer carries the number of its attempt, so a late one is recognised.
   */
  attempts: number;
  /** When the attempt in flight expires (`Date.now()` ms); 0 when none is in flight. */
  deadline: number;
  /** The wait for the next attempt. */
  timer?: TimerHandle;
  /** The last failed attempt, for `onRetriedRequest`; set once an attempt failed. */
  lastFailure?: AttemptFailure;
  /** Settles with how the attempt in flight ended, for a flush waiting for it. */
  end?: Promise<AttemptEnd>;
  ended?: (end: AttemptEnd) => void;
}

/** How an attempt came to its end: the transport resolved, rejected, or the sweep expired it. */
const RESOLVED = 0;
const REJECTED = 1;
const EXPIRED = 2;

/** Creates the event pipeline of one client (see delivery.ts). */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { logger: log, transport, context } = options;
  const developmentMode = options.isDevelopmentMode === true || transport === undefined;
  if (transport === undefined && options.isDevelopmentMode !== true) log.error('events: no transport, so no event is sent');
  const policy = retryPolicy(options.retry);
  const classify = options.classifyResponse ?? classifyResponse;
  const random = options.random ?? Math.random;
  const batch = options.batchEvents && batchSettings(options.batchEvents);
  // Both clients hand over options already checked (createClient's config rules; the FME client
  // normalises its own time-outs): unlike the server build, this one does not check them again.
  const requestTimeout = options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const noAnswer = `no answer within ${requestTimeout} ms (requestTimeout)`;
  const maxPending = options.maxPendingEvents ?? DEFAULT_MAX_PENDING_EVENTS;
  const outbox = createOutboxAccess(options.outbox, log);
  const counts = { enqueued: 0, sent: 0, retried: 0, failed: 0, dropped: 0 };
  /** Jobs not finished: in flight, in the order their attempts started, or waiting for a retry. */
  const live = new Set<Job>();
  let queue: EventRecord[] = [];
  /** Outbox keys of the queued records, in queue order (only with an outbox). */
  let queuedKeys: Array<string | undefined> = [];
  let jobEvents = 0;
  let batchTimer: TimerHandle | undefined;
  let sweepTimer: TimerHandle | undefined;
  let closing: Promise<void> | undefined;
  /** Resolves `close()`'s wait once no job is left. */
  let onIdle: (() => void) | undefined;
  const drops = createDropLog(log, maxPending);
  let closed = false;
  let failedDuringClose = 0;

  const pending = () => queue.length + jobEvents;
  const inFlight = () => [...live].filter((job) => job.deadline);
  const toBack = (job: Job) => {
    live.delete(job);
    live.add(job);
  };
  /** Calls one of the user's hooks; one that throws is logged. */
  const hook = (name: string, call: () => void) => {
    try {
      call();
    } catch (thrown) {
      log.error(`events: ${name} threw: ${errorText(thrown)}`);
    }
  };
  const notifyFlushCallback = (error: Error | null, payload: string) =>
    hook('batchEvents.flushCallback', () => batch?.flushCallback?.(error, payload));

  /** Whether `events` more fit beside the pending ones; if not they are dropped, counted and logged. */
  function admit(events: number): boolean {
    if (!closed && pending() + events <= maxPending) return true;
    counts.dropped += events;
    drops.dropped(events, closed);
    return false;
  }

  /**
   * The request `build` makes, or `undefined` when it throws: then its events are counted as
   * failed and logged, and a batch is reported to `flushCallback`.
   */
  function built(build: () => EventRequest, events: number, what: string, batched?: boolean): EventRequest | undefined {
    try {
      return build();
    } catch (error) {
      counts.failed += events;
      log.error(`events: could not build ${what}: ${errorText(error)}`);
      if (batched) notifyFlushCallback(toError(error), '');
    }
  }

  /** Counts a request's events in, and starts it unless they are dropped or nothing is sent. */
  function admitJob(request: EventRequest, events: number): void {
    counts.enqueued += events;
    if (admit(events) && !developmentMode) startJob(request, events);
  }

  function startJob(request: EventRequest, events: number, payload?: string): Job {
    const job: Job = { request, events, payload, outboxKey: outbox?.save({ request, events }), attempts: 0, deadline: 0 };
    jobEvents += events;
    attempt(job);
    return job;
  }

  function attempt(job: Job): void {
    const n = ++job.attempts;
    job.deadline = Date.now() + requestTimeout;
    job.end = new Promise((resolve) => {
      job.ended = resolve;
    });
    toBack(job);
    sweepTimer ??= startTimer(sweep, requestTimeout);
    let answer: unknown;
    try {
      answer = (transport as NonNullable<typeof transport>).send(job.request);
    } catch (error) {
      // A transport that throws synchronously failed its attempt like one that rejects.
      answer = Promise.reject(error);
    }
    // A transport may also return a non-promise, or a promise that never settles (the sweep ends
    // that attempt). `Promise.resolve` hands a promise on as it is: its answer is handled in the
    // tick the server build handles it, which a flush right after a send observes.
    Promise.resolve(answer).then(
      (response) => answered(job, n, response, RESOLVED),
      (error: unknown) => answered(job, n, error, REJECTED),
    );
  }

  /**
   * Ends attempt `n` of `job` with the log line it deserves: delivered; refused or the last retry
   * failed (the job fails); failed once closed (dropped); else its retry is scheduled.
   */
  function answered(job: Job, n: number, answer: unknown, how: number) {
    // Expired at its deadline, or dropped at close, before this answer: it changes nothing.
    // Only the sweep times an attempt out: an answer handled before it counts, though a blocked
    // event loop let the clock pass the deadline (retrying it would send the event twice).
    if (job.attempts !== n || !job.deadline) return;
    job.deadline = 0;
    let result: AttemptResult;
    try {
      result =
        how === EXPIRED
          ? { kind: 'retry', problem: noAnswer, retryAfterMs: undefined }
          : how
            ? classifyError(answer)
            : classify(answer as never, Date.now());
    } catch {
      // An answer whose fields throw when read has no status to read.
      result = classifyResponse(undefined, 0);
    }
    try {
      if (result.kind === 'sent') {
        outbox?.remove(job.outboxKey);
        return finish(job, 'sent', null);
      }
      const { problem } = result;
      job.lastFailure = {
        problem,
        response: how ? undefined : (answer as never),
        error: how === REJECTED ? answer : undefined,
        timedOut: how === EXPIRED,
      };
      // Named only for the log lines and errors of a failed attempt: a request that goes out never needs it.
      // The error a failed job hands to `flushCallback` is its log line.
      const path = endpointPath(job.request.url);
      const failure = `events: ${path} failed (${problem})`;
      if (result.kind === 'refused' || n > policy.retries) {
        const line =
          result.kind === 'refused'
            ? `events: ${path} refused ${job.events} event(s): ${problem}; not retried`
            : `events: gave up on ${job.events} event(s) to ${path} after ${n} attempts; last: ${problem}` +
              (job.outboxKey === undefined ? '' : '; kept in the outbox for the next start');
        log.error(line);
        // The collector will refuse it again: the outbox need not keep it.
        if (result.kind === 'refused') outbox?.remove(job.outboxKey);
        return finish(job, 'failed', new Error(line));
      }
      if (closed) {
        // The attempt close() made at once failed too: no waiting any more.
        failedDuringClose += job.events;
        return finish(job, 'dropped', new Error(`${failure} during close`));
      }
      const delay = retryDelay(policy, n - 1, random, result.retryAfterMs);
      log.debug(`${failure}; retry ${n} of ${policy.retries} in ${Math.round(delay)} ms`);
      job.timer = startTimer(() => retryNow(job), delay);
      toBack(job);
      job.ended?.('retrying');
    } catch (error) {
      // Only a bug of ours gets here; the job must still end, or close() would wait for it.
      log.error(`events: ${endpointPath(job.request.url)} failed: ${errorText(error)}`);
      if (live.has(job)) finish(job, 'failed', toError(error));
    }
  }

  /** Expires the attempts past their deadline (or more than requestTimeout ahead: the clock was set back). */
  function sweep(): void {
    sweepTimer = undefined;
    const now = Date.now();
    let next = 0;
    for (const job of inFlight()) {
      const left = job.deadline - now;
      if (left > 0 && left <= requestTimeout) next ||= left;
      else answered(job, job.attempts, undefined, EXPIRED);
    }
    if (next) sweepTimer = startTimer(sweep, next);
  }

  function retryNow(job: Job): void {
    stopTimer(job.timer);
    job.timer = undefined;
    counts.retried += 1;
    attempt(job);
  }

  function retryWaiting(): void {
    for (const job of [...live]) if (job.timer !== undefined) retryNow(job);
  }

  /** Ends `job`; a flush waiting for its attempt in flight (dropped at close) learns how. */
  function finish(job: Job, outcome: Outcome, error: Error | null): void {
    stopTimer(job.timer);
    live.delete(job);
    jobEvents -= job.events;
    counts[outcome] += job.events;
    // A late answer to an attempt dropped at close is ignored.
    job.deadline = 0;
    job.ended?.(outcome);
    if (job.payload !== undefined) notifyFlushCallback(error, job.payload);
    const { lastFailure } = job;
    if (lastFailure && outcome !== 'dropped') {
      hook('onRetriedRequest', () =>
        options.onRetriedRequest?.(job.request, { delivered: outcome === 'sent', retries: job.attempts - 1, lastFailure }),
      );
    }
    if (!live.size) onIdle?.();
  }

  /** Empties the batch queue into one request: the job, or the events it leaves unsent (development mode, or unbuildable). */
  function dispatchQueue(): Job | number {
    stopTimer(batchTimer);
    batchTimer = undefined;
    const records = queue;
    const events = records.length;
    if (!events) return 0;
    queue = [];
    // Whatever happens to the batch below, the records' own outbox entries go: the batch
    // request takes their place in the same tick.
    for (const key of queuedKeys) outbox?.remove(key);
    queuedKeys = [];
    // As 1.73.0: in development mode the queue empties without a request or a flushCallback.
    if (developmentMode) return events;
    const request = built(() => batchRequest(context(), records, true), events, `the batch of ${events} event(s)`, true);
    if (!request) return -events;
    log.debug(`events: sending a batch of ${events} event(s)`);
    return startJob(request, events, request.body ?? '');
  }

  const flushResult = (message: string, sent = 0, failed = 0): FlushResult => ({
    status: message === FLUSH_MESSAGES.sent || message === FLUSH_MESSAGES.developmentMode,
    message,
    sent,
    failed,
    pending: pending(),
  });

  /** Sends the queue (if any) and waits for that request's attempt and every other attempt in flight at the call. */
  async function flushNow(): Promise<FlushResult> {
    // Without a batch queue the queue is always empty: nothing to dispatch.
    const dispatched = dispatchQueue();
    if (typeof dispatched === 'number' && dispatched) {
      return developmentMode ? flushResult(FLUSH_MESSAGES.developmentMode) : flushResult(FLUSH_MESSAGES.failed, 0, -dispatched);
    }
    const jobs = inFlight();
    const ends = await Promise.all(jobs.map((each) => each.end));
    let sent = 0;
    let failed = 0;
    jobs.forEach((each, i) => {
      if (ends[i] === 'sent') sent += each.events;
      else if (ends[i] !== 'retrying') failed += each.events;
    });
    disarmSweepIfIdle();
    if (!batch) log.info(`flushEvents: no batchEvents config; waited for ${jobs.length} request(s)`);
    return flushResult(
      !batch
        ? FLUSH_MESSAGES.noBatchQueue
        : !dispatched
          ? FLUSH_MESSAGES.empty
          : ends[jobs.indexOf(dispatched as Job)] === 'sent'
            ? FLUSH_MESSAGES.sent
            : FLUSH_MESSAGES.failed,
      sent,
      failed,
    );
  }

  /** Called where the host waits for the pipeline (flush, close), never per request, as the server build does. */
  function disarmSweepIfIdle(): void {
    if (inFlight().length) return;
    stopTimer(sweepTimer);
    sweepTimer = undefined;
  }

  async function closeNow(timeoutMs: number): Promise<void> {
    dispatchQueue();
    retryWaiting();
    if (live.size) {
      let deadline: TimerHandle | undefined;
      await new Promise<void>((resolve) => {
        onIdle = resolve;
        deadline = startTimer(resolve, timeoutMs);
      });
      stopTimer(deadline);
    }
    let pastDeadline = 0;
    for (const job of [...live]) {
      pastDeadline += job.events;
      finish(job, 'dropped', new Error(`events: ${endpointPath(job.request.url)} dropped at close: no answer within ${timeoutMs} ms`));
    }
    disarmSweepIfIdle();
    drops.reportClose(pastDeadline, failedDuringClose, timeoutMs);
  }

  // What an earlier run left in the outbox goes out first.
  const restored = outbox?.restore() ?? [];
  if (restored.length) {
    const before = jobEvents;
    for (const entry of restored) admitJob(entry.request, eventCount(entry.events));
    log.info(`events: resending ${restored.length} request(s) (${jobEvents - before} event(s)) from the outbox`);
  }

  return {
    batching: !!batch,

    // Nothing in it throws (a transport that does fails its attempt); `flushEvents`, its only
    // caller, catches all the same.
    retryWaitingNow: retryWaiting,

    // The clients pass the count of events they built; only the outbox's entries need reading.
    send: admitJob,

    enqueue(record) {
      counts.enqueued += 1;
      if (!admit(1)) return;
      if (!batch) {
        const request = developmentMode
          ? undefined
          : built(() => toGetRequest(context(), record), 1, `the request of a ${record.type} event`);
        if (request) startJob(request, 1);
        return;
      }
      queue.push(record);
      if (outbox && !developmentMode) queuedKeys.push(saveQueuedRecord(outbox, context, record));
      batchTimer ??= startTimer(dispatchQueue, batch.requestTimeIntervalMs);
      if (queue.length === batch.eventsPerRequest) dispatchQueue();
    },

    async flush() {
      try {
        return await flushNow();
      } catch (error) {
        log.error(`flushEvents failed: ${errorText(error)}`);
        return flushResult(FLUSH_MESSAGES.failed);
      }
    },

    close(timeoutMs) {
      if (!closing) {
        closed = true;
        closing = closeNow(timeoutMs).catch((error: unknown) => log.error(`events: close failed: ${errorText(error)}`));
      }
      return closing;
    },

    stats: () => ({ ...counts, pending: pending() }),
  };
}
