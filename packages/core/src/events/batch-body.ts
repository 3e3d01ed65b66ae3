/**
 * The `{"ev":[…]}` body of a batch POST (events.md §7), written by hand.
 *
 * Why not `JSON.stringify` of one object per event, as before: that cost ~0.3 µs per event,
 * and the whole body then had to be scanned for non-ASCII text to know its byte length, which
 * also copied it into one large block (V8 returns a big `JSON.stringify` result as a rope).
 * That was the largest cost of a batched `activate` + `track` (apps/bench/README.md). Here an
 * event is appended to its chunk in four or five pieces, the chunk is copied into one block
 * once, and the byte length is known as the text is written.
 *
 * The text is exactly `JSON.stringify({ ev: records.map(batchEvent) })`: same keys in the same
 * order, same escaping, members whose value is `undefined` left out (test/batch-body.test.ts
 * compares the two on generated records). Only the shapes the client produces are written
 * here — finite numbers, and strings with nothing to escape — and any other value (an object
 * or BigInt revenue, a string campaign id, a user agent with a quote or non-ASCII text…) sends
 * its event through `JSON.stringify`, `toJSON` and exceptions included.
 */
import { batchEvent } from './batch-event.js';
import { utf8Length } from './encoding.js';
import { sessionId } from './session-id.js';
import type { EventRecord } from './types.js';

/** What a string may hold to be written between quotes as it is: printable ASCII except `"` and `\`. */
const NEEDS_JSON_ESCAPE = /[^ !#-[\]-~]/;

/** Below V8's large-object threshold (~128 KiB): copying a chunk into one block never maps fresh pages. */
const CHUNK_CHARS = 64 * 1024;

/**
 * The batch body of `records` and its UTF-8 byte length (`Content-Length`); `visitorUuidOf`
 * gives each event's `u` from its record's user id.
 *
 * `ownIds`: every record comes from the client's own context, whose visitor ids (32 hex
 * digits) and event ids (base-36 digits and a dot) never need escaping, so those two strings
 * are not checked again on every event.
 *
 * Like `JSON.stringify`'s own result for a large value, the text is left as a few flat chunks
 * rather than copied into one block: whoever sends it copies it once anyway.
 */
export function batchBody(
  records: readonly EventRecord[],
  ownIds: boolean,
  visitorUuidOf: (userId: string) => string,
): { body: string; byteLength: number } {
  let body = '';
  let chunk = '{"ev":[';
  let ascii = true;
  let first = true;
  for (const record of records) {
    if (chunk.length > CHUNK_CHARS) {
      body += flat(chunk);
      chunk = '';
    }
    const before = chunk.length;
    chunk = appendEvent(chunk, first, record, ownIds, visitorUuidOf);
    if (chunk.length === before) {
      ascii = false;
      // `JSON.stringify` leaves out a top-level `undefined`, as the array it sat in wrote `null`.
      chunk += (first ? '' : ',') + (JSON.stringify(batchEvent(record, sessionId(record.time), visitorUuidOf)) ?? 'null');
    }
    first = false;
  }
  body += flat(`${chunk}]}`);
  return { body, byteLength: ascii ? body.length : utf8Length(body) };
}

/**
 * The chunk copied into one block now, as joining an array of event texts did before: appended
 * piece by piece it is a rope, which the engine copies into one block the first time a
 * character is read. One walk over the chunk's pieces cost ~20 ns per event less than building
 * each event's text and joining them (measured with event ids), because every piece is copied
 * once instead of twice.
 */
function flat(text: string): string {
  text.charCodeAt(0);
  return text;
}

/**
 * The pieces as one new string in one block. The pieces an event is made of are kept, so they
 * are made this way once: `+` would make each a small rope of its own, which the copy of every
 * chunk would walk again for every event (measured: ~25 % of the chunk's copy).
 */
function solid(pieces: readonly (string | number)[]): string {
  return pieces.join('');
}

/**
 * `chunk` with one event appended as JSON text, written directly for the shapes the client
 * produces — finite numbers, strings with nothing to escape — so only ASCII; `chunk` itself
 * (unchanged) for any other record. The common heads and middles are reused.
 */
function appendEvent(
  chunk: string,
  first: boolean,
  record: EventRecord,
  ownIds: boolean,
  visitorUuidOf: (userId: string) => string,
): string {
  if (record.type !== 'impression' && record.type !== 'goal') return chunk;
  const { time, campaignId, variationId, eventId, userAgent, userIpAddress } = record;
  // A time that is not a number is converted (maybe by its own valueOf) on JSON.stringify's path only.
  const sId = typeof time === 'number' ? sessionId(time) : Number.NaN;
  if (
    !(
      finite(sId) &&
      finite(campaignId) &&
      finite(variationId) &&
      (eventId === undefined || (typeof eventId === 'string' && (ownIds || plainText(eventId)))) &&
      plainText(userAgent) &&
      plainText(userIpAddress)
    )
  ) {
    return chunk;
  }
  const visitorUuid = visitorUuidOf(record.userId);
  if (typeof visitorUuid !== 'string' || !(ownIds || plainText(visitorUuid))) return chunk;
  const noVisitor = userAgent === '' && userIpAddress === '';
  const withId = eventId !== undefined;
  let middle: string;
  if (record.type === 'impression') {
    if (noVisitor) middle = withId ? IMPRESSION_MIDDLE_ID : IMPRESSION_MIDDLE;
    else middle = `","eT":1,"visitor_ua":"${userAgent}","visitor_ip":"${userIpAddress}"${withId ? EID : ''}`;
  } else {
    const { goalId, revenue } = record;
    if (!finite(goalId)) return chunk;
    if (noVisitor && !record.hasRevenue) {
      const slot = goalId & (GOAL_SLOTS - 1);
      if (goalIds[slot] !== goalId) {
        goalIds[slot] = goalId;
        goalMiddles[slot] = solid(['","eT":2,"visitor_ua":"","visitor_ip":"","g":', goalId]);
        goalMiddlesWithId[slot] = solid([goalMiddles[slot] as string, EID]);
      }
      middle = (withId ? goalMiddlesWithId[slot] : goalMiddles[slot]) as string;
    } else {
      let revenueMember = '';
      if (record.hasRevenue) {
        if (finite(revenue)) revenueMember = `,"r":${revenue}`;
        else if (plainText(revenue)) revenueMember = `,"r":"${revenue}"`;
        else return chunk;
      }
      middle = `","eT":2,"visitor_ua":"${userAgent}","visitor_ip":"${userIpAddress}","g":${goalId}${revenueMember}${withId ? EID : ''}`;
    }
  }
  // `,{"e":…,"c":…,"sId":…,"u":"` is the same for the events of a campaign, variation and
  // second: kept in a direct-mapped slot (a `track(null, …)` reaches many campaigns at once).
  const slot = (campaignId * 31 + variationId) & (HEAD_SLOTS - 1);
  if (headCampaigns[slot] !== campaignId || headVariations[slot] !== variationId || headSessions[slot] !== sId) {
    headCampaigns[slot] = campaignId;
    headVariations[slot] = variationId;
    headSessions[slot] = sId;
    heads[slot] = solid([',{"e":', campaignId, ',"c":', variationId, ',"sId":', sId, ',"u":"']);
  }
  // Each piece appended is a node the final copy walks: the comma and the `eid` key ride on
  // the cached head and middle.
  chunk += first ? (heads[slot] as string).slice(1) : heads[slot];
  chunk += visitorUuid;
  chunk += middle;
  if (!withId) return `${chunk}}`;
  chunk += eventId;
  return `${chunk}"}`;
}

const EID = ',"eid":"';
const IMPRESSION_MIDDLE = '","eT":1,"visitor_ua":"","visitor_ip":""';
const IMPRESSION_MIDDLE_ID = solid([IMPRESSION_MIDDLE, EID]);
// The cached pieces, keyed in slots; a key is checked in full, so a shared slot only costs a rebuild.
const HEAD_SLOTS = 256;
const headCampaigns: number[] = new Array(HEAD_SLOTS).fill(Number.NaN);
const headVariations: number[] = new Array(HEAD_SLOTS).fill(Number.NaN);
const headSessions: number[] = new Array(HEAD_SLOTS).fill(Number.NaN);
const heads: string[] = new Array(HEAD_SLOTS).fill('');
const GOAL_SLOTS = 64;
const goalIds: number[] = new Array(GOAL_SLOTS).fill(Number.NaN);
const goalMiddles: string[] = new Array(GOAL_SLOTS).fill('');
const goalMiddlesWithId: string[] = new Array(GOAL_SLOTS).fill('');

/** A finite number: JSON writes it as `String()` does (-0 → "0", 1e21 → "1e+21"; `===` equates 0 and -0). */
function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A string JSON writes between quotes as it is, all ASCII: nothing to escape, no lone surrogate. */
function plainText(value: unknown): value is string {
  return typeof value === 'string' && (value === '' || !NEEDS_JSON_ESCAPE.test(value));
}
