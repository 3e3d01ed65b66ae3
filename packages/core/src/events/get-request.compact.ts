/**
 * get-request.ts for the browser build: the same GET requests, byte for byte, written plainly
 * on every call. A page sends a few events, so the server's per-context parts are not worth
 * their bytes there (the differential test runs on the browser build too).
 */
import { encodeComponent, jsText, numberText, queryValue } from './encoding.js';
import { type EventPath, eventIdParam, eventUrl, usageParams, visitorHeaders } from './endpoints.js';
import { sessionId } from './session-id.js';
import { type EventContext, type EventRecord, type EventRequest, SDK_NAME, SDK_VERSION } from './types.js';
import { visitorUuidOf } from './uuid.js';

export function toGetRequest(ctx: EventContext, record: EventRecord): EventRequest {
  const { type } = record;
  const ua = type === 'push' ? '' : encodeComponent(record.userAgent);
  const ip = type === 'push' ? '' : encodeComponent(record.userIpAddress);
  const visitor = `visitor_ua=${ua}&visitor_ip=${ip}&`;
  const ids =
    type === 'push' ? '' : `experiment_id=${queryValue(jsText(record.campaignId))}&combination=${queryValue(jsText(record.variationId))}&`;
  const base =
    `sId=${sessionId(record.time)}&u=${visitorUuidOf(ctx, record.userId)}&` +
    `sdk=${queryValue(ctx.sdkName ?? SDK_NAME)}&sdk-v=${queryValue(ctx.sdkVersion ?? SDK_VERSION)}&` +
    `env=${queryValue(jsText(ctx.settings.sdkKey))}&account_id=${queryValue(jsText(ctx.settings.accountId))}&` +
    `random=${queryValue(numberText(ctx.random()))}&ap=server&`;
  let query: string;
  if (type === 'impression') query = `track-user?${ids}${visitor}${base}${usageParams(ctx)}ed={"p":"server"}&`;
  else if (type === 'goal') {
    query = `track-goal?${ids}${base}${visitor}goal_id=${queryValue(jsText(record.goalId))}&`;
    if (record.hasRevenue) query += `r=${queryValue(jsText(record.revenue))}&`;
  } else {
    // Key and value are encoded inside the JSON, whose own `{":}` stay raw as in 1.73.0.
    query = `push?${base}tags={"u":{"${encodeComponent(record.key)}":"${encodeComponent(jsText(record.value))}"}}&`;
  }
  // The endpoint's path with the query after it: eventUrl only prefixes what it is given.
  return {
    method: 'GET',
    url: eventUrl(ctx, `/server-side/${query}` as EventPath) + eventIdParam(record),
    headers: type === 'push' ? {} : visitorHeaders(record.userAgent, ua, record.userIpAddress, ip),
  };
}
