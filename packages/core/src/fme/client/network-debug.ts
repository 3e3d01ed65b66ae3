/**
 * vwo-fme-node-sdk 1.35.0's network debug events (fme/events.md §6): after an event request that
 * needed a retry (`NETWORK_CALL_SUCCESS_WITH_RETRIES`, category `retry`) or failed for good
 * (`NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES`, category `network`), it sends a `vwo_sdkDebug` event
 * naming the API, the request and the last error. Only user events (impressions, custom events,
 * attributes) and batch requests are reported; the SDK's own events (init, usage, debug) are not.
 */

import type { RetriedRequestReport } from '../../delivery/types.js';
import type { EventRequest } from '../../events/types.js';
import { isPlainObject } from '../../util/types.js';
import type { FmeSettings } from '../settings/model.js';

/** An event request handed to the delivery, with what its debug event needs that the body lacks. */
export interface FmeTransportRequest extends EventRequest {
  /** The feature whose `getFlag` sent this impression; `undefined` for other requests. */
  readonly featureKey: string | undefined;
  /** Whether a failure of this request is reported to VWO (1.35.0's `sendPostApiRequest` and batch requests). */
  readonly reportsNetworkFailure: boolean;
}

const MESSAGES = {
  NETWORK_CALL_SUCCESS_WITH_RETRIES:
    'Network call for {extraData} succeeded after {attempts} retry attempt(s). Previous attempts failed with error: {err}',
  NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES: 'Network call for {extraData} failed after {attempts} retry attempt(s). Got Error: {err}',
} as const;

type Json = Record<string, unknown>;

/** 1.35.0's own event names: a batch counts every other name as a conversion event. */
const SDK_EVENT_NAMES: ReadonlySet<string> = new Set([
  'vwo_variationShown',
  'vwo_syncVisitorProp',
  'vwo_log',
  'vwo_fmeSdkInit',
  'vwo_sdkUsageStats',
  'vwo_sdkDebug',
]);

/**
 * The `vwoMeta` properties 1.35.0 reports for `request` (in its order: `cg`, `msg_t`, `msg`, `lt`,
 * `an`, `sId`, then `uuid` for user events), or `undefined` when 1.35.0 reports nothing for it.
 *
 * @example
 * networkDebugMeta(request, { delivered: true, retries: 1, lastFailure }, settings, 10_000, Date.now());
 * // { cg: 'retry', msg_t: 'NETWORK_CALL_SUCCESS_WITH_RETRIES', msg: 'Network call for setAttribute succeeded after 1 retry attempt(s). …', lt: 'info', an: 'setAttribute', sId: 1796575398, uuid: '5B1A…' }
 */
export function networkDebugMeta(
  request: EventRequest,
  report: RetriedRequestReport,
  settings: FmeSettings | undefined,
  requestTimeout: number,
  now: number,
): Json | undefined {
  const tagged = request as Partial<FmeTransportRequest>;
  if (tagged.reportsNetworkFailure !== true) return undefined;
  let body: Json = {};
  try {
    const parsed: unknown = JSON.parse(request.body ?? '');
    if (isPlainObject(parsed)) body = parsed;
  } catch {
    // An unreadable body names no session or visitor: the debug event still goes out.
  }
  const origin = Array.isArray(body.ev) ? batchOrigin(body.ev) : userEventOrigin(body, tagged.featureKey, settings);
  const data = { extraData: origin.extraData, attempts: report.retries, err: errorText(report, requestTimeout) };
  const meta: Json = retryDebugProps(report.delivered, data);
  if (origin.apiName) meta.an = origin.apiName;
  const d = isPlainObject(body.d) ? body.d : {};
  // 1.35.0 reads the session from the payload; a batch has none and takes the clock's.
  meta.sId = d.sessionId ? d.sessionId : Math.ceil(now / 1000);
  if (origin.userEvent) meta.uuid = d.visId;
  return meta;
}

/**
 * The first four `vwoMeta` properties of 1.35.0's `createNetWorkAndRetryDebugEvent`: `cg`, `msg_t`,
 * `msg`, `lt`, worded as a success with retries or as a failure after the last retry.
 *
 * @example
 * retryDebugProps(false, { extraData: '/server-side/v2-settings', attempts: 3, err: 'timeout' });
 * // { cg: 'network', msg_t: 'NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES', msg: 'Network call for /server-side/v2-settings failed after 3 retry attempt(s). Got Error: timeout', lt: 'error' }
 */
export function retryDebugProps(
  succeeded: boolean,
  data: { readonly extraData: string | undefined; readonly attempts: number; readonly err: string },
): Json {
  return succeeded
    ? { cg: 'retry', msg_t: 'NETWORK_CALL_SUCCESS_WITH_RETRIES', msg: fill(MESSAGES.NETWORK_CALL_SUCCESS_WITH_RETRIES, data), lt: 'info' }
    : {
        cg: 'network',
        msg_t: 'NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES',
        msg: fill(MESSAGES.NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES, data),
        lt: 'error',
      };
}

/**
 * The message node's `http` client gives for a network error, read from what `fetch` threw: the
 * socket's system error (`connect ECONNREFUSED 127.0.0.1:80`) found in its causes, and `socket hang up`
 * for a connection closed without an answer; any other error's own message.
 */
export function nodeHttpErrorText(error: unknown): string {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    const code = (cause as { code?: unknown }).code;
    if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') return 'socket hang up';
    if (typeof code === 'string' && typeof (cause as { syscall?: unknown }).syscall === 'string') return cause.message;
  }
  return formattedError(error);
}

interface Origin {
  readonly apiName: string | undefined;
  readonly extraData: string | undefined;
  /** 1.35.0 adds the payload's visitor id as `uuid` for user events only. */
  readonly userEvent: boolean;
}

/** 1.35.0's `sendPostApiRequest` names: the API, and the feature, rule and variation of an impression. */
function userEventOrigin(body: Json, featureKey: string | undefined, settings: FmeSettings | undefined): Origin {
  const d = isPlainObject(body.d) ? body.d : {};
  const event = isPlainObject(d.event) ? d.event : {};
  const props = isPlainObject(event.props) ? event.props : {};
  const name = event.name;
  if (name === 'vwo_variationShown') {
    const campaign = settings?.campaigns.find((candidate) => candidate.id === props.id);
    const variationName = campaign?.variations.find((variation) => variation.id === props.variation)?.name ?? null;
    const campaignKey = campaign ? campaign.key : null;
    const rule = featureKey === campaignKey ? 'IMPACT_ANALYSIS' : campaignKey?.split(`${featureKey}_`)[1];
    const type = campaign?.type;
    const extraData =
      type === 'FLAG_ROLLOUT' || type === 'FLAG_PERSONALIZE'
        ? `feature: ${featureKey}, rule: ${variationName}`
        : `feature: ${featureKey}, rule: ${rule} and variation: ${variationName}`;
    return { apiName: 'getFlag', extraData, userEvent: true };
  }
  if (name === 'vwo_syncVisitorProp') return { apiName: 'setAttribute', extraData: 'setAttribute', userEvent: true };
  return { apiName: 'trackEvent', extraData: `event: ${String(name)}`, userEvent: true };
}

/** 1.35.0's batch dispatcher: `batch-events having <counts>, ` for the kinds of events it carries. */
function batchOrigin(events: readonly unknown[]): Origin {
  let shown = 0;
  let attributes = 0;
  let custom = 0;
  for (const envelope of events) {
    const d = isPlainObject(envelope) && isPlainObject(envelope.d) ? envelope.d : {};
    const name = isPlainObject(d.event) ? d.event.name : undefined;
    if (name === 'vwo_variationShown') shown++;
    else if (name === 'vwo_syncVisitorProp') attributes++;
    else if (typeof name === 'string' && name !== '' && !SDK_EVENT_NAMES.has(name)) custom++;
  }
  let extraData = 'batch-events having ';
  if (shown > 0) extraData += `getFlag events: ${shown}, `;
  if (custom > 0) extraData += `conversion events: ${custom}, `;
  if (attributes > 0) extraData += `setAttribute events: ${attributes}, `;
  return { apiName: 'batch-events', extraData, userEvent: false };
}

/**
 * 1.35.0's text of the last error: `Raw Data: <body>, Status Code: <status>` for an HTTP answer,
 * the message of a network error. Its node `http` errors read differently from `fetch`'s.
 */
function errorText(report: RetriedRequestReport, requestTimeout: number): string {
  const { response, error, timedOut } = report.lastFailure;
  if (timedOut || isTimeoutError(error)) return `Timeout: ${requestTimeout}`;
  if (response !== undefined && response !== null && typeof response.status === 'number') {
    return `Raw Data: ${response.body ?? ''}, Status Code: ${response.status}`;
  }
  if (error !== undefined) return nodeHttpErrorText(error);
  return report.lastFailure.problem;
}

/** Whether a transport gave up waiting (`fetch`'s `TimeoutError` or an abort), anywhere in the causes. */
export function isTimeoutError(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; cause = cause.cause, depth++) {
    if (cause.name === 'TimeoutError' || cause.name === 'AbortError') return true;
  }
  return false;
}

/** 1.35.0's `getFormattedErrorMessage`: an error's message, a string, or an object as JSON. */
function formattedError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    try {
      return JSON.stringify(error);
    } catch {
      return '';
    }
  }
  return '';
}

function fill(template: string, data: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{([^}]+)\}/g, (_whole, name: string) => String(data[name] ?? ''));
}
