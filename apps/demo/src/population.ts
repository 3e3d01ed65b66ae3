import type { Random } from './random.js';

/** One simulated visitor: the ids and variables an application would pass to the SDK. */
export interface SimUser {
  readonly id: string;
  /** `customVariables`: what pre-segmentation sees. */
  readonly vars: { readonly plan: Plan; readonly country: string; readonly device: Device };
  /** `variationTargetingVariables` (internal testers only): what whitelisting sees. */
  readonly targeting?: { readonly role: string };
  /** Visits during the test; each visit goes through the site again. */
  readonly sessions: number;
}

export type Plan = 'free' | 'pro' | 'business';
export type Device = 'mobile' | 'desktop' | 'tablet';

const PLANS: readonly Plan[] = ['free', 'pro', 'business'];
const PLAN_SHARES = [62, 28, 10];
const COUNTRIES = ['US', 'GB', 'DE', 'IN', 'CA', 'AU', 'FR', 'BR'];
const COUNTRY_SHARES = [36, 11, 12, 13, 6, 5, 9, 8];
const DEVICES: readonly Device[] = ['mobile', 'desktop', 'tablet'];
const DEVICE_SHARES = [55, 38, 7];

/**
 * The internal testers the settings file whitelists: their ids are listed in checkout-cta's
 * Sticky-summary variation, and their `role` in pricing-page's Table variation.
 */
export const QA_USERS: readonly SimUser[] = ['qa-anna', 'qa-ben', 'qa-chen'].map((id) => ({
  id,
  vars: { plan: 'business', country: 'US', device: 'desktop' },
  targeting: { role: 'qa' },
  sessions: 2,
}));

/**
 * `count` users, drawn from `random`: the three internal testers first (when there is room),
 * then visitors with a plan, a country and a device in realistic proportions and one to five
 * visits (1.6 on average). Ids are random per seed, so another seed buckets other people.
 */
export function* population(count: number, random: Random): Generator<SimUser> {
  const testers = count >= 100 ? QA_USERS : [];
  for (const tester of testers) yield tester;
  for (let i = testers.length; i < count; i++) {
    let sessions = 1;
    while (sessions < 5 && random.chance(0.4)) sessions++;
    yield {
      // A fixed-length random part plus the index: unique, and different for every seed.
      id: `v-${random.hex(8)}-${i.toString(36)}`,
      vars: {
        plan: random.pick(PLANS, PLAN_SHARES),
        country: random.pick(COUNTRIES, COUNTRY_SHARES),
        device: random.pick(DEVICES, DEVICE_SHARES),
      },
      sessions,
    };
  }
}
