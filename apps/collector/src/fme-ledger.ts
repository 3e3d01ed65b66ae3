import { isPlainObject, setOwn } from './events/fields.js';
import type { FmeIndex, FmeRuleRef } from './fme-index.js';
import { bump, getOrCreate, newTally, snapshotTally, type Tally, tallyConversion, tallyImpression, toRecord } from './tally.js';
import type { CollectedEvent, FmeMetricStats, FmeRuleStats, FmeStats, FmeVariationStats } from './types.js';

/** One visitor's impressions in one campaign, as (SDK event time, variation) pairs. */
interface History {
  readonly times: number[];
  readonly variations: number[];
}

/** Events of one account and SDK key: features are resolved against the settings served for them. */
interface SourceAcc {
  readonly accountId: string;
  readonly env: string;
  /** Campaign id → variation id → impressions and visitors (conversions are attributed to rules when read). */
  readonly campaigns: Map<number, Map<number, Tally>>;
  /** `"<campaignId>|<uuid>"` → the visitor's impressions there. */
  readonly histories: Map<string, History>;
  readonly conversions: Array<{ readonly metric: string; readonly uuid: string; readonly time: number; readonly revenue: number | null }>;
}

interface MetricAcc {
  conversions: number;
  visitors: Set<string>;
  revenue: number | null;
}

/** A visitor's impressions per campaign are few; past this many the oldest are forgotten. */
const HISTORY_LIMIT = 64;

/** The variation of the latest impression sent no later than `time` (the later-recorded on a tie), else null. */
export function variationAt(history: History | undefined, time: number): number | null {
  if (!history) return null;
  let best = -1;
  for (let i = 0; i < history.times.length; i += 1) {
    const at = history.times[i] as number;
    if (at <= time && (best === -1 || at >= (history.times[best] as number))) best = i;
  }
  return best === -1 ? null : (history.variations[best] as number);
}

/** The message template of a `vwo_sdkDebug` event (`event.props.vwoMeta.msg_t`). */
function debugMessage(event: CollectedEvent): string | null {
  const props = (event.raw.event as { props?: unknown } | undefined)?.props;
  const meta = isPlainObject(props) ? props.vwoMeta : undefined;
  return isPlainObject(meta) && typeof meta.msg_t === 'string' ? meta.msg_t : null;
}

/** Counts FME events; features and rules are resolved when the statistics are read. */
export function createFmeLedger() {
  let sources = new Map<string, SourceAcc>();
  let counters = fresh();

  function fresh() {
    return {
      total: 0,
      impressions: 0,
      conversions: 0,
      attributes: 0,
      sdk: 0,
      byName: new Map<string, number>(),
      byVia: { 'event-arch': 0, batch: 0 },
      metrics: new Map<string, MetricAcc>(),
      attributeKeys: new Map<string, number>(),
      debugMessages: new Map<string, number>(),
    };
  }

  function sourceOf(event: CollectedEvent): SourceAcc {
    return getOrCreate(sources, `${event.accountId}\n${event.env}`, () => ({
      accountId: event.accountId,
      env: event.env,
      campaigns: new Map(),
      histories: new Map(),
      conversions: [],
    }));
  }

  function countImpression(event: CollectedEvent): void {
    const source = sourceOf(event);
    const campaignId = event.campaignId as number;
    const variationId = event.variationId as number;
    const variations = getOrCreate(source.campaigns, campaignId, () => new Map());
    tallyImpression(getOrCreate(variations, variationId, newTally), event.uuid);
    const history = getOrCreate(source.histories, `${campaignId}|${event.uuid}`, () => ({ times: [], variations: [] }));
    if (history.times.length >= HISTORY_LIMIT) {
      history.times.shift();
      history.variations.shift();
    }
    history.times.push(event.sentAt as number);
    history.variations.push(variationId);
  }

  function countConversion(event: CollectedEvent): void {
    const metric = event.eventName as string;
    sourceOf(event).conversions.push({ metric, uuid: event.uuid, time: event.sentAt as number, revenue: event.revenue });
    const acc = getOrCreate(counters.metrics, metric, () => ({ conversions: 0, visitors: new Set<string>(), revenue: null }));
    acc.conversions += 1;
    acc.visitors.add(event.uuid);
    if (event.revenue !== null) acc.revenue = (acc.revenue ?? 0) + event.revenue;
  }

  return {
    count(event: CollectedEvent): void {
      counters.total += 1;
      counters.byVia[event.via === 'batch' ? 'batch' : 'event-arch'] += 1;
      bump(counters.byName, event.eventName as string);
      switch (event.kind) {
        case 'impression':
          counters.impressions += 1;
          countImpression(event);
          return;
        case 'conversion':
          counters.conversions += 1;
          countConversion(event);
          return;
        case 'push':
          counters.attributes += 1;
          for (const key of Object.keys(event.tags ?? {})) bump(counters.attributeKeys, key);
          return;
        case 'sdk': {
          counters.sdk += 1;
          const message = debugMessage(event);
          if (message !== null) bump(counters.debugMessages, message);
          return;
        }
      }
    },

    /** The statistics, features resolved through `indexOf` (the FME settings served for an account and key). */
    stats(indexOf: (accountId: string, sdkKey: string) => FmeIndex | undefined): FmeStats {
      const rules = new Map<string, Map<string, { ref: FmeRuleRef; visitors: Set<string>; variations: Map<number, Tally> }>>();
      const ruleAcc = (ref: FmeRuleRef) =>
        getOrCreate(
          getOrCreate(rules, ref.featureKey, () => new Map()),
          ref.ruleKey,
          () => ({
            ref,
            visitors: new Set<string>(),
            variations: new Map<number, Tally>(),
          }),
        );
      const unattributed = new Map<string, number>();
      const campaigns: FmeStats['campaigns'] = {};

      for (const source of sources.values()) {
        for (const [campaignId, variations] of source.campaigns) {
          const entry = campaigns[String(campaignId)] ?? { impressions: 0, uniqueVisitors: 0, variations: {} };
          campaigns[String(campaignId)] = entry;
          const visitors = new Set<string>();
          for (const [variationId, acc] of variations) {
            const previous = entry.variations[String(variationId)] ?? { impressions: 0, uniqueVisitors: 0 };
            entry.variations[String(variationId)] = {
              impressions: previous.impressions + acc.impressions,
              uniqueVisitors: previous.uniqueVisitors + acc.visitors.size,
            };
            entry.impressions += acc.impressions;
            for (const uuid of acc.visitors) visitors.add(uuid);
          }
          entry.uniqueVisitors += visitors.size;
        }
        const index = indexOf(source.accountId, source.env);
        // Every rule of the served file is listed, those nobody reached with zeros.
        for (const feature of index?.features ?? []) for (const ref of feature.rules) ruleAcc(ref);
        for (const [campaignId, variations] of source.campaigns) {
          for (const ref of index?.rulesByCampaign.get(campaignId) ?? []) {
            const rule = ruleAcc(ref);
            for (const [variationId, acc] of variations) {
              if (ref.variationId !== null && ref.variationId !== variationId) continue;
              const variation = getOrCreate(rule.variations, variationId, newTally);
              variation.impressions += acc.impressions;
              for (const uuid of acc.visitors) {
                variation.visitors.add(uuid);
                rule.visitors.add(uuid);
              }
            }
          }
        }
        for (const conversion of source.conversions) {
          let attributed = false;
          for (const ref of index?.rulesByMetric.get(conversion.metric) ?? []) {
            const variationId = variationAt(source.histories.get(`${ref.campaignId}|${conversion.uuid}`), conversion.time);
            if (variationId === null || (ref.variationId !== null && ref.variationId !== variationId)) continue;
            attributed = true;
            tallyConversion(
              getOrCreate(ruleAcc(ref).variations, variationId, newTally),
              conversion.metric,
              conversion.uuid,
              conversion.revenue,
            );
          }
          if (!attributed) bump(unattributed, conversion.metric);
        }
      }

      const features: FmeStats['features'] = {};
      for (const [featureKey, byRule] of rules) {
        const ruleStats: Record<string, FmeRuleStats> = {};
        for (const [ruleKey, rule] of byRule) {
          const variations: Record<string, FmeVariationStats> = {};
          let impressions = 0;
          for (const [variationId, acc] of rule.variations) {
            setOwn(variations, String(variationId), snapshotTally(acc));
            impressions += acc.impressions;
          }
          setOwn(ruleStats, ruleKey, {
            campaignId: rule.ref.campaignId,
            type: rule.ref.type,
            impressions,
            uniqueVisitors: rule.visitors.size,
            variations,
          });
        }
        setOwn(features, featureKey, { rules: ruleStats });
      }
      const metrics: Record<string, FmeMetricStats> = {};
      for (const [metric, acc] of counters.metrics) {
        setOwn(metrics, metric, {
          conversions: acc.conversions,
          uniqueVisitors: acc.visitors.size,
          revenue: acc.revenue,
          unattributed: unattributed.get(metric) ?? 0,
        });
      }
      return {
        events: {
          total: counters.total,
          impressions: counters.impressions,
          conversions: counters.conversions,
          attributes: counters.attributes,
          sdk: counters.sdk,
          byName: toRecord(counters.byName),
          byVia: { ...counters.byVia },
        },
        campaigns,
        features,
        metrics,
        attributes: { total: counters.attributes, byKey: toRecord(counters.attributeKeys) },
        debugMessages: toRecord(counters.debugMessages),
      };
    },

    reset(): void {
      sources = new Map();
      counters = fresh();
    },
  };
}
