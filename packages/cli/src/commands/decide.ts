import { type Campaign, createClient, type DecisionTrace, type FeatureVariableValue, type Logger, type Settings } from '@vwo/core';

/** Inputs of a decision: the API options a user would pass. */
export interface UserContext {
  /** `customVariables`: what pre-segmentation reads. */
  readonly customVariables?: Readonly<Record<string, unknown>>;
  /** `variationTargetingVariables`: what whitelisting reads. */
  readonly variationTargetingVariables?: Readonly<Record<string, unknown>>;
  /** Revenue passed to `track` for revenue goals (default 1: a revenue goal needs one). */
  readonly revenueValue?: number;
}

/** Every API's answer for one user and campaign, as `vwo decide` prints it. */
export interface DecideReport {
  /** The campaign key. */
  readonly campaign: string;
  /** The campaign type (`VISUAL_AB`, `FEATURE_TEST`, `FEATURE_ROLLOUT`). */
  readonly type: string;
  /** The campaign status (only `RUNNING` decides). */
  readonly status: string;
  /** The user id. */
  readonly user: string;
  /** The decision of the campaign's own call (`activate` for A/B, else `isFeatureEnabled`), from `explain`. */
  readonly decision: {
    /** How it ended: `bucketed`, `whitelisted`, `not-in-traffic`, `segment-failed`, `group-lost`, `bandit-without-storage`… */
    readonly outcome: string;
    /** The variation that call decided (`null` when one of its rules stopped it first), whether or not it returns it. */
    readonly variation: string | null;
  };
  /** What `activate` answers. */
  readonly activate: string | null;
  /** What `getVariationName` answers. */
  readonly getVariationName: string | null;
  /** What `isFeatureEnabled` answers. */
  readonly isFeatureEnabled: boolean;
  /** `getFeatureVariableValue` for every variable key the campaign defines. */
  readonly getFeatureVariableValue: Record<string, FeatureVariableValue>;
  /** For every goal of the campaign: whether `track(campaign, user, goal)` would count a conversion. */
  readonly track: Record<string, boolean>;
  /** What the SDK logged at warn or error level while answering (why an API said null/false). */
  readonly notes: readonly string[];
}

/** The variable keys a feature campaign defines, in file order: a rollout's, or the union of a feature test's variations'. */
export function variableKeys(campaign: Campaign): string[] {
  const keys = new Set<string>();
  const add = (variables: readonly { key: unknown }[] | undefined) => {
    for (const variable of variables ?? []) if (typeof variable?.key === 'string') keys.add(variable.key);
  };
  if (campaign.type === 'FEATURE_ROLLOUT') add(campaign.variables);
  else if (campaign.type === 'FEATURE_TEST') for (const variation of campaign.variations) add(variation.variables);
  return [...keys];
}

/** Goal identifiers of a campaign, in file order, each once. */
export function goalIdentifiers(campaign: Campaign): string[] {
  return [...new Set(campaign.goals.map((goal) => goal.identifier).filter((id): id is string => typeof id === 'string' && id !== ''))];
}

function collectingLogger(notes: string[]): Logger {
  const keep = (line: string) => {
    const message = line.replace(/^VWO-SDK /, '');
    if (!notes.includes(message)) notes.push(message);
  };
  return { debug: () => {}, info: () => {}, warn: keep, error: keep };
}

/**
 * Asks every public API about one user, on a development-mode client: the answers are the
 * SDK's own, and nothing is stored or sent. No user storage, as in vwo-node-sdk's default, so
 * each API decides afresh.
 */
export async function decideAll(settings: Settings, campaign: Campaign, userId: string, context: UserContext = {}): Promise<DecideReport> {
  const notes: string[] = [];
  const client = createClient({ settings, isDevelopmentMode: true, logger: collectingLogger(notes), logLevel: 'warn' });
  const options = { customVariables: context.customVariables, variationTargetingVariables: context.variationTargetingVariables };
  const key = campaign.key;
  try {
    const trace = (await client.explain(key, userId, options)) as DecisionTrace;
    const activate = await client.activate(key, userId, options);
    const getVariationName = await client.getVariationName(key, userId, options);
    const isFeatureEnabled = await client.isFeatureEnabled(key, userId, options);
    const variables: Record<string, FeatureVariableValue> = {};
    for (const variableKey of variableKeys(campaign)) {
      variables[variableKey] = await client.getFeatureVariableValue(key, variableKey, userId, options);
    }
    const track: Record<string, boolean> = {};
    for (const goal of goalIdentifiers(campaign)) {
      const type = campaign.goalsByIdentifier.get(goal)?.type;
      const revenueValue = type === 'REVENUE_TRACKING' ? (context.revenueValue ?? 1) : undefined;
      const result = await client.track(key, userId, goal, { ...options, revenueValue });
      track[goal] = result?.[key] === true;
    }
    return {
      campaign: key,
      type: campaign.type,
      status: campaign.status,
      user: userId,
      decision: { outcome: trace.outcome, variation: trace.variationName },
      activate,
      getVariationName,
      isFeatureEnabled,
      getFeatureVariableValue: variables,
      track,
      notes,
    };
  } finally {
    await client.close();
  }
}
