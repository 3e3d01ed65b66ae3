import type { ApiOptions, VWOClient } from '@vwo/node';
import { DEFAULT_PRICING, lift, MODEL, orderValue, type PricingPage, trialChance } from './model.js';
import type { SimUser } from './population.js';
import type { Random } from './random.js';
import { countConversion, countExposure, type Tally } from './tally.js';

/** The campaign keys of the shipped settings file. */
export const CAMPAIGNS = {
  checkout: 'checkout-cta',
  pricing: 'pricing-page',
  search: 'smart-search',
  hero: 'home-hero',
  shipping: 'shipping-banner',
} as const;

/** What one user has been shown so far (campaign key → variation), across visits. */
type Seen = Map<string, string>;

/**
 * Runs one user's visits through the SDK as a web shop would: the home page (two A/B tests of
 * a mutually exclusive group), search (a feature rollout), sometimes the pricing page (a
 * feature test, all five variables read), then the checkout (an A/B test) with add-to-cart and
 * purchase goals. Every `track` the SDK counts is tallied under the variation the user saw.
 */
export async function simulateUser(vwo: VWOClient, user: SimUser, random: Random, tally: Tally): Promise<void> {
  const options: ApiOptions = { customVariables: user.vars, variationTargetingVariables: user.targeting };
  const seen: Seen = new Map();
  const expose = (campaign: string, variation: string | null) => {
    if (variation !== null && !seen.has(campaign)) {
      seen.set(campaign, variation);
      countExposure(tally, campaign, variation);
    }
  };
  const converted = async (result: Record<string, boolean> | null, goal: string, revenue?: number) => {
    for (const [campaign, counted] of Object.entries(result ?? {})) {
      if (!counted) continue;
      // A whitelisted user converts in a campaign whose page they may never have seen
      // (whitelisting comes before storage): ask the SDK which variation it counted.
      const variation = seen.get(campaign) ?? (await vwo.getVariationName(campaign, user.id, options));
      if (variation !== null) countConversion(tally, campaign, variation, goal, revenue);
    }
  };
  let page: PricingPage = DEFAULT_PRICING;

  for (let visit = 0; visit < user.sessions; visit++) {
    // Home page: the group lets a user into at most one of the two.
    const hero = await vwo.activate(CAMPAIGNS.hero, user.id, options);
    expose(CAMPAIGNS.hero, hero);
    const shipping = await vwo.activate(CAMPAIGNS.shipping, user.id, options);
    expose(CAMPAIGNS.shipping, shipping);
    if (hero !== null && random.chance(MODEL.newsletter.base * lift(MODEL.newsletter.lift, hero))) {
      await converted(await vwo.track(CAMPAIGNS.hero, user.id, 'newsletter', options), 'newsletter');
    }

    let smartSearch = false;
    if (random.chance(MODEL.searchUse) && (await vwo.isFeatureEnabled(CAMPAIGNS.search, user.id, options))) {
      expose(CAMPAIGNS.search, 'website');
      const model = await vwo.getFeatureVariableValue(CAMPAIGNS.search, 'ranking_model', user.id, options);
      const perPage = await vwo.getFeatureVariableValue(CAMPAIGNS.search, 'results_per_page', user.id, options);
      await vwo.getFeatureVariableValue(CAMPAIGNS.search, 'typo_tolerance', user.id, options);
      await vwo.getFeatureVariableValue(CAMPAIGNS.search, 'boost_recent', user.id, options);
      await vwo.getFeatureVariableValue(CAMPAIGNS.search, 'facets', user.id, options);
      smartSearch = model === 'semantic-v2' && typeof perPage === 'number';
    }

    // Internal testers check the pricing page on every visit.
    if (user.targeting?.role === 'qa' || random.chance(MODEL.pricingVisit)) {
      // isFeatureEnabled sends the impression (feature on or off); the variation name is for the tally.
      await vwo.isFeatureEnabled(CAMPAIGNS.pricing, user.id, options);
      expose(CAMPAIGNS.pricing, await vwo.getVariationName(CAMPAIGNS.pricing, user.id, options));
      page = await pricingPage(vwo, user.id, options);
      if (random.chance(trialChance(page))) {
        await converted(await vwo.track(CAMPAIGNS.pricing, user.id, 'start-trial', options), 'start-trial');
      }
    }

    const checkout = await vwo.activate(CAMPAIGNS.checkout, user.id, options);
    expose(CAMPAIGNS.checkout, checkout);
    const cartChance = MODEL.cart.base[user.vars.device] * lift(MODEL.cart.checkout, checkout) * lift(MODEL.cart.shipping, shipping);
    if (!random.chance(cartChance)) continue;
    await converted(await vwo.track([CAMPAIGNS.checkout, CAMPAIGNS.shipping], user.id, 'add-to-cart', options), 'add-to-cart');

    const purchaseChance =
      MODEL.purchase.base[user.vars.plan] *
      lift(MODEL.purchase.checkout, checkout) *
      lift(MODEL.purchase.shipping, shipping) *
      lift(MODEL.purchase.hero, hero) *
      (smartSearch ? MODEL.purchase.smartSearch : 1);
    if (!random.chance(purchaseChance)) continue;
    const revenue = orderValue(user.vars.plan, page, random.normal(0, 1));
    // A global goal: every campaign with a `purchase` goal that the user is part of counts it.
    await converted(await vwo.track(null, user.id, 'purchase', { ...options, revenueValue: revenue }), 'purchase', revenue);
  }
}

/** The pricing page the user gets: the five feature variables, or the default page where they are null. */
async function pricingPage(vwo: VWOClient, userId: string, options: ApiOptions): Promise<PricingPage> {
  const read = (key: string) => vwo.getFeatureVariableValue(CAMPAIGNS.pricing, key, userId, options);
  const headline = await read('headline');
  const plansShown = await read('plans_shown');
  const annualDiscount = await read('annual_discount');
  const highlightAnnual = await read('highlight_annual');
  const layout = await read('layout');
  const cta = layout !== null && typeof layout === 'object' ? layout.cta : undefined;
  return {
    headline: typeof headline === 'string' ? headline : DEFAULT_PRICING.headline,
    plansShown: typeof plansShown === 'number' ? plansShown : DEFAULT_PRICING.plansShown,
    annualDiscount: typeof annualDiscount === 'number' ? annualDiscount : DEFAULT_PRICING.annualDiscount,
    highlightAnnual: typeof highlightAnnual === 'boolean' ? highlightAnnual : DEFAULT_PRICING.highlightAnnual,
    cta: typeof cta === 'string' ? cta : DEFAULT_PRICING.cta,
  };
}
