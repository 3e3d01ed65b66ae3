import { createFmeClient, type FmeExplanation, type FmeSettings, type FmeUserContext, type Logger } from '@vwo/core';
import type { FmeUser, LoadedFme } from './load.js';

/** One feature's answer for one user, as `vwo decide` prints it for an FME file. */
export interface FmeFeatureReport {
  /** `getFlag(feature).isEnabled()`. */
  readonly isEnabled: boolean;
  /** `getFlag(feature).getVariables()` as `{ key: value }` (the first variable of a key wins, as `getVariable`). */
  readonly variables: Record<string, unknown>;
  /** Why, from `explain`: `evaluated`, `stored-experiment`, `error`… */
  readonly outcome: string;
  /** The rollout rule that enabled the flag: its campaign key and the variation served. */
  readonly rollout: string | null;
  /** The experiment rule whose variation is served: its campaign key and the variation served. */
  readonly experiment: string | null;
  /** How many `vwo_variationShown` impressions `getFlag` sends for it. */
  readonly impressions: number;
}

/** Every feature's answer for one user, as `vwo decide` prints it for an FME file. */
export interface FmeDecideReport {
  /** The user id. */
  readonly user: string;
  /** By feature key, in file order. */
  readonly features: Record<string, FmeFeatureReport>;
  /** For every event name of the features' metrics: what `trackEvent` answers. */
  readonly trackEvent: Record<string, boolean>;
  /** What the client logged at error level while answering. */
  readonly notes: string[];
}

/** Keeps error lines (why a call answered a disabled flag or `false`); warnings only say that nothing is sent. */
function collectingLogger(notes: string[]): Logger {
  const keep = (line: string) => {
    if (!notes.includes(line)) notes.push(line);
  };
  return { debug: () => {}, info: () => {}, warn: () => {}, error: keep };
}

/** The FME context of a user. */
export function fmeContext(user: FmeUser): FmeUserContext {
  return {
    id: user.id,
    ...(user.customVariables ? { customVariables: { ...user.customVariables } } : {}),
    ...(user.variationTargetingVariables ? { variationTargetingVariables: { ...user.variationTargetingVariables } } : {}),
    ...(user.userAgent === undefined ? {} : { userAgent: user.userAgent }),
    ...(user.ipAddress === undefined ? {} : { ipAddress: user.ipAddress }),
  };
}

/**
 * Asks `getFlag` (and `explain`) about each feature, and `trackEvent` about each event, on an
 * FME client without transport or storage: the answers are the SDK's own, and nothing is stored
 * or sent.
 */
export async function decideFeatures(loaded: LoadedFme, user: FmeUser, featureKeys?: readonly string[]): Promise<FmeDecideReport> {
  const notes: string[] = [];
  const { settings } = loaded;
  const client = createFmeClient({
    accountId: settings.accountId,
    sdkKey: settings.sdkKey ?? '',
    settings: loaded.raw,
    logger: collectingLogger(notes),
  });
  try {
    const features: Record<string, FmeFeatureReport> = {};
    for (const key of featureKeys ?? [...settings.featuresByKey.keys()]) {
      const explanation = await client.explain(key, fmeContext(user));
      const flag = await client.getFlag(key, fmeContext(user));
      const variables: Record<string, unknown> = {};
      for (const variable of flag.getVariables()) if (!(variable.key in variables)) variables[variable.key] = variable.value;
      features[key] = {
        isEnabled: flag.isEnabled(),
        variables,
        outcome: explanation.outcome,
        rollout: ruleText(settings, explanation.rollout),
        experiment: ruleText(settings, explanation.experiment),
        impressions: explanation.impressions.length,
      };
    }
    const trackEvent: Record<string, boolean> = {};
    for (const eventName of settings.eventNames) {
      const answer = await client.trackEvent(eventName, fmeContext(user));
      trackEvent[eventName] = answer[eventName] === true;
    }
    return { user: user.id, features, trackEvent, notes };
  } finally {
    await client.close();
  }
}

/** `campaignKey → variation name` of a rule outcome (`(stored)` when it came from user storage). */
export function ruleText(settings: FmeSettings, outcome: FmeExplanation['rollout']): string | null {
  if (!outcome) return null;
  const key = String(outcome.campaignKey);
  const variation = settings.campaignsByKey.get(key)?.variations.find((candidate) => candidate.id === outcome.variationId);
  const name = variation ? variation.name : `variation ${String(outcome.variationId)}`;
  return `${key} → ${name}${outcome.source === 'evaluated' ? '' : ` (${outcome.source})`}`;
}
