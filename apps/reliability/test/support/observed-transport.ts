/**
 * The transport `launch` builds by default (`@vwo/transport-fetch` with `requestTimeout`), with a
 * counter around it: every attempt of every request, its answer, and the waits between retries of
 * one request (the client retries the same request object). It changes nothing the SDK sees.
 */
import type { Transport, TransportResponse } from '@vwo/node';
import { createFetchTransport } from '@vwo/transport-fetch';

type Request = Parameters<Transport['send']>[0];

interface Attempts {
  readonly events: number;
  readonly times: number[];
  readonly answeredAt: number[];
  /** Status, or 'error' when the transport rejected (no answer: time-out, reset, refused). */
  readonly outcomes: Array<number | 'error'>;
  readonly retryAfterMs: Array<number | undefined>;
}

export interface TransportFigures {
  readonly requests: number;
  readonly attempts: number;
  /** Attempts that got no answer: the collector may have processed them (at-least-once). */
  readonly unanswered: number;
  /** Events carried by unanswered attempts that were later attempted again: the most duplicates at-least-once allows. */
  readonly duplicateAllowance: number;
  readonly statuses: Record<string, number>;
  /** Events of requests whose last attempt got no answer: counted as lost, but the collector may have them. */
  readonly lostUnanswered: number;
  /** The shortest wait observed after an answer that carried Retry-After, and that header's value. */
  readonly retryAfter: { readonly answers: number; readonly shortestWaitMs: number | null; readonly askedMs: number | null };
  /** The most attempts any one request needed. */
  readonly maxAttempts: number;
}

export function observedTransport(timeoutMs: number): { transport: Transport; figures: () => TransportFigures } {
  const inner = createFetchTransport({ timeoutMs });
  const byRequest = new Map<Request, Attempts>();
  const transport: Transport = {
    async send(request) {
      let entry = byRequest.get(request);
      if (!entry) {
        entry = { events: eventsIn(request), times: [], answeredAt: [], outcomes: [], retryAfterMs: [] };
        byRequest.set(request, entry);
      }
      entry.times.push(Date.now());
      let response: TransportResponse;
      try {
        response = await inner.send(request);
      } catch (error) {
        entry.answeredAt.push(Date.now());
        entry.outcomes.push('error');
        entry.retryAfterMs.push(undefined);
        throw error;
      }
      entry.answeredAt.push(Date.now());
      entry.outcomes.push(response.status);
      const header = response.headers?.['retry-after'];
      entry.retryAfterMs.push(header === undefined ? undefined : Number(header) * 1000);
      return response;
    },
  };
  const figures = (): TransportFigures => {
    let attempts = 0;
    let unanswered = 0;
    let duplicateAllowance = 0;
    let maxAttempts = 0;
    let lostUnanswered = 0;
    let answers = 0;
    let shortestWaitMs: number | null = null;
    let askedMs: number | null = null;
    const statuses: Record<string, number> = {};
    for (const entry of byRequest.values()) {
      attempts += entry.times.length;
      maxAttempts = Math.max(maxAttempts, entry.times.length);
      if (entry.outcomes.at(-1) === 'error') lostUnanswered += entry.events;
      entry.outcomes.forEach((outcome, i) => {
        statuses[String(outcome)] = (statuses[String(outcome)] ?? 0) + 1;
        const retried = i + 1 < entry.times.length;
        if (outcome === 'error') {
          unanswered += 1;
          if (retried) duplicateAllowance += entry.events;
        }
        const asked = entry.retryAfterMs[i];
        if (asked !== undefined && retried) {
          answers += 1;
          const wait = entry.times[i + 1]! - entry.answeredAt[i]!;
          if (shortestWaitMs === null || wait < shortestWaitMs) {
            shortestWaitMs = wait;
            askedMs = asked;
          }
        }
      });
    }
    return {
      requests: byRequest.size,
      attempts,
      unanswered,
      duplicateAllowance,
      lostUnanswered,
      statuses,
      retryAfter: { answers, shortestWaitMs, askedMs },
      maxAttempts,
    };
  };
  return { transport, figures };
}

function eventsIn(request: Request): number {
  if (request.method !== 'POST' || typeof request.body !== 'string') return 1;
  try {
    const body = JSON.parse(request.body) as { ev?: unknown };
    return Array.isArray(body.ev) ? body.ev.length : 1;
  } catch {
    return 1;
  }
}
