import type { EventDraft, EventUnit } from './events/draft.js';
import { setOwn } from './events/fields.js';
import { ALL_ENDPOINTS } from './faults.js';
import type { FmeIndex } from './fme-index.js';
import { createFmeLedger } from './fme-ledger.js';
import type { CampaignStats, CollectedEvent, CollectorStats, Endpoint, EventVia, ReceivedRequest, VariationStats } from './types.js';

/** What the router knows about an accepted request before its events are counted. */
export type RequestInfo = Omit<ReceivedRequest, 'seq' | 'time' | 'events' | 'duplicates'>;

interface VariationAcc {
  impressions: number;
  visitors: Set<string>;
  conversions: Map<string, number>;
  converters: Map<string, Set<string>>;
  revenue: Map<string, number>;
}

interface CampaignAcc extends VariationAcc {
  variations: Map<string, VariationAcc>;
}

/** The bucket for event-architecture conversions of visitors never seen in an impression. */
export const UNKNOWN_VARIATION = 'unknown';
const RECENT_REJECTIONS = 50;

function newVariationAcc(): VariationAcc {
  return { impressions: 0, visitors: new Set(), conversions: new Map(), converters: new Map(), revenue: new Map() };
}

function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

function toRecord(map: Map<string, number>): Record<string, number> {
  const record: Record<string, number> = {};
  for (const [key, value] of map) setOwn(record, key, value);
  return record;
}

function snapshotVariation(acc: VariationAcc): VariationStats {
  const uniqueConversions: Record<string, number> = {};
  for (const [goal, visitors] of acc.converters) setOwn(uniqueConversions, goal, visitors.size);
  return {
    impressions: acc.impressions,
    uniqueVisitors: acc.visitors.size,
    conversions: toRecord(acc.conversions),
    uniqueConversions,
    revenue: toRecord(acc.revenue),
  };
}

function zeroByEndpoint(): Record<Endpoint, number> {
  return Object.fromEntries(ALL_ENDPOINTS.map((e) => [e, 0])) as Record<Endpoint, number>;
}

/**
 * Everything the collector has received: the request and event logs (bounded), exact
 * running stats, and the ids seen for deduplication. One instance per collector.
 */
export function createLedger(maxRecords: number, fmeIndexOf: (accountId: string, sdkKey: string) => FmeIndex | undefined) {
  const fme = createFmeLedger();
  let requests: ReceivedRequest[] = [];
  let events: CollectedEvent[] = [];
  let requestSeq = 0;
  let eventSeq = 0;
  let seen = new Set<string>();
  /** `"<campaignId>|<uuid>"` → the variation of the visitor's latest impression. */
  let latestVariation = new Map<string, number>();
  let campaigns = new Map<string, CampaignAcc>();
  let counters = freshCounters();

  function freshCounters() {
    return {
      total: 0,
      accepted: 0,
      rejected: 0,
      faulted: 0,
      byEndpoint: zeroByEndpoint(),
      events: { total: 0, impressions: 0, conversions: 0, pushes: 0 },
      byVia: { get: 0, batch: 0, 'event-arch': 0 } as Record<EventVia, number>,
      pushesByKey: new Map<string, number>(),
      pushes: 0,
      duplicates: 0,
      connections: 0,
      rejectedByReason: new Map<string, number>(),
      recentRejections: [] as CollectorStats['rejected']['recent'],
    };
  }

  function trim<T>(list: T[]): T[] {
    // Trim in steps so that a long run does not pay an O(n) shift per request.
    return list.length > maxRecords + Math.max(1, maxRecords >> 3) ? list.slice(list.length - maxRecords) : list;
  }

  function campaignAcc(id: number): CampaignAcc {
    const key = String(id);
    let acc = campaigns.get(key);
    if (!acc) {
      acc = { ...newVariationAcc(), variations: new Map() };
      campaigns.set(key, acc);
    }
    return acc;
  }

  function variationAcc(campaign: CampaignAcc, id: number | null): VariationAcc {
    const key = id === null ? UNKNOWN_VARIATION : String(id);
    let acc = campaign.variations.get(key);
    if (!acc) {
      acc = newVariationAcc();
      campaign.variations.set(key, acc);
    }
    return acc;
  }

  function count(event: CollectedEvent): void {
    if (event.format === 'fme') {
      fme.count(event);
      return;
    }
    counters.events.total += 1;
    counters.byVia[event.via] += 1;
    if (event.kind === 'push') {
      counters.events.pushes += 1;
      counters.pushes += 1;
      for (const key of Object.keys(event.tags ?? {})) bump(counters.pushesByKey, key);
      return;
    }
    const campaign = campaignAcc(event.campaignId as number);
    const variation = variationAcc(campaign, event.variationId);
    for (const acc of [campaign, variation]) {
      if (event.kind === 'impression') {
        acc.impressions += 1;
        acc.visitors.add(event.uuid);
      } else {
        const goal = String(event.goalId);
        bump(acc.conversions, goal);
        let converters = acc.converters.get(goal);
        if (!converters) {
          converters = new Set();
          acc.converters.set(goal, converters);
        }
        converters.add(event.uuid);
        if (event.revenue !== null) bump(acc.revenue, goal, event.revenue);
      }
    }
    if (event.kind === 'impression') counters.events.impressions += 1;
    else counters.events.conversions += 1;
  }

  function toEvent(draft: EventDraft, unit: EventUnit, info: RequestInfo, time: number): CollectedEvent {
    let variationId = draft.variationId;
    let variationInferred = false;
    const visitorKey = `${draft.campaignId}|${draft.uuid}`;
    const legacy = draft.format === undefined;
    if (legacy && draft.kind === 'impression') {
      latestVariation.set(visitorKey, draft.variationId as number);
    } else if (legacy && draft.kind === 'conversion' && variationId === null) {
      variationId = latestVariation.get(visitorKey) ?? null;
      variationInferred = variationId !== null;
    }
    eventSeq += 1;
    return {
      seq: eventSeq,
      time,
      kind: draft.kind,
      format: draft.format ?? 'legacy',
      via: draft.via,
      endpoint: info.endpoint,
      prefix: info.prefix,
      accountId: draft.accountId,
      env: draft.env,
      campaignId: draft.campaignId,
      variationId,
      variationInferred,
      goalId: draft.goalId,
      revenue: draft.revenue,
      revenueRaw: draft.revenueRaw,
      uuid: draft.uuid,
      tags: draft.tags,
      eventName: draft.eventName,
      sentAt: draft.sentAt ?? null,
      eid: unit.eid,
      raw: draft.raw,
    };
  }

  return {
    /** Counts a request to a VWO endpoint or an unknown path. */
    countRequest(endpoint: Endpoint | null): void {
      counters.total += 1;
      if (endpoint !== null) counters.byEndpoint[endpoint] += 1;
    },

    countFault(): void {
      counters.faulted += 1;
    },

    /** How many of these units would be duplicates, without recording anything. */
    duplicatesIn(units: readonly EventUnit[]): number {
      const local = new Set<string>();
      let duplicates = 0;
      for (const { dedupKey } of units) {
        if (dedupKey === null) continue;
        if (seen.has(dedupKey) || local.has(dedupKey)) duplicates += 1;
        else local.add(dedupKey);
      }
      return duplicates;
    },

    /** Records an accepted request and its new events; units whose id was seen count as duplicates. */
    accept(info: RequestInfo, units: readonly EventUnit[]): ReceivedRequest {
      const time = Date.now();
      const fresh: CollectedEvent[] = [];
      let duplicates = 0;
      for (const unit of units) {
        if (unit.dedupKey !== null) {
          if (seen.has(unit.dedupKey)) {
            duplicates += 1;
            continue;
          }
          seen.add(unit.dedupKey);
        }
        for (const draft of unit.drafts) {
          const event = toEvent(draft, unit, info, time);
          count(event);
          fresh.push(event);
        }
      }
      counters.accepted += 1;
      counters.duplicates += duplicates;
      requestSeq += 1;
      const request: ReceivedRequest = { ...info, seq: requestSeq, time, events: fresh, duplicates };
      requests.push(request);
      requests = trim(requests);
      events.push(...fresh);
      events = trim(events);
      return request;
    },

    reject(method: string, path: string, status: number, reason: string, error: string): void {
      counters.rejected += 1;
      bump(counters.rejectedByReason, reason);
      counters.recentRejections.push({ time: Date.now(), method, path, status, error });
      if (counters.recentRejections.length > RECENT_REJECTIONS) counters.recentRejections.shift();
    },

    /** A TCP connection accepted by the HTTP server (whatever it then carries). */
    countConnection(): void {
      counters.connections += 1;
    },

    received: (): ReceivedRequest[] => [...requests],
    events: (): CollectedEvent[] => [...events],

    stats(): CollectorStats {
      const campaignStats: Record<string, CampaignStats> = {};
      for (const [id, acc] of campaigns) {
        const variations: Record<string, VariationStats> = {};
        for (const [variationId, variation] of acc.variations) {
          setOwn(variations, variationId, snapshotVariation(variation));
        }
        setOwn(campaignStats, id, { ...snapshotVariation(acc), variations });
      }
      return {
        requests: {
          total: counters.total,
          accepted: counters.accepted,
          rejected: counters.rejected,
          faulted: counters.faulted,
          byEndpoint: { ...counters.byEndpoint },
        },
        events: { ...counters.events, byVia: { ...counters.byVia } },
        campaigns: campaignStats,
        pushes: { total: counters.pushes, byKey: toRecord(counters.pushesByKey) },
        fme: fme.stats(fmeIndexOf),
        duplicates: counters.duplicates,
        connections: counters.connections,
        rejected: {
          total: counters.rejected,
          byReason: toRecord(counters.rejectedByReason),
          recent: counters.recentRejections.map((entry) => ({ ...entry })),
        },
      };
    },

    reset(): void {
      requests = [];
      events = [];
      requestSeq = 0;
      eventSeq = 0;
      seen = new Set();
      latestVariation = new Map();
      campaigns = new Map();
      counters = freshCounters();
      fme.reset();
    },
  };
}

export type Ledger = ReturnType<typeof createLedger>;
