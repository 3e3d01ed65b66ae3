/**
 * vwo-node-sdk 1.73.0 launched for real (not in development mode), with Node's `https` stubbed
 * so that every request it sends is captured in-process and answered 200, and its clock and
 * `Math.random` pinned through its FunctionUtil. Also: a comparable form of a request, the
 * same for the reference's captured requests and for ours.
 */
import { createRequire } from 'node:module';
import { vi } from 'vitest';
import { reference } from './reference.js';

const require = createRequire(import.meta.url);
const lib = (path: string) => require(`vwo-node-sdk/lib/${path}`);

const FunctionUtil = lib('utils/FunctionUtil') as Record<string, unknown>;
const UrlService = lib('services/UrlService') as { collectionPrefix?: string };
const https = require('node:https') as Record<'get' | 'request', (...args: unknown[]) => unknown>;

/** The public API of a live 1.73.0 instance (synchronous mode: no promises, no async storage). */
export interface LiveReference {
  activate(campaignKey: string, userId: string, options?: object): string | null;
  getVariationName(campaignKey: string, userId: string, options?: object): string | null;
  isFeatureEnabled(campaignKey: string, userId: string, options?: object): boolean;
  getFeatureVariableValue(campaignKey: string, variableKey: string, userId: string, options?: object): unknown;
  track(campaignSpecifier: unknown, userId: string, goalIdentifier: string, options?: object): unknown;
  push(...args: unknown[]): unknown;
  flushEvents(): Promise<{ status: boolean; message: string }>;
  setOptOut(): boolean;
}

/** One HTTP request as it left the process. */
export interface CapturedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** A fake `IncomingMessage` answering 200 with `{}`; emits synchronously after the handler subscribed. */
function answer200(onResponse: unknown): void {
  if (typeof onResponse !== 'function') return;
  const handlers: Record<string, ((chunk?: string) => void)[]> = {};
  const response = {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    setEncoding: () => undefined,
    on(event: string, handler: (chunk?: string) => void) {
      const list = handlers[event] ?? [];
      list.push(handler);
      handlers[event] = list;
      return response;
    },
  };
  onResponse(response);
  for (const handler of handlers.data ?? []) handler('{}');
  for (const handler of handlers.end ?? []) handler();
}

const headerText = (headers: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries((headers ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]));

/**
 * Replaces `https.get` and `https.request` (vitest spies, restored by `restore`) with stubs that
 * record each request and answer it at once with 200 `{}`.
 */
export function interceptHttps(): { take(): CapturedRequest[]; restore(): void } {
  let captured: CapturedRequest[] = [];
  const get = vi.spyOn(https, 'get').mockImplementation(((
    options: { hostname: string; path: string; headers?: unknown },
    onResponse: unknown,
  ) => {
    captured.push({ method: 'GET', url: `https://${options.hostname}${options.path}`, headers: headerText(options.headers) });
    answer200(onResponse);
    return { on: () => undefined };
  }) as never);
  const request = vi.spyOn(https, 'request').mockImplementation(((
    options: { method: string; hostname: string; path: string; headers?: unknown },
    onResponse: unknown,
  ) => {
    let body = '';
    const req = {
      on: () => req,
      write: (chunk: string) => {
        body += chunk;
      },
      end: () => {
        captured.push({
          method: options.method,
          url: `https://${options.hostname}${options.path}`,
          headers: headerText(options.headers),
          body,
        });
        answer200(onResponse);
      },
    };
    return req;
  }) as never);
  return {
    take() {
      const taken = captured;
      captured = [];
      return taken;
    },
    restore() {
      get.mockRestore();
      request.mockRestore();
    },
  };
}

const originalClock = {
  getCurrentUnixTimestamp: FunctionUtil.getCurrentUnixTimestamp,
  getCurrentUnixTimestampInMillis: FunctionUtil.getCurrentUnixTimestampInMillis,
  getRandomNumber: FunctionUtil.getRandomNumber,
};

/** Pins 1.73.0's clock (`now` in ms) and its `Math.random` for every event it builds. */
export function pinReferenceClock(now: number, random: number): void {
  FunctionUtil.getCurrentUnixTimestamp = () => Math.ceil(now / 1000);
  FunctionUtil.getCurrentUnixTimestampInMillis = () => now;
  FunctionUtil.getRandomNumber = () => random;
}

export function unpinReferenceClock(): void {
  Object.assign(FunctionUtil, originalClock);
}

const silent = { log: () => undefined };

/**
 * Launches 1.73.0 for real with a silent logger at `logging.level` (so the usage statistics
 * carry `cl=1` and `ll=<level>`). Process-wide state it keeps is reset first: the sticky
 * collection prefix. The file is deep-copied because 1.73.0 mutates it.
 */
export function launchLive(file: object, options: Record<string, unknown> = {}, level = 4): LiveReference {
  UrlService.collectionPrefix = undefined;
  const info = console.info;
  console.info = () => undefined;
  try {
    return reference.launch({
      settingsFile: JSON.parse(JSON.stringify(file)),
      logging: { level, logger: silent },
      ...options,
    }) as unknown as LiveReference;
  } finally {
    console.info = info;
  }
}

/** A request as a server reads it: endpoint, decoded query parameters in order, the headers that matter, the JSON body. */
export interface WireRequest {
  method: string;
  endpoint: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: unknown;
}

/** The headers compared (lower-case names): everything else is transport detail. */
const HEADERS = ['authorization', 'user-agent', 'x-device-user-agent', 'vwo-x-forwarded-for'];

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/**
 * Splits a request into what must match: `Content-Length` is left out (checked separately
 * against the body), query values are percent-decoded once (1.73.0 leaves some raw that we
 * may encode), and the body is parsed.
 */
export function wireRequest(request: CapturedRequest): WireRequest {
  const q = request.url.indexOf('?');
  const endpoint = q === -1 ? request.url : request.url.slice(0, q);
  const query =
    q === -1
      ? []
      : request.url
          .slice(q + 1)
          .split('&')
          .filter((pair) => pair !== '')
          .map((pair): [string, string] => {
            const eq = pair.indexOf('=');
            return eq === -1 ? [decode(pair), ''] : [decode(pair.slice(0, eq)), decode(pair.slice(eq + 1))];
          });
  const headers: Record<string, string> = {};
  const names = Object.keys(request.headers).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  for (const name of names) {
    if (HEADERS.includes(name.toLowerCase())) headers[name.toLowerCase()] = request.headers[name] as string;
  }
  const wire: WireRequest = { method: request.method, endpoint, query, headers };
  if (request.body !== undefined) {
    try {
      wire.body = JSON.parse(request.body);
    } catch {
      wire.body = { unparsable: request.body };
    }
  }
  return wire;
}

/** Whether `Content-Length` (if sent) is the UTF-8 byte length of the body. */
export function contentLengthOk(request: CapturedRequest): boolean {
  const entry = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'content-length');
  if (entry === undefined) return request.body === undefined;
  return Number(entry[1]) === Buffer.byteLength(request.body ?? '');
}
