/**
 * Requests from event records, in vwo-node-sdk 1.73.0's wire format (events.md §3–§8):
 * `key=value&` query strings in a fixed insertion order with a trailing `&`, values unencoded
 * except where `queryValue` (encoding.ts) must escape them, the user agent / IP address
 * and push tags percent-encoded as 1.73.0 encodes them.
 */
import { batchBody } from './batch-body.js';
import { encodeComponent, jsText, numberText, queryValue, utf8Length } from './encoding.js';
import { eventIdParam, eventUrl, usageParams, visitorHeaders } from './endpoints.js';
import { sessionId } from './session-id.js';
import {
  type ConversionRecord,
  type EventArchRecord,
  type EventContext,
  type EventRecord,
  type EventRequest,
  SDK_NAME,
  SDK_VERSION,
} from './types.js';
import { visitorUuidOf } from './uuid.js';

export { type EventPath, eventUrl } from './endpoints.js';
export { toGetRequest } from './get-request.js';

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

  const ua = encodeComponent(userAgent);
  const ip = encodeComponent(userIpAddress);
  const query =
    `en=${queryValue(name)}&a=${queryValue(jsText(accountId))}&env=${queryValue(jsText(sdkKey))}&` +
    `eTime=${queryValue(jsText(record.time))}&random=${queryValue(numberText(ctx.random()))}&p=FS&` +
    `visitor_ua=${ua}&visitor_ip=${ip}&` +
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
  const headers = visitorHeaders(userAgent, ua, userIpAddress, ip);
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
