import { apiGate, bucketsUnstoredUsers, type CampaignApi, featureEnabled } from '../decision/api-rules.js';
import { decide } from '../decision/decide.js';
import type { Decision } from '../decision/types.js';
import { createDelivery } from '../delivery/index.js';
import { usageStats } from '../events/usage-stats.js';
import type { Campaign, Settings } from '../settings/model.js';
import { parseSettings } from '../settings/parse.js';
import { callsInProgress } from '../util/calls-in-progress.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, withDeadline } from '../util/deadline.js';
import { chain, isPromiseLike, type MaybePromise } from '../util/maybe-async.js';
import { SPEED_PATHS } from '../util/speed-paths.js';
import { errorMessage, isPlainObject } from '../util/types.js';
import { answerOf, noAnswer } from './answers.js';
import { validateClientConfig } from './config.js';
import { ClientCore } from './core.js';
import { type SafeLogger, safeLogger } from './logger.js';
import { checkedOptions, checkOptions, checkString } from './params.js';
import { pushArgumentsProblem, runPushCall } from './push.js';
import { runTrack } from './track.js';
import type {
  ApiOptions,
  ClientConfig,
  DecisionTrace,
  EventStats,
  ExplainOptions,
  FeatureVariableValue,
  FlushOptions,
  FlushResult,
  VWOClient,
} from './types.js';

const EXPLAINED_APIS: ReadonlySet<unknown> = new Set<CampaignApi>([
  'activate',
  'getVariationName',
  'isFeatureEnabled',
  'getFeatureVariableValue',
]);

/**
 * Creates the client over the given settings and plug-ins. The facades (`@vwo/node`,
 * `@vwo/browser`) call it with their platform defaults; use it directly to bring your own.
 * Throws a `VWOConfigError` naming the bad option; its methods never throw.
 *
 * @example
 * const parsed = parseSettings(settingsFile);
 * if (!parsed.ok) throw parsed.error;
 * const vwo = createClient({ settings: parsed.settings, transport: createFetchTransport() });
 * await vwo.activate('checkout-button', 'user-42');
 */
export function createClient(config: ClientConfig): VWOClient {
  validateClientConfig(config);
  const log = safeLogger(config.logger, config.logLevel);
  const delivery = createDelivery({
    transport: config.transport,
    context: () => core.eventContext,
    logger: log,
    batchEvents: config.batchEvents,
    isDevelopmentMode: config.isDevelopmentMode,
    maxPendingEvents: config.maxPendingEvents,
    retry: config.retry,
    random: config.random,
    outbox: config.eventOutbox,
    requestTimeout: config.requestTimeout,
  });
  const stats = usageStats({
    batchEvents: config.batchEvents !== undefined,
    integrations: config.integrations !== undefined,
    userStorage: Boolean(config.userStorage),
    customLogger: config.logger !== undefined,
    shouldTrackReturningUser: config.shouldTrackReturningUser,
    goalTypeToTrack: config.goalTypeToTrack !== undefined,
    isDevelopmentMode: config.isDevelopmentMode,
    ...config.usage,
  });
  const core = new ClientCore(config, log, delivery, stats);
  return new Client(core, log);
}

/** The option rules of the decision APIs, shared so that a call allocates none. */
const BUCKETING_API_RULES = Object.freeze({ shouldTrackReturningUser: true });
const STORED_ONLY_API_RULES = Object.freeze({ shouldTrackReturningUser: false });
const TRACK_RULES = Object.freeze({ shouldTrackReturningUser: true, goalTypeToTrack: true });

class Client implements VWOClient {
  // `#` members: the minifier renames them, as it cannot rename `private` ones.
  #optedOut = false;
  #closing: Promise<void> | undefined;
  #stopped = false;
  readonly #core: ClientCore;
  readonly #callsWaiting = callsInProgress();
  readonly #log: SafeLogger;

  constructor(core: ClientCore, log: SafeLogger) {
    this.#core = core;
    this.#log = log;
  }

  get settings(): Settings {
    return this.#core.settings;
  }

  updateSettings(settings: Settings): void {
    try {
      if (!(typeof settings === 'object' && settings !== null && settings.campaignsByKey instanceof Map)) {
        this.#log.error('updateSettings: expected parsed settings (parseSettings(file).settings); keeping the current ones');
        return;
      }
      this.#core.settings = settings;
    } catch (error) {
      this.#log.error(`updateSettings failed, keeping the current settings: ${errorMessage(error)}`);
    }
  }

  eventStats(): EventStats {
    return this.#core.delivery.stats();
  }

  activate(campaignKey: string, userId: string, options?: ApiOptions): Promise<string | null> {
    // Not through #guard: a hot path, and its closure was one allocation a call.
    if (this.#optedOut) return this.#optedOutAnswer('activate', null);
    try {
      return this.#settle('activate', null, this.#activate(campaignKey, userId, options));
    } catch (error) {
      return Promise.resolve(this.#failed('activate', null, error));
    }
  }

  #activate(campaignKey: string, userId: string, options: ApiOptions | undefined): MaybePromise<string | null> {
    const settings = this.#core.settings;
    const campaign = this.#campaignFor('activate', settings, campaignKey, userId, options);
    if (!campaign) return null;
    const opts = checkedOptions(options);
    const decided = this.#core.decideBucketing(settings, campaign, userId, opts, 'activate');
    // No closure unless the storage made the decision wait: this is the hot path.
    if (SPEED_PATHS && !isPromiseLike(decided))
      return this.#impressed(settings, campaign, userId, opts, decided) ? decided.variationName : null;
    return chain(decided, (decision) => (this.#impressed(settings, campaign, userId, opts, decision) ? decision.variationName : null));
  }

  /**
   * Whether the user is bucketed; if so, sends the impression of `activate` and
   * `isFeatureEnabled` (not again for a stored user, unless returning users are tracked).
   */
  #impressed(settings: Settings, campaign: Campaign, userId: string, opts: ApiOptions, decision: Decision): boolean {
    if (decision.variationName === null) return false;
    if (decision.outcome !== 'stored' || opts.shouldTrackReturningUser || this.#core.config.shouldTrackReturningUser) {
      this.#core.sendImpression(settings, campaign, decision.variation, userId, opts);
    }
    return true;
  }

  /**
   * `isFeatureEnabled`'s answer; sends its impression. For a decision with a variation,
   * `answerOf`'s answer is `featureEnabled`'s: called directly, as `answerOf` is too large to inline.
   */
  #featureEnabled(settings: Settings, campaign: Campaign, userId: string, opts: ApiOptions, decision: Decision): boolean {
    return this.#impressed(settings, campaign, userId, opts, decision) && featureEnabled(campaign, decision);
  }

  getVariationName(campaignKey: string, userId: string, options?: ApiOptions): Promise<string | null> {
    return this.#guard('getVariationName', null, () => {
      const settings = this.#core.settings;
      const campaign = this.#campaignFor('getVariationName', settings, campaignKey, userId, options);
      if (!campaign) return null;
      const opts = checkedOptions(options);
      const decided = this.#core.decide({ settings, campaign, userId, options: opts, source: 'getVariation', isTrackUser: false });
      return chain(decided, (decision) => answerOf('getVariationName', campaign, decision, '', null) as string | null);
    });
  }

  isFeatureEnabled(campaignKey: string, userId: string, options?: ApiOptions): Promise<boolean> {
    // Not through #guard: a hot path, and its closure was one allocation a call.
    if (this.#optedOut) return this.#optedOutAnswer('isFeatureEnabled', false);
    try {
      return this.#settle('isFeatureEnabled', false, this.#isFeatureEnabled(campaignKey, userId, options));
    } catch (error) {
      return Promise.resolve(this.#failed('isFeatureEnabled', false, error));
    }
  }

  #isFeatureEnabled(campaignKey: string, userId: string, options: ApiOptions | undefined): MaybePromise<boolean> {
    const settings = this.#core.settings;
    const campaign = this.#campaignFor('isFeatureEnabled', settings, campaignKey, userId, options);
    if (!campaign) return false;
    const opts = checkedOptions(options);
    // An impression goes out whether the feature is on or off for the user (1.73.0).
    const decided = this.#core.decideBucketing(settings, campaign, userId, opts, 'isFeatureEnabled');
    // No closure unless the storage made the decision wait: this is the hot path.
    if (SPEED_PATHS && !isPromiseLike(decided)) return this.#featureEnabled(settings, campaign, userId, opts, decided);
    return chain(decided, (decision) => this.#featureEnabled(settings, campaign, userId, opts, decision));
  }

  getFeatureVariableValue(campaignKey: string, variableKey: string, userId: string, options?: ApiOptions): Promise<FeatureVariableValue> {
    return this.#guard('getFeatureVariableValue', null, () => {
      const problem = checkString('variableKey', variableKey);
      if (problem) return this.#reject('getFeatureVariableValue', problem, null);
      const settings = this.#core.settings;
      const campaign = this.#campaignFor('getFeatureVariableValue', settings, campaignKey, userId, options);
      if (!campaign) return null;
      const opts = checkedOptions(options);
      const decided = this.#core.decide({
        settings,
        campaign,
        userId,
        options: opts,
        source: 'getFeatureVariableValue',
        isTrackUser: false,
      });
      return chain(decided, (decision) => {
        const value = answerOf('getFeatureVariableValue', campaign, decision, variableKey, null) as FeatureVariableValue;
        if (value === null && decision.variationName !== null) {
          this.#log.info(`getFeatureVariableValue: ${campaign.key} has no value of ${JSON.stringify(variableKey)} for ${userId}`);
        }
        return value;
      });
    });
  }

  track(
    campaignSpecifier: string | readonly string[] | null | undefined,
    userId: string,
    goalIdentifier: string,
    options?: ApiOptions,
  ): Promise<Record<string, boolean> | null> {
    // Not through #guard: the second half of the common activate + track, and its closure was one allocation a call.
    if (this.#optedOut) return this.#optedOutAnswer('track', null);
    try {
      return this.#settle('track', null, this.#track(campaignSpecifier, userId, goalIdentifier, options));
    } catch (error) {
      return Promise.resolve(this.#failed('track', null, error));
    }
  }

  #track(
    specifier: unknown,
    userId: string,
    goalIdentifier: string,
    options: ApiOptions | undefined,
  ): MaybePromise<Record<string, boolean> | null> {
    const specifierOk =
      specifier === null || specifier === undefined || Array.isArray(specifier) || (typeof specifier === 'string' && specifier !== '');
    if (!specifierOk) return this.#reject('track', 'campaignSpecifier must be a campaign key, an array of keys, or null', null);
    const problem = checkString('userId', userId) ?? checkString('goalIdentifier', goalIdentifier);
    if (problem) return this.#reject('track', problem, null);
    const optionsProblem = checkOptions(options, TRACK_RULES);
    if (optionsProblem) return this.#reject('track', optionsProblem, null);
    const settings = this.#core.settings;
    const keyed = typeof specifier === 'string' ? settings.campaignsByKey.get(specifier) : undefined;
    if (keyed?.isMAB && !this.#core.storage) {
      return this.#reject('track', `${specifier} is a multi-armed bandit campaign and needs a user storage`, null);
    }
    const tracked = runTrack(this.#core, settings, specifier, userId, goalIdentifier, checkedOptions(options), keyed);
    // `null` (no campaign at all) is only ever answered synchronously, before any storage wait.
    if (tracked === null) this.#log.error(`track: no campaign to track ${JSON.stringify(goalIdentifier)} in`);
    return tracked;
  }

  push(...args: unknown[]): Promise<Record<string, boolean> | null> {
    return this.#guard('push', null, () => {
      const problem = pushArgumentsProblem(args);
      if (problem !== undefined) return this.#reject('push', problem, null);
      return runPushCall(this.#core, args);
    });
  }

  async flushEvents(options?: FlushOptions): Promise<FlushResult> {
    if (this.#optedOut) return { status: false, message: 'The SDK is opted out: nothing to flush.', sent: 0, failed: 0, pending: 0 };
    try {
      if (typeof options === 'object' && options !== null && options.retryWaiting === true) this.#core.delivery.retryWaitingNow();
      return await this.#core.delivery.flush();
    } catch (error) {
      this.#log.error(`flushEvents failed: ${errorMessage(error)}`);
      return {
        status: false,
        message: 'Batch call could not be processed',
        sent: 0,
        failed: 0,
        pending: this.#core.delivery.stats().pending,
      };
    }
  }

  getAndUpdateSettingsFile(accountId?: string | number, sdkKey?: string): Promise<unknown> {
    return this.#guard('getAndUpdateSettingsFile', null, async () => {
      const fetchSettings = this.#core.config.fetchSettings;
      if (!fetchSettings) return this.#reject('getAndUpdateSettingsFile', 'this client was created without a settings source', null);
      const current = this.#core.settings;
      // The facades' fetch is bounded already; this bounds one given to createClient too.
      const file = await withDeadline(
        () => fetchSettings(accountId ?? current.accountId, sdkKey ?? current.sdkKey),
        this.#core.config.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
        'the settings fetch',
      );
      const parsed = parseSettings(file);
      if (!parsed.ok) {
        this.#log.error(`getAndUpdateSettingsFile: the fetched settings are invalid, keeping the current ones: ${parsed.error.message}`);
        return null;
      }
      this.#core.settings = parsed.settings;
      return parsed.settings.raw;
    });
  }

  explain(campaignKey: string, userId: string, options?: ExplainOptions): Promise<DecisionTrace | null> {
    // Not guarded by opt-out: explaining why every call now answers null/false is the point.
    return this.#protect('explain', null, () => {
      const problem = checkString('campaignKey', campaignKey) ?? checkString('userId', userId);
      if (problem) return this.#reject('explain', problem, null);
      const settings = this.#core.settings;
      const campaign = settings.campaignsByKey.get(campaignKey);
      const requested: unknown = isPlainObject(options) ? options.api : undefined;
      if (requested !== undefined && !EXPLAINED_APIS.has(requested)) {
        return this.#reject('explain', 'options.api must be activate, getVariationName, isFeatureEnabled or getFeatureVariableValue', null);
      }
      const api =
        (requested as CampaignApi | undefined) ??
        (campaign === undefined || campaign.type === 'VISUAL_AB' ? 'activate' : 'isFeatureEnabled');
      const variableKey: unknown = isPlainObject(options) ? options.variableKey : undefined;
      if (api === 'getFeatureVariableValue') {
        const bad = checkString('options.variableKey', variableKey);
        if (bad) return this.#reject('explain', bad, null);
      } else if (variableKey !== undefined) {
        return this.#reject('explain', 'options.variableKey goes only with api: getFeatureVariableValue', null);
      }
      const optionsProblem = checkOptions(options, { shouldTrackReturningUser: bucketsUnstoredUsers(api) });
      if (optionsProblem) return this.#reject('explain', optionsProblem, null);
      const opts = checkedOptions(options);
      const call = { campaignKey, userId, api, ...(api === 'getFeatureVariableValue' ? { variableKey: variableKey as string } : {}) };
      const stopped = (outcome: DecisionTrace['outcome'], detail: string): DecisionTrace => ({
        ...call,
        answer: noAnswer(api),
        variationName: null,
        outcome,
        steps: [{ step: 'api', passed: false, detail: `${detail}: ${api} answers ${String(noAnswer(api))}` }],
      });
      if (this.#optedOut) {
        this.#log.info('explain: the SDK is opted out');
        return stopped('opted-out', 'setOptOut() was called');
      }
      const storage = this.#core.storage;
      const gate = apiGate(api, campaignKey, campaign, storage !== undefined);
      // A missing or paused campaign is the decision's own first step; the other rules are the API's.
      if (gate && gate.outcome !== 'campaign-not-found' && gate.outcome !== 'campaign-not-running')
        return stopped(gate.outcome, gate.detail);
      const snapshot = storage && campaign ? storage.snapshot(userId, campaign, opts.userStorageData) : undefined;
      return chain(snapshot, (stored) => {
        const decision = decide(settings, campaign ?? campaignKey, userId, {
          customVariables: opts.customVariables,
          variationTargetingVariables: opts.variationTargetingVariables,
          isTrackUser: bucketsUnstoredUsers(api),
          storage: stored,
          trace: true,
        });
        const steps = [...(decision.steps ?? [])];
        // A failed decision makes the call fail (null/false); its last step says why.
        const answer =
          campaign && decision.outcome !== 'error'
            ? answerOf(api, campaign, decision, (variableKey as string) ?? '', steps)
            : noAnswer(api);
        return { ...call, answer, variationName: decision.variationName, outcome: decision.outcome, steps };
      });
    });
  }

  async setOptOut(): Promise<boolean> {
    if (this.#optedOut) return true;
    this.#optedOut = true;
    this.#stopBackgroundWork();
    // 1.73.0 flushes a pending batch queue before it tears down.
    if (this.#core.delivery.batching) await this.#core.delivery.flush().catch(() => undefined);
    this.#log.info('opted out: every call now returns null/false and sends nothing');
    return true;
  }

  close(): Promise<void> {
    this.#stopBackgroundWork();
    const closeTimeout = this.#core.config.closeTimeout ?? 2000;
    this.#closing ??= this.#callsWaiting
      .finished(closeTimeout)
      .then(() => this.#core.delivery.close(closeTimeout))
      .catch((error) => {
        this.#log.error(`close: ${errorMessage(error)}`);
      });
    return this.#closing;
  }

  #stopBackgroundWork(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    try {
      this.#core.config.onClose?.();
    } catch (error) {
      this.#log.error(`onClose failed: ${errorMessage(error)}`);
    }
  }

  /**
   * Validation and campaign checks of the decision APIs (decision-flow.md §2–§3): the campaign
   * the call decides in, or `undefined` (logged) when the call answers null/false.
   */
  #campaignFor(api: CampaignApi, settings: Settings, campaignKey: unknown, userId: unknown, options: unknown): Campaign | undefined {
    const problem =
      checkString('campaignKey', campaignKey) ??
      checkString('userId', userId) ??
      checkOptions(options, bucketsUnstoredUsers(api) ? BUCKETING_API_RULES : STORED_ONLY_API_RULES);
    if (problem) return this.#reject(api, problem, undefined);
    const campaign = settings.campaignsByKey.get(campaignKey as string);
    // The same rules as explain's, so that its trace never promises what the call refuses.
    const gate = apiGate(api, campaignKey as string, campaign, this.#core.storage !== undefined);
    if (gate) {
      if (gate.outcome === 'bandit-without-storage') return this.#reject(api, gate.detail, undefined);
      this.#log.warn(`${api}: ${gate.detail}`);
      return undefined;
    }
    return campaign;
  }

  #reject<T>(api: string, problem: string, value: T): T {
    this.#log.error(`${api}: ${problem}`);
    return value;
  }

  /** Opt-out, and the promise to the host that nothing escapes: one log line and the failure value. */
  #guard<T>(api: string, failure: T, body: () => MaybePromise<T>): Promise<T> {
    if (this.#optedOut) return this.#optedOutAnswer(api, failure);
    return this.#protect(api, failure, body);
  }

  #optedOutAnswer<T>(api: string, failure: T): Promise<T> {
    this.#log.info(`${api}: the SDK is opted out`);
    return Promise.resolve(failure);
  }

  /** The promise to the host that nothing escapes: one log line and the failure value. */
  #protect<T>(api: string, failure: T, body: () => MaybePromise<T>): Promise<T> {
    try {
      return this.#settle(api, failure, body());
    } catch (error) {
      return Promise.resolve(this.#failed(api, failure, error));
    }
  }

  /** The call's answer as the promise it returns; a rejection becomes one log line and the failure value. */
  #settle<T>(api: string, failure: T, result: MaybePromise<T>): Promise<T> {
    // No closure unless the answer is a promise: the decision APIs are the hot path.
    // A call that waits (on its storage) is in progress: close() lets it send its events first.
    return isPromiseLike(result)
      ? this.#callsWaiting.track(Promise.resolve(result).then(undefined, (error: unknown) => this.#failed(api, failure, error)))
      : Promise.resolve(result);
  }

  #failed<T>(api: string, failure: T, error: unknown): T {
    this.#log.error(`${api} failed: ${errorMessage(error)}`);
    return failure;
  }
}
