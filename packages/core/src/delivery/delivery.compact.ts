/**
 * The browser build's event pipeline (tsup.config.ts takes it for `delivery.ts`): the same
 * batching, retries, bounds, counts, flush and close answers, the same requests and the same log
 * lines (parts.ts), written for size where the server build is written for speed. A page sends a
 * few events, so the jobs not finished are one Set, kept in the order their attempts started or
 * failed; one sweep timer, armed while attempts are in flight, expires those past their deadline
 * (no timer per request); and a flush waits for the attempts in flight through each attempt's
 * own promise. test/delivery.test.ts runs on both builds.
 */
import type { FlushResult, TransportResponse } from '../client/types.js';
import type { EventRecord, EventRequest } from '../events/types.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, positiveMs } from '../util/deadline.js';
import { startTimer, stopTimer, type TimerHandle } from '../util/timers.js';
import {
  type AttemptEnd,
  batchOf,
  batchSettings,
  createOutboxAccess,
  createTally,
  DEFAULT_MAX_PENDING_EVENTS,
  droppedAtClose,
  eventCount,
  FLUSH_MESSAGES,
  getRequestOf,
  notifyFlushCallback,
  type Outcome,
  positiveInteger,
  reportRetried,
  saveQueuedRecord,
  toError,
} from './parts.js';
import { type AttemptResult, classifyError, classifyResponse, endpointPath, errorText, retryPolicy } from './retry.js';
import type { AttemptFailure, Delivery, DeliveryOptions } from './types.js';

export { FLUSH_MESSAGES } from './parts.js';

/** One request and its retries. */
interface Job {
  readonly request: EventRequest;
  readonly events: number;
  /** The body handed to `flushCallback`; only batch-queue requests have one. */
  readonly payload: string | undefined;
  readonly outboxKey: string | undefined;
  failures: number;
  /** Attempts made so far; an answer carries the number of its attempt, so a late one is recognised. */
  attempts: number;
  /** When the attempt in flight expires (`Date.now()` ms); 0 when none is in flight. */
  deadline: number;
  /** The wait for the next attempt. */
  timer?: TimerHandle;
  /** The last failed attempt, kept for `onRetriedRequest`. */
  lastFailure?: AttemptFailure;
  /** Settles with how the attempt in flight ended, for a flush waiting for it. */
  end?: Promise<AttemptEnd>;
  ended?: (end: AttemptEnd) => void;
}

/** Creates the event pipeline of one client (see delivery.ts). */
export function createDelivery(options: DeliveryOptions): Delivery {
  const { logger: log, transport, context } = options;
  const developmentMode = options.isDevelopmentMode === true || transport === undefined;
  if (transport === undefined && options.isDevelopmentMode !== true) log.error('events: no transport, so no event is sent');
  const policy = retryPolicy(options.retry);
  const classify = options.classifyResponse ?? classifyResponse;
  const random = options.random ?? Math.random;
  const batch = options.batchEvents && batchSettings(options.batchEvents);
  const requestTimeout = positiveMs(options.requestTimeout) ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const noAnswer = `no answer within ${requestTimeout} ms (requestTimeout)`;
  const tally = createTally(log, positiveInteger(options.maxPendingEvents) ?? DEFAULT_MAX_PENDING_EVENTS);
  const { counts } = tally;
  const outbox = createOutboxAccess(options.outbox, log);
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

  const pending = () => queue.length + jobEvents;
  const inFlight = () => [...live].filter((job) => job.deadline);
  const toBack = (job: Job) => live.delete(job) && live.add(job);

  /** Counts a request's events in, and starts it unless they are dropped or nothing is sent. */
  function admitJob(request: EventRequest, events: number): void {
    counts.enqueued += events;
    if (tally.admit(events, pending()) && !developmentMode) startJob(request, events);
  }

  function startJob(request: EventRequest, events: number, payload?: string): Job {
    const job: Job = { request, events, payload, outboxKey: outbox?.save({ request, events }), failures: 0, attempts: 0, deadline: 0 };
    live.add(job);
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
    // A transport may also return a non-promise, or a promise that never settles (the sweep ends that attempt).
    Promise.resolve(answer).then(
      (response) => answered(job, n, response, false),
      (error: unknown) => answered(job, n, error, true),
    );
  }

  function answered(job: Job, n: number, answer: unknown, rejected: boolean, expired?: boolean): void {
    // Expired at its deadline, or dropped at close, before this answer: it changes nothing.
    if (job.attempts !== n || !job.deadline) return;
    const now = Date.now();
    // Past its deadline but not swept yet: late all the same, whatever the timer order.
    const timedOut = expired || now >= job.deadline;
    let result: AttemptResult;
    try {
      result = timedOut
        ? { kind: 'retry', problem: noAnswer, retryAfterMs: undefined }
        : rejected
          ? classifyError(answer)
          : classify(answer as TransportResponse | undefined, now);
    } catch {
      // An answer whose fields throw when read is no answer.
      result = { kind: 'retry', problem: 'the transport resolved something unreadable', retryAfterMs: undefined };
    }
    if (result.kind !== 'sent') {
      job.lastFailure = {
        problem: result.problem,
        response: rejected || timedOut ? undefined : (answer as TransportResponse | undefined),
        error: rejected ? answer : undefined,
        timedOut,
      };
    }
    job.deadline = 0;
    let end: AttemptEnd;
    try {
      end = afterAttempt(job, result);
    } catch (error) {
      // Only a bug of ours gets here; the job must still end, or close() would wait for it.
      log.error(`events: request to ${endpointPath(job.request.url)} failed unexpectedly: ${errorText(error)}`);
      if (live.has(job)) finish(job, 'failed', toError(error));
      end = 'failed';
    }
    job.ended?.(end);
  }

  /** Expires the attempts past their deadline (or more than requestTimeout ahead: the clock was set back). */
  function sweep(): void {
    sweepTimer = undefined;
    const now = Date.now();
    let next = 0;
    for (const job of inFlight()) {
      const left = job.deadline - now;
      if (left > 0 && left <= requestTimeout) next ||= left;
      else answered(job, job.attempts, undefined, false, true);
    }
    if (next) sweepTimer = startTimer(sweep, next);
  }

  /** Called where the host waits for the pipeline (flush, close), never per request, as the server build does. */
  function disarmSweepIfIdle(): void {
    if (inFlight().length) return;
    stopTimer(sweepTimer);
    sweepTimer = undefined;
  }

  function afterAttempt(job: Job, result: AttemptResult): AttemptEnd {
    if (result.kind === 'sent') {
      outbox?.remove(job.outboxKey);
      finish(job, 'sent', null);
      return 'sent';
    }
    const verdict = tally.judge(job, result, policy, random);
    if (verdict.end === 'retrying') {
      job.timer = startTimer(() => retryNow(job), verdict.delay);
      toBack(job);
    } else {
      if (verdict.refused) outbox?.remove(job.outboxKey);
      finish(job, verdict.end, verdict.error);
    }
    return verdict.end;
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

  function finish(job: Job, outcome: Outcome, error: Error | null): void {
    stopTimer(job.timer);
    live.delete(job);
    jobEvents -= job.events;
    counts[outcome] += job.events;
    // Still in flight: dropped at the close deadline. Its attempt ends here, and a late answer is ignored.
    if (job.deadline) {
      job.deadline = 0;
      job.ended?.(outcome);
    }
    if (job.payload !== undefined) notifyFlushCallback(batch, log, error, job.payload);
    if (job.failures && outcome !== 'dropped' && options.onRetriedRequest) reportRetried(options, job, outcome === 'sent');
    if (!live.size) onIdle?.();
  }

  /** Empties the batch queue into one request: the job, or the events it leaves unsent (development mode, or unbuildable). */
  function dispatchQueue(): Job | number {
    stopTimer(batchTimer);
    batchTimer = undefined;
    const records = queue;
    if (!records.length) return 0;
    queue = [];
    // Whatever happens to the batch below, the records' own outbox entries go: the batch
    // request takes their place in the same tick.
    for (const key of queuedKeys) outbox?.remove(key);
    queuedKeys = [];
    // As 1.73.0: in development mode the queue empties without a request or a flushCallback.
    if (developmentMode) return records.length;
    const request = batchOf(context, records, tally, batch, log);
    return request ? startJob(request, records.length, request.body ?? '') : -records.length;
  }

  /** Waits for every attempt in flight now to end: answered, expired, or dropped at close. */
  async function watchInFlight(batchJob?: Job): Promise<{ sent: number; failed: number; batchEnd?: AttemptEnd }> {
    const jobs = inFlight();
    const ends = await Promise.all(jobs.map((job) => job.end));
    const seen = { sent: 0, failed: 0, batchEnd: undefined as AttemptEnd | undefined };
    jobs.forEach((job, i) => {
      const end = ends[i];
      if (end === 'sent') seen.sent += job.events;
      else if (end !== 'retrying') seen.failed += job.events;
      if (job === batchJob) seen.batchEnd = end;
    });
    disarmSweepIfIdle();
    return seen;
  }

  /** Sends the queue and waits for that request's attempt and every other attempt in flight at the call. */
  async function flushBatch(): Promise<FlushResult> {
    const dispatched = dispatchQueue();
    if (typeof dispatched === 'number' && dispatched) {
      return developmentMode
        ? { status: true, message: FLUSH_MESSAGES.developmentMode, sent: 0, failed: 0, pending: pending() }
        : { status: false, message: FLUSH_MESSAGES.failed, sent: 0, failed: -dispatched, pending: pending() };
    }
    const job = typeof dispatched === 'number' ? undefined : dispatched;
    const { sent, failed, batchEnd } = await watchInFlight(job);
    const message = job === undefined ? FLUSH_MESSAGES.empty : batchEnd === 'sent' ? FLUSH_MESSAGES.sent : FLUSH_MESSAGES.failed;
    return { status: message === FLUSH_MESSAGES.sent, message, sent, failed, pending: pending() };
  }

  async function awaitInFlight(): Promise<FlushResult> {
    const waited = inFlight().length;
    const { sent, failed } = await watchInFlight();
    log.info(`flushEvents: no batchEvents config; waited for ${waited} request(s)`);
    return { status: false, message: FLUSH_MESSAGES.noBatchQueue, sent, failed, pending: pending() };
  }

  async function closeNow(timeoutMs: number): Promise<void> {
    if (batch) dispatchQueue();
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
      finish(job, 'dropped', droppedAtClose(job.request, timeoutMs));
    }
    disarmSweepIfIdle();
    tally.reportClose(pastDeadline, timeoutMs);
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

    retryWaitingNow() {
      try {
        retryWaiting();
      } catch (error) {
        log.error(`events: sending pending events failed: ${errorText(error)}`);
      }
    },

    send(request, events) {
      admitJob(request, eventCount(events));
    },

    enqueue(record) {
      counts.enqueued += 1;
      if (!tally.admit(1, pending())) return;
      if (!batch) {
        const request = developmentMode ? undefined : getRequestOf(context, record, tally, log);
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
        return batch ? await flushBatch() : await awaitInFlight();
      } catch (error) {
        log.error(`flushEvents failed: ${errorText(error)}`);
        return { status: false, message: FLUSH_MESSAGES.failed, sent: 0, failed: 0, pending: pending() };
      }
    },

    close(timeoutMs) {
      if (!closing) {
        tally.close();
        closing = closeNow(typeof timeoutMs === 'number' && timeoutMs >= 0 ? timeoutMs : 0).catch((error: unknown) =>
          log.error(`events: close failed: ${errorText(error)}`),
        );
      }
      return closing;
    },

    stats: () => tally.stats(pending()),
  };
}
