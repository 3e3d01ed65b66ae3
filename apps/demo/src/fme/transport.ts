/**
 * How the FME part of the demo reaches the local collector. `init` (as vwo-fme-node-sdk 1.35.0)
 * has no collector URL: it addresses VWO's host, and a `gatewayService` would still send debug
 * and usage events to VWO. So the demo passes a transport that sends what the SDK addresses to
 * `https://dev.visualwebsiteoptimizer.com` to the collector instead, path and query unchanged,
 * refuses every other host (nothing leaves the machine), and counts what it delivered.
 */
import type { Transport, TransportResponse } from '@vwo/node';

const VWO_ORIGIN = /^https:\/\/dev\.visualwebsiteoptimizer\.com(?::443)?(?=\/)/;
const TIMEOUT_MS = 10_000;

/** What the SDK put on the wire, counted by the transport. */
export interface WireCount {
  /** Requests answered 200 (1.35.0's only success for a POST). */
  delivered: number;
  /** Events in those requests: one per `/events/t`, `ev.length` per `batch-events-v2`. */
  deliveredEvents: number;
  /** Requests answered otherwise, or not answered. */
  failed: number;
  /** `batch-events-v2` requests delivered. */
  batches: number;
  /** Settings fetches (`v2-settings`, `v2-pull`) answered 200. */
  settingsFetches: number;
}

function eventsIn(path: string, body: string | undefined): number {
  if (!path.includes('/server-side/batch-events-v2')) return path.includes('/events/t') ? 1 : 0;
  const ev = (JSON.parse(body ?? '{}') as { ev?: unknown[] }).ev;
  return Array.isArray(ev) ? ev.length : 0;
}

/** A transport to `collectorUrl` (a loopback URL) with its wire count. */
export function createCollectorTransport(collectorUrl: string): { transport: Transport; count: WireCount } {
  const count: WireCount = { delivered: 0, deliveredEvents: 0, failed: 0, batches: 0, settingsFetches: 0 };
  const base = collectorUrl.replace(/\/+$/, '');
  const transport: Transport = {
    async send(request): Promise<TransportResponse> {
      if (!VWO_ORIGIN.test(request.url)) {
        count.failed += 1;
        throw new Error(`the demo sends only to the local collector, not to ${request.url.split('?')[0]}`);
      }
      const path = request.url.replace(VWO_ORIGIN, '');
      try {
        const response = await fetch(base + path, {
          method: request.method,
          headers: request.headers,
          body: request.body,
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        const body = await response.text();
        if (response.status === 200) {
          count.delivered += 1;
          count.deliveredEvents += eventsIn(path, request.body);
          if (path.includes('/server-side/batch-events-v2')) count.batches += 1;
          if (/\/server-side\/v2-(settings|pull)\?/.test(path)) count.settingsFetches += 1;
        } else {
          count.failed += 1;
        }
        return { status: response.status, body, headers: Object.fromEntries(response.headers) };
      } catch (error) {
        count.failed += 1;
        throw error;
      }
    },
  };
  return { transport, count };
}
