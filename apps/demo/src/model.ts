/**
 * The behaviour model: how likely a visitor is to do something, given who they are and what the
 * SDK showed them. The variations' effects are made up but plausible (a few percent to ~20 %),
 * so the report has real differences to show. Every number that matters is here.
 */
import type { Device, Plan } from './population.js';

/** The pricing page as a visitor sees it: the feature test's variables, or the default page. */
export interface PricingPage {
  readonly headline: string;
  readonly plansShown: number;
  readonly annualDiscount: number;
  readonly highlightAnnual: boolean;
  readonly cta: string;
}

/** What users outside the pricing-page test see (the same page as its Control). */
export const DEFAULT_PRICING: PricingPage = {
  headline: 'Simple pricing for every team',
  plansShown: 3,
  annualDiscount: 0.1,
  highlightAnnual: false,
  cta: 'Buy now',
};

export const MODEL = {
  /** Chance per visit of looking at the pricing page, and of using search. */
  pricingVisit: 0.35,
  searchUse: 0.6,
  /** Newsletter sign-up per visit, by home-hero variation. */
  newsletter: { base: 0.04, lift: { Control: 1, 'Video-hero': 1.3 } as Record<string, number> },
  /** Free trial per pricing-page view, lifted by the call to action and a fourth plan. */
  trial: { base: 0.05, cta: { 'Buy now': 1, 'Start free trial': 1.35, 'Compare plans': 1.15 } as Record<string, number>, fourthPlan: 1.05 },
  /** Add to cart per visit, by device, lifted by checkout-cta and shipping-banner. */
  cart: {
    base: { desktop: 0.3, mobile: 0.22, tablet: 0.26 } as Record<Device, number>,
    checkout: { Control: 1, 'Green-button': 1.05, 'Sticky-summary': 1.12 } as Record<string, number>,
    shipping: { Control: 1, 'Free-shipping': 1.2 } as Record<string, number>,
  },
  /** Purchase once in the cart, by plan, lifted by the variations seen and by smart search. */
  purchase: {
    base: { free: 0.16, pro: 0.3, business: 0.38 } as Record<Plan, number>,
    checkout: { Control: 1, 'Green-button': 1.03, 'Sticky-summary': 1.08 } as Record<string, number>,
    shipping: { Control: 1, 'Free-shipping': 1.1 } as Record<string, number>,
    hero: { Control: 1, 'Video-hero': 0.96 } as Record<string, number>,
    smartSearch: 1.06,
  },
  /** Order value: a log-normal around the plan's typical basket; annual plans pay more up front. */
  order: { median: { free: 42, pro: 96, business: 240 } as Record<Plan, number>, sigma: 0.35, annualUplift: 0.18 },
} as const;

/** A multiplier from a table, 1 when the visitor saw nothing of that campaign. */
export function lift(table: Readonly<Record<string, number>>, variation: string | null | undefined): number {
  return variation ? (table[variation] ?? 1) : 1;
}

/** Trial probability on a pricing page. */
export function trialChance(page: PricingPage): number {
  return MODEL.trial.base * (MODEL.trial.cta[page.cta] ?? 1) * (page.plansShown >= 4 ? MODEL.trial.fourthPlan : 1);
}

/** An order's value in dollars (cents rounded), from a standard normal draw `z`. */
export function orderValue(plan: Plan, page: PricingPage, z: number): number {
  const base = MODEL.order.median[plan] * Math.exp(MODEL.order.sigma * z);
  const annual = page.highlightAnnual ? 1 + MODEL.order.annualUplift : 1;
  const value = base * annual * (1 - page.annualDiscount / 2);
  return Math.max(1, Math.round(value * 100) / 100);
}
