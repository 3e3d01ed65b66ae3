import type { EventRecord } from './types.js';

/**
 * The event as an object, for `JSON.stringify`: the shape 1.73.0 sends. A record of an unknown
 * type gives `undefined` (written `null` in the array), or a TypeError when it has an event id,
 * exactly as the object-building code this writer replaced did.
 */
export function batchEvent(
  record: EventRecord,
  sId: number,
  visitorUuidOf: (userId: string) => string,
): Record<string, unknown> | undefined {
  let event: Record<string, unknown> | undefined;
  if (record.type === 'push') {
    // Unlike the GET, key and value are not encoded one by one here: the whole JSON is.
    event = { sId, u: visitorUuidOf(record.userId), eT: 3, t: encodeURIComponent(JSON.stringify({ u: { [record.key]: record.value } })) };
  } else if (record.type === 'impression' || record.type === 'goal') {
    event = {
      e: record.campaignId,
      c: record.variationId,
      sId,
      u: visitorUuidOf(record.userId),
      eT: record.type === 'goal' ? 2 : 1,
      visitor_ua: record.userAgent,
      visitor_ip: record.userIpAddress,
    };
    if (record.type === 'goal') {
      event.g = record.goalId;
      if (record.hasRevenue) event.r = record.revenue;
    }
  }
  if (record.eventId !== undefined) (event as Record<string, unknown>).eid = record.eventId;
  return event;
}
