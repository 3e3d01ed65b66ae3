import { decideFlag, type FmeFeature, type FmeRule, type FmeSettings } from '@vwo/core';
import { rangeWidth, type VariationSplit, verdictLine } from '../commands/simulate.js';
import { count, percent, table, weightText } from '../format.js';
import { type GoodnessOfFit, goodnessOfFit } from '../stats/chi-square.js';
import { fmeContext } from './decide.js';
import type { FmeUser } from './load.js';

/** How one rule of a feature split the users that reached it. */
export interface FmeRuleSplit {
  /** The rule's key. */
  readonly ruleKey: string;
  /** The rule's campaign key. */
  readonly campaignKey: string;
  /** `FLAG_ROLLOUT`, `FLAG_TESTING` or `FLAG_PERSONALIZE`. */
  readonly type: string;
  /** Users whose decision reached the rule's bucketing (rollouts: the traffic check; experiments: the variation). */
  readonly reached: number;
  /** A/B rules: users bucketed into no variation (outside `percentTraffic`, or a bucket in no range). */
  readonly noVariation: number;
  /** Rollout and personalise rules: in and outside the traffic share; A/B rules: every variation. */
  readonly categories: readonly VariationSplit[];
  /** Pearson's goodness-of-fit test of the categories against their expected shares. */
  readonly test: GoodnessOfFit;
}

/** How one feature split a simulated population. */
export interface FmeFeatureSplit {
  /** The feature key. */
  readonly key: string;
  /** Users simulated. */
  readonly users: number;
  /** Users whose flag is enabled. */
  readonly enabled: number;
  /** Every rule, in file order. */
  readonly rules: readonly FmeRuleSplit[];
}

/** Options of {@link simulateFeatures}. */
export interface FmeSimulateOptions {
  /** How many users to decide. */
  readonly users: number;
  /** Feature keys to simulate (default every feature). */
  readonly features?: readonly string[];
  /** What every user has besides its id. */
  readonly context?: Omit<FmeUser, 'id'>;
}

interface Counter {
  reached: number;
  noVariation: number;
  readonly byCategory: Map<string, number>;
}

/**
 * Decides users `user-1` … `user-N` for each feature with the pure `decideFlag` of `@vwo/core`
 * (no storage, nothing sent) and measures each rule's split against its weights: a rollout or
 * personalise rule's traffic share (`floor(weight)` of the buckets 1…100), an A/B rule's
 * variations (their bucket ranges).
 */
export function simulateFeatures(settings: FmeSettings, options: FmeSimulateOptions): FmeFeatureSplit[] {
  const features = (options.features ?? [...settings.featuresByKey.keys()])
    .map((key) => settings.featuresByKey.get(key))
    .filter((feature): feature is FmeFeature => feature !== undefined);
  return features.map((feature) => {
    const counters = new Map<string, Counter>(
      feature.rules.map((rule) => [rule.ruleKey, { reached: 0, noVariation: 0, byCategory: new Map() }]),
    );
    let enabled = 0;
    for (let i = 1; i <= options.users; i++) {
      const decision = decideFlag(settings, feature.key, fmeContext({ ...options.context, id: `user-${i}` }), undefined, { trace: true });
      if (decision.enabled) enabled++;
      for (const step of decision.trace ?? []) countStep(step, counters);
    }
    return {
      key: feature.key,
      users: options.users,
      enabled,
      rules: feature.rules.map((rule) => ruleSplit(rule, counters.get(rule.ruleKey))),
    };
  });
}

const ROLLOUT_TRAFFIC = /^rollout (.*): traffic (passed|failed)$/;
const EXPERIMENT_VARIATION = /^experiment (.*): (?:variation (.*)|no variation)$/;

function countStep(step: string, counters: Map<string, Counter>): void {
  const traffic = ROLLOUT_TRAFFIC.exec(step);
  const variation = traffic ? undefined : EXPERIMENT_VARIATION.exec(step);
  const counter = counters.get((traffic ?? variation)?.[1] ?? '\u0000');
  if (!counter) return;
  counter.reached++;
  const category = traffic ? (traffic[2] === 'passed' ? 'in' : 'out') : variation?.[2];
  if (category === undefined) counter.noVariation++;
  else counter.byCategory.set(category, (counter.byCategory.get(category) ?? 0) + 1);
}

function ruleSplit(rule: FmeRule, counter: Counter | undefined): FmeRuleSplit {
  const reached = counter?.reached ?? 0;
  const users = (category: string) => counter?.byCategory.get(category) ?? 0;
  let categories: VariationSplit[];
  if (rule.type === 'FLAG_TESTING') {
    const widths = rule.variations.map((variation) => rangeWidth(variation.range));
    const widthSum = widths.reduce((a, b) => a + b, 0);
    const inVariation = rule.variations.reduce((sum, variation) => sum + users(String(variation.id)), 0);
    categories = rule.variations.map((variation, i) => ({
      name: variation.name,
      weight: variation.weight,
      expectedShare: widthSum > 0 ? (widths[i] as number) / widthSum : 0,
      users: users(String(variation.id)),
      observedShare: inVariation > 0 ? users(String(variation.id)) / inVariation : 0,
    }));
  } else {
    // Rollout and personalise rules let in the buckets 1…100 up to the first variation's weight.
    const weight = rule.variations[0]?.weight;
    const share = trafficShare(weight);
    // Rollouts log the traffic check; personalise rules log the variation they serve, or none.
    const passed = rule.type === 'FLAG_ROLLOUT' ? users('in') : [...(counter?.byCategory.values() ?? [])].reduce((a, b) => a + b, 0);
    const failed = reached - passed;
    categories = [
      { name: 'in traffic', weight, expectedShare: share, users: passed, observedShare: reached > 0 ? passed / reached : 0 },
      { name: 'outside', weight: undefined, expectedShare: 1 - share, users: failed, observedShare: reached > 0 ? failed / reached : 0 },
    ];
  }
  return {
    ruleKey: rule.ruleKey,
    campaignKey: rule.key,
    type: rule.type,
    reached,
    noVariation: rule.type === 'FLAG_TESTING' ? (counter?.noVariation ?? 0) : 0,
    categories,
    test: goodnessOfFit(
      categories.map((category) => category.users),
      categories.map((category) => category.expectedShare),
    ),
  };
}

/** The share of buckets 1…100 at or below a weight (1.35.0 compares `bucket <= weight` with JavaScript's rules). */
function trafficShare(weight: unknown): number {
  const n = Math.floor(Number(weight));
  return Number.isFinite(n) ? Math.min(100, Math.max(0, n)) / 100 : 0;
}

/** The text report of `vwo simulate` for an FME file. */
export function featureSplitLines(splits: readonly FmeFeatureSplit[]): string[] {
  const lines: string[] = [];
  for (const split of splits) {
    lines.push('', `${split.key} · ${split.rules.length} rule${split.rules.length === 1 ? '' : 's'}`);
    lines.push(`  enabled for ${count(split.enabled)} of ${count(split.users)} users (${percent(split.enabled / split.users)})`);
    for (const rule of split.rules) {
      lines.push(
        `  rule ${rule.ruleKey} · ${rule.type} · campaign ${rule.campaignKey}: ${count(rule.reached)} users reached its bucketing`,
      );
      if (rule.noVariation > 0) lines.push(`    no variation: ${count(rule.noVariation)} (outside percentTraffic or no range)`);
      const header = rule.type === 'FLAG_TESTING' ? 'variation' : 'traffic';
      const rows = [[header, 'weight', 'users', 'observed', 'expected']];
      for (const c of rule.categories)
        rows.push([c.name, weightText(c.weight), count(c.users), percent(c.observedShare), percent(c.expectedShare)]);
      lines.push(...table(rows, 'lrrrr', '    '));
      lines.push(`    ${verdictLine(rule.test)}`);
    }
  }
  return lines;
}
