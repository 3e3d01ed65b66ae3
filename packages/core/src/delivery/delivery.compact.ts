/**
 * The browser build's event pipeline (tsup.config.ts takes it for `delivery.ts`): the same
 * batching, retries, bounds, counts, flush and close answers, and the same requests, written for
 * size, with shorter log lines. The attempts in flight are a Set in the order they started (so in
 * deadline order: every attempt gets the same requestTimeout), swept by one timer, as the server
 * build's linked list is: no timer per request.
 * test/delivery.test.ts runs on both builds.
 */
import type { EventStats, FlushResult, TransportResponse } from '../client/types.js';
import { batchRequest, toGetRequest } from '../events/requests.js';
import type { EventRecord, EventRequest } from '../events/types.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, positiveMs } from '../util/deadline.js';
import { startTimer, stopTimer, type TimerHandle } from '../util/timers.js';
import {
  batchSettings,
  createOutboxAccess,
  DEFAULT_MAX_PENDING_EVENTS,
  DROP_LOG_EVERY,
  eventCount,
  FLUSH_MESSAGES,
  type OutboxAccess,
  positiveInteger,
  toError,
} from './parts.js';
import { type AttemptResult, classifyError, classifyResponse, endpointPath, errorText, retryDelay, retryPolicy } from './retry.js';
import type { AttemptFailure, Delivery, DeliveryOptions } from './types.js';

export { FLUSH_MESSAGES } from './parts.js';

type Outcome = 'sent' | 'failed' | 'dropped';
/** What one attempt led to. */
type AttemptEnd = Outcome | 'retrying';

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
  outcome: Outcome | undefined;
  /** The wait for the next attempt. */
  timer: TimerHandle | undefined;
  /** The last failed attempt, kept for `onRetriedRequest`. */
  lastFailure: AttemptFailure | undefined;
}

/** A `flush()` waiting for the attempts in flight at its call. */
interface FlushWatch {
  readonly jobs: Set<Job>;
  /** The batch this flush dispatched, if any, and how its attempt ended. */
  readonly batch: Job | undefined;
  batchEnd: AttemptEnd | undefined;
  sent: number;
  failed: number;
  resolve: () => void;
}

/** Creates the event pipeline of one client (see delivery.ts). */
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

  const counts = { enqueued: 0, sent: 0, retried: 0, failed: 0, dropped: 0 };
  let queue: EventRecord[] = [];
  const outbox = createOutboxAccess(options.outbox, log);
  /** Outbox keys of the queued records, in queue order (only with an outbox). */
  let queuedKeys: Array<string | undefined> = [];
  let batchTimer: TimerHandle | undefined;
  let liveJobs = 0;
  let jobEvents = 0;
  const waiting = new Set<Job>();
  /** In the order their attempts started. */
  const flying = new Set<Job>();
  /** Armed while attempts are in flight, for the earliest deadline. */
  let sweep: TimerHandle | undefined;
  const flushWatches = new Set<FlushWatch>();
  let onIdle: (() => void) | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  let failedDuringClose = 0;
  let fullDrops = 0;
  let unreportedFullDrops = 0;
  let reportedDropAfterClose = false;

  const pending = () => queue.length + jobEvents;

  /** Whether `events` more fit; if not they are dropped, counted and (rate-limited) logged. */
  function admit(events: number): boolean {
    if (closed) {
      counts.dropped += events;
      if (!reportedDropAfterClose) {
        reportedDropAfterClose = true;
        log.warn(`events: dropped ${events} event(s) after close; later drops are only counted`);
      }
      return false;
    }
    if (pending() + events <= maxPending) return true;
    counts.dropped += events;
    fullDrops += events;
    if (fullDrops === events) {
      log.warn(`events: dropped ${events} event(s): ${maxPending} pending (maxPendingEvents); one line per ${DROP_LOG_EVERY} more`);
    } else {
      unreportedFullDrops += events;
      if (unreportedFullDrops < DROP_LOG_EVERY) return false;
      log.warn(`events: dropped ${unreportedFullDrops} more events (${fullDrops} in all)`);
      unreportedFullDrops = 0;
    }
    return false;
  }

  function startJob(request: EventRequest, events: number, payload?: string): Job {
    const job: Job = {
      request,
      events,
      payload,
      outboxKey: outbox?.save({ request, events }),
      failures: 0,
      attempts: 0,
      deadline: 0,
      outcome: undefined,
      timer: undefined,
      lastFailure: undefined,
    };
    liveJobs += 1;
    jobEvents += events;
    attempt(job);
    return job;
  }

  function attempt(job: Job): void {
    const n = ++job.attempts;
    job.deadline = Date.now() + requestTimeout;
    flying.add(job);
    armSweep();
    let answer: unknown;
    try {
      answer = (transport as NonNullable<typeof transport>).send(job.request);
    } catch (error) {
      // A transport that throws synchronously failed its attempt like one that rejects.
      answer = Promise.reject(error);
    }
    // A transport may also return a non-promise, or a promise that never settles (the deadline ends that attempt).
    Promise.resolve(answer).then(
      (response: unknown) => answered(job, n, response, false),
      (error: unknown) => answered(job, n, error, true),
    );
  }

  function answered(job: Job, n: number, answer: unknown, rejected: boolean): void {
    // Expired at its deadline, or dropped at close, before this answer: it changes nothing.
    if (job.attempts !== n || job.deadline === 0) return;
    const now = Date.now();
    const expired = now >= job.deadline;
    let result: AttemptResult;
    try {
      // Past its deadline but its timer not run yet: late all the same, whatever the timer order.
      if (expired) result = { kind: 'retry', problem: noAnswer, retryAfterMs: undefined };
      else result = rejected ? classifyError(answer) : classify(answer as TransportResponse | undefined, now);
    } catch {
      // An answer whose fields throw when read is no answer.
      result = { kind: 'retry', problem: 'the transport resolved something unreadable', retryAfterMs: undefined };
    }
    if (result.kind !== 'sent') {
      job.lastFailure = {
        problem: result.problem,
        response: rejected || expired ? undefined : (answer as TransportResponse | undefined),
        error: rejected ? answer : undefined,
        timedOut: expired,
      };
    }
    ended(job, result);
  }

  /** Time left before `job`'s deadline, or 0 once it passed (or lies beyond requestTimeout: the clock was set back). */
  function timeLeft(job: Job, now: number): number {
    const left = job.deadline - now;
    return left > 0 && left <= requestTimeout ? left : 0;
  }

  function armSweep(): void {
    if (sweep !== undefined) return;
    for (const first of flying) {
      sweep = startTimer(runSweep, timeLeft(first, Date.now()));
      return;
    }
  }

  /** Expires the attempts whose deadline passed, by the clock: a timer that fires early changes nothing. */
  function runSweep(): void {
    sweep = undefined;
    const now = Date.now();
    for (const job of flying) {
      if (timeLeft(job, now) > 0) break;
      job.lastFailure = { problem: noAnswer, response: undefined, error: undefined, timedOut: true };
      ended(job, { kind: 'retry', problem: noAnswer, retryAfterMs: undefined });
    }
    armSweep();
  }

  /** Takes a job out of flight (a late answer is then ignored) and stops its retry wait. */
  function land(job: Job): void {
    stopTimer(job.timer);
    job.timer = undefined;
    job.deadline = 0;
    flying.delete(job);
  }

  /** Called where the host waits for the pipeline (flush, close), never per request, as the server build does. */
  function disarmSweepIfIdle(): void {
    if (flying.size > 0) return;
    stopTimer(sweep);
    sweep = undefined;
  }

  function ended(job: Job, result: AttemptResult): void {
    land(job);
    let end: AttemptEnd;
    try {
      end = afterAttempt(job, result);
    } catch (error) {
      // Only a bug of ours gets here; the job must still end, or close() would wait for it.
      log.error(`events: request to ${endpointPath(job.request.url)} failed unexpectedly: ${errorText(error)}`);
      if (job.outcome === undefined) finish(job, 'failed', toError(error));
      end = 'failed';
    }
    noteForFlushes(job, end);
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
  function watchInFlight(batchJob?: Job): Promise<FlushWatch> {
    const watch: FlushWatch = { jobs: new Set(flying), batch: batchJob, batchEnd: undefined, sent: 0, failed: 0, resolve: () => {} };
    return watch.jobs.size === 0
      ? Promise.resolve(watch)
      : new Promise((resolve) => {
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
    const attempts = ++job.failures;
    const path = endpointPath(job.request.url);
    const { problem } = result;
    if (result.kind === 'refused') {
      log.error(`events: ${path} refused ${job.events} event(s) with ${problem}; not retried`);
      outbox?.remove(job.outboxKey);
      finish(job, 'failed', new Error(`VWO refused the request to ${path}: ${problem}`));
      return 'failed';
    }
    if (attempts > policy.retries) {
      log.error(
        `events: gave up on ${job.events} event(s) to ${path} after ${attempts} attempts; last: ${problem}` +
          (job.outboxKey === undefined ? '' : '; kept in the outbox for the next start'),
      );
      finish(job, 'failed', new Error(`Request to ${path} failed after ${attempts} attempts: ${problem}`));
      return 'failed';
    }
    if (closed) {
      // The attempt close() made at once failed too: no waiting any more.
      failedDuringClose += job.events;
      finish(job, 'dropped', new Error(`Request to ${path} failed during close: ${problem}`));
      return 'dropped';
    }
    const delay = retryDelay(policy, attempts - 1, random, result.retryAfterMs);
    log.debug(`events: ${path} failed (${problem}); retry ${attempts} of ${policy.retries} in ${Math.round(delay)} ms`);
    job.timer = startTimer(() => retryNow(job), delay);
    waiting.add(job);
    return 'retrying';
  }

  function retryNow(job: Job): void {
    stopTimer(job.timer);
    waiting.delete(job);
    counts.retried += 1;
    attempt(job);
  }

  function finish(job: Job, outcome: Outcome, error: Error | null): void {
    job.outcome = outcome;
    waiting.delete(job);
    liveJobs -= 1;
    jobEvents -= job.events;
    counts[outcome] += job.events;
    // Still in flight: dropped at the close deadline. Its attempt ends here, and a late answer is ignored.
    if (job.deadline !== 0) noteForFlushes(job, outcome);
    land(job);
    if (job.payload !== undefined) notify(error, job.payload);
    if (job.failures > 0 && outcome !== 'dropped' && options.onRetriedRequest !== undefined) {
      try {
        options.onRetriedRequest(job.request, {
          delivered: outcome === 'sent',
          retries: job.attempts - 1,
          lastFailure: job.lastFailure ?? { problem: 'unknown', response: undefined, error: undefined, timedOut: false },
        });
      } catch (thrown) {
        log.error(`events: onRetriedRequest threw: ${errorText(thrown)}`);
      }
    }
    if (liveJobs === 0) onIdle?.();
  }

  function notify(error: Error | null, payload: string): void {
    const callback = batch?.flushCallback;
    try {
      callback?.(error, payload);
    } catch (thrown) {
      log.error(`events: batchEvents.flushCallback threw: ${errorText(thrown)}`);
    }
  }

  /** Empties the batch queue into one request: the job, or the events it leaves unsent (development mode, or unbuildable). */
  function dispatchQueue(): Job | number {
    stopTimer(batchTimer);
    batchTimer = undefined;
    const records = queue;
    if (records.length === 0) return 0;
    queue = [];
    // Whatever happens to the batch below, the records' own outbox entries go: the batch
    // request takes their place in the same tick.
    for (const key of queuedKeys) outbox?.remove(key);
    queuedKeys = [];
    // As 1.73.0: in development mode the queue empties without a request or a flushCallback.
    if (developmentMode) return records.length;
    let request: EventRequest;
    try {
      // The queue holds only records the client built with its own context (Delivery.enqueue).
      request = batchRequest(options.context(), records, true);
    } catch (error) {
      counts.failed += records.length;
      log.error(`events: could not build the batch of ${records.length} event(s): ${errorText(error)}`);
      notify(toError(error), '');
      return -records.length;
    }
    log.debug(`events: sending a batch of ${records.length} event(s)`);
    return startJob(request, records.length, request.body ?? '');
  }

  /** Sends the queue and waits for that request's attempt and every other attempt in flight at the call. */
  async function flushBatch(): Promise<FlushResult> {
    const dispatched = dispatchQueue();
    if (typeof dispatched === 'number' && dispatched !== 0) {
      return developmentMode
        ? { status: true, message: FLUSH_MESSAGES.developmentMode, sent: 0, failed: 0, pending: pending() }
        : { status: false, message: FLUSH_MESSAGES.failed, sent: 0, failed: -dispatched, pending: pending() };
    }
    const job = dispatched || undefined;
    const { sent, failed, batchEnd } = await watchInFlight(job);
    const message = job === undefined ? FLUSH_MESSAGES.empty : batchEnd === 'sent' ? FLUSH_MESSAGES.sent : FLUSH_MESSAGES.failed;
    return { status: message === FLUSH_MESSAGES.sent, message, sent, failed, pending: pending() };
  }

  async function awaitInFlight(): Promise<FlushResult> {
    const waited = flying.size;
    const { sent, failed } = await watchInFlight();
    log.info(`flushEvents: no batchEvents config present; waited for ${waited} request(s) in flight`);
    return { status: false, message: FLUSH_MESSAGES.noBatchQueue, sent, failed, pending: pending() };
  }

  /** Counts a request's events in, and starts it unless it is dropped or nothing is sent. */
  function admitJob(request: EventRequest, events: number): void {
    counts.enqueued += events;
    if (admit(events) && !developmentMode) startJob(request, events);
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
    for (const job of [...waiting, ...flying]) {
      pastDeadline += job.events;
      finish(job, 'dropped', new Error(`Dropped at close: no answer from ${endpointPath(job.request.url)} within ${timeoutMs} ms`));
    }
    disarmSweepIfIdle();
    const atClose = pastDeadline + failedDuringClose;
    const earlier =
      unreportedFullDrops > 0 ? `${unreportedFullDrops} more events dropped earlier, the queue being full (${fullDrops} in all)` : '';
    unreportedFullDrops = 0;
    if (atClose > 0) {
      const reasons: string[] = [];
      if (pastDeadline > 0) reasons.push(`${pastDeadline} still pending after the ${timeoutMs} ms close timeout`);
      if (failedDuringClose > 0) reasons.push(`${failedDuringClose} whose last attempt, made at close, failed`);
      log.warn(`events: dropped ${atClose} events at close: ${reasons.join(', ')}${earlier && `; ${earlier}`}`);
    } else if (earlier) {
      log.warn(`events: ${earlier}`);
    }
  }

  // What an earlier run left in the outbox goes out first.
  const restored = outbox?.restore() ?? [];
  if (restored.length > 0) {
    const before = jobEvents;
    for (const entry of restored) admitJob(entry.request, eventCount(entry.events));
    log.info(`events: resending ${restored.length} request(s) (${jobEvents - before} event(s)) from the outbox`);
  }

  return {
    batching: batch !== undefined,

    retryWaitingNow() {
      try {
        for (const job of [...waiting]) retryNow(job);
      } catch (error) {
        log.error(`events: sending pending events failed: ${errorText(error)}`);
      }
    },

    send(request, events) {
      admitJob(request, eventCount(events));
    },

    enqueue(record) {
      counts.enqueued += 1;
      if (!admit(1)) return;
      if (batch === undefined) {
        if (developmentMode) return;
        let request: EventRequest;
        try {
          request = toGetRequest(options.context(), record);
        } catch (error) {
          counts.failed += 1;
          log.error(`events: could not build the request of a ${record.type} event: ${errorText(error)}`);
          return;
        }
        startJob(request, 1);
        return;
      }
      queue.push(record);
      if (outbox !== undefined && !developmentMode) queuedKeys.push(saveQueuedRecord(outbox, record));
      batchTimer ??= startTimer(() => {
        batchTimer = undefined;
        dispatchQueue();
      }, batch.requestTimeIntervalMs);
      if (queue.length === batch.eventsPerRequest) dispatchQueue();
    },

    async flush() {
      try {
        const result = batch === undefined ? await awaitInFlight() : await flushBatch();
        disarmSweepIfIdle();
        return result;
      } catch (error) {
        log.error(`flushEvents failed: ${errorText(error)}`);
        return { status: false, message: FLUSH_MESSAGES.failed, sent: 0, failed: 0, pending: pending() };
      }
    },

    close(timeoutMs) {
      if (closing === undefined) {
        closed = true;
        const limit = typeof timeoutMs === 'number' && timeoutMs >= 0 ? timeoutMs : 0;
        closing = closeNow(limit).catch((error: unknown) => log.error(`events: close failed: ${errorText(error)}`));
      }
      return closing;
    },

    stats(): EventStats {
      return { ...counts, pending: pending() };
    },
  };

  /** Until the batch goes out, a queued record waits in the outbox as its own GET. */
  function saveQueuedRecord(access: OutboxAccess, record: EventRecord): string | undefined {
    try {
      return access.save({ request: toGetRequest(options.context(), record), events: 1 });
    } catch {
      return undefined; // The batch will fail to build too, and say why.
    }
  }
}
