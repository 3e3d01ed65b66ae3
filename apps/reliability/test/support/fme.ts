/**
 * What the FME sections share: a settings file, a loopback server standing in for VWO's FME
 * endpoints with faults on demand, and a transport that sends what the client addresses to
 * `dev.visualwebsiteoptimizer.com` to that server and counts every attempt.
 *
 * Why a server of its own: the local collector (apps/collector) answers the legacy endpoints
 * only (no `/server-side/v2-settings`, no FME event envelopes), so these sections count FME
 * events here — per envelope, de-duplicated by its whole text, which every resend keeps (`d.msgId`
 * is the user's UUID and the millisecond: two impressions of one `getFlag` share it).
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Transport, TransportResponse } from '@vwo/node';
import { checkoutFlagSettings, listenOnLoopback } from '@vwo/test-support';
import { createFetchTransport } from '@vwo/transport-fetch';
import type { LogLine } from './helpers.js';

export { FME_ACCOUNT_ID, FME_SDK_KEY } from '@vwo/test-support';

/**
 * One flag, `checkout`: a 100 % rollout (variable `color` = `blue`) and an A/B test over every
 * user (`blue` / `green`), so every `getFlag` sends two impressions; event `purchase`.
 */
export function fmeSettings(): Record<string, unknown> {
  return checkoutFlagSettings({ rolloutColor: 'blue', metricType: 'REVENUE_TRACKING', abTest: true });
}

/** How the server answers, switchable during a run. */
export type FmeFault =
  | { readonly kind: 'none' }
  /** Every request answered with this status. */
  | { readonly kind: 'status'; readonly status: number }
  /** Answered (200) only after `ms`. */
  | { readonly kind: 'delay'; readonly ms: number }
  /** Never answered: the connection is held until the server closes. */
  | { readonly kind: 'hang' }
  /** The connection is destroyed without an answer. */
  | { readonly kind: 'reset' }
  /** 200 with a body that is not JSON (for the settings fetch: half a file). */
  | { readonly kind: 'malformed' };

export interface FmeServer {
  readonly url: string;
  /** What the settings endpoints serve when there is no fault. */
  settings: unknown;
  fault: FmeFault;
  /** Settings fetches received. */
  settingsFetches(): number;
  /** Distinct events recorded (a resend counts once), and every arrival (duplicates included), by name. */
  events(): { distinct: number; arrivals: number; byName: Record<string, number> };
  /** Stops listening; held connections are destroyed. */
  close(): Promise<void>;
}

export async function startFmeServer(settings: unknown = fmeSettings()): Promise<FmeServer> {
  const seen = new Set<string>();
  const byName: Record<string, number> = {};
  let arrivals = 0;
  let fetches = 0;
  const sockets = new Set<Socket>();
  const state = { settings, fault: { kind: 'none' } as FmeFault };

  const record = (path: string, body: string) => {
    try {
      const parsed = JSON.parse(body) as { ev?: unknown };
      const envelopes = path.includes('/server-side/batch-events-v2') && Array.isArray(parsed.ev) ? parsed.ev : [parsed];
      for (const envelope of envelopes as Array<{ d?: { msgId?: string; event?: { name?: string } } }>) {
        arrivals += 1;
        // A resend carries the very same body; `d.msgId` alone is not unique (user UUID + ms).
        const id = JSON.stringify(envelope);
        if (seen.has(id)) continue;
        seen.add(id);
        const name = envelope?.d?.event?.name ?? '?';
        byName[name] = (byName[name] ?? 0) + 1;
      }
    } catch {
      // Not an event body: nothing to record (the client never sends one).
    }
  };

  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const path = request.url ?? '/';
      const isSettings = /\/server-side\/v2-(settings|pull)/.test(path);
      if (isSettings) fetches += 1;
      const fault = state.fault;
      if (fault.kind === 'hang') return;
      if (fault.kind === 'reset') return void request.socket.destroy();
      if (fault.kind === 'status') return void response.writeHead(fault.status).end();
      if (fault.kind === 'malformed') {
        if (!isSettings && request.method === 'POST') record(path, body);
        const text = JSON.stringify(state.settings);
        return void response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(isSettings ? text.slice(0, text.length >> 1) : '{"ok":');
      }
      const answer = () => {
        if (isSettings) response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(state.settings));
        else {
          // Recorded when answered, as VWO would have processed it by then.
          if (request.method === 'POST') record(path, body);
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        }
      };
      if (fault.kind === 'delay') setTimeout(answer, fault.ms);
      else answer();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const url = await listenOnLoopback(server);
  return {
    url,
    get settings() {
      return state.settings;
    },
    set settings(value) {
      state.settings = value;
    },
    get fault() {
      return state.fault;
    },
    set fault(value) {
      state.fault = value;
    },
    settingsFetches: () => fetches,
    events: () => ({ distinct: seen.size, arrivals, byName: { ...byName } }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

type Request = Parameters<Transport['send']>[0];

/** The share of `requestTimeout` after which an answer may already have been given up on. */
const LATE_ANSWER = 0.9;

export interface CountingTransport {
  readonly transport: Transport;
  /** Events handed to the transport (each request once, however often it was attempted). */
  events(): number;
  /** Of those, `vwo_sdkDebug` events: the SDK's reports to VWO (of a batch given up on, say). */
  debugEvents(): number;
  requests(): number;
  attempts(): number;
  /** Attempts that got no answer (the transport rejected). */
  unanswered(): number;
  /**
   * Events of requests whose last attempt got no answer: the SDK counts them as lost, but the
   * server may have recorded them (at-least-once), so they may be both recorded and logged lost.
   */
  lostUnanswered(): number;
}

/**
 * The fetch transport, pointed at `target` instead of VWO's host, counting each request (the
 * delivery retries the very same request object) and its attempts. `inner` replaces fetch for
 * faults no server can produce (a promise that never settles).
 */
export function countingTransport(target: string, timeoutMs: number, inner?: Transport): CountingTransport {
  const http = inner ?? createFetchTransport({ timeoutMs });
  const byRequest = new Map<Request, { events: number; debug: number; lastAnswered: boolean | undefined }>();
  let attempts = 0;
  let unanswered = 0;
  const transport: Transport = {
    async send(request) {
      let entry = byRequest.get(request);
      if (!entry) {
        entry = { events: eventsIn(request), debug: debugEventsIn(request), lastAnswered: undefined };
        byRequest.set(request, entry);
      }
      attempts += 1;
      const url = request.url.replace(/^https:\/\/dev\.visualwebsiteoptimizer\.com(:443)?/, target);
      const started = performance.now();
      try {
        const response = (await http.send({ ...request, url })) as TransportResponse;
        // An answer at the very end of requestTimeout may reach the transport after the client's
        // own deadline expired the attempt: for the client that attempt had no answer.
        entry.lastAnswered = performance.now() - started < LATE_ANSWER * timeoutMs;
        return response;
      } catch (error) {
        unanswered += 1;
        entry.lastAnswered = false;
        throw error;
      }
    },
  };
  const sum = (pick: (entry: { events: number; debug: number; lastAnswered: boolean | undefined }) => boolean) => {
    let total = 0;
    for (const entry of byRequest.values()) if (pick(entry)) total += entry.events;
    return total;
  };
  return {
    transport,
    events: () => sum(() => true),
    debugEvents: () => {
      let total = 0;
      for (const entry of byRequest.values()) total += entry.debug;
      return total;
    },
    requests: () => byRequest.size,
    attempts: () => attempts,
    unanswered: () => unanswered,
    // A request still in flight (never answered) counts too: close() gave up on it.
    lostUnanswered: () => sum((entry) => entry.lastAnswered !== true),
  };
}

function debugEventsIn(request: Request): number {
  if (request.method !== 'POST' || typeof request.body !== 'string' || !request.body.includes('vwo_sdkDebug')) return 0;
  try {
    const body = JSON.parse(request.body) as { ev?: unknown };
    const envelopes = (Array.isArray(body.ev) ? body.ev : [body]) as Array<{ d?: { event?: { name?: string } } }>;
    return envelopes.filter((envelope) => envelope?.d?.event?.name === 'vwo_sdkDebug').length;
  } catch {
    return 0;
  }
}

function eventsIn(request: Request): number {
  if (request.method !== 'POST' || typeof request.body !== 'string') return 0; // the settings GET carries none
  try {
    const body = JSON.parse(request.body) as { ev?: unknown };
    return Array.isArray(body.ev) ? body.ev.length : 1;
  } catch {
    return 1;
  }
}

/** vwo-fme-node-sdk's `logger` option, keeping every line (the console stays silent). */
export function fmeLogCapture(level = 'WARN'): {
  logger: { level: string; transport: { log(level: string, message: string): void } };
  lines: LogLine[];
} {
  const lines: LogLine[] = [];
  return {
    lines,
    logger: {
      level,
      transport: {
        log: (lineLevel, message) => {
          if (lines.length < 100_000) lines.push({ level: lineLevel as LogLine['level'], message });
        },
      },
    },
  };
}
