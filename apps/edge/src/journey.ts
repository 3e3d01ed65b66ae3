/**
 * What one visitor does on the site: the same calls run inside the edge VM (bundled) and in
 * Node (the reference), so any difference in the answers comes from the runtime, not the script.
 */
import type { FeatureVariableValue, VWOClient } from '@vwo/core';

/** The revenue each `purchase` conversion carries. */
export const PURCHASE_REVENUE = 25;

/** A visitor of the test population: a user id and the plan pre-segmentation reads. */
export interface Visitor {
  readonly userId: string;
  readonly plan: 'free' | 'pro' | 'team';
}

/** Everything the public API answered for one visitor. */
export interface Answers {
  readonly userId: string;
  /** `activate('hero-banner')`: an A/B test over all traffic. */
  readonly hero: string | null;
  /** `activate('checkout-flow')`: half the traffic, paying plans only (pre-segmentation). */
  readonly checkout: string | null;
  /** `getVariationName('hero-banner')`: sends nothing. */
  readonly heroName: string | null;
  /** `isFeatureEnabled('new-search')`: a rollout to 60 % of the traffic. */
  readonly search: boolean;
  /** `isFeatureEnabled('pricing-test')`: a feature test. */
  readonly pricing: boolean;
  /** `getFeatureVariableValue('pricing-test', 'discount')`: sends nothing. */
  readonly discount: FeatureVariableValue;
  /** `track('checkout-flow', 'signup')`: one campaign, a GET when it converts. */
  readonly signup: Record<string, boolean> | null;
  /** `track(null, 'purchase', { revenueValue })`: every campaign with the goal, one batch POST (as 1.73.0). */
  readonly purchase: Record<string, boolean> | null;
}

const PLANS = ['free', 'pro', 'team'] as const;

/** A deterministic population: `edge-user-0`, `edge-user-1`, … with plans in turn. */
export function visitors(count: number): Visitor[] {
  return Array.from({ length: count }, (_, i) => ({ userId: `edge-user-${i}`, plan: PLANS[i % PLANS.length] }));
}

/** One visit, in order; every call awaited so that the order of events is the same everywhere. */
export async function journey(vwo: VWOClient, visitor: Visitor): Promise<Answers> {
  const { userId } = visitor;
  const customVariables = { plan: visitor.plan };
  return {
    userId,
    hero: await vwo.activate('hero-banner', userId),
    checkout: await vwo.activate('checkout-flow', userId, { customVariables }),
    heroName: await vwo.getVariationName('hero-banner', userId),
    search: await vwo.isFeatureEnabled('new-search', userId),
    pricing: await vwo.isFeatureEnabled('pricing-test', userId),
    discount: await vwo.getFeatureVariableValue('pricing-test', 'discount', userId),
    signup: await vwo.track('checkout-flow', userId, 'signup', { customVariables }),
    purchase: await vwo.track(null, userId, 'purchase', { revenueValue: PURCHASE_REVENUE, customVariables }),
  };
}
