/**
 * What one visitor does with the FME API: the same calls run inside the edge VM (bundled) and in
 * Node (the reference), so any difference in the answers comes from the runtime, not the script.
 */
import type { FmeClient, FmeVariable } from '@vwo/core';

/** The revenue each `purchase` event carries. */
export const PURCHASE_REVENUE = 49.9;

/** The flags asked for, in order, with the variable read from each and its fallback. */
export const FME_FLAGS = [
  // A rollout to 80 %, then a three-way A/B test.
  { featureKey: 'new-checkout', variable: 'layout', fallback: 'classic' },
  // A rollout to everyone, then a personalise rule for the `pro` plan.
  { featureKey: 'recommendations', variable: 'algorithm', fallback: 'popular' },
  // Two A/B tests in one mutually exclusive group: a visitor is in at most one of them.
  { featureKey: 'shipping-banner', variable: 'show', fallback: false },
  { featureKey: 'exit-popup', variable: 'discount', fallback: 0 },
] as const;

/** API calls per visit: one `getFlag` per flag, two `trackEvent`, one `setAttribute`. */
export const CALLS_PER_VISIT = FME_FLAGS.length + 3;

/** A visitor of the test population: a user id and the plan the personalise rule reads. */
export interface FmeVisitor {
  readonly userId: string;
  readonly plan: 'free' | 'pro' | 'team';
}

/** What `getFlag` answered for one flag. */
export interface FlagAnswer {
  readonly enabled: boolean;
  /** `getVariable(variable, fallback)`. */
  readonly value: unknown;
  readonly variables: FmeVariable[];
}

/** Everything the API answered for one visitor. */
export interface FmeAnswers {
  readonly userId: string;
  readonly flags: Readonly<Record<string, FlagAnswer>>;
  /** `trackEvent('add-to-cart')`: a metric of two features. */
  readonly addToCart: Record<string, boolean>;
  /** `trackEvent('purchase', { revenue })`: a revenue metric. */
  readonly purchase: Record<string, boolean>;
}

const PLANS = ['free', 'pro', 'team'] as const;

/** A deterministic population: `fme-user-0`, `fme-user-1`, … with plans in turn. */
export function fmeVisitors(count: number): FmeVisitor[] {
  return Array.from({ length: count }, (_, i) => ({ userId: `fme-user-${i}`, plan: PLANS[i % PLANS.length] }));
}

/**
 * One visit, every call awaited in order; `afterCall` runs after each of the
 * {@link CALLS_PER_VISIT} calls resolves (the edge run looks at the collector there).
 */
export async function fmeJourney(
  vwo: FmeClient,
  visitor: FmeVisitor,
  afterCall: () => Promise<void> = async () => {},
): Promise<FmeAnswers> {
  const context = () => ({ id: visitor.userId, customVariables: { plan: visitor.plan } });
  const flags: Record<string, FlagAnswer> = {};
  for (const { featureKey, variable, fallback } of FME_FLAGS) {
    const flag = await vwo.getFlag(featureKey, context());
    flags[featureKey] = { enabled: flag.isEnabled(), value: flag.getVariable(variable, fallback), variables: flag.getVariables() };
    await afterCall();
  }
  const addToCart = await vwo.trackEvent('add-to-cart', context());
  await afterCall();
  const purchase = await vwo.trackEvent('purchase', context(), { revenue: PURCHASE_REVENUE });
  await afterCall();
  await vwo.setAttribute({ plan: visitor.plan }, context());
  await afterCall();
  return { userId: visitor.userId, flags, addToCart, purchase };
}
