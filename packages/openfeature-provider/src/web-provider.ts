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
import type { CampaignApi, DecisionTrace, FmeClient, Settings, VWOClient } from '@vwo/core';
import { flagsChangedBetween } from './shared/changed.js';
import { type AnySettings, ClientHolder } from './shared/client-holder.js';
import { userFromContext } from './shared/context.js';
import { type Prepared, prepare, settle } from './shared/evaluation.js';
import { callOf, campaignFlagType, type Flag, type FlagType, variableKeysOf } from './shared/flags.js';
import { FmeWebDecisions } from './shared/fme/web-decisions.js';
import {
  type AnyVWOClient,
  isFmeClient,
  type ProviderSetup,
  readSetup,
  type VWOClientSource,
  type VWOProviderOptions,
} from './shared/options.js';
import { failed, isFailure, type Resolution } from './shared/resolution.js';
import { trackGoal } from './shared/track.js';

/** The explained call behind one flag, and the flag's key (for `flagsChanged`). */
interface Decided {
  readonly flagKey: string;
  readonly trace: DecisionTrace | null;
}

/** Every decision for one context, taken when the context or the settings changed. */
interface Snapshot {
  readonly context: EvaluationContext;
  readonly settings: Settings;
  /**
   * `explain` of the call behind every flag of every running campaign for the context's user,
   * by {@link decisionKey} (empty without a usable user): its `answer` is the flag's value.
   */
  readonly decided: ReadonlyMap<string, Decided>;
  /** `campaignKey \0 variationName` of the impressions sent for this context. */
  readonly impressions: Set<string>;
}

/**
 * An OpenFeature web provider over a VWO client (`@openfeature/web-sdk`).
 *
 * Web evaluations are synchronous and the VWO client is not, so the provider decides ahead:
 * when the context is set (`initialize`, `onContextChange`) and when the client's settings
 * change, it takes `explain` of the call behind every flag for the context's user (`activate`
 * or `isFeatureEnabled` per campaign, `getFeatureVariableValue` per variable) — the client's
 * own rules and answers, without side effects — and evaluations read that snapshot: every
 * value is what the client's call answers for the context.
 *
 * Impressions: the first evaluation of a campaign flag (`campaignKey`) that finds the user in a
 * variation calls `activate` (A/B) or `isFeatureEnabled` (feature campaigns) once for this
 * context and variation, which send the impression exactly as those calls do. Re-evaluations
 * (every render) send nothing more; variables send nothing, as `getFeatureVariableValue`. Once
 * such a call has stored the user (with a user storage), the provider decides again and emits
 * `PROVIDER_CONFIGURATION_CHANGED` for the flags whose answers changed (variables, which VWO
 * answers only for stored users; other campaigns of a mutually exclusive group).
 *
 * Over an FME client (`init`) the same way: `explain` of every feature ahead, and the first
 * evaluation of any flag of a feature (`featureKey`, `featureKey.variableKey`) calls `getFlag`
 * once for the context, which sends its impressions; its answer then replaces the explained one.
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
  private readonly fme: FmeWebDecisions;
  /** Bumped by each new context or settings: a slower, older snapshot never replaces a newer one. */
  private generation = 0;

  /** Throws a `VWOConfigError` naming the bad argument. */
  constructor(source: VWOClientSource, options?: VWOProviderOptions) {
    this.setup = readSetup(source, options);
    this.holder = new ClientHolder(this.setup, (previous, next) => void this.settingsChanged(previous, next));
    this.fme = new FmeWebDecisions(this.setup, (flagsChanged) => this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged }));
  }

  /** The VWO client (FullStack or FME), for the APIs OpenFeature has no word for (`push`, `flushEvents`, `setAttribute`…); set once initialized. */
  get client(): AnyVWOClient | undefined {
    return this.holder.client;
  }

  /** Launches the client when the provider owns it and decides for the context; rejecting makes OpenFeature emit `PROVIDER_ERROR`. */
  async initialize(context?: EvaluationContext): Promise<void> {
    const client = await this.holder.start();
    if (isFmeClient(client)) await this.fme.decideFor(client, context ?? {}, false);
    else await this.decideFor(client, context ?? {}, false);
  }

  /** Decides again for the new context (OpenFeature emits `PROVIDER_RECONCILING`, then `PROVIDER_CONTEXT_CHANGED`). */
  async onContextChange(_oldContext: EvaluationContext, newContext: EvaluationContext): Promise<void> {
    // Waits for a launch in progress; rejects (OpenFeature emits PROVIDER_ERROR) when it failed.
    const client = await this.holder.start();
    if (isFmeClient(client)) await this.fme.decideFor(client, newContext, false);
    else await this.decideFor(client, newContext, false);
  }

  /** Stops the settings watch; closes the client (sending what is pending) when the provider launched it. */
  async onClose(): Promise<void> {
    this.generation++;
    this.snapshot = undefined;
    this.fme.reset();
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

  /** Converts the goal `trackingEventName` for the context's user in every campaign that has it (`details.value` is the revenue); over an FME client, `trackEvent` with the details as event properties. */
  track(trackingEventName: string, context: EvaluationContext, trackingEventDetails: TrackingEventDetails): void {
    const { log, targetingAttribute } = this.setup;
    trackGoal(this.holder.client, log, this.holder.unavailable, trackingEventName, context, trackingEventDetails, targetingAttribute);
  }

  private async decideFor(client: VWOClient, context: EvaluationContext, keepImpressions: boolean): Promise<void> {
    const generation = ++this.generation;
    const settings = client.settings;
    const decided = await this.explainAll(client, context);
    if (generation !== this.generation) return;
    const impressions = keepImpressions && this.snapshot ? this.snapshot.impressions : new Set<string>();
    this.snapshot = { context, settings, decided, impressions };
  }

  /** `explain` of every flag's call for the context's user; all start before the first await, so they read the same settings. */
  private async explainAll(client: VWOClient, context: EvaluationContext): Promise<Map<string, Decided>> {
    const decided = new Map<string, Decided>();
    const user = userFromContext(context, this.setup.targetingAttribute);
    if (isFailure(user)) return decided;
    const calls: { key: string; flagKey: string; campaignKey: string; api: CampaignApi; variableKey?: string }[] = [];
    for (const campaign of client.settings.campaignsByKey.values()) {
      if (!campaign.isRunning) continue;
      const { key } = campaign;
      calls.push({ key, flagKey: key, campaignKey: key, ...callOf({ kind: 'campaign', campaign, type: campaignFlagType(campaign) }) });
      for (const variableKey of variableKeysOf(campaign)) {
        const flagKey = `${key}${this.setup.separator}${variableKey}`;
        calls.push({ key: decisionKey(key, variableKey), flagKey, campaignKey: key, api: 'getFeatureVariableValue', variableKey });
      }
    }
    const traces = await Promise.all(
      calls.map(({ campaignKey, api, variableKey }) => client.explain(campaignKey, user.userId, { ...user.options, api, variableKey })),
    );
    for (const [i, { key, flagKey }] of calls.entries()) decided.set(key, { flagKey, trace: traces[i] ?? null });
    return decided;
  }

  /**
   * After a call of the provider's may have stored the user: decides again for the same context
   * and settings, keeping the impressions, and reports the flags whose answers changed. Gives
   * way to any newer context or settings (it does not take a generation of its own).
   */
  private async decideAgain(client: VWOClient, snapshot: Snapshot): Promise<void> {
    const generation = this.generation;
    if (this.snapshot !== snapshot || client.settings !== snapshot.settings) return;
    const decided = await this.explainAll(client, snapshot.context);
    if (generation !== this.generation || this.snapshot !== snapshot || client.settings !== snapshot.settings) return;
    this.snapshot = { ...snapshot, decided };
    const flagsChanged: string[] = [];
    for (const [key, now] of decided) {
      const before = snapshot.decided.get(key);
      if (!before || !sameAnswer(before.trace, now.trace)) flagsChanged.push(now.flagKey);
    }
    if (flagsChanged.length > 0) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged });
  }

  private async settingsChanged(previous: AnySettings, next: AnySettings): Promise<void> {
    const client = this.holder.client;
    const current = this.snapshot;
    if (isFmeClient(client)) await this.fme.redecide(client);
    else if (client && current) await this.decideFor(client, current.context, true);
    this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: flagsChangedBetween(client, previous, next, this.setup) });
  }

  private resolve<T>(flagKey: string, type: FlagType, defaultValue: T, context: EvaluationContext): ResolutionDetails<T> {
    const snapshot = this.snapshot;
    const client = this.holder.client;
    if (isFmeClient(client)) return this.resolveFme(client, flagKey, type, defaultValue, context);
    if (!snapshot || !client) return toDetails(failed(defaultValue, { errorCode: 'GENERAL', errorMessage: this.holder.unavailable }));
    try {
      // The SDK sets the new context before the provider has decided for it.
      if (context?.targetingKey !== snapshot.context.targetingKey)
        return toDetails({ value: defaultValue, reason: 'STALE', flagMetadata: {} });
      const prepared = prepare(snapshot.settings, flagKey, type, defaultValue, snapshot.context, this.setup);
      if (!('user' in prepared)) return toDetails(prepared);
      const trace = snapshot.decided.get(keyOf(prepared.flag))?.trace ?? null;
      // The snapshot holds the call's answer itself: nothing is derived here.
      const resolution = settle(prepared, trace, trace?.answer ?? null, defaultValue);
      if (resolution.variant !== undefined && resolution.errorCode === undefined)
        this.sendImpression(client, snapshot, prepared, resolution.variant);
      return toDetails(resolution);
    } catch (error) {
      return toDetails(
        failed(defaultValue, { errorCode: 'GENERAL', errorMessage: error instanceof Error ? error.message : String(error) }),
      );
    }
  }

  private resolveFme<T>(
    client: FmeClient,
    flagKey: string,
    type: FlagType,
    defaultValue: T,
    context: EvaluationContext,
  ): ResolutionDetails<T> {
    try {
      return toDetails(this.fme.resolve(client, flagKey, type, defaultValue, context, this.holder.unavailable));
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
    const called: Promise<unknown> =
      flag.type === 'string'
        ? client.activate(campaignKey, user.userId, user.options)
        : client.isFeatureEnabled(campaignKey, user.userId, user.options);
    // The client's methods never reject.
    void called.then(() => this.decideAgain(client, snapshot));
  }
}

/** The snapshot's key of a flag's decision: the campaign key, plus `\0variableKey` for a variable. */
function decisionKey(campaignKey: string, variableKey?: string): string {
  return variableKey === undefined ? campaignKey : `${campaignKey}\u0000${variableKey}`;
}

function keyOf(flag: Flag): string {
  return decisionKey(flag.campaign.key, flag.kind === 'variable' ? flag.variableKey : undefined);
}

/** Whether two decisions give the same value and variant. */
function sameAnswer(a: DecisionTrace | null, b: DecisionTrace | null): boolean {
  if (a === null || b === null) return a === b;
  return a.variationName === b.variationName && JSON.stringify(a.answer) === JSON.stringify(b.answer);
}

function toDetails<T>(resolution: Resolution<T>): ResolutionDetails<T> {
  const { errorCode, ...rest } = resolution;
  return errorCode === undefined ? { ...rest } : { ...rest, errorCode: ErrorCode[errorCode] };
}
