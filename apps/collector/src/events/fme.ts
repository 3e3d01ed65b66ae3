import type { ParsedQuery } from '../query.js';
import type { EventDraft, EventUnit, FmeRevenuePropLookup } from './draft.js';
import { readEnvelope } from './envelope.js';
import { IMPRESSION_EVENT, PUSH_EVENT, visitorTags } from './event-arch.js';
import { fail, isPlainObject, requireParam, toEventId, toId, toRevenue } from './fields.js';

const USAGE_STATS_EVENT = 'vwo_sdkUsageStats';
/** An FME SDK's reports about itself (fme/events.md §6–§7): counted, never a visitor's action. */
export const FME_SDK_EVENTS: ReadonlySet<string> = new Set(['vwo_fmeSdkInit', USAGE_STATS_EVENT, 'vwo_sdkDebug']);

/**
 * FME SDKs name themselves in the query of every `/events/t` request (`sn=vwo-fme-node-sdk`,
 * fme/events.md §3.1); vwo-node-sdk 1.73.0's event architecture never sends `sn`.
 */
export function isFmeQuery(query: ParsedQuery): boolean {
  return Object.hasOwn(query.params, 'sn');
}

const isUsageStats = (name: string): boolean => name === USAGE_STATS_EVENT;

/** POST /events/t from an FME SDK: one envelope (fme/events.md §3–§7). Usage statistics carry no `env`. */
export function parseFmeEvent(query: ParsedQuery, body: unknown, revenuePropOf: FmeRevenuePropLookup): EventUnit {
  const { params } = query;
  const name = requireParam(params, 'en');
  const accountId = requireParam(params, 'a');
  const env = isUsageStats(name) ? (params.env ?? '') : requireParam(params, 'env', true);
  if (!isPlainObject(body)) fail('body', 'expected a JSON object {"d":{...}}', body);
  return fmeUnit(body.d, 'd', name, { accountId, env, via: 'event-arch' }, toEventId(params.eid, 'eid'), revenuePropOf);
}

/**
 * POST /server-side/batch-events-v2 (fme/events.md §8): `{"ev":[{"d":…}, …]}`, each element the
 * body the event would have had on its own, and the SDK key in `Authorization`. One bad element
 * refuses the whole batch.
 */
export function parseFmeBatch(
  query: ParsedQuery,
  authorization: string | undefined,
  body: unknown,
  revenuePropOf: FmeRevenuePropLookup,
): EventUnit[] {
  const accountId = requireParam(query.params, 'a');
  const env = requireParam(query.params, 'env', true);
  if (authorization !== env) fail('Authorization', 'expected the SDK key of env', authorization);
  if (!isPlainObject(body)) fail('body', 'expected a JSON object {"ev":[{"d":{...}}, ...]}', body);
  const events = body.ev;
  if (!Array.isArray(events)) fail('body.ev', 'expected an array of events', events);
  return events.map((element, index) => {
    const path = `ev[${index}]`;
    if (!isPlainObject(element)) fail(path, 'expected an object {"d":{...}}', element);
    return fmeUnit(element.d, `${path}.d`, null, { accountId, env, via: 'batch' }, null, revenuePropOf);
  });
}

interface Origin {
  readonly accountId: string;
  readonly env: string;
  readonly via: 'event-arch' | 'batch';
}

function fmeUnit(
  body: unknown,
  path: string,
  expectedName: string | null,
  origin: Origin,
  eid: string | null,
  revenuePropOf: FmeRevenuePropLookup,
): EventUnit {
  const envelope = readEnvelope(body, path, { expectedName, visitorOptional: isUsageStats, timeRequired: true });
  const { d, name, props } = envelope;
  const base = {
    format: 'fme' as const,
    via: origin.via,
    accountId: origin.accountId,
    env: origin.env,
    uuid: envelope.uuid,
    eventName: name,
    sentAt: envelope.time as number,
    raw: d,
    campaignId: null,
    variationId: null,
    goalId: null,
    revenue: null,
    revenueRaw: null,
    tags: null,
  };
  let draft: EventDraft;
  if (name === IMPRESSION_EVENT) {
    draft = {
      ...base,
      kind: 'impression',
      campaignId: toId(props.id, `${path}.event.props.id`),
      variationId: toId(props.variation, `${path}.event.props.variation`),
    };
  } else if (name === PUSH_EVENT) {
    draft = { ...base, kind: 'push', tags: visitorTags(envelope.visitorProps ?? {}) };
  } else if (FME_SDK_EVENTS.has(name)) {
    draft = { ...base, kind: 'sdk' };
  } else {
    // A custom event names its metric; revenue is the property the metric's `revenueProp` names.
    const revenueProp = revenuePropOf(origin.accountId, origin.env, name);
    const value = revenueProp === undefined ? undefined : props[revenueProp];
    const revenueRaw = typeof value === 'number' || typeof value === 'string' ? value : null;
    draft = { ...base, kind: 'conversion', revenueRaw, revenue: revenueRaw === null ? null : toRevenue(revenueRaw) };
  }
  // 1.35.0 repeats an impression on every getFlag: two calls in one millisecond send identical
  // envelopes, so without an `eid` a resend cannot be told from a repeat, and every one counts.
  return { dedupKey: eid === null ? null : `id:${eid}`, eid, drafts: [draft] };
}
