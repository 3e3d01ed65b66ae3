import { type Campaign, decide, type Settings, type Variation } from '@vwo/core';
import { count, percent, pValueText, table, weightText } from '../format.js';
import { OUTCOME_TEXT } from '../outcomes.js';
import { type GoodnessOfFit, goodnessOfFit } from '../stats/chi-square.js';
import type { UserContext } from './decide.js';

/** Below this p-value a split is reported as departing from the weights. */
export const SPLIT_ALPHA = 0.001;

/** One variation's share of a simulated population. */
export interface VariationSplit {
  /** The variation's name (`#n` when it has none). */
  readonly name: string;
  /** The weight as written in the settings file. */
  readonly weight: unknown;
  /** The share its bucket range covers (range width / 10,000, normalised over the variations). */
  readonly expectedShare: number;
  /** Users who got this variation. */
  readonly users: number;
  /** `users` over the users of the campaign who got a variation. */
  readonly observedShare: number;
}

/** How one campaign split a simulated population. */
export interface CampaignSplit {
  /** The campaign key. */
  readonly key: string;
  /** The campaign type. */
  readonly type: string;
  /** The campaign status. */
  readonly status: string;
  /** The campaign's traffic allocation in percent. */
  readonly percentTraffic: number;
  /** Users simulated. */
  readonly users: number;
  /** Users who got a variation of this campaign. */
  readonly inVariation: number;
  /** Users per decision outcome (`bucketed`, `not-in-traffic`, `segment-failed`, …). */
  readonly outcomes: Readonly<Record<string, number>>;
  /** Every variation, in file order. */
  readonly variations: readonly VariationSplit[];
  /** Pearson's goodness-of-fit test of the variation counts against the expected shares. */
  readonly test: GoodnessOfFit;
}

/** Options of {@link simulateSplits}. */
export interface SimulateOptions extends UserContext {
  /** How many users to decide. */
  readonly users: number;
  /** Campaign keys to simulate (default every campaign). */
  readonly campaigns?: readonly string[];
  /** The id of the i-th user (1-based); default `user-<i>`. */
  readonly userId?: (i: number) => string;
}

/** The part of 1…10,000 a bucket range covers (a FullStack variation, or an FME variation's `range`). */
export function rangeWidth(range: Pick<Variation, 'start' | 'end'>): number {
  if (range.start < 1) return 0;
  return Math.max(0, Math.min(range.end, 10_000) - range.start + 1);
}

/**
 * Decides `users` users for each campaign with the pure `decide` of `@vwo/core` (no storage, no
 * events) and measures each campaign's split against its weights.
 *
 * @example
 * const [split] = simulateSplits(settings, { users: 10_000, campaigns: ['checkout-cta'] });
 * split.test.pValue; // 0.77: consistent with the weights
 */
export function simulateSplits(settings: Settings, options: SimulateOptions): CampaignSplit[] {
  const campaigns: Campaign[] = options.campaigns
    ? options.campaigns.map((key) => settings.campaignsByKey.get(key)).filter((c): c is Campaign => c !== undefined)
    : [...settings.campaignsByKey.values()];
  const idOf = options.userId ?? ((i: number) => `user-${i}`);
  const ids = Array.from({ length: options.users }, (_, i) => idOf(i + 1));
  const decideOptions = { customVariables: options.customVariables, variationTargetingVariables: options.variationTargetingVariables };
  return campaigns.map((campaign) => {
    const counts = new Array<number>(campaign.variations.length).fill(0);
    const outcomes: Record<string, number> = {};
    let inVariation = 0;
    for (const id of ids) {
      const decision = decide(settings, campaign, id, decideOptions);
      outcomes[decision.outcome] = (outcomes[decision.outcome] ?? 0) + 1;
      if (decision.variationName !== null && decision.campaign === campaign && decision.variation) {
        counts[decision.variation.index] = (counts[decision.variation.index] ?? 0) + 1;
        inVariation++;
      }
    }
    const widths = campaign.variations.map(rangeWidth);
    const widthSum = widths.reduce((a, b) => a + b, 0);
    const test = goodnessOfFit(counts, widths);
    return {
      key: campaign.key,
      type: campaign.type,
      status: campaign.status,
      percentTraffic: campaign.percentTraffic,
      users: ids.length,
      inVariation,
      outcomes,
      variations: campaign.variations.map((variation, i) => ({
        name: typeof variation.name === 'string' ? variation.name : `#${i + 1}`,
        weight: variation.weight,
        expectedShare: widthSum > 0 ? (widths[i] as number) / widthSum : 0,
        users: counts[i] as number,
        observedShare: inVariation > 0 ? (counts[i] as number) / inVariation : 0,
      })),
      test,
    };
  });
}

/** One line judging a split: the chi-square statistic, df, p-value and what it means. */
export function verdictLine(test: GoodnessOfFit): string {
  if (test.pValue === null) {
    return test.total === 0 ? 'no user got a variation: nothing to test' : 'one variation only: nothing to test';
  }
  const head = `chi-square ${test.statistic.toFixed(2)}, df ${test.df}, p = ${pValueText(test.pValue)}`;
  const rough = test.lowExpected ? ' (some expected counts are below 5: the p-value is rough)' : '';
  return test.pValue < SPLIT_ALPHA
    ? `${head}: ✘ the split departs from the weights (p < ${SPLIT_ALPHA})${rough}`
    : `${head}: ✔ consistent with the weights${rough}`;
}

/** The text report of `vwo simulate`. */
export function splitLines(splits: readonly CampaignSplit[]): string[] {
  const lines: string[] = [];
  for (const split of splits) {
    lines.push('', `${split.key} · ${split.type} · ${split.status} · traffic ${split.percentTraffic}%`);
    lines.push(
      `  ${count(split.inVariation)} of ${count(split.users)} users got a variation (${percent(split.inVariation / split.users)})`,
    );
    const missed = Object.entries(split.outcomes)
      .filter(([outcome]) => outcome !== 'bucketed' && outcome !== 'whitelisted')
      .map(([outcome, n]) => `${count(n)} ${OUTCOME_TEXT[outcome] ?? outcome}`);
    if (missed.length > 0) lines.push(`  not in a variation: ${missed.join(', ')}`);
    if (split.outcomes.whitelisted) lines.push(`  whitelisted: ${count(split.outcomes.whitelisted)}`);
    const rows = [['variation', 'weight', 'users', 'observed', 'expected']];
    for (const v of split.variations) {
      rows.push([v.name, weightText(v.weight), count(v.users), percent(v.observedShare), percent(v.expectedShare)]);
    }
    lines.push(...table(rows, 'lrrrr'));
    lines.push(`  ${verdictLine(split.test)}`);
  }
  return lines;
}
