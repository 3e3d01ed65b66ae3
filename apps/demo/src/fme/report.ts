import type { FmeStats, FmeVariationStats } from '@vwo/collector';
import type { FmeTally } from './tally.js';
import { variationKey } from './tally.js';
import type { WireCount } from './transport.js';

/** One metric of one variation, as the collector attributed it. */
export interface FmeMetricCell {
  readonly conversions: number;
  readonly uniqueConversions: number;
  /** uniqueConversions / users. */
  readonly rate: number;
  /** Sum of revenue (metrics with a `revenueProp`), else null. */
  readonly revenue: number | null;
}

export interface FmeVariationRow {
  readonly id: number;
  readonly name: string;
  /** A/B: the variation's weight (percent); rollout and personalise: the rule's traffic (percent). */
  readonly weight: number;
  /** Distinct users with an impression (collector). */
  readonly users: number;
  readonly impressions: number;
  /** By metric identifier. */
  readonly metrics: Readonly<Record<string, FmeMetricCell>>;
  /** What the SDK reported for the same variation, counted by the demo. */
  readonly sdk: {
    readonly users: number;
    readonly impressions: number;
    readonly conversions: Readonly<Record<string, number>>;
    readonly revenue: Readonly<Record<string, number>>;
  };
}

export interface FmeRuleReport {
  readonly key: string;
  readonly type: string;
  readonly campaignId: number;
  readonly campaignName: string;
  /** The mutually exclusive group of the rule's campaign, by name. */
  readonly group: string | null;
  /** Pre-segmented: the rule's segments are not empty. */
  readonly preSegmented: boolean;
  readonly users: number;
  readonly impressions: number;
  readonly variations: readonly FmeVariationRow[];
  /** Every collector count equals what the SDK reported (users, impressions, conversions, revenue). */
  readonly agrees: boolean;
  readonly mismatches: readonly string[];
}

export interface FmeFeatureReport {
  readonly key: string;
  readonly name: string;
  readonly metrics: readonly { readonly identifier: string; readonly type: string }[];
  readonly rules: readonly FmeRuleReport[];
}

export interface FmeReport {
  readonly title: string;
  readonly settingsFile: string;
  readonly users: number;
  readonly durationMs: number;
  readonly delivery: {
    /** What the SDK put on the wire, counted by the demo's transport. */
    readonly sdk: WireCount;
    readonly collector: { readonly events: number; readonly byName: Readonly<Record<string, number>>; readonly batchRequests: number };
    /** Every event the SDK sent was delivered and counted, none failed. */
    readonly complete: boolean;
  };
  readonly features: readonly FmeFeatureReport[];
  /** Accepted `trackEvent` calls per metric: collector and SDK. */
  readonly metrics: readonly {
    readonly identifier: string;
    readonly conversions: number;
    readonly sdk: number;
    readonly revenue: number | null;
    readonly unattributed: number;
  }[];
  /** Every rule agrees, every metric count equals the SDK's, delivery complete. */
  readonly agrees: boolean;
}

export interface FmeReportInput {
  readonly file: Record<string, unknown>;
  readonly settingsFile: string;
  readonly stats: FmeStats;
  readonly batchRequests: number;
  readonly tally: FmeTally;
  readonly wire: WireCount;
  readonly users: number;
  readonly durationMs: number;
}

interface FileVariation {
  readonly id: number;
  readonly name: string;
  readonly weight: number;
  readonly segments?: Record<string, unknown>;
}
interface FileCampaign {
  readonly id: number;
  readonly name: string;
  readonly type: string;
  readonly percentTraffic?: number;
  readonly segments: Record<string, unknown>;
  readonly variations: readonly FileVariation[];
}
interface FileFeature {
  readonly key: string;
  readonly name: string;
  readonly metrics: readonly { readonly identifier: string; readonly type: string; readonly revenueProp?: string }[];
  readonly rules: readonly { readonly ruleKey: string; readonly campaignId: number; readonly variationId?: number }[];
}

const EMPTY: FmeVariationStats = { impressions: 0, uniqueVisitors: 0, conversions: {}, uniqueConversions: {}, revenue: {} };
const cents = (n: number) => Math.round(n * 100) / 100;

/** The FME section of the report: the collector's numbers per feature, rule and variation, beside the SDK's. */
export function buildFmeReport(input: FmeReportInput): FmeReport {
  const { file, stats, tally } = input;
  const campaigns = new Map((file.campaigns as FileCampaign[]).map((c) => [c.id, c]));
  const groups = (file.groups ?? {}) as Record<string, { name?: string }>;
  const campaignGroups = (file.campaignGroups ?? {}) as Record<string, number>;
  const features = (file.features as FileFeature[]).map((feature): FmeFeatureReport => {
    const metrics = feature.metrics.map(({ identifier, type }) => ({ identifier, type }));
    const rules = feature.rules.map((rule): FmeRuleReport => {
      const campaign = campaigns.get(rule.campaignId) as FileCampaign;
      const got = stats.features[feature.key]?.rules[rule.ruleKey];
      const served = rule.variationId ? campaign.variations.filter((v) => v.id === rule.variationId) : campaign.variations;
      const isAb = campaign.type === 'FLAG_TESTING';
      const mismatches: string[] = [];
      const variations = served.map((variation): FmeVariationRow => {
        const collected = got?.variations[String(variation.id)] ?? EMPTY;
        const sdk = tally.variations.get(variationKey(feature.key, rule.ruleKey, variation.id));
        const sdkView = {
          users: sdk?.users.size ?? 0,
          impressions: sdk?.impressions ?? 0,
          conversions: sdk?.conversions ?? {},
          revenue: sdk?.revenue ?? {},
        };
        const cells: Record<string, FmeMetricCell> = {};
        for (const metric of feature.metrics) {
          const id = metric.identifier;
          const revenue = metric.revenueProp ? cents(collected.revenue[id] ?? 0) : null;
          const unique = collected.uniqueConversions[id] ?? 0;
          cells[id] = {
            conversions: collected.conversions[id] ?? 0,
            uniqueConversions: unique,
            rate: collected.uniqueVisitors > 0 ? unique / collected.uniqueVisitors : 0,
            revenue,
          };
          if ((collected.conversions[id] ?? 0) !== (sdkView.conversions[id] ?? 0)) {
            mismatches.push(`${variation.name} ${id}: collector ${collected.conversions[id] ?? 0}, SDK ${sdkView.conversions[id] ?? 0}`);
          }
          if (revenue !== null && Math.abs(revenue - (sdkView.revenue[id] ?? 0)) > 0.005) {
            mismatches.push(`${variation.name} ${id} revenue: collector ${revenue}, SDK ${sdkView.revenue[id] ?? 0}`);
          }
        }
        if (collected.uniqueVisitors !== sdkView.users)
          mismatches.push(`${variation.name} users: collector ${collected.uniqueVisitors}, SDK ${sdkView.users}`);
        if (collected.impressions !== sdkView.impressions) {
          mismatches.push(`${variation.name} impressions: collector ${collected.impressions}, SDK ${sdkView.impressions}`);
        }
        return {
          id: variation.id,
          name: variation.name,
          weight: isAb ? variation.weight : Number(served[0]?.weight ?? 0),
          users: collected.uniqueVisitors,
          impressions: collected.impressions,
          metrics: cells,
          sdk: sdkView,
        };
      });
      const group = campaignGroups[String(campaign.id)] ?? campaignGroups[`${campaign.id}_${served[0]?.id}`];
      const segments = isAb ? campaign.segments : served[0]?.segments;
      return {
        key: rule.ruleKey,
        type: campaign.type,
        campaignId: campaign.id,
        campaignName: campaign.name,
        group: group === undefined ? null : String(groups[String(group)]?.name ?? group),
        preSegmented: segments !== undefined && Object.keys(segments).length > 0,
        users: got?.uniqueVisitors ?? 0,
        impressions: got?.impressions ?? 0,
        variations,
        agrees: mismatches.length === 0,
        mismatches,
      };
    });
    return { key: feature.key, name: feature.name, metrics, rules };
  });
  const metrics = Object.entries(stats.metrics).map(([identifier, metric]) => ({
    identifier,
    conversions: metric.conversions,
    sdk: tally.metrics.get(identifier) ?? 0,
    revenue: metric.revenue === null ? null : cents(metric.revenue),
    unattributed: metric.unattributed,
  }));
  for (const [identifier, count] of tally.metrics) {
    if (!Object.hasOwn(stats.metrics, identifier)) metrics.push({ identifier, conversions: 0, sdk: count, revenue: null, unattributed: 0 });
  }
  const wire = input.wire;
  const complete = wire.failed === 0 && stats.events.total === wire.deliveredEvents;
  const agrees = complete && features.every((f) => f.rules.every((r) => r.agrees)) && metrics.every((m) => m.conversions === m.sdk);
  return {
    title: 'VWO FME',
    settingsFile: input.settingsFile,
    users: input.users,
    durationMs: Math.round(input.durationMs),
    delivery: {
      sdk: wire,
      collector: { events: stats.events.total, byName: stats.events.byName, batchRequests: input.batchRequests },
      complete,
    },
    features,
    metrics,
    agrees,
  };
}
