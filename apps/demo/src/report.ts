import { type GoodnessOfFit, goodnessOfFit, SPLIT_ALPHA } from '@vwo/cli';
import type { CollectorStats, VariationStats } from '@vwo/collector';
import type { Campaign, EventStats, Settings } from '@vwo/core';
import type { FmeReport } from './fme/report.js';
import type { Tally, VariationTally } from './tally.js';

/** One goal of one variation, as the collector counted it. */
export interface GoalCell {
  readonly conversions: number;
  /** Distinct visitors who converted. */
  readonly uniqueConversions: number;
  /** uniqueConversions / users. */
  readonly rate: number;
  /** Sum of revenue (revenue goals only, else null). */
  readonly revenue: number | null;
}

export interface VariationRow {
  readonly id: number;
  readonly name: string;
  /** The weight in the settings file (percent). */
  readonly weight: number;
  /** The share of 1…10,000 its bucket range covers, normalised over the variations. */
  readonly expectedShare: number;
  /** Distinct visitors with an impression (collector). */
  readonly users: number;
  readonly impressions: number;
  /** users / users of the campaign. */
  readonly observedShare: number;
  /** By goal identifier. */
  readonly goals: Readonly<Record<string, GoalCell>>;
  /** All revenue of this variation (every revenue goal). */
  readonly revenue: number;
  /** What the SDK answered for the same variation, counted by the demo. */
  readonly sdk: VariationTally;
}

export interface GoalInfo {
  readonly id: number;
  readonly identifier: string;
  readonly type: string;
}

export interface CampaignReport {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly type: string;
  readonly percentTraffic: number;
  /** The mutually exclusive group the campaign belongs to, by name. */
  readonly group: string | null;
  readonly preSegmented: boolean;
  readonly whitelisting: boolean;
  readonly goals: readonly GoalInfo[];
  readonly users: number;
  readonly impressions: number;
  readonly variations: readonly VariationRow[];
  /** Chi-square goodness of fit of the users per variation against the weights. */
  readonly split: GoodnessOfFit & { readonly consistent: boolean | null };
  /** Every collector count equals what the SDK answered (users, impressions, conversions, revenue). */
  readonly agrees: boolean;
  /** What differs, when `agrees` is false. */
  readonly mismatches: readonly string[];
}

export interface DeliveryReport {
  /** The SDK's own event pipeline counters after close(). */
  readonly sdk: EventStats;
  readonly collector: {
    readonly events: number;
    readonly impressions: number;
    readonly conversions: number;
    readonly batchRequests: number;
    readonly rejectedRequests: number;
    readonly duplicates: number;
  };
  /** The collector counted every event the SDK sent, none was dropped, failed or rejected. */
  readonly complete: boolean;
}

export interface DemoReport {
  readonly title: string;
  readonly generatedAt: string;
  readonly seed: string;
  readonly users: number;
  readonly durationMs: number;
  readonly usersPerSecond: number;
  readonly settingsFile: string;
  readonly accountId: number | string;
  readonly collectorUrl: string;
  readonly delivery: DeliveryReport;
  readonly campaigns: readonly CampaignReport[];
  /** The VWO FME part: features, rules and metrics through `init`, beside the legacy campaigns. */
  readonly fme: FmeReport | null;
  /** The collector's statistics as received: every number above comes from here. */
  readonly collectorStats: CollectorStats;
}

export interface ReportInput {
  readonly settings: Settings;
  readonly settingsFile: string;
  readonly stats: CollectorStats;
  readonly tally: Tally;
  readonly sdkEvents: EventStats;
  readonly seed: string;
  readonly users: number;
  readonly durationMs: number;
  readonly collectorUrl: string;
  /** The FME section, built from the same collector statistics (null: the FME part did not run). */
  readonly fme?: FmeReport | null;
  readonly now?: Date;
}

const EMPTY_VARIATION: VariationStats = { impressions: 0, uniqueVisitors: 0, conversions: {}, uniqueConversions: {}, revenue: {} };
const EMPTY_TALLY: VariationTally = { users: 0, impressions: 0, conversions: {}, revenue: {} };

function rangeWidth(start: number, end: number): number {
  return start < 1 ? 0 : Math.max(0, Math.min(end, 10_000) - start + 1);
}

const cents = (n: number) => Math.round(n * 100) / 100;

/** Builds the report from the collector's statistics, beside the SDK's answers counted by the demo. */
export function buildReport(input: ReportInput): DemoReport {
  const { settings, stats, tally } = input;
  const campaigns = settings.campaigns.map((campaign) => campaignReport(campaign, stats, tally));
  const sdk = input.sdkEvents;
  const collector = {
    events: stats.events.total,
    impressions: stats.events.impressions,
    conversions: stats.events.conversions,
    batchRequests: stats.requests.byEndpoint['batch-events'] ?? 0,
    rejectedRequests: stats.requests.rejected,
    duplicates: stats.duplicates,
  };
  const complete =
    sdk.sent === sdk.enqueued &&
    sdk.failed === 0 &&
    sdk.dropped === 0 &&
    sdk.pending === 0 &&
    collector.events === sdk.sent &&
    collector.rejectedRequests === 0;
  return {
    title: 'VWO FullStack demo',
    generatedAt: (input.now ?? new Date()).toISOString(),
    seed: input.seed,
    users: input.users,
    durationMs: Math.round(input.durationMs),
    usersPerSecond: Math.round(input.users / (input.durationMs / 1000)),
    settingsFile: input.settingsFile,
    accountId: settings.accountId,
    collectorUrl: input.collectorUrl,
    delivery: { sdk, collector, complete },
    campaigns,
    fme: input.fme ?? null,
    collectorStats: stats,
  };
}

function campaignReport(campaign: Campaign, stats: CollectorStats, tally: Tally): CampaignReport {
  const collected = stats.campaigns[String(campaign.id)];
  const goals: GoalInfo[] = campaign.goals
    .filter((goal) => typeof goal.identifier === 'string')
    .map((goal) => ({ id: Number(goal.id), identifier: goal.identifier as string, type: String(goal.type) }));
  const widths = campaign.variations.map((v) => rangeWidth(v.start, v.end));
  const widthSum = widths.reduce((a, b) => a + b, 0);
  const users = campaign.variations.reduce((sum, v) => sum + (collected?.variations[String(v.id)]?.uniqueVisitors ?? 0), 0);
  const mismatches: string[] = [];

  const variations: VariationRow[] = campaign.variations.map((variation, index) => {
    const name = String(variation.name);
    const got = collected?.variations[String(variation.id)] ?? EMPTY_VARIATION;
    const sdk = tally[campaign.key]?.[name] ?? EMPTY_TALLY;
    const cells: Record<string, GoalCell> = {};
    let revenue = 0;
    for (const goal of goals) {
      const id = String(goal.id);
      const isRevenue = goal.type === 'REVENUE_TRACKING';
      const goalRevenue = isRevenue ? cents(got.revenue[id] ?? 0) : null;
      if (goalRevenue !== null) revenue += goalRevenue;
      const unique = got.uniqueConversions[id] ?? 0;
      cells[goal.identifier] = {
        conversions: got.conversions[id] ?? 0,
        uniqueConversions: unique,
        rate: got.uniqueVisitors > 0 ? unique / got.uniqueVisitors : 0,
        revenue: goalRevenue,
      };
      const expectConversions = sdk.conversions[goal.identifier] ?? 0;
      if ((got.conversions[id] ?? 0) !== expectConversions) {
        mismatches.push(`${name} ${goal.identifier}: collector ${got.conversions[id] ?? 0}, SDK ${expectConversions}`);
      }
      if (isRevenue && Math.abs((goalRevenue ?? 0) - (sdk.revenue[goal.identifier] ?? 0)) > 0.005) {
        mismatches.push(`${name} ${goal.identifier} revenue: collector ${goalRevenue}, SDK ${sdk.revenue[goal.identifier] ?? 0}`);
      }
    }
    if (got.uniqueVisitors !== sdk.users) mismatches.push(`${name} users: collector ${got.uniqueVisitors}, SDK ${sdk.users}`);
    if (got.impressions !== sdk.impressions) mismatches.push(`${name} impressions: collector ${got.impressions}, SDK ${sdk.impressions}`);
    return {
      id: Number(variation.id),
      name,
      weight: Number(variation.weight),
      expectedShare: widthSum > 0 ? (widths[index] as number) / widthSum : 0,
      users: got.uniqueVisitors,
      impressions: got.impressions,
      observedShare: users > 0 ? got.uniqueVisitors / users : 0,
      goals: cells,
      revenue: cents(revenue),
      sdk,
    };
  });
  const test = goodnessOfFit(
    variations.map((v) => v.users),
    widths,
  );
  const group = campaign.membership?.group;
  return {
    id: Number(campaign.id),
    key: campaign.key,
    name: typeof campaign.name === 'string' ? campaign.name : campaign.key,
    type: campaign.type,
    percentTraffic: campaign.percentTraffic,
    group: group ? String(group.name ?? group.id) : null,
    preSegmented: campaign.segment !== undefined,
    whitelisting: campaign.whitelistable.length > 0,
    goals,
    users,
    impressions: collected?.impressions ?? 0,
    variations,
    split: { ...test, consistent: test.pValue === null ? null : test.pValue >= SPLIT_ALPHA },
    agrees: mismatches.length === 0,
    mismatches,
  };
}
