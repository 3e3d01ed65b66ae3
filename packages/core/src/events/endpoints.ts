/**
 * The pieces every event request shares, in vwo-node-sdk 1.73.0's wire format (events.md §2–§8):
 * the endpoint URLs, the visitor headers, the usage statistics and the event id parameter.
 */
import { jsText, queryValue } from './encoding.js';
import { DEFAULT_COLLECTOR_URL, type EventContext } from './types.js';

/** Event endpoints (events.md §2). */
export type EventPath =
  | '/server-side/track-user'
  | '/server-side/track-goal'
  | '/server-side/push'
  | '/server-side/batch-events'
  | '/events/t';

const USER_AGENT_HEADER = 'X-Device-User-Agent';
const IP_HEADER = 'VWO-X-Forwarded-For';

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

/** `eid=<id>&` after 1.73.0's parameters, or nothing when the record has no id. */
export function eventIdParam(record: { readonly eventId?: string | undefined }): string {
  return record.eventId === undefined ? '' : `eid=${record.eventId}&`;
}

/** The UA and IP headers, from the raw values and their encodings (sent in the query too). */
export function visitorHeaders(userAgent: string, ua: string, userIpAddress: string, ip: string): Record<string, string> {
  const headers: Record<string, string> = {};
  if (userAgent) headers[USER_AGENT_HEADER] = ua;
  if (userIpAddress) headers[IP_HEADER] = ip;
  return headers;
}

export function usageParams(ctx: EventContext): string {
  const stats = ctx.usageStats;
  if (stats === undefined) return '';
  let params = '';
  for (const key of Object.keys(stats) as Array<keyof typeof stats>) params += `${key}=${queryValue(jsText(stats[key]))}&`;
  return params;
}
