import type { EventDraft, EventUnit } from './events/draft.js';
import { setOwn } from './events/fields.js';
import { ALL_ENDPOINTS } from './faults.js';
import type { FmeIndex } from './fme-index.js';
import { createFmeLedger } from './fme-ledger.js';
import { bump, getOrCreate, newTally, snapshotTally, type Tally, tallyConversion, tallyImpression, toRecord } from './tally.js';
import type { CampaignStats, CollectedEvent, CollectorStats, Endpoint, EventVia, ReceivedRequest, VariationStats } from './types.js';

/** What the router knows about an accepted request before its events are counted. */
export type RequestInfo = Omit<ReceivedRequest, 'seq' | 'time' | 'events' | 'duplicates'>;

/** A campaign's counts over all its variations, and each variation's. */
interface CampaignTally extends Tally {
  variations: Map<string, Tally>;
}

/** The bucket for event-architecture conversions of visitors never seen in an impression. */
export const UNKNOWN_VARIATION = 'unknown';
const RECENT_REJECTIONS = 50;

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
  let campaigns = new Map<string, CampaignTally>();
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

  function campaignTally(id: number): CampaignTally {
    return getOrCreate(campaigns, String(id), () => ({ ...newTally(), variations: new Map() }));
  }

  function variationTally(campaign: CampaignTally, id: number | null): Tally {
    return getOrCreate(campaign.variations, id === null ? UNKNOWN_VARIATION : String(id), newTally);
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
    const campaign = campaignTally(event.campaignId as number);
    for (const tally of [campaign, variationTally(campaign, event.variationId)]) {
      if (event.kind === 'impression') tallyImpression(tally, event.uuid);
      else tallyConversion(tally, String(event.goalId), event.uuid, event.revenue);
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
      for (const [id, campaign] of campaigns) {
        const variations: Record<string, VariationStats> = {};
        for (const [variationId, variation] of campaign.variations) setOwn(variations, variationId, snapshotTally(variation));
        setOwn(campaignStats, id, { ...snapshotTally(campaign), variations });
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
