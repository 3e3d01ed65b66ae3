import type {
  BatchEventsConfig,
  EventOutbox,
  EventStats,
  FlushResult,
  Logger,
  RetryConfig,
  Transport,
  TransportResponse,
} from '../client/types.js';
import type { EventContext, EventRecord, EventRequest } from '../events/types.js';
import type { AttemptResult } from './retry.js';

/** What {@link createDelivery} needs; the client fills it from its `ClientConfig`. */
export interface DeliveryOptions {
  /** Sends requests; `undefined` only in development mode (without one nothing is sent). */
  readonly transport: Transport | undefined;
  /** Read when a batch is built, not when its events were queued: settings may be swapped in between. */
  readonly context: () => EventContext;
  /** Already level-filtered and safe: it never throws. */
  readonly logger: Logger;
  /** Present → batch-queue mode (events.md §11). */
  readonly batchEvents?: BatchEventsConfig;
  /**
   * Nothing leaves the process. Events are still counted as `enqueued` and the batch queue
   * still fills and empties at its sizes, but no event counts as `sent`: the events a flush
   * discards just leave `pending`.
   */
  readonly isDevelopmentMode?: boolean;
  /** Events held at most: queued, in flight or awaiting a retry (default 10,000). More are dropped and counted. */
  readonly maxPendingEvents?: number;
  /**
   * Default 5 retries, 1000 ms doubling, +0–20 % jitter: waits of 1, 2, 4, 8 and 16 s as 1.73.0, plus
   * jitter. `multiplier` replaces the doubling (vwo-fme-node-sdk's `backoffMultiplier`).
   */
  readonly retry?: RetryConfig & { readonly multiplier?: number };
  /**
   * Which answers count as delivered, refused or worth a retry (default: 1.73.0's rule, any 2xx
   * delivered, a 4xx other than 408/429 refused); the FME client passes 1.35.0's `classifyFmeResponse`.
   */
  readonly classifyResponse?: (response: TransportResponse | undefined, now: number) => AttemptResult;
  /** A number in [0, 1) for the jitter (default `Math.random`). */
  readonly random?: () => number;
  /** Keeps unsent requests across restarts; what it restores is sent at creation. */
  readonly outbox?: EventOutbox;
  /**
   * Each attempt gets this many ms (default 10,000); an attempt the transport has not answered by
   * then is a failed attempt (retried as a network error), and its late answer is ignored.
   */
  readonly requestTimeout?: number;
  /**
   * Called once a request has ended after a failed attempt: delivered by a retry, or failed for good
   * (vwo-fme-node-sdk reports both to VWO). Never for a request delivered at its first attempt, nor
   * for one dropped at close. A hook that throws is logged.
   */
  readonly onRetriedRequest?: (request: EventRequest, report: RetriedRequestReport) => void;
}

/** How a request that needed a retry, or failed for good, ended; see {@link DeliveryOptions.onRetriedRequest}. */
export interface RetriedRequestReport {
  /** Whether an attempt delivered it. */
  readonly delivered: boolean;
  /** Attempts made after the first. */
  readonly retries: number;
  /** The last failed attempt. */
  readonly lastFailure: AttemptFailure;
}

/** One failed attempt: why, and what the transport answered or threw. */
export interface AttemptFailure {
  /** The delivery's description, as in its log lines. */
  readonly problem: string;
  /** The HTTP answer, when the transport resolved one in time. */
  readonly response: TransportResponse | undefined;
  /** What the transport rejected or threw, when it did. */
  readonly error: unknown;
  /** No answer within `requestTimeout`. */
  readonly timedOut: boolean;
}

/** The event pipeline of one client: batching, retries, bounds, flush and close. Never throws. */
export interface Delivery {
  /**
   * Sends this request now (one HTTP request carrying `events` events), retrying on failure.
   * `sentAt`: `Date.now()` as the caller read it a moment ago (an event's own time stamp), which
   * the attempt's deadline counts from instead of reading the clock again; omit it when unsure.
   */
  send(request: EventRequest, events: number, sentAt?: number): void;
  /**
   * Queues one record for the next batch (batch-queue mode). The batch goes out when the queue
   * length equals `eventsPerRequest`, or `requestTimeInterval` seconds after the first event
   * queued since the last batch (1.73.0). Without a batch queue the record is sent as a GET.
   * Only for records the client built with its own event context: their visitor and event ids
   * go into the batch body without being checked for characters JSON escapes.
   */
  enqueue(record: EventRecord): void;
  /** Whether a batch queue is configured: the client then enqueues records instead of sending requests. */
  readonly batching: boolean;
  /**
   * Batch mode: sends the queue as one request and resolves, with 1.73.0's messages, once that
   * request and every other request in flight at the call have had their attempt: sent, or failed
   * and left waiting for a retry (counted in `pending`), or failed for good. Without a batch queue:
   * resolves 1.73.0's "No batchEvents config present in launch API" once the requests in flight at
   * the call have had their attempt. Never waits for a back-off; each attempt is bounded by
   * `requestTimeout`, so neither mode waits longer than that. Never rejects.
   */
  flush(): Promise<FlushResult>;
  /** Attempts every request waiting for a retry now, without waiting for the answers. */
  retryWaitingNow(): void;
  /**
   * Stops the batch timer, sends the queue, attempts every waiting retry at once and waits up to
   * `timeoutMs` for all of it; whatever is still pending then is dropped, counted, and reported
   * in one log line. Idempotent: later calls return the same promise. Never rejects.
   */
  close(timeoutMs: number): Promise<void>;
  /** Totals since creation; `pending` is the events queued, in flight or awaiting a retry now. */
  stats(): EventStats;
}
