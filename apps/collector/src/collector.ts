import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBatch } from './events/batch.js';
import { parseConversion, parseImpression, parsePush } from './events/classic.js';
import type { EventUnit } from './events/draft.js';
import { parseEventArch } from './events/event-arch.js';
import { fail, InvalidRequest, reasonOf, requireParam } from './events/fields.js';
import { isFmeQuery, parseFmeBatch, parseFmeEvent } from './events/fme.js';
import { describePlan, parseFaultPlan, takeFault } from './faults.js';
import { createLedger, type RequestInfo } from './ledger.js';
import { type ParsedQuery, parseQuery } from './query.js';
import { type Route, route, splitTarget } from './routes.js';
import { createSettingsRegistry } from './settings.js';
import type { ActiveFault, Collector, CollectorOptions, Endpoint, FaultPlan, FaultRule } from './types.js';

export const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_RECORDS = 100_000;
const JSON_TYPE = 'application/json; charset=utf-8';

/** True for addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost' || host === '::1' || host === '[::1]') return true;
  const v4 = /^(?:::ffff:)?127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/i.exec(host);
  return v4?.slice(1).every((octet) => Number(octet) <= 255) ?? false;
}

/** The answer a request would get, and how to record it; faults may replace the answer or skip the record. */
interface Outcome {
  readonly status: number;
  body(): string;
  commit(): void;
}

type BodyResult = Buffer | 'too-large' | 'aborted';

/**
 * Reads the body up to `limit` bytes. Past the limit the rest is discarded as it arrives
 * (the answer is 413 with `Connection: close`), so a huge upload never sits in memory.
 */
function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    return Promise.resolve('too-large');
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (result: BodyResult): void => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        settle('too-large');
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => settle(Buffer.concat(chunks)));
    req.on('error', () => settle('aborted'));
    req.on('close', () => settle(req.complete ? Buffer.concat(chunks) : 'aborted'));
  });
}

function parseJsonBody(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') fail('body', 'expected JSON (the body is empty)');
  try {
    return JSON.parse(text);
  } catch {
    fail('body', 'not valid JSON', text);
  }
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const hasBody = status !== 204 && status !== 304;
  res.writeHead(status, {
    'content-type': JSON_TYPE,
    ...CORS_HEADERS,
    ...headers,
    ...(hasBody ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
  });
  res.end(hasBody ? body : undefined);
}

const json = (value: unknown): string => JSON.stringify(value);

/**
 * Browser pages (the browser demo, the Chromium tests) post from another origin: every answer
 * allows any origin, and a preflight names the headers the SDK sends.
 */
const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'authorization, content-type, x-device-user-agent, vwo-x-forwarded-for',
  'access-control-max-age': '600',
} as const;

/** Starts a collector on a loopback address; resolves once it listens. */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopbackHost(host)) {
    throw new Error(`host: the collector binds only to loopback addresses (127.0.0.1, ::1, localhost), got ${host}`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`port: expected 0–65535, got ${port}`);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  for (const [name, value] of [
    ['maxBodyBytes', maxBodyBytes],
    ['maxRecords', maxRecords],
  ] as const) {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name}: expected a positive integer, got ${value}`);
  }

  const settings = createSettingsRegistry(options.settings, options.settingsByKey);
  const ledger = createLedger(maxRecords, settings.fmeIndexOf);
  let plan: ActiveFault[] = [];
  const delays = new Set<{ timer: NodeJS.Timeout; resolve: (alive: boolean) => void }>();
  let closing: Promise<void> | null = null;

  /** Resolves true after `ms`, or false at once if the collector closes meanwhile. */
  const sleep = (ms: number): Promise<boolean> =>
    new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          delays.delete(entry);
          resolve(true);
        }, ms),
        resolve,
      };
      delays.add(entry);
    });

  const rejection = (method: string, path: string, status: number, reason: string, error: string): Outcome => ({
    status,
    body: () => json({ error }),
    commit: () => ledger.reject(method, path, status, reason, error),
  });

  const acceptance = (info: RequestInfo, units: EventUnit[]): Outcome => {
    let duplicates: number | null = null;
    return {
      status: 200,
      body: () => json({ ok: true, events: units.length, duplicates: duplicates ?? ledger.duplicatesIn(units) }),
      commit: () => {
        duplicates = ledger.accept(info, units).duplicates;
      },
    };
  };

  function evaluate(
    endpoint: Endpoint,
    prefix: string | null,
    req: IncomingMessage,
    path: string,
    rawQuery: string,
    body: Buffer,
  ): Outcome {
    const method = req.method ?? 'GET';
    const query: ParsedQuery = parseQuery(rawQuery);
    const info = (parsedBody: unknown): RequestInfo => ({
      method,
      endpoint,
      prefix,
      path,
      rawQuery,
      query: query.pairs,
      params: query.params,
      headers: { ...req.headers },
      body: parsedBody,
    });
    try {
      switch (endpoint) {
        case 'settings':
        case 'pull':
        case 'v2-settings':
        case 'v2-pull': {
          const accountId = requireParam(query.params, 'a');
          const sdkKey = requireParam(query.params, 'i');
          const served = settings.resolve(accountId, sdkKey);
          if (served === undefined) {
            const error = `no settings for account ${JSON.stringify(accountId)} and SDK key ${JSON.stringify(sdkKey)}`;
            return rejection(method, path, 404, 'settings: none for this account and SDK key', error);
          }
          return { status: 200, body: () => served, commit: () => ledger.accept(info(null), []) };
        }
        case 'track-user':
          return acceptance(info(null), [parseImpression(query)]);
        case 'track-goal':
          return acceptance(info(null), [parseConversion(query)]);
        case 'push':
          return acceptance(info(null), [parsePush(query)]);
        case 'batch-events': {
          const parsed = parseJsonBody(body);
          return acceptance(info(parsed), parseBatch(query, parsed));
        }
        case 'event-arch': {
          const parsed = parseJsonBody(body);
          const unit = isFmeQuery(query)
            ? parseFmeEvent(query, parsed, settings.fmeRevenuePropOf)
            : parseEventArch(query, parsed, settings.revenuePropOf);
          return acceptance(info(parsed), [unit]);
        }
        case 'batch-events-v2': {
          const parsed = parseJsonBody(body);
          return acceptance(info(parsed), parseFmeBatch(query, req.headers.authorization, parsed, settings.fmeRevenuePropOf));
        }
      }
    } catch (error) {
      if (error instanceof InvalidRequest) return rejection(method, path, 400, reasonOf(error.invalid), error.message);
      throw error;
    }
  }

  function answerFault(res: ServerResponse, req: IncomingMessage, fault: FaultRule, outcome: Outcome): void {
    switch (fault.kind) {
      case 'drop':
        req.socket.destroy();
        return;
      case 'status': {
        const headers: Record<string, string> = {};
        if (fault.contentType !== undefined) headers['content-type'] = fault.contentType;
        const retryAfter = fault.retryAfter ?? (fault.status === 429 ? 1 : undefined);
        if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
        send(res, fault.status, fault.body ?? json({ error: `injected fault: ${fault.status}` }), headers);
        return;
      }
      case 'truncate': {
        const body = outcome.body();
        send(res, outcome.status, body.slice(0, Math.floor(body.length / 2)));
        return;
      }
      case 'invalid-json':
        send(res, outcome.status, 'injected fault: this body is not JSON');
        return;
      case 'delay':
        return;
    }
  }

  async function handleVwo(
    req: IncomingMessage,
    res: ServerResponse,
    target: Extract<Route, { kind: 'vwo' }>,
    path: string,
    rawQuery: string,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    ledger.countRequest(target.endpoint);
    if (method !== target.method) {
      req.resume();
      const error = `${method} ${path}: this endpoint takes ${target.method}`;
      const outcome = rejection(method, path, 405, 'method not allowed', error);
      outcome.commit();
      send(res, 405, outcome.body(), { allow: target.method });
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === 'aborted') return;
    if (body === 'too-large') {
      const error = `body too large: the limit is ${maxBodyBytes} bytes`;
      ledger.reject(method, path, 413, 'body too large', error);
      send(res, 413, json({ error }), { connection: 'close' });
      return;
    }
    let fault = takeFault(plan, target.endpoint, Date.now());
    if (fault !== null) ledger.countFault();
    if (fault?.kind === 'delay') {
      if (!(await sleep(fault.ms))) return;
      fault = null;
    }
    const outcome = evaluate(target.endpoint, target.prefix, req, path, rawQuery, body);
    if (fault === null) {
      outcome.commit();
      send(res, outcome.status, outcome.body());
      return;
    }
    if (fault.processed === true) outcome.commit();
    answerFault(res, req, fault, outcome);
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse, name: string, rawQuery: string) {
    const method = req.method ?? 'GET';
    const body = await readBody(req, maxBodyBytes);
    if (body === 'aborted') return;
    if (body === 'too-large') {
      send(res, 413, json({ error: `body too large: the limit is ${maxBodyBytes} bytes` }), { connection: 'close' });
      return;
    }
    const readJson = (): unknown => parseJsonBody(body);
    const routes: Record<string, Partial<Record<string, () => unknown>>> = {
      health: { GET: () => ({ ok: true, url: collector.url }) },
      stats: { GET: () => ledger.stats() },
      events: { GET: () => ({ events: ledger.events() }) },
      requests: { GET: () => ({ requests: ledger.received() }) },
      reset: {
        POST: () => {
          collector.reset();
          return { ok: true };
        },
      },
      faults: {
        GET: () => ({ faults: describePlan(plan, Date.now()) }),
        POST: () => ({ faults: collector.injectFaults(readJson() as FaultPlan) }),
      },
      settings: {
        POST: () => {
          const key = parseQuery(rawQuery).params.key;
          const value = readJson();
          try {
            collector.setSettings(value as never, key);
          } catch (error) {
            fail('body', (error as Error).message);
          }
          return { ok: true };
        },
      },
    };
    const handlers = Object.hasOwn(routes, name) ? routes[name] : undefined;
    if (!handlers) {
      send(res, 404, json({ error: `no such control endpoint: /_collector/${name}` }));
      return;
    }
    const handler = handlers[method];
    if (!handler) {
      const allowed = Object.keys(handlers).join(', ');
      send(res, 405, json({ error: `${method} /_collector/${name}: use ${allowed}` }), { allow: allowed });
      return;
    }
    try {
      send(res, 200, json(handler()));
    } catch (error) {
      if (error instanceof InvalidRequest) send(res, 400, json({ error: error.message }));
      else throw error;
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { path, rawQuery } = splitTarget(req.url ?? '/');
    if (req.method === 'OPTIONS') {
      // A CORS preflight is not a request of the SDK's: answered, not recorded.
      req.resume();
      send(res, 204, '');
      return;
    }
    const target = route(path);
    if (target.kind === 'control') return handleControl(req, res, target.name, rawQuery);
    if (target.kind === 'vwo') return handleVwo(req, res, target, path, rawQuery);
    const method = req.method ?? 'GET';
    ledger.countRequest(null);
    req.resume();
    const error = `no such endpoint: ${method} ${path}`;
    ledger.reject(method, path, 404, 'not found', error);
    send(res, 404, json({ error }));
  }

  const server = createServer({ keepAlive: true }, (req, res) => {
    req.on('error', () => {});
    res.on('error', () => {});
    handle(req, res).catch((error: unknown) => {
      // A bug must cost one answer, never the process.
      const message = error instanceof Error ? error.message : String(error);
      send(res, 500, json({ error: `internal error: ${message}` }));
    });
  });
  server.on('connection', () => ledger.countConnection());
  server.on('clientError', (_error, socket) => {
    if (socket.writable) {
      const body = json({ error: 'malformed HTTP request' });
      socket.end(
        `HTTP/1.1 400 Bad Request\r\ncontent-type: ${JSON_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
      );
    } else {
      socket.destroy();
    }
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', () => {});

  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const collector: Collector = {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    host: address.address,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const delay of delays) {
          clearTimeout(delay.timer);
          delay.resolve(false);
        }
        delays.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    received: () => ledger.received(),
    events: () => ledger.events(),
    stats: () => ledger.stats(),
    reset() {
      ledger.reset();
      plan = [];
    },
    setSettings(value, key) {
      settings.set(value, key);
    },
    injectFaults(faultPlan) {
      const now = Date.now();
      plan = parseFaultPlan(faultPlan, now);
      return describePlan(plan, now);
    },
  };
  return collector;
}
