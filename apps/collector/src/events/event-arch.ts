import type { ParsedQuery } from '../query.js';
import type { EventDraft, EventUnit, RevenuePropLookup } from './draft.js';
import { readEnvelope } from './envelope.js';
import { fail, isPlainObject, requireParam, setOwn, toEventId, toId, toRevenue } from './fields.js';

export const IMPRESSION_EVENT = 'vwo_variationShown';
export const PUSH_EVENT = 'vwo_syncVisitorProp';

/** Visitor props the SDK adds to every event; not custom dimensions. */
const SDK_VISITOR_PROPS = new Set(['vwo_fs_environment']);

const CAMPAIGN_KEY = /^id_([1-9][0-9]{0,15})$/;
const GOAL_ENTRY = /^g_([1-9][0-9]{0,15})$/;

/**
 * POST /events/t (events.md §8). The deduplication id is the `eid` parameter when sent, else `d.msgId`; because 1.73.0 builds it
 * as `<uuid>-<ms>`, two different events of one visitor in the same millisecond share it, so
 * the key also covers the event's name and properties: only a true resend is a duplicate.
 */
export function parseEventArch(query: ParsedQuery, body: unknown, revenuePropOf: RevenuePropLookup): EventUnit {
  const { params } = query;
  const name = requireParam(params, 'en');
  const accountId = requireParam(params, 'a');
  const env = requireParam(params, 'env', true);
  if (!isPlainObject(body)) fail('body', 'expected a JSON object {"d":{...}}', body);
  const { d, msgId, uuid, props, visitorProps: given } = readEnvelope(body.d, 'd', { expectedName: name });
  const visitorProps = given as Record<string, unknown>;

  const base = { via: 'event-arch' as const, accountId, env, uuid, eventName: name, raw: d };
  let drafts: EventDraft[];
  if (name === IMPRESSION_EVENT) {
    drafts = [
      {
        ...base,
        kind: 'impression',
        campaignId: toId(props.id, 'd.event.props.id'),
        variationId: toId(props.variation, 'd.event.props.variation'),
        goalId: null,
        revenue: null,
        revenueRaw: null,
        tags: null,
      },
    ];
  } else if (name === PUSH_EVENT) {
    drafts = [
      {
        ...base,
        kind: 'push',
        campaignId: null,
        variationId: null,
        goalId: null,
        revenue: null,
        revenueRaw: null,
        tags: visitorTags(visitorProps),
      },
    ];
  } else {
    drafts = conversions(props, base, (campaignId, goalId) => revenuePropOf(accountId, env, campaignId, goalId));
  }
  // An `eid` query parameter (sent by this SDK) names the event exactly; 1.73.0 sends none.
  return eventArchUnit(toEventId(params.eid, 'eid'), msgId, name, props, visitorProps, drafts);
}

/**
 * The unit of one event-architecture envelope: named by `eid` when sent, else by `msgId` with the
 * event's name and properties (a `msgId` is only `<uuid>-<ms>`, shared by different events).
 */
function eventArchUnit(
  eid: string | null,
  msgId: string,
  name: string,
  props: unknown,
  visitorProps: unknown,
  drafts: EventDraft[],
): EventUnit {
  if (eid !== null) return { dedupKey: `id:${eid}`, eid, drafts };
  const dedupKey = `ea:${msgId}\n${name}\n${JSON.stringify(props)}\n${JSON.stringify(visitorProps)}`;
  return { dedupKey, eid: msgId, drafts };
}

/**
 * Custom dimensions are the visitor props beyond the SDK's own. None is allowed: 1.73.0's
 * `push(' ', 'x', user)` quirk sends a push with an empty map (decision-flow.md §11).
 */
export function visitorTags(visitorProps: Record<string, unknown>): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(visitorProps)) {
    if (SDK_VISITOR_PROPS.has(key)) continue;
    setOwn(tags, key, typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value)));
  }
  return tags;
}

type Base = Pick<EventDraft, 'via' | 'accountId' | 'env' | 'uuid' | 'eventName' | 'raw'>;

/** One conversion per (campaign, goal) pair of `vwoMeta.metric` = `{ "id_<campaign>": ["g_<goal>", …] }`. */
function conversions(
  props: Record<string, unknown>,
  base: Base,
  revenuePropOf: (campaignId: number, goalId: number) => string | null | undefined,
): EventDraft[] {
  const meta = props.vwoMeta;
  if (!isPlainObject(meta)) fail('d.event.props.vwoMeta', 'expected an object (a goal event)', meta);
  const metric = meta.metric;
  if (!isPlainObject(metric)) fail('d.event.props.vwoMeta.metric', 'expected an object', metric);
  const entries = Object.entries(metric);
  if (entries.length === 0) fail('d.event.props.vwoMeta.metric', 'expected at least one campaign');
  const drafts: EventDraft[] = [];
  for (const [campaignKey, goals] of entries) {
    const field = `d.event.props.vwoMeta.metric.${campaignKey}`;
    const campaignMatch = CAMPAIGN_KEY.exec(campaignKey);
    if (!campaignMatch) fail('d.event.props.vwoMeta.metric', 'expected keys "id_<campaignId>"', campaignKey);
    const campaignId = Number(campaignMatch[1]);
    if (!Array.isArray(goals) || goals.length === 0) fail(field, 'expected a non-empty array of "g_<goalId>"', goals);
    for (const goal of goals) {
      const goalMatch = typeof goal === 'string' ? GOAL_ENTRY.exec(goal) : null;
      if (!goalMatch) fail(field, 'expected entries "g_<goalId>"', goal);
      const goalId = Number(goalMatch[1]);
      const revenueRaw = revenueFor(meta, revenuePropOf(campaignId, goalId));
      drafts.push({
        ...base,
        kind: 'conversion',
        campaignId,
        variationId: null,
        goalId,
        revenue: revenueRaw === null ? null : toRevenue(revenueRaw),
        revenueRaw,
        tags: null,
      });
    }
  }
  return drafts;
}

/**
 * `vwoMeta[revenueProp]` when the served settings name the goal's `revenueProp`. Without
 * settings for the goal the collector cannot tell which key belongs to which goal, so it
 * attributes revenue only when `vwoMeta` carries exactly one numeric key besides `metric`.
 */
function revenueFor(meta: Record<string, unknown>, revenueProp: string | null | undefined): string | number | null {
  if (revenueProp === null) return null;
  if (revenueProp !== undefined) return asRevenue(meta[revenueProp]);
  const candidates = Object.keys(meta).filter((key) => key !== 'metric' && toRevenue(meta[key]) !== null);
  return candidates.length === 1 ? asRevenue(meta[candidates[0] as string]) : null;
}

function asRevenue(value: unknown): string | number | null {
  return typeof value === 'number' || typeof value === 'string' ? value : null;
}
