/**
 * What the edge run must produce, computed in Node: the answers of a `@vwo/core` client in Node,
 * the pure `decide()` results, and from them the exact events the collector must receive.
 */
import { readFileSync } from 'node:fs';
import type { CollectedEvent } from '@vwo/collector';
import { createClient, type Decision, decide, parseSettings, type Settings, visitorUuid } from '@vwo/core';
import { type Answers, journey, PURCHASE_REVENUE, type Visitor } from '../../src/journey.js';

/** The settings file the collector serves. */
export const SETTINGS_FILE = JSON.parse(readFileSync(new URL('../fixtures/settings.json', import.meta.url), 'utf8')) as {
  accountId: number;
  sdkKey: string;
  campaigns: Array<{ id: number; key: string; goals: Array<{ id: number; identifier: string }> }>;
};

export function referenceSettings(): Settings {
  const parsed = parseSettings(SETTINGS_FILE);
  if (!parsed.ok) throw parsed.error;
  return parsed.settings;
}

/** The answers of a client running in Node on the same settings (development mode: it sends nothing). */
export async function nodeAnswers(population: readonly Visitor[]): Promise<Answers[]> {
  const vwo = createClient({ settings: referenceSettings(), isDevelopmentMode: true, logLevel: 'silent' });
  const answers: Answers[] = [];
  for (const visitor of population) answers.push(await journey(vwo, visitor));
  await vwo.close();
  return answers;
}

/** One decision per campaign of the journey, from the pure `decide()`. */
export interface Decisions {
  readonly hero: Decision;
  readonly checkout: Decision;
  readonly search: Decision;
  readonly pricing: Decision;
}

export function decisionsFor(settings: Settings, visitor: Visitor): Decisions {
  const customVariables = { plan: visitor.plan };
  return {
    hero: decide(settings, 'hero-banner', visitor.userId),
    checkout: decide(settings, 'checkout-flow', visitor.userId, { customVariables }),
    search: decide(settings, 'new-search', visitor.userId),
    pricing: decide(settings, 'pricing-test', visitor.userId),
  };
}

/** An event as the comparison sees it: what VWO's reports are built from. */
export interface EventKey {
  readonly kind: CollectedEvent['kind'];
  readonly campaignId: number | null;
  readonly variationId: number | null;
  readonly goalId: number | null;
  readonly revenue: number | null;
  readonly uuid: string;
}

export function keyOf(event: CollectedEvent): EventKey {
  const { kind, campaignId, variationId, goalId, revenue, uuid } = event;
  return { kind, campaignId, variationId, goalId, revenue, uuid };
}

/** Sorted so that two lists compare whatever order the requests arrived in. */
export function sortEvents(events: readonly EventKey[]): EventKey[] {
  const text = (event: EventKey) =>
    [event.uuid, event.kind, event.campaignId, event.goalId ?? '', event.variationId, event.revenue ?? ''].join('|');
  return [...events].sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
}

const CAMPAIGN_ID = Object.fromEntries(SETTINGS_FILE.campaigns.map((campaign) => [campaign.key, campaign.id]));
const GOAL_ID = { signup: 601, purchase: 602 } as const;

/**
 * The events the journey must send, derived from `decide()` and the documented API semantics
 * (not from any client's answers): `activate` and `isFeatureEnabled` send one impression when the
 * user is in the campaign; `getVariationName` and `getFeatureVariableValue` send nothing; `track`
 * sends one conversion per campaign that has the goal and holds the user; `purchase` carries the revenue.
 */
export function expectedEvents(settings: Settings, population: readonly Visitor[]): EventKey[] {
  const events: EventKey[] = [];
  for (const visitor of population) {
    const uuid = visitorUuid(settings.accountId, visitor.userId);
    const decisions = decisionsFor(settings, visitor);
    const impression = (key: string, decision: Decision) => {
      if (decision.variationName === null) return;
      events.push({
        kind: 'impression',
        campaignId: CAMPAIGN_ID[key],
        variationId: Number(decision.variation?.id),
        goalId: null,
        revenue: null,
        uuid,
      });
    };
    const conversion = (key: string, decision: Decision, goal: keyof typeof GOAL_ID) => {
      if (decision.variationName === null) return;
      const revenue = goal === 'purchase' ? PURCHASE_REVENUE : null;
      events.push({
        kind: 'conversion',
        campaignId: CAMPAIGN_ID[key],
        variationId: Number(decision.variation?.id),
        goalId: GOAL_ID[goal],
        revenue,
        uuid,
      });
    };
    impression('hero-banner', decisions.hero);
    impression('checkout-flow', decisions.checkout);
    impression('new-search', decisions.search);
    impression('pricing-test', decisions.pricing);
    conversion('checkout-flow', decisions.checkout, 'signup');
    conversion('hero-banner', decisions.hero, 'purchase');
    conversion('pricing-test', decisions.pricing, 'purchase');
  }
  return sortEvents(events);
}
