import {
  ErrorCode,
  type EvaluationContext,
  type JsonValue,
  OpenFeatureEventEmitter,
  type Provider,
  ProviderEvents,
  type ResolutionDetails,
  type TrackingEventDetails,
} from '@openfeature/server-sdk';
import type { VWOClient } from '@vwo/core';
import { flagsChangedBetween } from './shared/changed.js';
import { ClientHolder } from './shared/client-holder.js';
import { type Answer, type Prepared, prepare, settle } from './shared/evaluation.js';
import { callOf, type FlagType } from './shared/flags.js';
import { resolveFmeFlag } from './shared/fme/server.js';
import {
  type AnyVWOClient,
  isFmeClient,
  type ProviderSetup,
  readSetup,
  type VWOClientSource,
  type VWOProviderOptions,
} from './shared/options.js';
import { failed, type Resolution } from './shared/resolution.js';
import { trackGoal } from './shared/track.js';

/**
 * An OpenFeature server provider over a VWO client (`@openfeature/server-sdk`).
 *
 * Each evaluation is one VWO call for the context's user, as you would make it yourself: a
 * feature flag (`campaignKey`) calls `isFeatureEnabled`, an A/B campaign's variation
 * (`campaignKey`, as a string) calls `activate`, and both send an impression exactly as those
 * calls do (once per user with a user storage, else on every call); a variable
 * (`campaignKey.variableKey`) calls `getFeatureVariableValue`, which sends nothing. The value is
 * the call's answer; the reason and variant come from `explain` of the same call, which applies
 * the same rules and has no side effects.
 *
 * Over an FME client (`init`): a feature key is `getFlag(featureKey).isEnabled()`, a
 * `featureKey.variableKey` is `getVariable(variableKey)`; each evaluation is one `getFlag`,
 * which sends its impressions as 1.35.0 does, and `explain` gives the reason and the variant.
 *
 * @example
 * import { OpenFeature } from '@openfeature/server-sdk';
 * import { launch } from '@vwo/node';
 * import { VWOServerProvider } from '@vwo/openfeature-provider/server';
 *
 * await OpenFeature.setProviderAndWait(new VWOServerProvider({ launch: () => launch({ settingsFile }) }));
 * const flags = OpenFeature.getClient();
 * const on = await flags.getBooleanValue('new-search', false, { targetingKey: 'user-42', plan: 'pro' });
 */
export class VWOServerProvider implements Provider {
  /** OpenFeature's provider metadata. */
  readonly metadata = {
    /** The provider's name in OpenFeature's logs and hooks. */
    name: 'VWO',
  } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  private readonly setup: ProviderSetup;
  private readonly holder: ClientHolder;

  /** Throws a `VWOConfigError` naming the bad argument. */
  constructor(source: VWOClientSource, options?: VWOProviderOptions) {
    this.setup = readSetup(source, options);
    this.holder = new ClientHolder(this.setup, (previous, next) => {
      this.events.emit(ProviderEvents.ConfigurationChanged, {
        flagsChanged: flagsChangedBetween(this.holder.client, previous, next, this.setup),
      });
    });
  }

  /** The VWO client (FullStack or FME), for the APIs OpenFeature has no word for (`push`, `flushEvents`, `setAttribute`…); set once initialized. */
  get client(): AnyVWOClient | undefined {
    return this.holder.client;
  }

  /** Launches the client when the provider owns it; OpenFeature emits `PROVIDER_READY`, or `PROVIDER_ERROR` when this rejects. */
  async initialize(): Promise<void> {
    await this.holder.start();
  }

  /** Stops the settings watch; closes the client (sending what is pending) when the provider launched it. */
  onClose(): Promise<void> {
    return this.holder.close();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    return this.resolve(flagKey, 'boolean', defaultValue, context);
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    return this.resolve(flagKey, 'string', defaultValue, context);
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): Promise<ResolutionDetails<number>> {
    return this.resolve(flagKey, 'number', defaultValue, context);
  }

  resolveObjectEvaluation<T extends JsonValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
  ): Promise<ResolutionDetails<T>> {
    return this.resolve(flagKey, 'object', defaultValue, context);
  }

  /** Converts the goal `trackingEventName` for the context's user in every campaign that has it (`details.value` is the revenue); over an FME client, `trackEvent` with the details as event properties. */
  track(trackingEventName: string, context: EvaluationContext, trackingEventDetails: TrackingEventDetails): void {
    const { log, targetingAttribute } = this.setup;
    trackGoal(this.holder.client, log, this.holder.unavailable, trackingEventName, context, trackingEventDetails, targetingAttribute);
  }

  private async resolve<T>(flagKey: string, type: FlagType, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    const client = this.holder.client;
    if (!client) return toDetails(failed(defaultValue, { errorCode: 'GENERAL', errorMessage: this.holder.unavailable }));
    try {
      if (isFmeClient(client)) return toDetails(await resolveFmeFlag(client, flagKey, type, defaultValue, context, this.setup));
      const prepared = prepare(client.settings, flagKey, type, defaultValue, context, this.setup);
      if (!('user' in prepared)) return toDetails(prepared);
      const { campaign } = prepared.flag;
      const { userId, options } = prepared.user;
      // Explain first: it has no side effects, while the call may store the user and change it.
      const trace = await client.explain(campaign.key, userId, { ...options, ...callOf(prepared.flag) });
      return toDetails(settle(prepared, trace, await answer(client, prepared), defaultValue));
    } catch (error) {
      // The client never rejects; this is a bug of ours, and the host still gets its default.
      return toDetails(
        failed(defaultValue, { errorCode: 'GENERAL', errorMessage: error instanceof Error ? error.message : String(error) }),
      );
    }
  }
}

function answer(client: VWOClient, { flag, user }: Prepared): Promise<Answer> {
  const key = flag.campaign.key;
  if (flag.kind === 'variable') return client.getFeatureVariableValue(key, flag.variableKey, user.userId, user.options);
  return flag.type === 'string' ? client.activate(key, user.userId, user.options) : client.isFeatureEnabled(key, user.userId, user.options);
}

function toDetails<T>(resolution: Resolution<T>): ResolutionDetails<T> {
  const { errorCode, ...rest } = resolution;
  return errorCode === undefined ? { ...rest } : { ...rest, errorCode: ErrorCode[errorCode] };
}
