/**
 * The GET writer as it was before the per-context parts (requests.ts, encoding.ts at the
 * commit before `core-faster-get`): a template literal per parameter and a regular expression
 * over every value. Kept as the oracle of test/get-request.test.ts, which demands the same
 * requests, byte for byte, from the writer that replaced it.
 */
import { jsText } from '../../src/events/encoding.js';
import { sessionId } from '../../src/events/session-id.js';
import {
  DEFAULT_COLLECTOR_URL,
  type EventContext,
  type EventRecord,
  type EventRequest,
  type GoalRecord,
  type ImpressionRecord,
  type PushRecord,
  SDK_NAME,
  SDK_VERSION,
} from '../../src/events/types.js';
import { visitorUuidOf } from '../../src/events/uuid.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `encodeURIComponent` with lone surrogates as U+FFFD, without a fast path. */
export function encodeComponentV0(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

const QUERY_UNSAFE = /[^!-~]|[%&#+]/gu;

/** The query-value escaping, without a fast path. */
export function queryValueV0(text: string): string {
  return text.replace(QUERY_UNSAFE, encodeComponentV0);
}

/** The path of a URL as the delivery's logs name it, parsed every time. */
export function urlPathV0(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/[?#].*$/s, '');
  return path === '' ? '/' : path;
}

function eventUrl(ctx: EventContext, path: string): string {
  let base = ctx.collectorUrl ?? DEFAULT_COLLECTOR_URL;
  if (base.endsWith('/')) base = base.slice(0, -1);
  const prefix = ctx.settings.collectionPrefix;
  return typeof prefix === 'string' && prefix !== '' ? `${base}/${prefix}${path}` : base + path;
}

export function toGetRequestV0(ctx: EventContext, record: EventRecord): EventRequest {
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
    `experiment_id=${queryValueV0(jsText(record.campaignId))}&combination=${queryValueV0(jsText(record.variationId))}&` +
    visitorParams(record.userAgent, record.userIpAddress) +
    baseParams(ctx, record) +
    usageParams(ctx) +
    `ed={"p":"server"}&` +
    eventIdParam(record);
  return {
    method: 'GET',
    url: `${eventUrl(ctx, '/server-side/track-user')}?${query}`,
    headers: visitorHeaders(record.userAgent, record.userIpAddress),
  };
}

function goalGet(ctx: EventContext, record: GoalRecord): EventRequest {
  let query =
    `experiment_id=${queryValueV0(jsText(record.campaignId))}&combination=${queryValueV0(jsText(record.variationId))}&` +
    baseParams(ctx, record) +
    visitorParams(record.userAgent, record.userIpAddress) +
    `goal_id=${queryValueV0(jsText(record.goalId))}&`;
  if (record.hasRevenue) query += `r=${queryValueV0(jsText(record.revenue))}&`;
  query += eventIdParam(record);
  return {
    method: 'GET',
    url: `${eventUrl(ctx, '/server-side/track-goal')}?${query}`,
    headers: visitorHeaders(record.userAgent, record.userIpAddress),
  };
}

function pushGet(ctx: EventContext, record: PushRecord): EventRequest {
  const tags = JSON.stringify({
    u: { [encodeComponentV0(record.key)]: encodeComponentV0(jsText(record.value)) },
  });
  return {
    method: 'GET',
    url: `${eventUrl(ctx, '/server-side/push')}?${baseParams(ctx, record)}tags=${tags}&${eventIdParam(record)}`,
    headers: {},
  };
}

function eventIdParam(record: { readonly eventId?: string | undefined }): string {
  return record.eventId === undefined ? '' : `eid=${record.eventId}&`;
}

function baseParams(ctx: EventContext, record: EventRecord): string {
  return (
    `sId=${sessionId(record.time)}&u=${visitorUuidOf(ctx, record.userId)}&` +
    `sdk=${queryValueV0(ctx.sdkName ?? SDK_NAME)}&sdk-v=${queryValueV0(ctx.sdkVersion ?? SDK_VERSION)}&` +
    `env=${queryValueV0(jsText(ctx.settings.sdkKey))}&account_id=${queryValueV0(jsText(ctx.settings.accountId))}&` +
    `random=${queryValueV0(jsText(ctx.random()))}&ap=server&`
  );
}

function visitorParams(userAgent: string, userIpAddress: string): string {
  return `visitor_ua=${encodeComponentV0(userAgent)}&visitor_ip=${encodeComponentV0(userIpAddress)}&`;
}

function visitorHeaders(userAgent: string, userIpAddress: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (userAgent) headers['X-Device-User-Agent'] = encodeComponentV0(userAgent);
  if (userIpAddress) headers['VWO-X-Forwarded-For'] = encodeComponentV0(userIpAddress);
  return headers;
}

function usageParams(ctx: EventContext): string {
  const stats = ctx.usageStats;
  if (stats === undefined) return '';
  let params = '';
  for (const key of Object.keys(stats) as Array<keyof typeof stats>) params += `${key}=${queryValueV0(jsText(stats[key]))}&`;
  return params;
}
