/**
 * vwo-fme-node-sdk 1.35.0's settings GET (its `NetworkClient.GET` and `SettingsService.fetchSettings`):
 * which answers it accepts, which it retries, the text of each failure, and the `vwo_sdkDebug`
 * event it sends after a fetch that needed a retry or failed, at `init`, polling and `updateSettings`.
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
}

type Attempt =
  | { readonly kind: 'ok'; readonly file: unknown; readonly status: number }
  | { readonly kind: 'retry' | 'refused'; readonly error: string; readonly status: number | undefined };

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
    if (attempt.kind === 'refused' || wait === undefined) {
      const { status } = attempt;
      // The fields in the order 1.35.0's response model was given them.
      const model =
        attempt.kind === 'refused'
          ? { statusCode: status, error: lastError, totalAttempts: retries }
          : { statusCode: status, totalAttempts: retries, error: lastError };
      return {
        ok: false,
        file: undefined,
        error: lastError,
        rejection: JSON.stringify(model),
        debugMeta: meta(status, path, retries, lastError, options),
      };
    }
    await new Promise<void>((resolve) => startTimer(resolve, wait));
  }
}

async function attemptOnce(options: FmeSettingsFetchOptions): Promise<Attempt> {
  let response: TransportResponse | undefined;
  const started = Date.now();
  try {
    response = await withDeadline(() => options.transport.send({ method: 'GET', url: options.url }), options.timeoutMs, 'GET settings');
  } catch (error) {
    // 1.35.0's http client names a time-out `timeout`, whichever side gave up first.
    const timedOut = Date.now() - started >= options.timeoutMs || isTimeoutError(error);
    return { kind: 'retry', error: timedOut ? 'timeout' : nodeHttpErrorText(error), status: undefined };
  }
  let status: number | undefined;
  let headers: Readonly<Record<string, string>> | undefined;
  let raw = '';
  try {
    status = typeof response?.status === 'number' ? response.status : undefined;
    headers = response?.headers ?? undefined;
    raw = typeof response?.body === 'string' ? response.body : '';
  } catch {
    // A hostile answer reads as one without a body: it fails the checks below.
  }
  // 1.35.0 checks the content type before the status, so a 400 in plain text is retried. A custom
  // transport that reports no headers at all is taken at its word.
  const contentType = headers ? (headers['content-type'] ?? headers['Content-Type']) : 'application/json';
  if (!/^application\/json/.test(String(contentType))) {
    return {
      kind: 'retry',
      error: `Invalid content-type.\nExpected application/json but received ${String(contentType)}. Status Code: ${String(status)}`,
      status,
    };
  }
  let file: unknown;
  try {
    file = JSON.parse(raw);
  } catch (error) {
    return { kind: 'retry', error: error instanceof Error ? error.message : String(error), status };
  }
  if (status === undefined || status < 200 || status >= 300) {
    const error = `${raw}, Status Code: ${String(status)}`;
    return { kind: status === 400 ? 'refused' : 'retry', error, status };
  }
  return { kind: 'ok', file, status };
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
