/**
 * Requests from event records, in vwo-node-sdk 1.73.0's wire format (events.md §3–§8):
 * `key=value&` query strings in a fixed insertion order with a trailing `&`, values unencoded
 * except where `queryValue` (encoding.ts) must escape them, the user agent / IP address
 * and push tags percent-encoded as 1.73.0 encodes them.
 */
import { batchBody } from './batch-body.js';
import { encodeComponent, jsText, queryValue, utf8Length } from './encoding.js';
import { sessionId } from './session-id.js';
import {
  type ConversionRecord,
  DEFAULT_COLLECTOR_URL,
  type EventArchRecord,
  type EventContext,
  type EventRecord,
  type EventRequest,
  type GoalRecord,
  type ImpressionRecord,
  type PushRecord,
  SDK_NAME,
  SDK_VERSION,
} from './types.js';
import { visitorUuidOf } from './uuid.js';

/** Event endpoints (events.md §2). */
export type EventPath =
  | '/server-side/track-user'
  | '/server-side/track-goal'
  | '/server-side/push'
  | '/server-side/batch-events'
  | '/events/t';

const USER_AGENT_HEADER = 'X-Device-User-Agent';
const IP_HEADER = 'VWO-X-Forwarded-For';
// JSON.stringify({ p: 'server' }): sent with every classic impression.
const IMPRESSION_ED = '{"p":"server"}';

/**
 * The URL of an event endpoint: the collector, then the settings' `collectionPrefix` as one
 * path segment (event endpoints only, never the settings fetch), then the path.
 *
 * @example
 * eventUrl(ctx, '/server-side/track-user'); // 'https://dev.visualwebsiteoptimizer.com/eu/server-side/track-user'
 */
export function eventUrl(ctx: EventContext, path: EventPath): string {
  let base = ctx.collectorUrl ?? DEFAULT_COLLECTOR_URL;
  if (base.endsWith('/')) base = base.slice(0, -1);
  const prefix = ctx.settings.collectionPrefix;
  return typeof prefix === 'string' && prefix !== '' ? `${base}/${prefix}${path}` : base + path;
}

/**
 * One record as a classic GET: track-user (§4), track-goal (§5) or push (§6).
 *
 * @example
 * toGetRequest(ctx, impressionEvent(ctx, campaign, variation, 'Ashley'));
 * // { method: 'GET', url: '…/server-side/track-user?experiment_id=230&combination=1&…&ed={"p":"server"}&', headers: {} }
 */
export function toGetRequest(ctx: EventContext, record: EventRecord): EventRequest {
  switch (record.type) {
    case 'impression':
      return impressionGet(ctx, record);
    case 'goal':
      return goalGet(ctx, record);
    case 'push':
      return pushGet(ctx, record);
  }
}

function impressionGet(ctx: EventContext, record: ImpressionRecord): EventRequest {
  const query =
    `experiment_id=${queryValue(jsText(record.campaignId))}&combination=${queryValue(jsText(record.variationId))}&` +
    visitorParams(record.userAgent, record.userIpAddress) +
    baseParams(ctx, record) +
    usageParams(ctx) +
    `ed=${IMPRESSION_ED}&` +
    eventIdParam(record);
  return {
    method: 'GET',
    url: `${eventUrl(ctx, '/server-side/track-user')}?${query}`,
    headers: visitorHeaders(record.userAgent, record.userIpAddress),
  };
}

function goalGet(ctx: EventContext, record: GoalRecord): EventRequest {
  let query =
    `experiment_id=${queryValue(jsText(record.campaignId))}&combination=${queryValue(jsText(record.variationId))}&` +
    baseParams(ctx, record) +
    visitorParams(record.userAgent, record.userIpAddress) +
    `goal_id=${queryValue(jsText(record.goalId))}&`;
  if (record.hasRevenue) query += `r=${queryValue(jsText(record.revenue))}&`;
  query += eventIdParam(record);
  return {
    method: 'GET',
    url: `${eventUrl(ctx, '/server-side/track-goal')}?${query}`,
    headers: visitorHeaders(record.userAgent, record.userIpAddress),
  };
}

function pushGet(ctx: EventContext, record: PushRecord): EventRequest {
  // Key and value are encoded *inside* the JSON, so the server's one decoding of the query
  // yields the raw JSON text; the JSON's own `{":}` stay raw as in 1.73.0.
  const tags = JSON.stringify({
    u: { [encodeComponent(record.key)]: encodeComponent(jsText(record.value)) },
  });
  return {
    method: 'GET',
    url: `${eventUrl(ctx, '/server-side/push')}?${baseParams(ctx, record)}tags=${tags}&${eventIdParam(record)}`,
    headers: {},
  };
}

/**
 * Several records as one POST `/server-side/batch-events` (§7): `{"ev":[…]}` with `eT` 1
 * (impression), 2 (conversion) and 3 (custom dimension) events in the given order.
 *
 * 1.73.0's `track` with several campaigns passes its arguments shifted, so its batch events
 * carry the IP address in `visitor_ua` and an empty `visitor_ip`. We send both in their own
 * fields (a deliberate difference, listed in COMPATIBILITY.md).
 */
export function toBatchRequest(ctx: EventContext, records: readonly EventRecord[]): EventRequest {
  return batchRequest(ctx, records, false);
}

/**
 * {@link toBatchRequest}; `ownIds` when the records were built by the client with its own
 * context, whose visitor and event ids need no escaping (batch-body.ts).
 */
export function batchRequest(ctx: EventContext, records: readonly EventRecord[], ownIds: boolean): EventRequest {
  const sdkKey = ctx.settings.sdkKey;
  const query =
    `a=${queryValue(jsText(ctx.settings.accountId))}&` +
    usageParams(ctx) +
    `sdk=${queryValue(ctx.sdkName ?? SDK_NAME)}&sdk-v=${queryValue(ctx.sdkVersion ?? SDK_VERSION)}&` +
    `env=${queryValue(jsText(sdkKey))}&`;
  const { body, byteLength } = batchBody(records, ownIds, (userId) => visitorUuidOf(ctx, userId));
  const headers: Record<string, string> = { 'Content-Length': String(byteLength) };
  if (sdkKey) headers.Authorization = sdkKey;
  else headers['User-Agent'] = ctx.sdkName ?? SDK_NAME;
  return { method: 'POST', url: `${eventUrl(ctx, '/server-side/batch-events')}?${query}`, headers, body };
}

/**
 * A record as one event-architecture POST `/events/t` (§8), used when the settings have
 * `isEventArchEnabled` and there is no batch queue: `vwo_variationShown` for an impression,
 * the goal identifier for a conversion, `vwo_syncVisitorProp` for custom dimensions.
 */
export function toEventArchRequest(ctx: EventContext, record: EventArchRecord): EventRequest {
  const { sdkKey, accountId } = ctx.settings;
  const eventProps: Record<string, unknown> = {
    vwo_sdkName: ctx.sdkName ?? SDK_NAME,
    vwo_sdkVersion: ctx.sdkVersion ?? SDK_VERSION,
    vwo_envKey: sdkKey,
  };
  const visitorProps: Record<string, unknown> = { vwo_fs_environment: sdkKey };
  let name: string;
  let userAgent = '';
  let userIpAddress = '';
  let usage = '';

  switch (record.type) {
    case 'impression':
      name = 'vwo_variationShown';
      eventProps.id = record.campaignId;
      eventProps.variation = record.variationId;
      eventProps.isFirst = 1;
      ({ userAgent, userIpAddress } = record);
      usage = usageParams(ctx);
      break;
    case 'conversion':
      name = record.goalIdentifier;
      eventProps.vwoMeta = conversionMeta(record);
      eventProps.isCustomEvent = true;
      if (record.eventProperties !== undefined) {
        for (const key of Object.keys(record.eventProperties)) eventProps[key] = record.eventProperties[key];
      }
      ({ userAgent, userIpAddress } = record);
      break;
    case 'visitorProps':
      name = 'vwo_syncVisitorProp';
      eventProps.isCustomEvent = true;
      for (const [key, value] of record.props) visitorProps[key] = value;
      break;
  }

  const query =
    `en=${queryValue(name)}&a=${queryValue(jsText(accountId))}&env=${queryValue(jsText(sdkKey))}&` +
    `eTime=${queryValue(jsText(record.time))}&random=${queryValue(jsText(ctx.random()))}&p=FS&` +
    visitorParams(userAgent, userIpAddress) +
    usage +
    eventIdParam(record);
  const visitorUuid = visitorUuidOf(ctx, record.userId);
  const body = JSON.stringify({
    d: {
      msgId: `${visitorUuid}-${record.time}`,
      visId: visitorUuid,
      sessionId: sessionId(record.time),
      event: { props: eventProps, name, time: record.time },
      visitor: { props: visitorProps },
    },
  });
  const headers = visitorHeaders(userAgent, userIpAddress);
  headers['Content-Length'] = String(utf8Length(body));
  headers['User-Agent'] = ctx.sdkName ?? SDK_NAME;
  return { method: 'POST', url: `${eventUrl(ctx, '/events/t')}?${query}`, headers, body };
}

function conversionMeta(record: ConversionRecord): Record<string, unknown> {
  // A plain object keyed by campaign id, read back with Object.keys, reproduces 1.73.0's
  // order: integer-like ids ascending, then the others in the order converted.
  const goalByCampaign: Record<string, unknown> = {};
  for (const { campaignId, goalId } of record.campaigns) goalByCampaign[jsText(campaignId)] = goalId;
  const metric: Record<string, string[]> = {};
  for (const campaignId of Object.keys(goalByCampaign)) {
    metric[`id_${campaignId}`] = [`g_${jsText(goalByCampaign[campaignId])}`];
  }
  const meta: Record<string, unknown> = { metric };
  if (record.revenueValue) {
    for (const revenueProp of record.revenueProps) meta[jsText(revenueProp)] = record.revenueValue;
  }
  return meta;
}

/** `eid=<id>&` after 1.73.0's parameters, or nothing when the record has no id. */
function eventIdParam(record: { readonly eventId?: string | undefined }): string {
  return record.eventId === undefined ? '' : `eid=${record.eventId}&`;
}

function baseParams(ctx: EventContext, record: EventRecord): string {
  return (
    `sId=${sessionId(record.time)}&u=${visitorUuidOf(ctx, record.userId)}&` +
    `sdk=${queryValue(ctx.sdkName ?? SDK_NAME)}&sdk-v=${queryValue(ctx.sdkVersion ?? SDK_VERSION)}&` +
    `env=${queryValue(jsText(ctx.settings.sdkKey))}&account_id=${queryValue(jsText(ctx.settings.accountId))}&` +
    `random=${queryValue(jsText(ctx.random()))}&ap=server&`
  );
}

function visitorParams(userAgent: string, userIpAddress: string): string {
  return `visitor_ua=${encodeComponent(userAgent)}&visitor_ip=${encodeComponent(userIpAddress)}&`;
}

function visitorHeaders(userAgent: string, userIpAddress: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (userAgent) headers[USER_AGENT_HEADER] = encodeComponent(userAgent);
  if (userIpAddress) headers[IP_HEADER] = encodeComponent(userIpAddress);
  return headers;
}

function usageParams(ctx: EventContext): string {
  const stats = ctx.usageStats;
  if (stats === undefined) return '';
  let params = '';
  for (const key of Object.keys(stats) as Array<keyof typeof stats>) params += `${key}=${queryValue(jsText(stats[key]))}&`;
  return params;
}
