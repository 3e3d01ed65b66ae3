import type { FmeClient, FmeUserContext } from '@vwo/node';
import type { SimUser } from '../population.js';
import type { Random } from '../random.js';
import { countFmeConversion, type FmeTally, type RuleLookup } from './tally.js';

/** The feature keys of the shipped FME settings file. */
export const FEATURES = {
  checkout: 'new-checkout',
  recommendations: 'recommendations',
  banner: 'shipping-banner',
  popup: 'exit-popup',
} as const;

/** How the FME part's visitors behave; the variables the flags return change it a little. */
const FME_MODEL = {
  /** A click on a recommendation per visit, lifted by the premium algorithm. */
  click: { base: 0.12, algorithm: { popular: 1, premium: 1.4 } as Record<string, number> },
  /** Add to cart per visit, by device, lifted by the checkout layout and the shipping banner. */
  cart: {
    base: { desktop: 0.3, mobile: 0.22, tablet: 0.26 } as Record<string, number>,
    layout: { classic: 1, 'one-page': 1.08, express: 1.15 } as Record<string, number>,
    banner: 1.15,
  },
  /** Purchase once in the cart, by plan, lifted by the exit popup's discount. */
  purchase: { base: { free: 0.25, pro: 0.4, business: 0.5 } as Record<string, number>, discount: 1.2 },
  /** Order value by plan (mean, standard deviation), in dollars. */
  order: { free: [38, 12], pro: [72, 20], business: [140, 35] } as Record<string, [number, number]>,
} as const;

const lift = (table: Record<string, number>, key: unknown): number => (typeof key === 'string' ? (table[key] ?? 1) : 1);

/**
 * One user's visits through `getFlag` and `trackEvent`, as a shop on FME flags would run them:
 * the checkout flag (rollout, then a layout A/B test), recommendations (rollout, personalised
 * for Pro users), and two promotions in a mutually exclusive group; then a recommendation click,
 * add-to-cart and a purchase with revenue, each counted when the SDK accepts it.
 */
export async function simulateFmeUser(vwo: FmeClient, user: SimUser, random: Random, tally: FmeTally, rules: RuleLookup): Promise<void> {
  const context: FmeUserContext = { id: user.id, customVariables: { ...user.vars } };
  const track = async (metric: string, properties?: { revenue: number }) => {
    const result = await vwo.trackEvent(metric, context, properties);
    if (result[metric] === true) countFmeConversion(tally, rules, user.id, metric, properties?.revenue);
  };
  for (let visit = 0; visit < user.sessions; visit++) {
    const checkout = await vwo.getFlag(FEATURES.checkout, context);
    const layout = checkout.isEnabled() ? checkout.getVariable('layout', 'classic') : 'classic';
    const recommendations = await vwo.getFlag(FEATURES.recommendations, context);
    const banner = await vwo.getFlag(FEATURES.banner, context);
    const popup = await vwo.getFlag(FEATURES.popup, context);

    if (
      recommendations.isEnabled() &&
      random.chance(FME_MODEL.click.base * lift(FME_MODEL.click.algorithm, recommendations.getVariable('algorithm')))
    ) {
      await track('recommendation-click');
    }
    const bannerShown = banner.isEnabled() && banner.getVariable('show', false) === true;
    const cartChance =
      (FME_MODEL.cart.base[user.vars.device] ?? 0.25) * lift(FME_MODEL.cart.layout, layout) * (bannerShown ? FME_MODEL.cart.banner : 1);
    if (!random.chance(cartChance)) continue;
    await track('add-to-cart');
    const discount = popup.isEnabled() ? Number(popup.getVariable('discount', 0)) : 0;
    if (!random.chance((FME_MODEL.purchase.base[user.vars.plan] ?? 0.3) * (discount > 0 ? FME_MODEL.purchase.discount : 1))) continue;
    const [mean, sd] = FME_MODEL.order[user.vars.plan] ?? [50, 10];
    const revenue = Math.round(Math.max(5, random.normal(mean, sd)) * (1 - discount / 100) * 100) / 100;
    await track('purchase', { revenue });
  }
}
