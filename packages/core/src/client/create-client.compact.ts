import { apiGate, bucketsUnstoredUsers, type CampaignApi } from '../decision/api-rules.js';
import { decide } from '../decision/decide.js';
import { createDelivery } from '../delivery/index.js';
import { usageStats } from '../events/usage-stats.js';
import type { Settings } from '../settings/model.js';
import { parseSettings } from '../settings/parse.js';
import { callsInProgress } from '../util/calls-in-progress.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, withDeadline } from '../util/deadline.js';
import { chain, isPromiseLike, type MaybePromise } from '../util/maybe-async.js';
import { errorMessage, isPlainObject } from '../util/types.js';
import { answerOf, noAnswer } from './answers.js';
import { validateClientConfig } from './config.js';
import { ClientCore } from './core.js';
import { safeLogger } from './logger.js';
import { checkedOptions, checkOptions, checkString } from './params.js';
import { pushArgumentsProblem, runPushCall } from './push.js';
import { runTrack } from './track.js';
import type { ClientConfig, DecisionTrace, FlushResult, VWOClient } from './types.js';

// The browser build's client (tsup.config.ts): the same calls, answers, events and log lines as
// create-client.ts, written for size. Its state lives in closures (the minifier shortens their
// names, not `this.#x` member reads); the four campaign APIs share one path (`decided`) and every
// call goes through `guard`; the server build keeps per-API hot paths that allocate less.

const EXPLAINED: readonly CampaignApi[] = ['activate', 'getVariationName', 'isFeatureEnabled', 'getFeatureVariableValue'];

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
  const { batchEvents, isDevelopmentMode, logger } = config;
  const log = safeLogger(logger, config.logLevel);
  // The delivery options share their names with createClient's; the hooks createClient does not
  // take stay unset, as in the server build, whatever else the config object carries.
  const delivery = createDelivery({
    ...config,
    transport: config.transport,
    classifyResponse: undefined,
    onRetriedRequest: undefined,
    context: () => core.eventContext,
    logger: log,
    outbox: config.eventOutbox,
  });
  const given = (value: unknown) => value !== undefined;
  const core = new ClientCore(
    config,
    log,
    delivery,
    usageStats({
      batchEvents: given(batchEvents),
      integrations: given(config.integrations),
      userStorage: Boolean(config.userStorage),
      customLogger: given(logger),
      shouldTrackReturningUser: config.shouldTrackReturningUser,
      goalTypeToTrack: given(config.goalTypeToTrack),
      isDevelopmentMode,
      ...config.usage,
    }),
  );
  let optedOut = false;
  let stopped = false;
  let closing: Promise<void> | undefined;
  const callsWaiting = callsInProgress();

  const reject = <T>(api: string, problem: string, value: T): T => {
    log.error(`${api}: ${problem}`);
    return value;
  };

  /**
   * The promise to the host that nothing escapes: a throw or a rejection becomes one log line
   * and the failure value. A call that waits (on its storage) is in progress: close() lets it
   * send its events first.
   */
  const protect = <T>(api: string, failure: T, body: () => MaybePromise<T>): Promise<T> => {
    const failed = (error: unknown) => {
      log.error(`${api} failed: ${errorMessage(error)}`);
      return failure;
    };
    try {
      const result = body();
      return isPromiseLike(result) ? callsWaiting.track(Promise.resolve(result).then(undefined, failed)) : Promise.resolve(result);
    } catch (error) {
      return Promise.resolve(failed(error));
    }
  };

  /** Opt-out, then {@link protect}. */
  const guard = <T>(api: string, failure: T, body: () => MaybePromise<T>): Promise<T> => {
    if (!optedOut) return protect(api, failure, body);
    log.info(`${api}: the SDK is opted out`);
    return Promise.resolve(failure);
  };

  /**
   * The path of the four campaign APIs: opt-out, validation and campaign checks
   * (decision-flow.md §2–§3), the decision, the impression of `activate` and `isFeatureEnabled`
   * (not again for a stored user, unless returning users are tracked), then the API's answer
   * (answers.ts, as `explain` gives it); `failure` wherever the call stops.
   */
  const decided = <T>(
    api: CampaignApi,
    failure: T,
    campaignKey: unknown,
    userId: unknown,
    options: unknown,
    variableKey = '',
    firstProblem?: string,
  ): Promise<T> =>
    guard(api, failure, () => {
      const problem =
        firstProblem ??
        checkString('campaignKey', campaignKey) ??
        checkString('userId', userId) ??
        checkOptions(options, { shouldTrackReturningUser: bucketsUnstoredUsers(api) });
      if (problem) return reject(api, problem, failure);
      const settings = core.settings;
      const campaign = settings.campaignsByKey.get(campaignKey as string);
      // The same rules as explain's, so that its trace never promises what the call refuses.
      const gate = apiGate(api, campaignKey as string, campaign, core.storage !== undefined);
      if (gate?.outcome === 'bandit-without-storage') return reject(api, gate.detail, failure);
      if (gate || !campaign) {
        log.warn(`${api}: ${gate?.detail}`);
        return failure;
      }
      const opts = checkedOptions(options);
      const user = userId as string;
      const isTrackUser = bucketsUnstoredUsers(api);
      const source = api === 'getVariationName' ? 'getVariation' : api;
      return chain(core.decide({ settings, campaign, userId: user, options: opts, source, isTrackUser }), (decision) => {
        const bucketed = decision.variationName !== null;
        // An impression goes out whether the feature is on or off for the user (1.73.0).
        if (
          isTrackUser &&
          bucketed &&
          (decision.outcome !== 'stored' || opts.shouldTrackReturningUser || config.shouldTrackReturningUser)
        ) {
          core.sendImpression(settings, campaign, decision.variation, user, opts);
        }
        const value = answerOf(api, campaign, decision, variableKey, null) as T;
        if (value === null && bucketed && api === 'getFeatureVariableValue') {
          log.info(`${api}: ${campaign.key} has no value of ${JSON.stringify(variableKey)} for ${user}`);
        }
        return value;
      });
    });

  const stopBackgroundWork = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      config.onClose?.();
    } catch (error) {
      log.error(`onClose failed: ${errorMessage(error)}`);
    }
  };

  return {
    get settings(): Settings {
      return core.settings;
    },

    updateSettings(settings) {
      try {
        if (typeof settings === 'object' && settings !== null && settings.campaignsByKey instanceof Map) core.settings = settings;
        else log.error('updateSettings: expected parsed settings (parseSettings(file).settings); keeping the current ones');
      } catch (error) {
        log.error(`updateSettings failed, keeping the current settings: ${errorMessage(error)}`);
      }
    },

    eventStats: () => delivery.stats(),

    activate: (campaignKey, userId, options) => decided('activate', null, campaignKey, userId, options),

    getVariationName: (campaignKey, userId, options) => decided('getVariationName', null, campaignKey, userId, options),

    isFeatureEnabled: (campaignKey, userId, options) => decided('isFeatureEnabled', false, campaignKey, userId, options),

    getFeatureVariableValue: (campaignKey, variableKey, userId, options) =>
      decided('getFeatureVariableValue', null, campaignKey, userId, options, variableKey, checkString('variableKey', variableKey)),

    track(campaignSpecifier, userId, goalIdentifier, options) {
      return guard('track', null, () => {
        const specifier: unknown = campaignSpecifier;
        const problem =
          (specifier === null || specifier === undefined || Array.isArray(specifier) || (typeof specifier === 'string' && specifier !== '')
            ? undefined
            : 'campaignSpecifier must be a campaign key, an array of keys, or null') ??
          checkString('userId', userId) ??
          checkString('goalIdentifier', goalIdentifier) ??
          checkOptions(options, { shouldTrackReturningUser: true, goalTypeToTrack: true });
        if (problem) return reject('track', problem, null);
        const settings = core.settings;
        const keyed = typeof specifier === 'string' ? settings.campaignsByKey.get(specifier) : undefined;
        if (keyed?.isMAB && !core.storage) {
          return reject('track', `${specifier} is a multi-armed bandit campaign and needs a user storage`, null);
        }
        const tracked = runTrack(core, settings, specifier, userId, goalIdentifier, checkedOptions(options), keyed);
        // `null` (no campaign at all) is only ever answered synchronously, before any storage wait.
        return tracked === null ? reject('track', `no campaign to track ${JSON.stringify(goalIdentifier)} in`, null) : tracked;
      });
    },

    push(...args: unknown[]) {
      return guard('push', null, () => {
        const problem = pushArgumentsProblem(args);
        return problem === undefined ? runPushCall(core, args) : reject('push', problem, null);
      });
    },

    async flushEvents(options) {
      const failed = (message: string, pending: number): FlushResult => ({ status: false, message, sent: 0, failed: 0, pending });
      if (optedOut) return failed('The SDK is opted out: nothing to flush.', 0);
      try {
        if (typeof options === 'object' && options !== null && options.retryWaiting === true) delivery.retryWaitingNow();
        return await delivery.flush();
      } catch (error) {
        log.error(`flushEvents failed: ${errorMessage(error)}`);
        return failed('Batch call could not be processed', delivery.stats().pending);
      }
    },

    getAndUpdateSettingsFile(accountId?: string | number, sdkKey?: string): Promise<unknown> {
      const api = 'getAndUpdateSettingsFile';
      return guard(api, null, async () => {
        const fetchSettings = config.fetchSettings;
        if (!fetchSettings) return reject(api, 'this client was created without a settings source', null);
        const current = core.settings;
        // The facades' fetch is bounded already; this bounds one given to createClient too.
        const parsed = parseSettings(
          await withDeadline(
            () => fetchSettings(accountId ?? current.accountId, sdkKey ?? current.sdkKey),
            config.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
            'the settings fetch',
          ),
        );
        if (!parsed.ok) return reject(api, `the fetched settings are invalid, keeping the current ones: ${parsed.error.message}`, null);
        core.settings = parsed.settings;
        return parsed.settings.raw;
      });
    },

    explain(campaignKey, userId, options) {
      // Not guarded by opt-out: explaining why every call now answers null/false is the point.
      return protect('explain', null, () => {
        const given = isPlainObject(options) ? options : {};
        const settings = core.settings;
        const campaign = settings.campaignsByKey.get(campaignKey);
        const requested = given.api as CampaignApi | undefined;
        const api = requested ?? (campaign === undefined || campaign.type === 'VISUAL_AB' ? 'activate' : 'isFeatureEnabled');
        const variableKey = given.variableKey;
        const forVariable = api === 'getFeatureVariableValue';
        const problem =
          checkString('campaignKey', campaignKey) ??
          checkString('userId', userId) ??
          (requested === undefined || EXPLAINED.includes(requested)
            ? undefined
            : 'options.api must be activate, getVariationName, isFeatureEnabled or getFeatureVariableValue') ??
          (forVariable
            ? checkString('options.variableKey', variableKey)
            : variableKey === undefined
              ? undefined
              : 'options.variableKey goes only with api: getFeatureVariableValue') ??
          checkOptions(options, { shouldTrackReturningUser: bucketsUnstoredUsers(api) });
        if (problem) return reject('explain', problem, null);
        const { customVariables, variationTargetingVariables, userStorageData } = checkedOptions(options);
        const call = { campaignKey, userId, api, ...(forVariable ? { variableKey: variableKey as string } : {}) };
        const none = noAnswer(api);
        const stopped = (outcome: DecisionTrace['outcome'], detail: string): DecisionTrace => ({
          ...call,
          answer: none,
          variationName: null,
          outcome,
          steps: [{ step: 'api', passed: false, detail: `${detail}: ${api} answers ${String(none)}` }],
        });
        if (optedOut) {
          log.info('explain: the SDK is opted out');
          return stopped('opted-out', 'setOptOut() was called');
        }
        const storage = core.storage;
        const gate = apiGate(api, campaignKey, campaign, storage !== undefined);
        // A missing or paused campaign is the decision's own first step; the other rules are the API's.
        if (gate && gate.outcome !== 'campaign-not-found' && gate.outcome !== 'campaign-not-running')
          return stopped(gate.outcome, gate.detail);
        return chain(storage && campaign ? storage.snapshot(userId, campaign, userStorageData) : undefined, (stored) => {
          const isTrackUser = bucketsUnstoredUsers(api);
          const traced = { customVariables, variationTargetingVariables, isTrackUser, storage: stored, trace: true };
          const decision = decide(settings, campaign ?? campaignKey, userId, traced);
          const steps = [...(decision.steps ?? [])];
          // A failed decision makes the call fail (null/false); its last step says why.
          const answer =
            campaign && decision.outcome !== 'error' ? answerOf(api, campaign, decision, (variableKey as string) ?? '', steps) : none;
          return { ...call, answer, variationName: decision.variationName, outcome: decision.outcome, steps };
        });
      });
    },

    async setOptOut(): Promise<boolean> {
      if (!optedOut) {
        optedOut = true;
        stopBackgroundWork();
        // 1.73.0 flushes a pending batch queue before it tears down.
        if (delivery.batching) await delivery.flush().catch(() => undefined);
        log.info('opted out: every call now returns null/false and sends nothing');
      }
      return true;
    },

    close(): Promise<void> {
      stopBackgroundWork();
      const closeTimeout = config.closeTimeout ?? 2000;
      closing ??= callsWaiting
        .finished(closeTimeout)
        .then(() => delivery.close(closeTimeout))
        .catch((error) => log.error(`close: ${errorMessage(error)}`));
      return closing;
    },
  };
}
