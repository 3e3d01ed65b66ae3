/**
 * What both builds of the event pipeline share (delivery.ts, and delivery.compact.ts in the
 * browser build): 1.73.0's flush messages and batch settings, the outbox behind calls that
 * never throw, and the readings of counts.
 */
import type { OutboxEntry } from '../client/types.js';
import { errorText } from './retry.js';
import type { DeliveryOptions } from './types.js';

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
    log.warn(`events: the event outbox's ${method} failed (${errorText(error)}); events still go out but may not survive a restart`);
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
  if (typeof value !== 'object' || value === null) return false;
  const { request } = value as { request?: unknown };
  if (typeof request !== 'object' || request === null) return false;
  const { method, url } = request as { method?: unknown; url?: unknown };
  return (method === 'GET' || method === 'POST') && typeof url === 'string';
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
