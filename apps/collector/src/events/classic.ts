import { decodeTolerant, type ParsedQuery, parseJsonParam } from '../query.js';
import type { EventDraft, EventUnit } from './draft.js';
import { fail, isPlainObject, requireParam, setOwn, toEventId, toId, toRevenue, toSessionId, toUuid } from './fields.js';

/**
 * The parameters every classic GET carries (events.md §3–6). `env` may be empty (a settings
 * file with `sdkKey: ""`) and reads `undefined` when the file has no key.
 */
function common(query: ParsedQuery) {
  const { params } = query;
  toSessionId(requireParam(params, 'sId'), 'sId');
  const uuid = toUuid(requireParam(params, 'u'), 'u');
  requireParam(params, 'sdk');
  requireParam(params, 'sdk-v');
  const env = requireParam(params, 'env', true);
  const accountId = requireParam(params, 'account_id');
  const eid = toEventId(params.eid, 'eid');
  return { uuid, env, accountId, eid };
}

function unit(eid: string | null, draft: EventDraft): EventUnit {
  return { dedupKey: eid === null ? null : `id:${eid}`, eid, drafts: [draft] };
}

/** GET /server-side/track-user (events.md §4). */
export function parseImpression(query: ParsedQuery): EventUnit {
  const { params } = query;
  const campaignId = toId(requireParam(params, 'experiment_id'), 'experiment_id');
  const variationId = toId(requireParam(params, 'combination'), 'combination');
  const { uuid, env, accountId, eid } = common(query);
  if (Object.hasOwn(params, 'ed')) {
    const ed = parseJsonParam(query.raw.ed as string);
    if (!ed.ok || !isPlainObject(ed.value)) fail('ed', 'expected a JSON object', params.ed);
  }
  return unit(eid, {
    kind: 'impression',
    via: 'get',
    accountId,
    env,
    campaignId,
    variationId,
    goalId: null,
    revenue: null,
    revenueRaw: null,
    uuid,
    tags: null,
    eventName: null,
    raw: params,
  });
}

/** GET /server-side/track-goal (events.md §5). `r` is kept as sent: 1.73.0 sends `abc` for a revenue of "abc". */
export function parseConversion(query: ParsedQuery): EventUnit {
  const { params } = query;
  const campaignId = toId(requireParam(params, 'experiment_id'), 'experiment_id');
  const variationId = toId(requireParam(params, 'combination'), 'combination');
  const goalId = toId(requireParam(params, 'goal_id'), 'goal_id');
  const { uuid, env, accountId, eid } = common(query);
  const revenueRaw = Object.hasOwn(params, 'r') ? (params.r as string) : null;
  return unit(eid, {
    kind: 'conversion',
    via: 'get',
    accountId,
    env,
    campaignId,
    variationId,
    goalId,
    revenue: revenueRaw === null ? null : toRevenue(revenueRaw),
    revenueRaw,
    uuid,
    tags: null,
    eventName: null,
    raw: params,
  });
}

/**
 * GET /server-side/push (events.md §6): `tags={"u":{"<key>":"<value>"}}` with key and value
 * percent-encoded inside the JSON, so they are decoded once more after parsing.
 */
export function parsePush(query: ParsedQuery): EventUnit {
  const { params } = query;
  const { uuid, env, accountId, eid } = common(query);
  requireParam(params, 'tags');
  const parsed = parseJsonParam(query.raw.tags as string);
  if (!parsed.ok) fail('tags', 'expected JSON', params.tags);
  const tags = readTagMap(parsed.value, 'tags', decodeTolerant);
  return unit(eid, {
    kind: 'push',
    via: 'get',
    accountId,
    env,
    campaignId: null,
    variationId: null,
    goalId: null,
    revenue: null,
    revenueRaw: null,
    uuid,
    tags,
    eventName: null,
    raw: params,
  });
}

/** `{"u":{k:v,…}}` with at least one entry; non-string values are stringified as 1.73.0 does. */
export function readTagMap(value: unknown, field: string, decode: (text: string) => string): Record<string, string> {
  if (!isPlainObject(value)) fail(field, 'expected a JSON object {"u":{key:value}}', value);
  const map = value.u;
  if (!isPlainObject(map)) fail(`${field}.u`, 'expected an object of custom dimensions', map);
  const entries = Object.entries(map);
  if (entries.length === 0) fail(`${field}.u`, 'expected at least one custom dimension');
  const tags: Record<string, string> = {};
  for (const [key, tagValue] of entries) {
    if (tagValue === null || typeof tagValue === 'object') {
      fail(`${field}.u.${key}`, 'expected a string value', tagValue);
    }
    setOwn(tags, decode(key), decode(String(tagValue)));
  }
  return tags;
}
