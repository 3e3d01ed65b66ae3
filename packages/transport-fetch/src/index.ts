/**
 * `@vwo/transport-fetch`: the SDK's {@link Transport} on WHATWG `fetch`, with a time-out. It uses
 * only what Node 18+, browsers and edge runtimes share (`fetch`, `AbortSignal`, `URL`): no Node
 * built-ins, no `process`, no `Buffer`.
 *
 * @packageDocumentation
 */
import type { Transport } from '@vwo/core';

/** Options of {@link createFetchTransport}. */
export interface FetchTransportOptions {
  /**
   * The whole request (connect, send, headers and body of the answer) must finish within this
   * many ms, else `send` rejects (default 10,000). A positive number; fractions round up.
   */
  readonly timeoutMs?: number;
  /** The `fetch` to call (default the global `fetch`, looked up at each request). */
  readonly fetch?: typeof fetch;
  /** Headers sent with every request; a request's own headers win over these (names compare case-insensitively). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The default of {@link FetchTransportOptions.timeoutMs}. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/**
 * Request headers that `fetch` computes itself or that some runtime refuses: browsers ignore
 * them (forbidden header names); Node 20's fetch rejects `keep-alive`, `transfer-encoding`,
 * `upgrade` and `expect`, and waits for ever on a `content-length` that disagrees with the body
 * (checked by hand). Dropped silently, so that the same request works everywhere.
 */
const DROPPED_HEADERS = /^(connection|content-length|expect|host|keep-alive|te|trailer|transfer-encoding|upgrade)$/;

/**
 * A {@link Transport} that sends each request with one `fetch` call.
 *
 * `send` resolves `{ status, statusText, body, headers }` for every HTTP answer, 4xx and 5xx included (the
 * client decides what to retry); `body` is the response text and `headers` has lower-case names.
 * It rejects only when no answer arrived: a network error or the time-out. The error's message
 * names the method, the URL's origin and path (never the query string, which carries the SDK
 * key) and the cause; the original error is its `cause`.
 *
 * @throws RangeError when `timeoutMs` is not a positive number (at construction, never from `send`).
 *
 * @example
 * import { createFetchTransport } from '@vwo/transport-fetch';
 * const transport = createFetchTransport({ timeoutMs: 5_000 });
 * const { status, body } = await transport.send({ method: 'GET', url: 'https://example.com/' });
 */
export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new RangeError(`createFetchTransport: timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  }
  const wait = Math.ceil(timeoutMs);
  const customFetch = options.fetch;
  const defaultHeaders = options.headers ? mergeHeaders({}, options.headers) : {};

  return {
    async send({ method, url, headers, body }) {
      const doFetch = customFetch ?? globalThis.fetch;
      if (typeof doFetch !== 'function')
        throw new Error(`${method} ${safeUrl(url)} failed: this runtime has no global fetch; pass options.fetch`);
      const timer = startTimer(wait);
      try {
        const response = await doFetch(url, {
          method,
          headers: headers ? mergeHeaders({ ...defaultHeaders }, headers) : defaultHeaders,
          // A GET with a body is a TypeError in fetch; the body of a GET means nothing anyway.
          body: method === 'GET' ? undefined : body,
          signal: timer.signal,
        });
        // Read inside the time-out: a server that sends headers and then stalls must not hang us.
        const text = await response.text();
        return { status: response.status, statusText: response.statusText, body: text, headers: headerRecord(response.headers) };
      } catch (error) {
        throw requestFailed(method, url, error, timer.signal.aborted ? wait : undefined);
      } finally {
        timer.clear();
      }
    },
  };
}

/**
 * The error a fetch transport rejects with when no answer came: `GET https://host/path failed:
 * timed out after 5000 ms` when `timedOutAfterMs` is given, else `… failed: network error
 * (<the innermost reasons of error>)`. It names the method and the URL's origin and path, never
 * the query string (it carries the SDK key) or user info; `error` is its `cause`. Exported for
 * `@vwo/browser`'s page sender, which fetches itself and must fail with the same texts.
 *
 * @example
 * requestFailed('GET', 'https://h.example/p?i=key', new TypeError('Failed to fetch')).message;
 * // 'GET https://h.example/p failed: network error (Failed to fetch)'
 */
export function requestFailed(method: string, url: string, error: unknown, timedOutAfterMs?: number): Error {
  const where = safeUrl(url);
  // Some runtimes quote the whole URL in their message (Node: `Failed to parse URL from …`).
  const cause =
    timedOutAfterMs === undefined ? `network error (${describe(error).split(url).join(where)})` : `timed out after ${timedOutAfterMs} ms`;
  return new Error(`${method} ${where} failed: ${cause}`, { cause: error });
}

interface Timer {
  readonly signal: AbortSignal;
  clear(): void;
}

const noop = () => {};

function startTimer(ms: number): Timer {
  // AbortSignal.timeout's timer does not keep a Node process alive and needs no clean-up.
  if (typeof AbortSignal.timeout === 'function') return { signal: AbortSignal.timeout(ms), clear: noop };
  const controller = new AbortController();
  const id = setTimeout(() => controller.abort(), ms);
  return { signal: controller.signal, clear: () => clearTimeout(id) };
}

/** Copies `from` into `into` with lower-case names, so that `Content-Type` replaces `content-type`. */
function mergeHeaders(into: Record<string, string>, from: Readonly<Record<string, string>>): Record<string, string> {
  for (const name of Object.keys(from)) {
    const value = from[name];
    const key = name.toLowerCase();
    if (value != null && !DROPPED_HEADERS.test(key)) into[key] = String(value);
  }
  return into;
}

function headerRecord(headers: Headers | undefined): Record<string, string> {
  // No prototype: a header named `__proto__` or `constructor` is just a header.
  const out: Record<string, string> = Object.create(null);
  if (headers && typeof headers.forEach === 'function') {
    headers.forEach((value, name) => {
      const key = name.toLowerCase();
      // Runtimes that list each `set-cookie` separately: keep them all, as `Headers.get` joins them.
      out[key] = key in out ? `${out[key]}, ${value}` : value;
    });
  }
  return out;
}

/** Origin and path only: the query string holds the SDK key, and user info may hold a password. */
function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return String(url).split(/[?#]/, 1)[0];
  }
}

/** The innermost useful reason: Node's fetch says `fetch failed` and keeps `ECONNREFUSED …` in `cause`. */
function describe(error: unknown): string {
  const parts: string[] = [];
  for (let depth = 0, current = error; depth < 4 && current != null; depth++, current = (current as Error).cause) {
    const message = current instanceof Error ? current.message : String(current);
    if (message && !parts.includes(message)) parts.push(message);
  }
  return parts.join(': ') || 'unknown error';
}
