/**
 * One record as a classic GET request (events.md §4–§6), in vwo-node-sdk 1.73.0's wire format:
 * `key=value&` query strings in a fixed insertion order with a trailing `&`. This writer keeps
 * the parts of its URLs per context and per campaign, for servers that send many unbatched
 * events; the browser build takes get-request.compact.ts, which writes the same bytes plainly.
 */
import { encodeComponent, jsText, numberText, queryValue } from './encoding.js';
import { eventUrl, usageParams, visitorHeaders } from './endpoints.js';
import { sessionId } from './session-id.js';
import {
  type EventContext,
  type EventRecord,
  type EventRequest,
  type EventSettings,
  type GoalRecord,
  type ImpressionRecord,
  type PushRecord,
  SDK_NAME,
  SDK_VERSION,
} from './types.js';
import type { UsageStats } from './usage-stats.js';
import { visitorUuidOf } from './uuid.js';

// JSON.stringify({ p: 'server' }): sent with every classic impression.
const IMPRESSION_ED = '{"p":"server"}';

/**
 * One record as a classic GET: track-user (§4), track-goal (§5) or push (§6).
 *
 * The URL is written from pieces that depend only on the context (collector, prefix, SDK
 * identity, account, SDK key, usage statistics) or on the campaign and variation, made once
 * (see `GetParts` below), with the per-event values between them: session id, visitor id,
 * `random`, event id. An unbatched event used to spend ~2 µs here on a template literal per
 * parameter, a regular expression over every value and the usage statistics rewritten each time
 * (apps/bench/README.md). The text is the same byte for byte (test/get-request.test.ts holds it
 * to the former writer, and events.reference.test.ts to 1.73.0).
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
  const parts = getParts(ctx);
  const { campaignId, variationId, userAgent, userIpAddress } = record;
  const noVisitor = userAgent === '' && userIpAddress === '';
  let head: string;
  let headers: Record<string, string>;
  if (noVisitor && typeof campaignId === 'number' && typeof variationId === 'number') {
    head = parts.impressionHead(campaignId, variationId, sessionId(record.time));
    headers = {};
  } else {
    const ua = encodeComponent(userAgent);
    const ip = encodeComponent(userIpAddress);
    head =
      `${parts.trackUser}experiment_id=${queryValue(jsText(campaignId))}&combination=${queryValue(jsText(variationId))}&` +
      `visitor_ua=${ua}&visitor_ip=${ip}&sId=${sessionId(record.time)}&u=`;
    headers = visitorHeaders(userAgent, ua, userIpAddress, ip);
  }
  let url = head + visitorUuidOf(ctx, record.userId) + parts.identity;
  url += randomText(ctx);
  const { eventId } = record;
  url = eventId === undefined ? url + parts.impressionTail : url + parts.impressionTailEid + eventId + AMP;
  return { method: 'GET', url, headers };
}

function goalGet(ctx: EventContext, record: GoalRecord): EventRequest {
  const parts = getParts(ctx);
  const { campaignId, variationId, goalId, userAgent, userIpAddress } = record;
  const sid = sessionId(record.time);
  const head =
    typeof campaignId === 'number' && typeof variationId === 'number'
      ? parts.goalHead(campaignId, variationId, sid)
      : `${parts.trackGoal}experiment_id=${queryValue(jsText(campaignId))}&combination=${queryValue(jsText(variationId))}&sId=${sid}&u=`;
  let url = head + visitorUuidOf(ctx, record.userId) + parts.identity;
  url += randomText(ctx);
  let headers: Record<string, string>;
  if (userAgent === '' && userIpAddress === '' && typeof goalId === 'number') {
    url += parts.goalTail(goalId);
    headers = {};
  } else {
    const ua = encodeComponent(userAgent);
    const ip = encodeComponent(userIpAddress);
    url += `&ap=server&visitor_ua=${ua}&visitor_ip=${ip}&goal_id=${queryValue(jsText(goalId))}&`;
    headers = visitorHeaders(userAgent, ua, userIpAddress, ip);
  }
  if (record.hasRevenue) url += `r=${queryValue(jsText(record.revenue))}&`;
  if (record.eventId !== undefined) url += `eid=${record.eventId}&`;
  return { method: 'GET', url, headers };
}

function pushGet(ctx: EventContext, record: PushRecord): EventRequest {
  const parts = getParts(ctx);
  let url = parts.pushHead(sessionId(record.time)) + visitorUuidOf(ctx, record.userId) + parts.identity;
  url += randomText(ctx);
  url += pushTail(record.key, record.value);
  if (record.eventId !== undefined) url += `eid=${record.eventId}&`;
  return { method: 'GET', url, headers: {} };
}

/**
 * The `random` value's text. `Math.random()` (and any finite number below 1e21 in magnitude)
 * is written with digits, `.`, `-` and `e` only, none of which {@link queryValue} escapes, so
 * its scan of the ~18 characters (~4 % of an unbatched `push`) is skipped for such numbers.
 */
function randomText(ctx: EventContext): string {
  const value = ctx.random();
  // In range, the number is finite: `numberText`'s text without its checks.
  return typeof value === 'number' && value < 1e21 && value > -1e21 ? (JSON.stringify(value) as string) : queryValue(numberText(value));
}

// The tail of the last push written (`&ap=server&tags=…&`), by its tag: an application pushes
// the same few tags over and over, and the text depends on nothing else.
let lastTagKey: string | undefined;
let lastTagValue: string | undefined;
let lastPushTail = '';
/** Characters of key and value together beyond which a tag is not kept (1.73.0 caps each of a single tag at 255). */
const MAX_KEPT_TAG = 510;

/**
 * `&ap=server&tags={"u":{"<key>":"<value>"}}&`. Key and value are encoded *inside* the JSON, so
 * the server's one decoding of the query yields the raw JSON text; the JSON's own `{":}` stay
 * raw as in 1.73.0. This is `JSON.stringify({ u: { [key]: value } })`: what `encodeURIComponent`
 * returns is ASCII letters, digits, `-_.!~*'()` and `%`, none of which JSON escapes. The text
 * of the last tag is kept as one flat string: a push of the same tag skips both encodings and
 * four concatenations (~7 % of an unbatched `push`'s instructions). Only a short tag is kept
 * (a map's value can be any JSON), so the slot never pins a large text.
 */
function pushTail(key: string, value: string | undefined): string {
  if (key === lastTagKey && value === lastTagValue) return lastPushTail;
  const tail = solid(['&ap=server&tags={"u":{"', encodeComponent(key), '":"', encodeComponent(jsText(value)), '"}}&']);
  if (typeof key === 'string' && typeof value === 'string' && key.length + value.length <= MAX_KEPT_TAG) {
    lastTagKey = key;
    lastTagValue = value;
    lastPushTail = tail;
  }
  return tail;
}

const U = '&u=';
/** A session id no second has: makes a slot's head be written on its first use. */
const NO_SESSION = Number.NaN;
const AMP = '&';
/** Slots of the impression and goal heads of a context; a power of two. A key is checked in full, so a shared slot only costs a rebuild. */
const HEAD_SLOTS = 64;
const GOAL_SLOTS = 32;

/**
 * The parts of a context's GET URLs that no event changes, written once per context: the
 * client makes one context per settings, and a settings update replaces it. The fields they
 * were written from are kept and compared on every use (a few reference comparisons), so a
 * context built anew, or changed in place by a caller of the exported functions, gets parts of
 * its own and the URL never carries a stale value.
 */
class GetParts {
  readonly settings: EventSettings;
  readonly accountId: unknown;
  readonly sdkKey: unknown;
  readonly collectionPrefix: unknown;
  readonly collectorUrl: string | undefined;
  readonly sdkName: string | undefined;
  readonly sdkVersion: string | undefined;
  readonly usageStats: UsageStats | undefined;
  /**
   * Whether the context and its settings were frozen when these parts were written: then
   * nothing they were written from can change, and {@link fits} holds for that context without
   * comparing its fields again (the SDK key's comparison alone is a string comparison a call,
   * ~35 instructions an event). A client's contexts are frozen; a caller's may not be.
   */
  readonly frozen: boolean;
  /** `<track-user URL>?` */
  readonly trackUser: string;
  /** `<track-goal URL>?` */
  readonly trackGoal: string;
  /** `<push URL>?sId=` */
  readonly push: string;
  /** `&sdk=…&sdk-v=…&env=…&account_id=…&random=`, between the visitor id and `random`. */
  readonly identity: string;
  /** `&ap=server&<usage statistics>ed={"p":"server"}&`, after an impression's `random`. */
  readonly impressionTail: string;
  /** {@link impressionTail} then `eid=`. */
  readonly impressionTailEid: string;
  // `HEAD_SLOTS - 1` read from the object at hand: a module constant is a variable of the
  // bundle, which Node 20's optimised code reloads and checks at every read.
  private readonly headMask = HEAD_SLOTS - 1;
  private readonly headCampaigns: number[] = new Array(HEAD_SLOTS).fill(Number.NaN);
  private readonly headVariations: number[] = new Array(HEAD_SLOTS).fill(Number.NaN);
  private readonly impressionHeads: string[] = new Array(HEAD_SLOTS).fill('');
  private readonly goalHeads: string[] = new Array(HEAD_SLOTS).fill('');
  // The heads above with the session id of the last event in their slot and `&u=`: the `sId`
  // is the second of the event, so one event a second writes them and the others reuse them.
  private readonly impressionSessionSids: number[] = new Array(HEAD_SLOTS).fill(NO_SESSION);
  private readonly impressionSessionHeads: string[] = new Array(HEAD_SLOTS).fill('');
  private readonly goalSessionSids: number[] = new Array(HEAD_SLOTS).fill(NO_SESSION);
  private readonly goalSessionHeads: string[] = new Array(HEAD_SLOTS).fill('');
  private pushSid = NO_SESSION;
  private pushSessionHead = '';
  private readonly tailGoals: number[] = new Array(GOAL_SLOTS).fill(Number.NaN);
  private readonly goalTails: string[] = new Array(GOAL_SLOTS).fill('');

  constructor(ctx: EventContext) {
    const { settings } = ctx;
    this.settings = settings;
    this.accountId = settings.accountId;
    this.sdkKey = settings.sdkKey;
    this.collectionPrefix = settings.collectionPrefix;
    this.collectorUrl = ctx.collectorUrl;
    this.sdkName = ctx.sdkName;
    this.sdkVersion = ctx.sdkVersion;
    this.usageStats = ctx.usageStats;
    this.frozen = Object.isFrozen(ctx) && Object.isFrozen(settings);
    const trackUser = eventUrl(ctx, '/server-side/track-user');
    const trackGoal = eventUrl(ctx, '/server-side/track-goal');
    const push = eventUrl(ctx, '/server-side/push');
    this.trackUser = solid([trackUser, '?']);
    this.trackGoal = solid([trackGoal, '?']);
    this.push = solid([push, '?sId=']);
    this.identity = solid([
      `&sdk=${queryValue(ctx.sdkName ?? SDK_NAME)}&sdk-v=${queryValue(ctx.sdkVersion ?? SDK_VERSION)}&`,
      `env=${queryValue(jsText(settings.sdkKey))}&account_id=${queryValue(jsText(settings.accountId))}&random=`,
    ]);
    this.impressionTail = solid(['&ap=server&', usageParams(ctx), `ed=${IMPRESSION_ED}&`]);
    this.impressionTailEid = solid([this.impressionTail, 'eid=']);
  }

  /** Whether these parts were written from what `ctx` holds now. */
  fits(ctx: EventContext): boolean {
    const { settings } = ctx;
    return (
      settings === this.settings &&
      settings.accountId === this.accountId &&
      settings.sdkKey === this.sdkKey &&
      settings.collectionPrefix === this.collectionPrefix &&
      ctx.collectorUrl === this.collectorUrl &&
      ctx.sdkName === this.sdkName &&
      ctx.sdkVersion === this.sdkVersion &&
      ctx.usageStats === this.usageStats
    );
  }

  /** `<track-user URL>?experiment_id=…&combination=…&visitor_ua=&visitor_ip=&sId=<sid>&u=` */
  impressionHead(campaignId: number, variationId: number, sid: number): string {
    const slot = this.headSlot(campaignId, variationId);
    if (this.impressionSessionSids[slot] !== sid) {
      this.impressionSessionSids[slot] = sid;
      this.impressionSessionHeads[slot] = solid([this.impressionHeads[slot] as string, String(sid), U]);
    }
    return this.impressionSessionHeads[slot] as string;
  }

  /** `<track-goal URL>?experiment_id=…&combination=…&sId=<sid>&u=` */
  goalHead(campaignId: number, variationId: number, sid: number): string {
    const slot = this.headSlot(campaignId, variationId);
    if (this.goalSessionSids[slot] !== sid) {
      this.goalSessionSids[slot] = sid;
      this.goalSessionHeads[slot] = solid([this.goalHeads[slot] as string, String(sid), U]);
    }
    return this.goalSessionHeads[slot] as string;
  }

  /** `<push URL>?sId=<sid>&u=` */
  pushHead(sid: number): string {
    if (this.pushSid !== sid) {
      this.pushSid = sid;
      this.pushSessionHead = solid([this.push, String(sid), U]);
    }
    return this.pushSessionHead;
  }

  /** `&ap=server&visitor_ua=&visitor_ip=&goal_id=…&` */
  goalTail(goalId: number): string {
    const slot = goalId & (GOAL_SLOTS - 1);
    if (this.tailGoals[slot] !== goalId) {
      this.tailGoals[slot] = goalId;
      this.goalTails[slot] = solid(['&ap=server&visitor_ua=&visitor_ip=&goal_id=', queryValue(jsText(goalId)), AMP]);
    }
    return this.goalTails[slot] as string;
  }

  private headSlot(campaignId: number, variationId: number): number {
    const slot = (campaignId * 31 + variationId) & this.headMask;
    if (this.headCampaigns[slot] !== campaignId || this.headVariations[slot] !== variationId) {
      this.headCampaigns[slot] = campaignId;
      this.headVariations[slot] = variationId;
      const ids = `experiment_id=${queryValue(jsText(campaignId))}&combination=${queryValue(jsText(variationId))}&`;
      this.impressionHeads[slot] = solid([this.trackUser, ids, 'visitor_ua=&visitor_ip=&sId=']);
      this.goalHeads[slot] = solid([this.trackGoal, ids, 'sId=']);
      this.impressionSessionSids[slot] = NO_SESSION;
      this.goalSessionSids[slot] = NO_SESSION;
    }
    return slot;
  }
}

// The parts of the context used last, and of every other live context. A client keeps one
// context at a time, so the weak map serves only callers that alternate between several.
let lastParts: GetParts | undefined;
let lastContext: EventContext | undefined;
const partsByContext = new WeakMap<EventContext, GetParts>();

function getParts(ctx: EventContext): GetParts {
  if (ctx === lastContext) {
    const parts = lastParts as GetParts;
    if (parts.frozen || parts.fits(ctx)) return parts;
  }
  let parts = partsByContext.get(ctx);
  if (parts === undefined || !parts.fits(ctx)) {
    parts = new GetParts(ctx);
    partsByContext.set(ctx, parts);
  }
  lastContext = ctx;
  lastParts = parts;
  return parts;
}

/** The pieces as one flat string: kept parts are copied into every URL, and `+` would leave each a rope of its own. */
function solid(pieces: readonly string[]): string {
  return pieces.join('');
}
