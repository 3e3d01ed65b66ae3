/**
 * The `vwo_variationShown` request written by hand, for `getFlag`'s hot path: what
 * `userEventRequest` builds with query arrays, a nested body object and `JSON.stringify`, here
 * from pieces kept per event source (SDK identity, account, SDK key, host, prefix) with only the
 * per-event values written between them. Two impressions a call cost ~45 % of an unbatched
 * `getFlag` before (apps/bench/README.md, issue 18).
 *
 * It answers only the usual inputs, whose bytes it writes exactly as `JSON.stringify` would:
 * user agent and IP strings, `null` or absent; campaign and variation ids that are numbers or
 * strings; no post-segmentation variables to copy. For anything else it answers `undefined` and
 * the caller takes the general writer, so unusual values (a `toJSON`, a symbol, keys that
 * objects reorder) keep 1.35.0's exact behaviour without being reproduced here.
 */
import { encodeComponent, numberText } from '../../events/encoding.js';
import { visitorUuid } from '../../events/uuid.js';
// A cycle with requests.ts, which takes this writer first: these constants are read only in calls.
import {
  FME_HOST as DEFAULT_HOST,
  FME_NODE_SDK as DEFAULT_SDK,
  type FmeEventClock,
  type FmeEventSource,
  type FmeImpressionContext,
} from './requests.js';

/** An impression's path, headers (without `Content-Length`) and JSON body. */
export interface WrittenImpression {
  /** VWO's host, or the gateway's. */
  readonly hostname: string;
  /** Collection prefix, `/events/t` and the query. */
  readonly path: string;
  /** `X-Device-User-Agent`, `VWO-X-Forwarded-For` when set, then `Content-Type`, in 1.35.0's order. */
  readonly headers: Record<string, string>;
  /** The JSON body, byte for byte `JSON.stringify`'s. */
  readonly body: string;
}

/** The pieces of one source's impressions that never change between events. */
interface Pieces {
  readonly accountId: FmeEventSource['accountId'];
  readonly sdkKey: string;
  readonly hostname: string | undefined;
  readonly collectionPrefix: string | undefined;
  readonly sdkName: string;
  readonly sdkVersion: string;
  readonly namespaceAccount: string;
  readonly host: string;
  /** Up to and including `eTime=`. */
  readonly pathHead: string;
  /** From `&sn=` to the end of the query. */
  readonly pathTail: string;
  /** From the end of `visitor_ip`'s value to the campaign id. */
  readonly bodyEventHead: string;
  /** From the end of `time`'s value to the visitor props after `vwo_fs_environment`. */
  readonly bodyVisitorHead: string;
}

// One source at a time: a client's source changes only with its settings.
let cached: Pieces | undefined;

function piecesFor(source: FmeEventSource): Pieces | undefined {
  const { accountId, sdkKey, hostname, collectionPrefix } = source;
  const { name: sdkName, version: sdkVersion } = source.sdk ?? DEFAULT_SDK;
  const last = cached;
  if (
    last !== undefined &&
    last.accountId === accountId &&
    last.sdkKey === sdkKey &&
    last.hostname === hostname &&
    last.collectionPrefix === collectionPrefix &&
    last.sdkName === sdkName &&
    last.sdkVersion === sdkVersion
  ) {
    return last;
  }
  if (typeof sdkKey !== 'string') return undefined;
  const host = hostname ?? DEFAULT_HOST;
  const prefix = collectionPrefix && host === DEFAULT_HOST ? `/${collectionPrefix}` : '';
  const key = JSON.stringify(sdkKey);
  cached = {
    accountId,
    sdkKey,
    hostname,
    collectionPrefix,
    sdkName,
    sdkVersion,
    namespaceAccount: String(accountId),
    host,
    pathHead: `${prefix}/events/t?en=vwo_variationShown&a=${String(accountId)}&eTime=`,
    pathTail: `&sn=${sdkName}&sv=${sdkVersion}&env=${sdkKey}&url=https${host}/events/t`,
    bodyEventHead: `,"event":{"props":{"vwo_sdkName":${JSON.stringify(sdkName)},"vwo_sdkVersion":${JSON.stringify(sdkVersion)},"vwo_envKey":${key},"id":`,
    bodyVisitorHead: `},"visitor":{"props":{"vwo_fs_environment":${key}`,
  };
  return cached;
}

/**
 * A converter of numbers to text that remembers its last answer: the clock readings of an
 * event are one `Date.now()`, written three times, and stay the same for a millisecond (a
 * second for the session id) across the events of many calls.
 */
function lastTextOf(): (value: number) => string {
  let last = Number.NaN;
  let text = '';
  return (value) => {
    // NaN never equals itself, so it (and only it) is converted each time.
    if (value !== last) {
      text = numberText(value);
      last = value;
    }
    return text;
  };
}

const timeText = /* @__PURE__ */ lastTextOf();
const sessionText = /* @__PURE__ */ lastTextOf();

/** `JSON.stringify` of a number: `numberText`'s text when finite, `null` otherwise. */
function jsonNumber(value: number, text: (value: number) => string): string {
  return Number.isFinite(value) ? text(value) : (JSON.stringify(value) as string);
}

/** A user agent or IP as 1.35.0's default parameters leave it, if it is of a kind written here. */
function visitorText(value: unknown): string | null | false {
  if (value === undefined) return '';
  if (typeof value === 'string' || value === null) return value;
  return false;
}

/**
 * The impression of `(campaignId, variationId)` for `context` (with the call's `customVariables`
 * at the impression), or `undefined` when an input is of a kind only the general writer handles.
 * `visitorId` is the visitor UUID when the caller already has it (that of `source.accountId` and
 * `context.id`).
 */
export function writeImpression(
  source: FmeEventSource,
  context: Omit<FmeImpressionContext, 'customVariables'>,
  customVariables: FmeImpressionContext['customVariables'],
  campaignId: unknown,
  variationId: unknown,
  clock: FmeEventClock,
  visitorId?: string,
): WrittenImpression | undefined {
  const names = context.postSegmentationVariables;
  if (names && names.length > 0 && customVariables && Object.keys(customVariables).length > 0) return undefined;
  const campaignType = typeof campaignId;
  const variationType = typeof variationId;
  if ((campaignType !== 'number' && campaignType !== 'string') || (variationType !== 'number' && variationType !== 'string')) {
    return undefined;
  }
  const userAgent = visitorText(context.userAgent);
  const ipAddress = visitorText(context.ipAddress);
  if (userAgent === false || ipAddress === false) return undefined;
  const pieces = piecesFor(source);
  if (pieces === undefined) return undefined;

  const visId = visitorId ?? visitorUuid(pieces.namespaceAccount, String(context.id));
  const path =
    pieces.pathHead +
    timeText(clock.eTime) +
    '&random=' +
    numberText(clock.random) +
    '&p=FS&visitor_ua=' +
    // encodeURIComponent(undefined) is the text "undefined", as 1.35.0 sends it.
    encodeComponent(context.userAgent === undefined ? 'undefined' : String(userAgent)) +
    '&visitor_ip=' +
    String(ipAddress) +
    pieces.pathTail;
  const ipJson = JSON.stringify(ipAddress);
  const body =
    '{"d":{"msgId":"' +
    visId +
    '-' +
    timeText(clock.msgTime) +
    '","visId":"' +
    visId +
    '","sessionId":' +
    jsonNumber(clock.sessionId, sessionText) +
    ',"visitor_ua":' +
    JSON.stringify(userAgent) +
    ',"visitor_ip":' +
    ipJson +
    pieces.bodyEventHead +
    JSON.stringify(campaignId) +
    ',"variation":' +
    JSON.stringify(variationId) +
    ',"isFirst":1},"name":"vwo_variationShown","time":' +
    jsonNumber(clock.eventTime, timeText) +
    pieces.bodyVisitorHead +
    (ipAddress ? `,"ip":${ipJson}}}}}` : '}}}}');
  const headers: Record<string, string> = {};
  if (userAgent) headers['X-Device-User-Agent'] = userAgent;
  if (ipAddress) headers['VWO-X-Forwarded-For'] = ipAddress;
  headers['Content-Type'] = 'application/json';
  return { hostname: pieces.host, path, headers, body };
}
