import { apiGate, bucketsUnstoredUsers, type CampaignApi } from '../decision/api-rules.js';
import { decide } from '../decision/decide.js';
import type { Decision, StorageSnapshot } from '../decision/types.js';
import { createDelivery, type DeliveryOptions } from '../delivery/index.js';
import {
  conversionEvent,
  type EventContext,
  eventIdSource,
  type GoalRecord,
  goalEvent,
  impressionEvent,
  type PushRecord,
  pushEvent,
  SDK_VERSION,
  toEventArchRequest,
  toGetRequest,
  visitorPropsEvent,
} from '../events/index.js';
import { batchRequest } from '../events/requests.js';
import { type UsageStatsInput, usageStats } from '../events/usage-stats.js';
import { accountNamespace, visitorUuidIn, visitorUuidOf } from '../events/uuid.js';
import { campaignsForGoal, type GoalTypeToTrack, goalOf } from '../goals/campaigns-for-goal.js';
import type { Campaign, Goal, Settings } from '../settings/model.js';
import { parseSettings } from '../settings/parse.js';
import { callsInProgress } from '../util/calls-in-progress.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, withDeadline } from '../util/deadline.js';
import { chain, isPromiseLike, type MaybePromise } from '../util/maybe-async.js';
import { startTimer, stopTimer, type TimerHandle } from '../util/timers.js';
import { errorMessage, isPlainObject } from '../util/types.js';
import { answerOf, noAnswer } from './answers.js';
import { validateClientConfig } from './config.js';
import { safeLogger } from './logger.js';
import { checkedOptions, checkOptions, checkString, describe } from './params.js';
import type { ApiOptions, ClientConfig, DecisionProperties, DecisionTrace, FlushResult, UserStorage, VWOClient } from './types.js';

// The browser build's client (tsup.config.ts): the same calls, answers, events and log lines as
// create-client.ts, written for size. Its state lives in closures (the minifier shortens their
// names, not `this.#x` member reads); the four campaign APIs share one path (`decided`) and every
// call goes through `guard`; the server build keeps per-API hot paths that allocate less. What the
// server build's modules beside it do (core.ts: the decision with its storage reads and writes
// and the integrations callback; track.ts, push.ts, storage.ts, integrations.ts) is done here in
// closures over the same state, so that none of those modules reaches a page (-955 B gzip).
// test/client.builds.test.ts holds both clients to the same answers, requests and log lines.

const GOAL_SEPARATOR = '_vwo_';
/** The variation of a decision that has none, for the event records that read its id. */
const NO_VARIATION = { id: undefined };

/**
 * In event-architecture settings a revenue goal may take its value from `eventProperties`
 * (decision-flow.md §7 step 5); reading a property of `null` fails the call, as in 1.73.0.
 */
const revenueFromEventProperties = (settings: Settings, goal: Goal, { eventProperties }: ApiOptions): boolean =>
  settings.isEventArchEnabled &&
  ((goal.mca === -1 && !goal.revenueProp) || (eventProperties !== undefined && Object.hasOwn(eventProperties, goal.revenueProp as string)));

/** What is wrong with `push`'s arguments (1.73.0's checks, in its order), or `undefined`. */
const pushProblem = (args: unknown[]): string | undefined => {
  const count = args.length;
  if (count !== 2 && count !== 3) return `push takes (tagKey, tagValue, userId) or (customDimensionMap, userId), got ${count} arguments`;
  // The map form's tag is 1.73.0's "none", one space; the tag form's map a fresh `{}`.
  const [tagKey, tagValue, map] = count > 2 ? [args[0], args[1], {}] : [' ', ' ', args[0]];
  const long = (name: string, value: unknown) => ((value as string).length > 255 ? `${name} is longer than 255 characters` : undefined);
  return (
    checkString('tagKey', tagKey) ??
    checkString('tagValue', tagValue) ??
    checkString('userId', args[count - 1]) ??
    (count > 2 || isPlainObject(map) ? undefined : `customDimensionMap must be an object, got ${describe(map)}`) ??
    long('tagKey', tagKey) ??
    long('tagValue', tagValue) ??
    (tagKey === ' ' && tagValue === ' ' && Object.keys(map as object).length === 0 ? 'customDimensionMap is empty' : undefined)
  );
};

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
  // take stay unset, as in the server build, whatever else the config object carries. Without a
  // transport (development mode, checked above) the delivery sends nothing.
  const delivery = createDelivery({
    ...config,
    classifyResponse: undefined,
    onRetriedRequest: undefined,
    context: () => ctx,
    logger: log,
    outbox: config.eventOutbox,
  } as DeliveryOptions);
  // usageStats counts an option as given when it is truthy: each of these, when given, passed the
  // config check as an object or a non-empty string, so the options go in as they are.
  const stats = usageStats({
    batchEvents,
    integrations: config.integrations,
    userStorage: config.userStorage,
    customLogger: logger,
    shouldTrackReturningUser: config.shouldTrackReturningUser,
    goalTypeToTrack: config.goalTypeToTrack,
    isDevelopmentMode,
    ...config.usage,
  } as UsageStatsInput);
  // 1.73.0 takes the collection prefix from the settings given at launch only.
  const collectionPrefix = config.settings.collectionPrefix;
  // Opt-in: 1.73.0 names no events, and VWO's endpoints cannot be tested from here to accept `eid`.
  const eventId = config.eventIds === true ? eventIdSource() : undefined;
  let current: Settings;
  let ctx: EventContext;
  /** Swaps the settings by reference: a call in flight keeps the object it started with. */
  const use = (settings: Settings): void => {
    const namespace = accountNamespace(settings.accountId);
    current = settings;
    ctx = {
      settings: {
        accountId: settings.accountId,
        sdkKey: settings.sdkKey,
        isEventArchEnabled: settings.isEventArchEnabled,
        collectionPrefix,
      },
      collectorUrl: config.collectorUrl,
      usageStats: stats,
      visitorUuid: (userId) => visitorUuidIn(namespace, userId),
      now: config.now ?? Date.now,
      random: config.random ?? Math.random,
      eventId,
    };
  };
  use(config.settings);

  // The user storage (storage.ts in the server build). A `get` that throws, rejects or outlasts
  // the time-out is a miss, logged once per call: the user still gets an answer (spec README,
  // "do better, on purpose"); 1.73.0 failed the whole call instead.
  // `null` is accepted as no storage (config.ts): no storage rules apply then.
  const storage = config.userStorage || undefined;
  const storageTimeout = config.storageTimeout ?? 1000;
  const quoted = JSON.stringify;

  /** `call()`, bounded: a throw or rejection is an error line, a late answer a warning; both answer `undefined`. */
  const bounded = (what: string, miss: string, call: () => unknown): MaybePromise<unknown> => {
    const failed = (error: unknown) => {
      log.error(`user storage ${what} failed: ${errorMessage(error)}${miss}`);
    };
    try {
      const pending = call();
      if (!isPromiseLike(pending)) return pending;
      let timer: TimerHandle | undefined;
      // The deadline is checked as well as raced: when a blocked event loop lets both the
      // storage's own timer and ours fall due, a late answer must still count as late.
      const deadline = Date.now() + storageTimeout;
      return Promise.race([
        Promise.resolve(pending).then((value) => (Date.now() > deadline ? bounded : value)),
        new Promise((resolve) => {
          timer = startTimer(() => resolve(bounded), storageTimeout);
        }),
      ])
        .finally(() => stopTimer(timer))
        .then((value) => {
          // `bounded` itself marks the time-out: no storage can answer with it.
          if (value !== bounded) return value;
          log.warn(`user storage ${what} took longer than ${storageTimeout} ms${miss}`);
        }, failed);
    } catch (error) {
      return failed(error);
    }
  };

  /** The stored record, or `undefined` when the storage failed or was too slow. */
  const storedRecord = (userId: string, campaignKey: string) =>
    bounded(`get(${quoted(userId)}, ${quoted(campaignKey)})`, ': treated as no record', () =>
      (storage as UserStorage).get(userId, campaignKey),
    );

  /** The records `decide` needs: the called campaign's and, in a group, the other members'. */
  const snapshot = (
    userId: string,
    campaign: Campaign,
    userStorageData: Readonly<Record<string, unknown>> | undefined,
  ): MaybePromise<StorageSnapshot> => {
    const members = campaign.membership?.group?.members;
    if (!members || members.length < 2) return chain(storedRecord(userId, campaign.key), (record) => ({ record, userStorageData }));
    const keys = [campaign.key, ...members.filter((m) => m.id !== campaign.id).map((m) => m.key)];
    const pending = keys.map((key) => storedRecord(userId, key));
    // `indexOf` finds a key's first record, as a group listing a campaign twice needs.
    return chain(pending.some(isPromiseLike) ? Promise.all(pending) : pending, (records) => ({
      record: records[0],
      groupRecord: (key: string) => records[keys.indexOf(key)],
      userStorageData,
    }));
  };

  /** Writes a record the way 1.73.0's `_saveUserData` does; nothing without a storage. */
  const save = (userId: string, name: string, campaignKey: string, goalIdentifier: string | undefined, options: ApiOptions) => {
    if (storage) {
      // 1.73.0's key order; a spread of `false` adds nothing, so absent fields stay absent.
      const { metaData } = options;
      const record = {
        userId,
        variationName: name,
        campaignKey,
        ...(goalIdentifier !== undefined && { goalIdentifier }),
        ...(metaData !== undefined && { metaData: metaData as Record<string, unknown> }),
      };
      return bounded(`set for ${quoted(userId)}`, '', () => storage.set(record));
    }
  };

  /**
   * Decides with storage reads before and writes after, then calls the integrations callback
   * (decision-flow.md §4–§5, §14). Synchronous unless the storage is asynchronous.
   */
  const decideFor = (
    settings: Settings,
    campaign: Campaign,
    userId: string,
    options: ApiOptions,
    source: DecisionProperties['source'],
    isTrackUser: boolean,
    goalIdentifier?: string,
  ): MaybePromise<Decision> =>
    chain(storage ? snapshot(userId, campaign, options.userStorageData) : undefined, (stored) => {
      const { customVariables, variationTargetingVariables } = options;
      const decision = decide(settings, campaign, userId, { customVariables, variationTargetingVariables, isTrackUser, storage: stored });
      // 1.73.0 fails the call (a missing group, a bucket in a group's gap): `protect` logs it.
      if (decision.outcome === 'error') throw new Error(`${campaign.key}: ${decision.error}`);
      const written =
        decision.store && decision.campaign
          ? save(userId, decision.variationName as string, decision.campaign.key, goalIdentifier, options)
          : undefined;
      return chain(written, () => {
        // integrations.ts in the server build: the keys in 1.73.0's order (decision-flow.md §14).
        const callback = config.integrations?.callback;
        if (callback && decision.notifies) {
          const { outcome, variation } = decision;
          const named = decision.variationName !== null;
          const group = campaign.membership?.group;
          const properties = {
            fromUserStorageService: outcome === 'stored',
            isUserWhitelisted: outcome === 'whitelisted' && named,
            ...(campaign.type === 'FEATURE_ROLLOUT'
              ? { isFeatureEnabled: named }
              : { variationName: variation?.name, variationId: variation?.id }),
            campaignId: campaign.id,
            campaignKey: campaign.key,
            campaignType: campaign.type,
            campaignName: campaign.name,
            customVariables: options.customVariables,
            event: 'CAMPAIGN_DECISION',
            goalIdentifier,
            isForcedVariationEnabled: campaign.raw.isForcedVariationEnabled,
            sdkVersion: SDK_VERSION,
            source,
            userId,
            variationTargetingVariables: options.variationTargetingVariables ?? {},
            vwoUserId: visitorUuidOf(ctx, userId),
            ...(group && { groupId: group.id, groupName: group.name }),
          } as const;
          try {
            callback(properties);
          } catch (error) {
            log.error(`integrations.callback threw: ${errorMessage(error)}`);
          }
        }
        return decision;
      });
    });

  /**
   * `track` with checked arguments (decision-flow.md §7): its campaigns one after the other, as
   * 1.73.0 does (their storage writes are ordered), then the requests of their conversions;
   * `null` when it has no campaign at all. `keyed`: the campaign of a key specifier.
   */
  const runTrack = (
    settings: Settings,
    specifier: unknown,
    userId: string,
    goalIdentifier: string,
    options: ApiOptions,
    keyed: Campaign | undefined,
  ): MaybePromise<Record<string, boolean>> | null => {
    const goalType = (options.goalTypeToTrack || config.goalTypeToTrack || 'ALL') as GoalTypeToTrack;
    // Unlike activate, a call-level false here does override a launch-level true (both checked booleans).
    const returning = options.shouldTrackReturningUser ?? config.shouldTrackReturningUser;
    // A key or keys name the campaigns (a key no campaign has answers false); else the goal does.
    const keyOf = (key: unknown) => (typeof key === 'string' && settings.campaignsByKey.get(key)) || { key };
    const targets: (Campaign | { key: unknown })[] =
      typeof specifier === 'string'
        ? [keyed ?? keyOf(specifier)]
        : Array.isArray(specifier)
          ? specifier.map(keyOf)
          : campaignsForGoal(settings, goalIdentifier, goalType);
    if (targets.length === 0) return null;
    const eventArch = settings.isEventArchEnabled;
    const result: Record<string, boolean> = {};
    const goalRecords: GoalRecord[] = [];
    const converted: { campaign: Campaign; goal: Goal }[] = [];
    const revenueProps: unknown[] = [];
    // When the conversions happened: one moment for every campaign of the call.
    let time: number | undefined;

    const trackOne = (target: Campaign | { key: unknown }): MaybePromise<boolean> => {
      if (!('isRunning' in target) || !target.isRunning || target.type === 'FEATURE_ROLLOUT') return false;
      const goal = goalOf(settings, target, goalIdentifier);
      if (!goal || (goalType !== 'ALL' && goal.type !== goalType)) return false;
      if (goal.type === 'REVENUE_TRACKING') {
        if (!options.revenueValue && !revenueFromEventProperties(settings, goal, options)) {
          log.error(`track: goal ${goalIdentifier} of ${target.key} is a revenue goal and needs a revenueValue`);
          return false;
        }
        if (goal.revenueProp && !revenueProps.includes(goal.revenueProp)) revenueProps.push(goal.revenueProp);
      }
      return chain(decideFor(settings, target, userId, options, 'track', false, goalIdentifier), (decision) => {
        const name = decision.variationName;
        if (name === null) return false;
        const write = (goals: string) => save(userId, name, target.key, goals, options);
        const stored = decision.storedGoalIdentifier;
        let joined: unknown;
        if (stored) {
          // 1.73.0 splits with String.prototype.split: a non-string record fails the call, as there.
          if (!(stored as string).split(GOAL_SEPARATOR).includes(goalIdentifier)) {
            if (!eventArch) joined = write(`${stored}${GOAL_SEPARATOR}${goalIdentifier}`);
          } else if (!returning && goal.mca !== -1) {
            log.info(`track: ${userId} already converted ${goalIdentifier} in ${target.key}`);
            return false;
          }
        }
        return chain(joined, () => {
          if (eventArch && !delivery.batching) {
            converted.push({ campaign: target, goal });
            return true;
          }
          time ??= ctx.now();
          const record = goalEvent(ctx, target, decision.variation ?? NO_VARIATION, goal, userId, options, time);
          if (delivery.batching) delivery.enqueue(record);
          else goalRecords.push(record);
          // The record ends up with only this goal, replacing the joined list written above (1.73.0).
          return eventArch || chain(write(goalIdentifier), () => true);
        });
      });
    };

    const trackFrom = (start: number): MaybePromise<Record<string, boolean>> => {
      for (let i = start; i < targets.length; i++) {
        const key = String((targets[i] as { key: unknown }).key);
        const tracked = trackOne(targets[i] as Campaign);
        if (isPromiseLike(tracked)) {
          return tracked.then((ok) => {
            result[key] = ok;
            return trackFrom(i + 1);
          });
        }
        result[key] = tracked;
      }
      if (!delivery.batching) {
        const count = goalRecords.length;
        // The records were built with the client's own context: their ids need no escaping check (batch-body.ts).
        if (count)
          delivery.send(targets.length > 1 ? batchRequest(ctx, goalRecords, true) : toGetRequest(ctx, goalRecords[0] as GoalRecord), count);
        if (converted.length) {
          const record = conversionEvent(ctx, goalIdentifier, converted, userId, { ...options, revenueProps });
          delivery.send(toEventArchRequest(ctx, record), converted.length);
        }
      }
      return result;
    };
    return trackFrom(0);
  };

  let optedOut = false;
  let stopped = false;
  let closing: Promise<void> | undefined;
  const callsWaiting = callsInProgress();

  /** One line (an error unless said) for a call that stops, and its answer then. */
  const reject = <T>(api: string, problem: string, value: T, level: 'error' | 'warn' = 'error'): T => {
    log[level](`${api}: ${problem}`);
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
      const isTrackUser = bucketsUnstoredUsers(api);
      const problem =
        firstProblem ??
        checkString('campaignKey', campaignKey) ??
        checkString('userId', userId) ??
        checkOptions(options, { shouldTrackReturningUser: isTrackUser });
      if (problem) return reject(api, problem, failure);
      const settings = current;
      const campaign = settings.campaignsByKey.get(campaignKey as string) as Campaign;
      // The same rules as explain's, so that its trace never promises what the call refuses.
      const gate = apiGate(api, campaignKey as string, campaign, storage !== undefined);
      // apiGate stops every campaign not found: past it, `campaign` is defined.
      if (gate) return reject(api, gate.detail, failure, gate.outcome === 'bandit-without-storage' ? 'error' : 'warn');
      const opts = checkedOptions(options);
      const user = userId as string;
      const source = api === 'getVariationName' ? 'getVariation' : api;
      return chain(decideFor(settings, campaign, user, opts, source, isTrackUser), (decision) => {
        const bucketed = decision.variationName !== null;
        // An impression goes out whether the feature is on or off for the user (1.73.0).
        if (
          isTrackUser &&
          bucketed &&
          (decision.outcome !== 'stored' || opts.shouldTrackReturningUser || config.shouldTrackReturningUser)
        ) {
          const record = impressionEvent(ctx, campaign, decision.variation ?? NO_VARIATION, user, opts);
          // Queued when batching, else its own request (event architecture when enabled).
          if (delivery.batching) delivery.enqueue(record);
          else delivery.send(settings.isEventArchEnabled ? toEventArchRequest(ctx, record) : toGetRequest(ctx, record), 1);
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
      return current;
    },

    updateSettings(settings) {
      try {
        if (settings?.campaignsByKey instanceof Map) use(settings);
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
        const settings = current;
        const keyed = typeof specifier === 'string' ? settings.campaignsByKey.get(specifier) : undefined;
        if (keyed?.isMAB && !storage) {
          return reject('track', `${specifier} is a multi-armed bandit campaign and needs a user storage`, null);
        }
        const tracked = runTrack(settings, specifier, userId as string, goalIdentifier as string, checkedOptions(options), keyed);
        // `null` (no campaign at all) is only ever answered synchronously, before any storage wait.
        return tracked === null ? reject('track', `no campaign to track ${JSON.stringify(goalIdentifier)} in`, null) : tracked;
      });
    },

    push(...args: unknown[]) {
      return guard('push', null, () => {
        const problem = pushProblem(args);
        if (problem !== undefined) return reject('push', problem, null);
        // 1.73.0 reads the arguments by their count; a tag of one space (its "none") is left out.
        const single = args.length === 3;
        const dimensions: Record<string, unknown> = single ? {} : { ...(args[0] as object) };
        if (single && args[0] !== ' ' && args[1] !== ' ') dimensions[args[0] as string] = args[1];
        const userId = args[single ? 2 : 1] as string;
        if (!delivery.batching && current.isEventArchEnabled) {
          delivery.send(toEventArchRequest(ctx, visitorPropsEvent(ctx, dimensions, userId)), 1);
          return { success: true };
        }
        const result: Record<string, boolean> = {};
        const records = Object.keys(dimensions).map((key) => {
          const record = pushEvent(ctx, key, dimensions[key], userId);
          if (delivery.batching) delivery.enqueue(record);
          result[key] = true;
          return record;
        });
        // One key → a GET; several (or, as in 1.73.0, none) → one batch POST.
        if (!delivery.batching) {
          delivery.send(
            records.length === 1 ? toGetRequest(ctx, records[0] as PushRecord) : batchRequest(ctx, records, true),
            records.length,
          );
        }
        return result;
      });
    },

    async flushEvents(options) {
      const failed = (message: string, pending: number): FlushResult => ({ status: false, message, sent: 0, failed: 0, pending });
      if (optedOut) return failed('The SDK is opted out: nothing to flush.', 0);
      try {
        if (options?.retryWaiting === true) delivery.retryWaitingNow();
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
        // The facades' fetch is bounded already; this bounds one given to createClient too.
        const parsed = parseSettings(
          await withDeadline(
            () => fetchSettings(accountId ?? current.accountId, sdkKey ?? current.sdkKey),
            config.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT_MS,
            'the settings fetch',
          ),
        );
        if (!parsed.ok) return reject(api, `the fetched settings are invalid, keeping the current ones: ${parsed.error.message}`, null);
        use(parsed.settings);
        return parsed.settings.raw;
      });
    },

    explain(campaignKey, userId, options) {
      // Not guarded by opt-out: explaining why every call now answers null/false is the point.
      return protect('explain', null, () => {
        const given = isPlainObject(options) ? options : {};
        const settings = current;
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
        const call = { campaignKey, userId, api, ...(forVariable && { variableKey: variableKey as string }) };
        const none = noAnswer(api);
        const stopped = (outcome: DecisionTrace['outcome'], detail: string): DecisionTrace => ({
          ...call,
          answer: none,
          variationName: null,
          outcome,
          steps: [{ step: 'api', passed: false, detail: `${detail}: ${api} answers ${none}` }],
        });
        if (optedOut) {
          log.info('explain: the SDK is opted out');
          return stopped('opted-out', 'setOptOut() was called');
        }
        const gate = apiGate(api, campaignKey, campaign, storage !== undefined);
        // A missing or paused campaign is the decision's own first step; the other rules are the API's.
        if (gate && gate.outcome !== 'campaign-not-found' && gate.outcome !== 'campaign-not-running')
          return stopped(gate.outcome, gate.detail);
        return chain(storage && campaign ? snapshot(userId, campaign, userStorageData) : undefined, (stored) => {
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
