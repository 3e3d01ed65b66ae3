/**
 * The event pipeline: sends requests with 1.73.0's retry schedule plus jitter (events.md §13),
 * runs the batch queue (§11), bounds what it holds, and counts every event to one of
 * sent / failed / dropped. Nothing here throws into the client or leaves a rejected promise
 * unhandled, whatever the transport or the user's `flushCallback` do.
 *
 * Every attempt is bounded by `requestTimeout`, whatever the transport does: an attempt still
 * unanswered at its deadline is a failed attempt, and its late answer is ignored. The deadlines
 * cost no timer per request (the unbatched path sends one request per event and is hot): each
 * attempt stamps its deadline on its job and joins the in-flight list, in attempt order, so with
 * one `requestTimeout` its deadlines ascend; one sweep timer, armed only while attempts are in
 * flight, fires at the oldest deadline and expires the expired prefix.
 *
 * The in-flight list is linked through the jobs themselves, and live jobs are counted rather than
 * kept in a Set. A Set that goes from one entry to none on every request (the unbatched path to a
 * transport that answers at once) shrinks its table with a runtime call each time, and a Set that
 * lives long has its tables reallocated in the old generation: two Sets cost ~40 % of an
 * unbatched call and most of its promoted garbage (apps/bench/README.md).
 *
 * An attempt waits for its answer through a ticket whose two callbacks were bound when the ticket
 * was made, and a ticket goes back to a pool once its answer has come: the happy path allocates
 * no closure per attempt, only the promise `then` itself returns. A ticket whose attempt ended
 * without its answer (expired, or dropped at close) is let go of its job, and rejoins the pool
 * only if that late answer comes, so a late answer never reaches a later attempt.
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
  /** Its key in the outbox, when there is one. */
  readonly outboxKey: string | undefined;
  failures: number;
  /** Attempts made so far. */
  attempts: number;
  /** The ticket of the attempt in flight; `undefined` when none is. */
  ticket: AnswerTicket | undefined;
  /** When the attempt in flight expires, in ms after `epoch` (see `createDelivery`). */
  deadline: number;
  outcome: Outcome | undefined;
  retryTimer: TimerHandle | undefined;
  /** The last failed attempt, kept for `onRetriedRequest`. */
  lastFailure: AttemptFailure | undefined;
  /** Its neighbours in the in-flight list while an attempt is in flight (older, newer). */
  older: Job | undefined;
  newer: Job | undefined;
}

/** Carries one attempt's answer to its job; see the file's comment. */
interface AnswerTicket {
  /** The job whose attempt waits for this answer; `undefined` once that attempt ended without it. */
  job: Job | undefined;
  readonly onResponse: (response: unknown) => void;
  readonly onError: (error: unknown) => void;
}

/** Tickets kept for reuse at most: more attempts than this in flight at once is a burst, not the steady state. */
const MAX_POOLED_TICKETS = 256;

/** A `flush()` waiting for the attempts in flight at its call. */
interface FlushWatch {
  /** The jobs whose current attempt has not ended yet. */
  readonly jobs: Set<Job>;
  /** The batch this flush dispatched, if any, and how its attempt ended. */
  readonly batch: Job | undefined;
  batchEnd: AttemptEnd | undefined;
  sent: number;
  failed: number;
  resolve: () => void;
}

type Dispatch =
  | { readonly kind: 'empty' }
  | { readonly kind: 'development'; readonly events: number }
  | { readonly kind: 'unbuildable'; readonly events: number }
  | { readonly kind: 'job'; readonly job: Job };

/**
 * Creates the event pipeline of one client.
 *
 * @example
 * const delivery = createDelivery({ transport, context: () => ctx, logger, batchEvents: { eventsPerRequest: 50 } });
 * delivery.enqueue(impressionEvent(ctx, campaign, variation, 'Ashley'));
 * await delivery.flush(); // { status: true, message: 'Batch call sent to VWO', sent: 1, failed: 0, pending: 0 }
 */
export function createDelivery(options: DeliveryOptions): Delivery {
  const log = options.logger;
  const transport = options.transport;
  const developmentMode = options.isDevelopmentMode === true || transport === undefined;
  if (transport === undefined && options.isDevelopmentMode !== true) log.error('events: no transport was given, so no event will be sent');
  const policy = retryPolicy(options.retry);
  const classify = options.classifyResponse ?? classifyResponse;
  const random = options.random ?? Math.random;
  const maxPending = positiveInteger(options.maxPendingEvents) ?? DEFAULT_MAX_PENDING_EVENTS;
  const batch = options.batchEvents === undefined ? undefined : batchSettings(options.batchEvents);
  const requestTimeout = positiveMs(options.requestTimeout) ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const noAnswer = `no answer within ${requestTimeout} ms (requestTimeout)`;
  // Deadlines count from here: small integers a job holds inline, where a `Date.now()` value is a
  // number V8 boxes on the heap, one allocation per attempt.
  const epoch = Date.now();

  const tally = createTally(log, maxPending);
  const counts = tally.counts;
  let queue: EventRecord[] = [];
  const outbox = createOutboxAccess(options.outbox, log);
  /** Outbox keys of the queued records, in queue order (only with an outbox). */
  let queuedKeys: Array<string | undefined> = [];
  let batchTimer: TimerHandle | undefined;
  /** Jobs not finished yet: in flight or waiting for a retry. */
  let liveJobs = 0;
  /** Jobs waiting for a retry (a failure path: a Set costs nothing there). */
  const waiting = new Set<Job>();
  let jobEvents = 0;
  /** Jobs with an attempt in flight, linked in the order the attempts started: deadlines ascend. */
  let oldest: Job | undefined;
  let newest: Job | undefined;
  let flying = 0;
  let sweepTimer: TimerHandle | undefined;
  const flushWatches = new Set<FlushWatch>();
  /** Resolves `close()`'s wait once no job is left. */
  let onIdle: (() => void) | undefined;
  let closing: Promise<void> | undefined;

  const pending = () => queue.length + jobEvents;

  /** `sentAt`: the caller's clock read of this instant (see `Delivery.send`), else the clock is read here. */
  function startJob(request: EventRequest, events: number, payload: string | undefined, sentAt?: number): Job {
    const outboxKey = outbox?.save({ request, events });
    const job: Job = {
      request,
      events,
      payload,
      outboxKey,
      failures: 0,
      attempts: 0,
      ticket: undefined,
      deadline: 0,
      outcome: undefined,
      retryTimer: undefined,
      lastFailure: undefined,
      older: undefined,
      newer: undefined,
    };
    liveJobs += 1;
    jobEvents += events;
    attempt(job, sentAt);
    return job;
  }

  const tickets: AnswerTicket[] = [];

  function newTicket(): AnswerTicket {
    const ticket: AnswerTicket = {
      job: undefined,
      onResponse: (response: unknown) => answered(ticket, response, false),
      onError: (error: unknown) => answered(ticket, error, true),
    };
    return ticket;
  }

  function attempt(job: Job, sentAt?: number): void {
    job.retryTimer = undefined;
    job.attempts += 1;
    const ticket = tickets.pop() ?? newTicket();
    ticket.job = job;
    job.ticket = ticket;
    job.deadline = (sentAt ?? Date.now()) - epoch + requestTimeout;
    joinFlight(job);
    if (sweepTimer === undefined) sweepTimer = startTimer(sweep, requestTimeout);
    let answer: unknown;
    try {
      answer = (transport as NonNullable<typeof transport>).send(job.request);
    } catch (error) {
      // A transport that throws synchronously failed its attempt like one that rejects.
      answer = Promise.reject(error);
    }
    // A transport may also return a non-promise, or a promise that never settles (the sweep ends that attempt).
    Promise.resolve(answer).then(ticket.onResponse, ticket.onError);
  }

  function answered(ticket: AnswerTicket, answer: unknown, rejected: boolean): void {
    const job = ticket.job;
    ticket.job = undefined;
    if (tickets.length < MAX_POOLED_TICKETS) tickets.push(ticket);
    // Expired at its deadline, or dropped at close, before this answer: it changes nothing.
    // An answer the sweep has not expired yet counts, even if the clock has passed its deadline
    // (an event loop blocked past it): the request did get its answer, and a retry would send the
    // event twice. Not reading the clock here saves ~90 ns a request (apps/bench/README.md).
    if (job === undefined) return;
    leaveFlight(job);
    let result: AttemptResult;
    try {
      result = rejected ? classifyError(answer) : classifyAnswer(answer as TransportResponse | undefined);
    } catch {
      // An answer whose fields throw when read is no answer.
      result = { kind: 'retry', problem: 'the transport resolved something unreadable', retryAfterMs: undefined };
    }
    if (result.kind === 'sent' && job.failures === 0 && job.payload === undefined) {
      // The steady state of an unbatched client: a first attempt delivered. It ends as
      // `attemptEnded` ends it, without the verdict's call and guard: `finish` calls no hook of
      // the user's for a job that never failed and has no batch payload, so nothing can throw.
      outbox?.remove(job.outboxKey);
      finish(job, 'sent', null);
      if (flushWatches.size > 0) noteForFlushes(job, 'sent');
      return;
    }
    if (result.kind !== 'sent') {
      job.lastFailure = {
        problem: result.problem,
        response: rejected ? undefined : (answer as TransportResponse | undefined),
        error: rejected ? answer : undefined,
        timedOut: false,
      };
    }
    attemptEnded(job, result);
  }

  /**
   * Classifies an answer; the clock is read only for an answer that asks to wait, whose
   * `Retry-After` may be a date (a delivered answer never needs the time). Without the time a
   * date's wait comes out `NaN`, not `undefined`, so it is classified again with the clock.
   */
  function classifyAnswer(answer: TransportResponse | undefined): AttemptResult {
    const result = classify(answer, NaN);
    return result.kind === 'retry' && result.retryAfterMs !== undefined ? classify(answer, Date.now()) : result;
  }

  /** Ends every attempt whose deadline has passed; re-arms itself for the oldest one left. */
  function sweep(): void {
    sweepTimer = undefined;
    const now = Date.now() - epoch;
    for (let job = oldest; job !== undefined; job = oldest) {
      // A deadline more than requestTimeout ahead means the clock was set back: that attempt expires too.
      if (now < job.deadline && job.deadline - now <= requestTimeout) {
        sweepTimer = startTimer(sweep, job.deadline - now);
        return;
      }
      leaveFlight(job);
      job.lastFailure = { problem: noAnswer, response: undefined, error: undefined, timedOut: true };
      attemptEnded(job, { kind: 'retry', problem: noAnswer, retryAfterMs: undefined });
    }
  }

  /**
   * Disarms the sweep once nothing is in flight. Called where the host waits for the pipeline
   * (flush, close), never per request: a sweep left armed costs nothing but keeps a timer alive,
   * which an edge runtime's isolate or a test counting timers sees after the handler is done.
   */
  function disarmSweepIfIdle(): void {
    if (flying > 0) return;
    stopTimer(sweepTimer);
    sweepTimer = undefined;
  }

  function joinFlight(job: Job): void {
    job.older = newest;
    job.newer = undefined;
    if (newest === undefined) oldest = job;
    else newest.newer = job;
    newest = job;
    flying += 1;
  }

  /** Only for a job in flight (with a ticket); a later answer to its attempt is ignored. */
  function leaveFlight(job: Job): void {
    const { older, newer, ticket } = job;
    if (ticket !== undefined) ticket.job = undefined;
    job.ticket = undefined;
    if (older === undefined) oldest = newer;
    else older.newer = newer;
    if (newer === undefined) newest = older;
    else newer.older = older;
    job.older = undefined;
    job.newer = undefined;
    flying -= 1;
  }

  /** The jobs in flight, oldest first. */
  function inFlightNow(): Job[] {
    const list: Job[] = [];
    for (let job = oldest; job !== undefined; job = job.newer) list.push(job);
    return list;
  }

  function attemptEnded(job: Job, result: AttemptResult): void {
    let end: AttemptEnd;
    try {
      end = afterAttempt(job, result);
    } catch (error) {
      // Only a bug of ours gets here; the job must still end, or close() would wait for it.
      log.error(`events: request to ${endpointPath(job.request.url)} failed unexpectedly: ${errorText(error)}`);
      if (job.outcome === undefined) finish(job, 'failed', toError(error));
      end = 'failed';
    }
    if (flushWatches.size > 0) noteForFlushes(job, end);
  }

  function noteForFlushes(job: Job, end: AttemptEnd): void {
    for (const watch of flushWatches) {
      if (!watch.jobs.delete(job)) continue;
      if (end === 'sent') watch.sent += job.events;
      else if (end !== 'retrying') watch.failed += job.events;
      if (job === watch.batch) watch.batchEnd = end;
      if (watch.jobs.size === 0) {
        flushWatches.delete(watch);
        watch.resolve();
      }
    }
  }

  /** Resolves once every attempt in flight now has ended: answered, expired, or dropped at close. */
  function watchInFlight(batchJob: Job | undefined): Promise<FlushWatch> {
    const watch: FlushWatch = {
      jobs: new Set(inFlightNow()),
      batch: batchJob,
      batchEnd: undefined,
      sent: 0,
      failed: 0,
      resolve: () => undefined,
    };
    if (watch.jobs.size === 0) return Promise.resolve(watch);
    return new Promise((resolve) => {
      watch.resolve = () => resolve(watch);
      flushWatches.add(watch);
    });
  }

  function afterAttempt(job: Job, result: AttemptResult): AttemptEnd {
    if (result.kind === 'sent') {
      outbox?.remove(job.outboxKey);
      finish(job, 'sent', null);
      return 'sent';
    }
    const verdict = tally.judge(job, result, policy, random);
    if (verdict.end === 'retrying') {
      job.retryTimer = startTimer(() => retryNow(job), verdict.delay);
      waiting.add(job);
    } else {
      if (verdict.refused) outbox?.remove(job.outboxKey);
      finish(job, verdict.end, verdict.error);
    }
    return verdict.end;
  }

  function retryNow(job: Job): void {
    stopTimer(job.retryTimer);
    waiting.delete(job);
    counts.retried += 1;
    attempt(job);
  }

  function finish(job: Job, outcome: Outcome, error: Error | null): void {
    job.outcome = outcome;
    if (job.retryTimer !== undefined) {
      stopTimer(job.retryTimer);
      job.retryTimer = undefined;
      waiting.delete(job);
    }
    liveJobs -= 1;
    jobEvents -= job.events;
    counts[outcome] += job.events;
    // Still in flight: dropped at the close deadline. Its attempt ends here, and a late answer is ignored.
    if (job.ticket !== undefined) {
      leaveFlight(job);
      if (flushWatches.size > 0) noteForFlushes(job, outcome);
    }
    if (job.payload !== undefined) notifyFlushCallback(batch, log, error, job.payload);
    if (job.failures > 0 && outcome !== 'dropped' && options.onRetriedRequest !== undefined)
      reportRetried(options, job, outcome === 'sent');
    if (liveJobs === 0 && onIdle !== undefined) onIdle();
  }

  /** Empties the batch queue into one request (or, in development mode, into nothing). */
  function dispatchQueue(): Dispatch {
    stopTimer(batchTimer);
    batchTimer = undefined;
    if (queue.length === 0) return { kind: 'empty' };
    const records = queue;
    queue = [];
    // Whatever happens to the batch below, the records' own outbox entries go: the batch
    // request takes their place in the same tick.
    for (const key of queuedKeys) outbox?.remove(key);
    queuedKeys = [];
    // As 1.73.0: in development mode the queue empties without a request or a flushCallback.
    if (developmentMode) return { kind: 'development', events: records.length };
    const request = batchOf(options.context, records, tally, batch, log);
    if (request === undefined) return { kind: 'unbuildable', events: records.length };
    return { kind: 'job', job: startJob(request, records.length, request.body ?? '') };
  }

  function onBatchTimer(): void {
    batchTimer = undefined;
    dispatchQueue();
  }

  /**
   * Sends the queue and waits for that request's attempt and every other attempt in flight at the
   * call: answered, or failed and left waiting for a retry (counted in `pending`). Never a back-off.
   */
  async function flushBatch(): Promise<FlushResult> {
    const dispatched = dispatchQueue();
    switch (dispatched.kind) {
      case 'development':
        return { status: true, message: FLUSH_MESSAGES.developmentMode, sent: 0, failed: 0, pending: pending() };
      case 'unbuildable':
        return { status: false, message: FLUSH_MESSAGES.failed, sent: 0, failed: dispatched.events, pending: pending() };
      case 'empty': {
        const { sent, failed } = await watchInFlight(undefined);
        disarmSweepIfIdle();
        return { status: false, message: FLUSH_MESSAGES.empty, sent, failed, pending: pending() };
      }
      case 'job': {
        const { sent, failed, batchEnd } = await watchInFlight(dispatched.job);
        disarmSweepIfIdle();
        return batchEnd === 'sent'
          ? { status: true, message: FLUSH_MESSAGES.sent, sent, failed, pending: pending() }
          : { status: false, message: FLUSH_MESSAGES.failed, sent, failed, pending: pending() };
      }
    }
  }

  async function awaitInFlight(): Promise<FlushResult> {
    const waited = flying;
    const { sent, failed } = await watchInFlight(undefined);
    disarmSweepIfIdle();
    log.info(`flushEvents: no batchEvents config present; waited for ${waited} request(s) in flight`);
    return { status: false, message: FLUSH_MESSAGES.noBatchQueue, sent, failed, pending: pending() };
  }

  /** Counts a request's events in, and starts it unless they are dropped or nothing is sent. */
  function admitJob(request: EventRequest, events: number, sentAt?: number): void {
    counts.enqueued += events;
    if (tally.admit(events, queue.length + jobEvents) && !developmentMode) startJob(request, events, undefined, sentAt);
  }

  function restore(): void {
    const entries = outbox?.restore() ?? [];
    if (entries.length === 0) return;
    const before = jobEvents;
    for (const entry of entries) admitJob(entry.request, eventCount(entry.events));
    log.info(`events: resending ${entries.length} request(s) (${jobEvents - before} event(s)) an earlier run left in the outbox`);
  }

  async function closeNow(timeoutMs: number): Promise<void> {
    if (batch !== undefined) dispatchQueue();
    for (const job of [...waiting]) retryNow(job);
    if (liveJobs > 0) {
      let deadline: TimerHandle | undefined;
      await new Promise<void>((resolve) => {
        onIdle = resolve;
        deadline = startTimer(resolve, timeoutMs);
      });
      onIdle = undefined;
      stopTimer(deadline);
    }
    let pastDeadline = 0;
    for (const job of [...waiting, ...inFlightNow()]) {
      pastDeadline += job.events;
      finish(job, 'dropped', droppedAtClose(job.request, timeoutMs));
    }
    // Nothing is in flight any more, and nothing new starts: the sweep has nothing left to do.
    disarmSweepIfIdle();
    tally.reportClose(pastDeadline, timeoutMs);
  }

  restore();

  return {
    batching: batch !== undefined,

    retryWaitingNow() {
      try {
        for (const job of [...waiting]) retryNow(job);
      } catch (error) {
        log.error(`events: sending pending events failed: ${errorText(error)}`);
      }
    },

    send(request, events, sentAt) {
      admitJob(request, eventCount(events), typeof sentAt === 'number' ? sentAt : undefined);
    },

    enqueue(record) {
      counts.enqueued += 1;
      if (!tally.admit(1, queue.length + jobEvents)) return;
      if (batch === undefined) {
        if (developmentMode) return;
        const request = getRequestOf(options.context, record, tally, log);
        if (request !== undefined) startJob(request, 1, undefined);
        return;
      }
      queue.push(record);
      if (outbox !== undefined && !developmentMode) queuedKeys.push(saveQueuedRecord(outbox, options.context, record));
      if (batchTimer === undefined) batchTimer = startTimer(onBatchTimer, batch.requestTimeIntervalMs);
      if (queue.length === batch.eventsPerRequest) dispatchQueue();
    },

    async flush() {
      try {
        return batch === undefined ? await awaitInFlight() : await flushBatch();
      } catch (error) {
        log.error(`flushEvents failed: ${errorText(error)}`);
        return { status: false, message: FLUSH_MESSAGES.failed, sent: 0, failed: 0, pending: pending() };
      }
    },

    close(timeoutMs) {
      if (closing === undefined) {
        tally.close();
        const limit = typeof timeoutMs === 'number' && timeoutMs >= 0 ? timeoutMs : 0;
        closing = closeNow(limit).catch((error: unknown) => log.error(`events: close failed: ${errorText(error)}`));
      }
      return closing;
    },

    stats() {
      return tally.stats(pending());
    },
  };
}
