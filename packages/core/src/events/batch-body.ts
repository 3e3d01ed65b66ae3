/**
 * The `{"ev":[…]}` body of a batch POST (events.md §7), written by hand.
 *
 * Why not `JSON.stringify` of one object per event, as before: that cost ~0.3 µs per event,
 * and the whole body then had to be scanned for non-ASCII text to know its byte length, which
 * also copied it into one large block (V8 returns a big `JSON.stringify` result as a rope).
 * That was the largest cost of a batched `activate` + `track` (apps/bench/README.md). Here an
 * event usually costs five string concatenations, and the byte length is known as the text is
 * written.
 *
 * The text is exactly `JSON.stringify({ ev: records.map(batchEvent) })`: same keys in the same
 * order, same escaping, members whose value is `undefined` left out (test/batch-body.test.ts
 * compares the two on generated records). Only the shapes the client produces are written
 * here — finite numbers, and strings with nothing to escape — and any other value (an object
 * or BigInt revenue, a string campaign id, a user agent with a quote or non-ASCII text…) sends
 * its event through `JSON.stringify`, `toJSON` and exceptions included.
 */
import { utf8Length } from './encoding.js';
import type { EventRecord } from './types.js';

/** What a string may hold to be written between quotes as it is: printable ASCII except `"` and `\`. */
const NEEDS_JSON_ESCAPE = /[^ !#-[\]-~]/;

/** Below V8's large-object threshold (~128 KiB): joining a chunk never maps fresh pages. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The batch body of `records` and its UTF-8 byte length (`Content-Length`).
 *
 * `ownIds`: every record comes from the client's own context, whose visitor ids (32 hex
 * digits) and event ids (base-36 digits and a dot) never need escaping, so those two strings
 * are not checked again on every event.
 *
 * Like `JSON.stringify`'s own result for a large value, the text is left as a few flat chunks
 * rather than copied into one block: whoever sends it copies it once anyway.
 */
export function batchBody(records: readonly EventRecord[], ownIds: boolean): { body: string; byteLength: number } {
  let body = '{"ev":[';
  let chunk: string[] = [];
  let chunkChars = 0;
  let ascii = true;
  for (const record of records) {
    let event = eventJson(record, ownIds);
    if (event === undefined) {
      ascii = false;
      // `JSON.stringify` leaves out a top-level `undefined`, as the array it sat in wrote `null`.
      event = JSON.stringify(batchEvent(record, Math.ceil(record.time / 1000))) ?? 'null';
    }
    if (chunkChars + event.length > CHUNK_CHARS && chunk.length > 0) {
      body += `${chunk.join(',')},`;
      chunk = [];
      chunkChars = 0;
    }
    chunk.push(event);
    chunkChars += event.length + 1;
  }
  body += `${chunk.join(',')}]}`;
  return { body, byteLength: ascii ? body.length : utf8Length(body) };
}

/**
 * One event as JSON text, written directly for the shapes the client produces — finite
 * numbers, strings with nothing to escape — so only ASCII; `undefined` for any other record.
 * An event is built from as few pieces as possible (its head, the visitor id, the middle, the
 * event id), the common heads and middles reused: the join that flattens it costs per piece
 * (measured).
 */
function eventJson(record: EventRecord, ownIds: boolean): string | undefined {
  if (record.type !== 'impression' && record.type !== 'goal') return undefined;
  const { time, campaignId, variationId, visitorUuid, eventId, userAgent, userIpAddress } = record;
  // A time that is not a number is converted (maybe by its own valueOf) on JSON.stringify's path only.
  const sId = typeof time === 'number' ? Math.ceil(time / 1000) : Number.NaN;
  if (
    !(
      finite(sId) &&
      finite(campaignId) &&
      finite(variationId) &&
      typeof visitorUuid === 'string' &&
      (ownIds || plainText(visitorUuid)) &&
      (eventId === undefined || (typeof eventId === 'string' && (ownIds || plainText(eventId)))) &&
      plainText(userAgent) &&
      plainText(userIpAddress)
    )
  ) {
    return undefined;
  }
  const noVisitor = userAgent === '' && userIpAddress === '';
  let middle: string;
  if (record.type === 'impression') {
    middle = noVisitor ? IMPRESSION_MIDDLE : `","eT":1,"visitor_ua":"${userAgent}","visitor_ip":"${userIpAddress}"`;
  } else {
    const { goalId, revenue } = record;
    if (!finite(goalId)) return undefined;
    if (noVisitor && !record.hasRevenue) {
      if (goalId !== lastGoalId) {
        lastGoalId = goalId;
        lastGoalMiddle = `","eT":2,"visitor_ua":"","visitor_ip":"","g":${goalId}`;
      }
      middle = lastGoalMiddle;
    } else {
      let revenueMember = '';
      if (record.hasRevenue) {
        if (finite(revenue)) revenueMember = `,"r":${revenue}`;
        else if (plainText(revenue)) revenueMember = `,"r":"${revenue}"`;
        else return undefined;
      }
      middle = `","eT":2,"visitor_ua":"${userAgent}","visitor_ip":"${userIpAddress}","g":${goalId}${revenueMember}`;
    }
  }
  // `{"e":…,"c":…,"sId":…,"u":"` is the same for the events of a campaign, variation and
  // second: kept in a slot per variation id (direct-mapped: small integers, mostly).
  const slot = variationId & 7;
  if (headCampaigns[slot] !== campaignId || headVariations[slot] !== variationId || headSessions[slot] !== sId) {
    headCampaigns[slot] = campaignId;
    headVariations[slot] = variationId;
    headSessions[slot] = sId;
    heads[slot] = `{"e":${campaignId},"c":${variationId},"sId":${sId},"u":"`;
  }
  const head = heads[slot];
  return eventId === undefined ? `${head}${visitorUuid}${middle}}` : `${head}${visitorUuid}${middle},"eid":"${eventId}"}`;
}

const IMPRESSION_MIDDLE = '","eT":1,"visitor_ua":"","visitor_ip":""';
let lastGoalId = Number.NaN;
let lastGoalMiddle = '';
const headCampaigns: number[] = [];
const headVariations: number[] = [];
const headSessions: number[] = [];
const heads: string[] = [];

/** A finite number: JSON writes it as `String()` does (-0 → "0", 1e21 → "1e+21"; `===` equates 0 and -0). */
function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A string JSON writes between quotes as it is, all ASCII: nothing to escape, no lone surrogate. */
function plainText(value: unknown): value is string {
  return typeof value === 'string' && (value === '' || !NEEDS_JSON_ESCAPE.test(value));
}

/**
 * The event as an object, for `JSON.stringify`: the shape 1.73.0 sends. A record of an unknown
 * type gives `undefined` (written `null` in the array), or a TypeError when it has an event id,
 * exactly as the object-building code this writer replaced did.
 */
function batchEvent(record: EventRecord, sId: number): Record<string, unknown> | undefined {
  let event: Record<string, unknown> | undefined;
  if (record.type === 'push') {
    // Unlike the GET, key and value are not encoded one by one here: the whole JSON is.
    event = { sId, u: record.visitorUuid, eT: 3, t: encodeURIComponent(JSON.stringify({ u: { [record.key]: record.value } })) };
  } else if (record.type === 'impression' || record.type === 'goal') {
    event = {
      e: record.campaignId,
      c: record.variationId,
      sId,
      u: record.visitorUuid,
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
