/**
 * vwo-fme-node-sdk 1.35.0's settings GET (its `NetworkClient.GET` and `SettingsService.fetchSettings`):
 * which answers it accepts, which it retries, the text of each failure, and the `vwo_sdkDebug`
 * event it sends after a fetch that needed a retry or failed, at `init`, polling and `updateSettings`.
 * The judging and wording of an answer are its platform's HTTP client's ({@link FmeSettingsHttpClient}):
 * Node's `http` client here, the browser build's `XMLHttpRequest` client in `@vwo/browser`.
 */
import type { Transport, TransportResponse } from '../../client/types.js';
import { withDeadline } from '../../util/deadline.js';
import { startTimer } from '../../util/timers.js';
import { isTimeoutError, nodeHttpErrorText, retryDebugProps } from './network-debug.js';

/** The API 1.35.0 names in a settings fetch's debug event: polling counts as `init`. */
export type FmeSettingsApi = 'init' | 'updateSettings';

/** How one settings fetch ended, with the debug event 1.35.0 sends for it. */
export interface FmeSettingsFetchOutcome {
  /** Whether an attempt yielded a JSON document. */
  readonly ok: boolean;
  /** The parsed document when `ok`. */
  readonly file: unknown;
  /** The last attempt's error, in 1.35.0's words (`undefined` when the first attempt succeeded). */
  readonly error: string | undefined;
  /**
   * What 1.35.0's `updateSettings` reports as the error of a failed fetch: its rejected response
   * model as JSON (`{"statusCode":500,"totalAttempts":3,"error":"…"}`); `undefined` when `ok`.
   */
  readonly rejection: string | undefined;
  /** The `vwoMeta` properties of the `vwo_sdkDebug` event 1.35.0 sends, or `undefined` when it sends none. */
  readonly debugMeta: Readonly<Record<string, unknown>> | undefined;
}

/** What {@link fetchFmeSettings} needs. */
export interface FmeSettingsFetchOptions {
  /** Sends the GETs. */
  readonly transport: Transport;
  /** The settings URL (`fmeSettingsUrl`). */
  readonly url: string;
  /** Each attempt is bounded by this many ms; one unanswered by then fails with 1.35.0's `timeout`. */
  readonly timeoutMs: number;
  /** The waits before each retry (`initialDelay · backoffMultiplier^k` s in 1.35.0); empty: no retry. */
  readonly waitsMs: readonly number[];
  /** The API the debug event names. */
  readonly apiName: FmeSettingsApi;
  /** The clock of the debug event's session id (default `Date.now`). */
  readonly now?: () => number;
  /** How the platform's 1.35.0 client judges answers and words failures ({@link FME_NODE_HTTP_CLIENT} for Node's). */
  readonly httpClient: FmeSettingsHttpClient;
}

/** One answer to a settings GET, as the transport gave it. */
export interface FmeSettingsAnswer {
  /** The HTTP status (`undefined` when the transport resolved none). */
  readonly status: number | undefined;
  /** The status line's reason phrase, when the transport tells it. */
  readonly statusText: string | undefined;
  /** The response headers, lower-case names; `undefined` when the transport reports none. */
  readonly headers: Readonly<Record<string, string>> | undefined;
  /** The response text (`''` when none). */
  readonly body: string;
}

/**
 * What one attempt came to: the file, or a failure that is retried after the next wait
 * (`retry`), ends the fetch at once (`refused`), or ends it at once unreported (`abandoned`: the
 * client never settles, so it sends no debug event and names no failure).
 */
export type FmeSettingsAttempt =
  | {
      /** The answer is the file. */
      readonly kind: 'ok';
      /** The parsed settings file. */
      readonly file: unknown;
    }
  | {
      /** How the fetch goes on: retried, ended reported, or ended unreported. */
      readonly kind: 'retry' | 'refused' | 'abandoned';
      /** The failure in the client's words (the debug event's `err`). */
      readonly error: string;
    };

/** 1.35.0's HTTP client of one platform: how it judges a settings answer and words each failure. */
export interface FmeSettingsHttpClient {
  /** Judges an answer (any status). */
  readonly read: (answer: FmeSettingsAnswer) => FmeSettingsAttempt;
  /** The text of a request that got no answer (refused, reset, closed). */
  readonly networkErrorText: (error: unknown) => string;
  /** The text of an attempt that outlived the time-out. */
  readonly timeoutText: string;
  /** Whether its response model of a `refused` fetch was given `error` before `totalAttempts` (the order `updateSettings` reports). */
  readonly refusalNamesErrorFirst: boolean;
}

/**
 * Node's `http` client of 1.35.0: an answer counts only with a JSON content type and a JSON body
 * (checked before the status, so a 400 in plain text is retried); a 2xx is the file, a 400 fails
 * at once, anything else is retried. A custom transport that reports no headers is taken as JSON.
 */
export const FME_NODE_HTTP_CLIENT: FmeSettingsHttpClient = {
  read({ status, headers, body }) {
    const contentType = headers ? (headers['content-type'] ?? headers['Content-Type']) : 'application/json';
    if (!/^application\/json/.test(String(contentType))) {
      return {
        kind: 'retry',
        error: `Invalid content-type.\nExpected application/json but received ${String(contentType)}. Status Code: ${String(status)}`,
      };
    }
    let file: unknown;
    try {
      file = JSON.parse(body);
    } catch (error) {
      return { kind: 'retry', error: error instanceof Error ? error.message : String(error) };
    }
    if (status === undefined || status < 200 || status >= 300) {
      return { kind: status === 400 ? 'refused' : 'retry', error: `${body}, Status Code: ${String(status)}` };
    }
    return { kind: 'ok', file };
  },
  networkErrorText: nodeHttpErrorText,
  timeoutText: 'timeout',
  refusalNamesErrorFirst: true,
};

type Attempt = FmeSettingsAttempt & { readonly status: number | undefined };

/**
 * Fetches the settings as 1.35.0 does: an answer counts only with a JSON content type and a JSON
 * body; a 2xx is the file, a 400 fails at once, anything else (and a network error or time-out) is
 * retried after each of `waitsMs`. Never rejects.
 *
 * @example
 * const outcome = await fetchFmeSettings({ transport, url, timeoutMs: 10_000, waitsMs: [2000, 4000, 8000], apiName: 'init' });
 * if (outcome.debugMeta) sendDebugEvent(outcome.debugMeta);
 */
export async function fetchFmeSettings(options: FmeSettingsFetchOptions): Promise<FmeSettingsFetchOutcome> {
  const path = settingsPath(options.url);
  let lastError: string | undefined;
  for (let retries = 0; ; retries++) {
    const attempt = await attemptOnce(options);
    if (attempt.kind === 'ok') {
      const debugMeta = retries > 0 ? meta(attempt.status, path, retries, lastError, options) : undefined;
      return { ok: true, file: attempt.file, error: lastError, rejection: undefined, debugMeta };
    }
    lastError = attempt.error;
    const wait = options.waitsMs[retries];
    if (attempt.kind !== 'retry' || wait === undefined) {
      const { status } = attempt;
      // The fields in the order 1.35.0's response model was given them.
      const model =
        attempt.kind === 'refused' && options.httpClient.refusalNamesErrorFirst
          ? { statusCode: status, error: lastError, totalAttempts: retries }
          : { statusCode: status, totalAttempts: retries, error: lastError };
      return {
        ok: false,
        file: undefined,
        error: lastError,
        rejection: JSON.stringify(model),
        debugMeta: attempt.kind === 'abandoned' ? undefined : meta(status, path, retries, lastError, options),
      };
    }
    await new Promise<void>((resolve) => startTimer(resolve, wait));
  }
}

async function attemptOnce(options: FmeSettingsFetchOptions): Promise<Attempt> {
  const client = options.httpClient;
  let response: TransportResponse | undefined;
  const started = Date.now();
  try {
    response = await withDeadline(() => options.transport.send({ method: 'GET', url: options.url }), options.timeoutMs, 'GET settings');
  } catch (error) {
    // 1.35.0's clients name a time-out alike, whichever side gave up first.
    const timedOut = Date.now() - started >= options.timeoutMs || isTimeoutError(error);
    return { kind: 'retry', error: timedOut ? client.timeoutText : client.networkErrorText(error), status: undefined };
  }
  let status: number | undefined;
  let statusText: string | undefined;
  let headers: Readonly<Record<string, string>> | undefined;
  let body = '';
  try {
    status = typeof response?.status === 'number' ? response.status : undefined;
    headers = response?.headers ?? undefined;
    body = typeof response?.body === 'string' ? response.body : '';
    statusText = typeof response?.statusText === 'string' ? response.statusText : undefined;
  } catch {
    // A hostile answer reads as one without a body: it fails the client's checks.
  }
  return { ...client.read({ status, statusText, headers, body }), status };
}

/**
 * 1.35.0's debug event for the fetch: worded by the last answer's status (a success after a 201,
 * or a failure after a 200 with a bad body, is worded the other way, as 1.35.0 does).
 */
function meta(
  status: number | undefined,
  path: string,
  retries: number,
  error: string | undefined,
  options: FmeSettingsFetchOptions,
): Record<string, unknown> {
  const props: Record<string, unknown> = retryDebugProps(status === 200, { extraData: path, attempts: retries, err: error ?? '' });
  props.an = options.apiName;
  props.sId = Math.ceil((options.now ?? Date.now)() / 1000);
  return props;
}

/** `/server-side/v2-settings` or `/server-side/v2-pull`: 1.35.0 names the endpoint, never a gateway's host. */
function settingsPath(url: string): string {
  const match = /\/server-side\/[^?#]*/.exec(url);
  return match ? match[0] : (url.split('?')[0] ?? url);
}
