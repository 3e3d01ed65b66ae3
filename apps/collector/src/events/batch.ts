import { decodeTolerant, type ParsedQuery } from '../query.js';
import { readTagMap } from './classic.js';
import type { EventDraft, EventUnit } from './draft.js';
import { fail, isPlainObject, requireParam, toEventId, toId, toRevenue, toSessionId, toUuid } from './fields.js';

const identity = (text: string): string => text;

/**
 * POST /server-side/batch-events (events.md §7). The whole batch is refused when one event
 * is malformed, so that a sender never has to guess which half was kept. An empty `ev` is
 * accepted: 1.73.0 posts `{"ev":[]}` for `push(' ', 'x', user)` (decision-flow.md §11).
 */
export function parseBatch(query: ParsedQuery, body: unknown): EventUnit[] {
  const accountId = requireParam(query.params, 'a');
  const env = requireParam(query.params, 'env', true);
  if (!isPlainObject(body)) fail('body', 'expected a JSON object {"ev":[...]}', body);
  const events = body.ev;
  if (!Array.isArray(events)) fail('body.ev', 'expected an array of events', events);
  return events.map((event, index) => parseBatchEvent(event, `ev[${index}]`, accountId, env));
}

function parseBatchEvent(event: unknown, path: string, accountId: string, env: string): EventUnit {
  if (!isPlainObject(event)) fail(path, 'expected an event object', event);
  const eid = toEventId(event.eid, `${path}.eid`);
  toSessionId(event.sId, `${path}.sId`);
  const uuid = toUuid(event.u, `${path}.u`);
  const base = { via: 'batch' as const, accountId, env, uuid, eventName: null, raw: event };
  let draft: EventDraft;
  switch (event.eT) {
    case 1:
      draft = {
        ...base,
        kind: 'impression',
        campaignId: toId(event.e, `${path}.e`),
        variationId: toId(event.c, `${path}.c`),
        goalId: null,
        revenue: null,
        revenueRaw: null,
        tags: null,
      };
      break;
    case 2: {
      const revenueRaw = readRevenue(event.r, `${path}.r`);
      draft = {
        ...base,
        kind: 'conversion',
        campaignId: toId(event.e, `${path}.e`),
        variationId: toId(event.c, `${path}.c`),
        goalId: toId(event.g, `${path}.g`),
        revenue: revenueRaw === null ? null : toRevenue(revenueRaw),
        revenueRaw,
        tags: null,
      };
      break;
    }
    case 3:
      draft = {
        ...base,
        kind: 'push',
        campaignId: null,
        variationId: null,
        goalId: null,
        revenue: null,
        revenueRaw: null,
        tags: readBatchTags(event.t, `${path}.t`),
      };
      break;
    default:
      fail(`${path}.eT`, 'expected 1 (impression), 2 (conversion) or 3 (push)', event.eT);
  }
  return { dedupKey: eid === null ? null : `id:${eid}`, eid, drafts: [draft] };
}

/** `r` keeps its JSON type (events.md §7): a number or a string. */
function readRevenue(value: unknown, field: string): string | number | null {
  if (value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  fail(field, 'expected a number or a string', value);
}

/**
 * `t` is `encodeURIComponent(JSON.stringify({u:{key: value}}))`; unlike the GET push, key
 * and value are not encoded individually, so they are used as they come out of the JSON.
 */
function readBatchTags(value: unknown, field: string): Record<string, string> {
  if (typeof value !== 'string') fail(field, 'expected a URL-encoded JSON string', value);
  for (const candidate of [decodeTolerant(value), value]) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(candidate);
    } catch {
      continue;
    }
    return readTagMap(parsed, field, identity);
  }
  fail(field, 'expected URL-encoded JSON {"u":{key:value}}', value);
}
