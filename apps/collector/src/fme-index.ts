import { isPlainObject } from './events/fields.js';

/** A rule of an FME feature as the collector reads it (fme/settings.md §3, §8). */
export interface FmeRuleRef {
  readonly featureKey: string;
  readonly ruleKey: string;
  /** The linked campaign's type, else the rule's own. */
  readonly type: string;
  readonly campaignId: number;
  /** Rollout and personalise rules name the one variation they serve; null: every variation of the campaign. */
  readonly variationId: number | null;
}

/** What the collector needs from an FME settings file to attribute events to features and rules. */
export interface FmeIndex {
  /** Features in file order, each with its rules in order and the metrics it lists. */
  readonly features: ReadonlyArray<{ readonly key: string; readonly rules: readonly FmeRuleRef[]; readonly metrics: readonly string[] }>;
  /** The rules that link a campaign (a campaign may be linked by several features). */
  readonly rulesByCampaign: ReadonlyMap<number, readonly FmeRuleRef[]>;
  /** The rules of every feature that lists the metric. */
  readonly rulesByMetric: ReadonlyMap<string, readonly FmeRuleRef[]>;
  /** The metric's `revenueProp` (the first one given by any feature). */
  readonly revenueProps: ReadonlyMap<string, string>;
}

const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

/**
 * Indexes a settings file's `features` (an FME file); a legacy file, or one without features,
 * gives an empty index. Malformed parts are skipped: the collector serves what it is given and
 * attributes what it can.
 */
export function indexFmeSettings(settings: Record<string, unknown>): FmeIndex {
  const campaignTypes = new Map<unknown, string>();
  for (const campaign of list(settings.campaigns)) {
    if (isPlainObject(campaign) && typeof campaign.type === 'string') campaignTypes.set(campaign.id, campaign.type);
  }
  const features: { key: string; rules: FmeRuleRef[]; metrics: string[] }[] = [];
  const rulesByCampaign = new Map<number, FmeRuleRef[]>();
  const rulesByMetric = new Map<string, FmeRuleRef[]>();
  const revenueProps = new Map<string, string>();
  for (const feature of list(settings.features)) {
    if (!isPlainObject(feature) || typeof feature.key !== 'string') continue;
    const rules: FmeRuleRef[] = [];
    for (const rule of list(feature.rules)) {
      if (!isPlainObject(rule) || typeof rule.ruleKey !== 'string' || typeof rule.campaignId !== 'number') continue;
      const ref: FmeRuleRef = {
        featureKey: feature.key,
        ruleKey: rule.ruleKey,
        type: campaignTypes.get(rule.campaignId) ?? String(rule.type),
        campaignId: rule.campaignId,
        variationId: typeof rule.variationId === 'number' && rule.variationId ? rule.variationId : null,
      };
      rules.push(ref);
      push(rulesByCampaign, ref.campaignId, ref);
    }
    const metrics: string[] = [];
    for (const metric of list(feature.metrics)) {
      if (!isPlainObject(metric) || typeof metric.identifier !== 'string') continue;
      metrics.push(metric.identifier);
      for (const ref of rules) push(rulesByMetric, metric.identifier, ref);
      if (typeof metric.revenueProp === 'string' && !revenueProps.has(metric.identifier)) {
        revenueProps.set(metric.identifier, metric.revenueProp);
      }
    }
    features.push({ key: feature.key, rules, metrics });
  }
  return { features, rulesByCampaign, rulesByMetric, revenueProps };
}
