import {
  ErrorCode,
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/web-sdk';
import type { DecisionTrace, Settings, VWOClient } from '@vwo/core';
import { ClientHolder } from './shared/client-holder.js';
import { userFromContext } from './shared/context.js';
import { type Answer, enabledIn, type Prepared, prepare, settle } from './shared/evaluation.js';
import { changedFlags, type FlagType } from './shared/flags.js';
import { type ProviderSetup, readSetup, type VWOClientSource, type VWOProviderOptions } from './shared/options.js';
import { failed, isFailure, type Resolution } from './shared/resolution.js';
import { trackGoal } from './shared/track.js';
import { castVariable, variableFor } from './shared/variables.js';

/** Every decision for one context, taken when the context or the settings changed. */
interface Snapshot {
  readonly context: EvaluationContext;
  readonly settings: Settings;
  /** `explain` of every running campaign for the context's user (empty without a usable user). */
  readonly traces: ReadonlyMap<string, DecisionTrace | null>;
  /** `campaignKey \0 variationName` of the impressions sent for this context. */
  readonly impressions: Set<string>;
}

/**
 * An OpenFeature web provider over a VWO client (`@openfeature/web-sdk`).
 *
 * Web evaluations are synchronous and the VWO client is not, so the provider decides ahead:
 * when the context is set (`initialize`, `onContextChange`) and when the client's settings
 * change, it takes `explain` of every running campaign for the context's user — decisions
 * without side effects — and evaluations read that snapshot: variation names, feature flags
 * and variables all come from the one decision per campaign.
 *
 * Impressions: the first evaluation of a campaign flag (`campaignKey`) that finds the user in a
 * variation calls `activate` (A/B) or `isFeatureEnabled` (feature campaigns) once for this
 * context and variation, which send the impression exactly as those calls do. Re-evaluations
 * (every render) send nothing more; variables send nothing, as `getFeatureVariableValue`.
 *
 * @example
 * import { OpenFeature } from '@openfeature/web-sdk';
 * import { VWOWebProvider } from '@vwo/openfeature-provider/web';
 *
 * await OpenFeature.setContext({ targetingKey: 'user-42', plan: 'pro' });
 * await OpenFeature.setProviderAndWait(new VWOWebProvider({ launch: () => createClient({ ... }) }));
 * const on = OpenFeature.getClient().getBooleanValue('new-search', false);
 */
export class VWOWebProvider implements Provider {
  /** OpenFeature's provider metadata. */
  readonly metadata = {
    /** The provider's name in OpenFeature's logs and hooks. */
    name: 'VWO',
  } as const;
  readonly runsOn = 'client' as const;
  /** The snapshot belongs to one context: bind one instance to one domain. */
  readonly domainScoped = true;
  readonly events = new OpenFeatureEventEmitter();
  private readonly setup: ProviderSetup;
  private readonly holder: ClientHolder;
  private snapshot: Snapshot | undefined;
  /** Bumped by each new context or settings: a slower, older snapshot never replaces a newer one. */
  private generation = 0;

  /** Throws a `VWOConfigError` naming the bad argument. */
  constructor(source: VWOClientSource, options?: VWOProviderOptions) {
    this.setup = readSetup(source, options);
    this.holder = new ClientHolder(this.setup, (previous, next) => void this.settingsChanged(previous, next));
  }

  /** The VWO client, for the APIs OpenFeature has no word for (`push`, `flushEvents`, …); set once initialized. */
  get client(): VWOClient | undefined {
    return this.holder.client;
  }

  /** Launches the client when the provider owns it and decides for the context; rejecting makes OpenFeature emit `PROVIDER_ERROR`. */
  async initialize(context?: EvaluationContext): Promise<void> {
    const client = await this.holder.start();
    await this.decideFor(client, context ?? {}, false);
  }

  /** Decides again for the new context (OpenFeature emits `PROVIDER_RECONCILING`, then `PROVIDER_CONTEXT_CHANGED`). */
  async onContextChange(_oldContext: EvaluationContext, newContext: EvaluationContext): Promise<void> {
    // Waits for a launch in progress; rejects (OpenFeature emits PROVIDER_ERROR) when it failed.
    const client = await this.holder.start();
    await this.decideFor(client, newContext, false);
  }

  /** Stops the settings watch; closes the client (sending what is pending) when the provider launched it. */
  async onClose(): Promise<void> {
    this.generation++;
    this.snapshot = undefined;
    await this.holder.close();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): ResolutionDetails<boolean> {
    return this.resolve(flagKey, 'boolean', defaultValue, context);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): ResolutionDetails<string> {
    return this.resolve(flagKey, 'string', defaultValue, context);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): ResolutionDetails<number> {
    return this.resolve(flagKey, 'number', defaultValue, context);
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): ResolutionDetails<T> {
    return this.resolve(flagKey, 'object', defaultValue, context);
  }

  /** Converts the goal `trackingEventName` for the context's user in every campaign that has it; `details.value` is the revenue. */
  track(trackingEventName: string, context: EvaluationContext, trackingEventDetails: TrackingEventDetails): void {
    const { log, targetingAttribute } = this.setup;
    trackGoal(this.holder.client, log, this.holder.unavailable, trackingEventName, context, trackingEventDetails, targetingAttribute);
  }

  private async decideFor(client: VWOClient, context: EvaluationContext, keepImpressions: boolean): Promise<void> {
    const generation = ++this.generation;
    const settings = client.settings;
    const user = userFromContext(context, this.setup.targetingAttribute);
    const traces = new Map<string, DecisionTrace | null>();
    if (!isFailure(user)) {
      const running = [...settings.campaignsByKey.values()].filter((campaign) => campaign.isRunning);
      // All explains start before the first await, so they all read the same settings.
      const decided = await Promise.all(running.map((campaign) => client.explain(campaign.key, user.userId, user.options)));
      for (const [i, campaign] of running.entries()) traces.set(campaign.key, decided[i] ?? null);
    }
    if (generation !== this.generation) return;
    const impressions = keepImpressions && this.snapshot ? this.snapshot.impressions : new Set<string>();
    this.snapshot = { context, settings, traces, impressions };
  }

  private async settingsChanged(previous: Settings, next: Settings): Promise<void> {
    const client = this.holder.client;
    const current = this.snapshot;
    if (client && current) await this.decideFor(client, current.context, true);
    this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: changedFlags(previous, next, this.setup.separator) });
  }

  private resolve<T>(flagKey: string, type: FlagType, defaultValue: T, context: EvaluationContext): ResolutionDetails<T> {
    const snapshot = this.snapshot;
    const client = this.holder.client;
    if (!snapshot || !client) return toDetails(failed(defaultValue, { errorCode: 'GENERAL', errorMessage: this.holder.unavailable }));
    try {
      // The SDK sets the new context before the provider has decided for it.
      if (context?.targetingKey !== snapshot.context.targetingKey)
        return toDetails({ value: defaultValue, reason: 'STALE', flagMetadata: {} });
      const prepared = prepare(snapshot.settings, flagKey, type, defaultValue, snapshot.context, this.setup);
      if (!('user' in prepared)) return toDetails(prepared);
      const trace = snapshot.traces.get(prepared.flag.campaign.key) ?? null;
      const resolution = settle(prepared, trace, answerFrom(prepared, trace), defaultValue);
      if (resolution.variant !== undefined && resolution.errorCode === undefined)
        this.sendImpression(client, snapshot, prepared, resolution.variant);
      return toDetails(resolution);
    } catch (error) {
      return toDetails(
        failed(defaultValue, { errorCode: 'GENERAL', errorMessage: error instanceof Error ? error.message : String(error) }),
      );
    }
  }

  private sendImpression(client: VWOClient, snapshot: Snapshot, { flag, user }: Prepared, variationName: string): void {
    if (flag.kind !== 'campaign') return;
    const key = `${flag.campaign.key}\u0000${variationName}`;
    if (snapshot.impressions.has(key)) return;
    snapshot.impressions.add(key);
    const { key: campaignKey } = flag.campaign;
    if (flag.type === 'string') void client.activate(campaignKey, user.userId, user.options);
    else void client.isFeatureEnabled(campaignKey, user.userId, user.options);
  }
}

/** VWO's answer computed from the snapshot's decision, by the rules of the client's APIs. */
function answerFrom({ flag }: Prepared, trace: DecisionTrace | null): Answer {
  const variationName = trace?.variationName ?? null;
  if (variationName === null) return flag.kind === 'campaign' && flag.type === 'boolean' ? false : null;
  if (flag.kind === 'campaign') return flag.type === 'string' ? variationName : enabledIn(flag.campaign, variationName);
  const variable = variableFor(flag.campaign, variationName, flag.variableKey);
  return variable ? castVariable(variable) : null;
}

function toDetails<T>(resolution: Resolution<T>): ResolutionDetails<T> {
  const { errorCode, ...rest } = resolution;
  return errorCode === undefined ? { ...rest } : { ...rest, errorCode: ErrorCode[errorCode] };
}
