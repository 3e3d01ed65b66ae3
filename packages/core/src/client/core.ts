/**
 * What every API method of the client shares: the current settings, the event context,
 * storage, delivery and logging, and the decision with its side effects.
 */
import { decide } from '../decision/decide.js';
import type { DecideOptions, Decision, StorageSnapshot } from '../decision/types.js';
import type { Delivery } from '../delivery/index.js';
import { type EventContext, type EventRecord, eventIdSource, impressionEvent, toEventArchRequest, toGetRequest } from '../events/index.js';
import type { UsageStats } from '../events/usage-stats.js';
import { accountNamespace, visitorUuidIn, visitorUuidOf } from '../events/uuid.js';
import type { Campaign, Settings, Variation } from '../settings/model.js';
import { chain, type MaybePromise } from '../util/maybe-async.js';
import { SPEED_PATHS } from '../util/speed-paths.js';
import { DecisionFailure } from './errors.js';
import { type CallbackSource, notifyDecision } from './integrations.js';
import type { SafeLogger } from './logger.js';
import { assignmentRecord, StorageAccess } from './storage.js';
import type { ApiOptions, ClientConfig } from './types.js';

export interface DecideRequest {
  readonly settings: Settings;
  readonly campaign: Campaign;
  readonly userId: string;
  readonly options: ApiOptions;
  readonly source: CallbackSource;
  readonly isTrackUser: boolean;
  readonly goalIdentifier?: string;
}

export class ClientCore {
  // `#` members: the minifier renames them, as it cannot rename `private` ones.
  #settingsNow: Settings;
  readonly #usageStats: UsageStats;
  #context: EventContext;
  readonly storage: StorageAccess | undefined;
  readonly #collectionPrefix: string | undefined;
  /** One source for the client's life: ids stay unique across settings swaps. */
  readonly #eventId: (() => string) | undefined;
  // The last decision `activate` or `isFeatureEnabled` made without storage or variables. Such
  // a decision depends only on the settings, the campaign and the user (decide is pure, and
  // `isTrackUser` matters only with storage), and the `track` (or `getVariationName`) that
  // follows for the same user, the common pattern, asks for exactly it again: 1.73.0 decides
  // twice, we answer the second time from here. The integrations callback still runs for each
  // call. Only those APIs store it, so a stream of `getVariationName` calls pays no upkeep.
  // The browser build decides again instead (SPEED_PATHS): the same answer, less code to ship.
  #lastSettings: Settings | undefined;
  #lastCampaign: Campaign | undefined;
  #lastUserId: string | undefined;
  #lastDecision: Decision | undefined;

  constructor(
    readonly config: ClientConfig,
    readonly log: SafeLogger,
    readonly delivery: Delivery,
    usageStats: UsageStats,
  ) {
    this.#usageStats = usageStats;
    this.#settingsNow = config.settings;
    // 1.73.0 takes the collection prefix from the settings given at launch only.
    this.#collectionPrefix = config.settings.collectionPrefix;
    // Opt-in: 1.73.0 names no events, and VWO's endpoints cannot be tested from here to accept `eid`.
    this.#eventId = config.eventIds === true ? eventIdSource() : undefined;
    this.#context = this.#contextFor(config.settings);
    this.storage = config.userStorage ? new StorageAccess(config.userStorage, config.storageTimeout ?? 1000, log) : undefined;
  }

  get settings(): Settings {
    return this.#settingsNow;
  }

  /** Swaps the settings by reference: a call in flight keeps the object it started with. */
  set settings(next: Settings) {
    this.#settingsNow = next;
    this.#context = this.#contextFor(next);
  }

  get eventContext(): EventContext {
    return this.#context;
  }

  // Frozen, with its settings: a settings update makes a new context, and the GET writer trusts
  // the parts it wrote for a frozen context without comparing their fields on every event.
  #contextFor(settings: Settings): EventContext {
    const { config } = this;
    return Object.freeze({
      settings: Object.freeze({
        accountId: settings.accountId,
        sdkKey: settings.sdkKey,
        isEventArchEnabled: settings.isEventArchEnabled,
        collectionPrefix: this.#collectionPrefix,
      }),
      collectorUrl: config.collectorUrl,
      usageStats: this.#usageStats,
      visitorUuid: recentVisitorUuids(settings.accountId),
      now: config.now ?? Date.now,
      random: config.random ?? Math.random,
      eventId: this.#eventId,
    });
  }

  /**
   * Decides with storage reads before and writes after, and calls the integrations callback.
   * Synchronous unless the storage is asynchronous.
   */
  decide(request: DecideRequest): MaybePromise<Decision> {
    const { storage } = this;
    const { settings, campaign, userId, options, source, isTrackUser, goalIdentifier } = request;
    if (!storage) return this.#decideWith(settings, campaign, userId, options, source, isTrackUser, goalIdentifier);
    return chain(storage.snapshot(userId, campaign, options.userStorageData), (snapshot) => {
      const decision = decide(settings, campaign, userId, decideOptions(options, isTrackUser, snapshot));
      if (decision.outcome === 'error') throw new DecisionFailure(`${campaign.key}: ${decision.error}`);
      const stored =
        decision.store && decision.campaign
          ? storage.set(assignmentRecord(userId, decision.variationName as string, decision.campaign.key, goalIdentifier, options.metaData))
          : undefined;
      return chain(stored, () => this.#notify(campaign, userId, options, source, goalIdentifier, decision));
    });
  }

  /**
   * {@link decide} for `activate` and `isFeatureEnabled`, the APIs that bucket users without a
   * stored record, with its fields as arguments: without storage, the hot path of both, no
   * request object is made.
   */
  decideBucketing(
    settings: Settings,
    campaign: Campaign,
    userId: string,
    options: ApiOptions,
    source: 'activate' | 'isFeatureEnabled',
  ): MaybePromise<Decision> {
    if (this.storage) return this.decide({ settings, campaign, userId, options, source, isTrackUser: true });
    return this.#decideWith(settings, campaign, userId, options, source, true, undefined);
  }

  #decideWith(
    settings: Settings,
    campaign: Campaign,
    userId: string,
    apiOptions: ApiOptions,
    source: CallbackSource,
    isTrackUser: boolean,
    goalIdentifier: string | undefined,
  ): Decision {
    const options = decideOptions(apiOptions, isTrackUser, undefined);
    if (
      SPEED_PATHS &&
      options === NOT_TRACK_USER &&
      campaign === this.#lastCampaign &&
      userId === this.#lastUserId &&
      settings === this.#lastSettings
    ) {
      return this.#notify(campaign, userId, apiOptions, source, goalIdentifier, this.#lastDecision as Decision);
    }
    const decision = decide(settings, campaign, userId, options);
    if (decision.outcome === 'error') throw new DecisionFailure(`${campaign.key}: ${decision.error}`);
    if (SPEED_PATHS && options === TRACK_USER) {
      this.#lastSettings = settings;
      this.#lastCampaign = campaign;
      this.#lastUserId = userId;
      this.#lastDecision = decision;
    }
    return this.#notify(campaign, userId, apiOptions, source, goalIdentifier, decision);
  }

  #notify(
    campaign: Campaign,
    userId: string,
    options: ApiOptions,
    source: CallbackSource,
    goalIdentifier: string | undefined,
    decision: Decision,
  ): Decision {
    const callback = this.config.integrations?.callback;
    if (callback && decision.notifies) {
      notifyDecision(callback, this.log, campaign, decision, {
        userId,
        vwoUserId: visitorUuidOf(this.#context, userId),
        source,
        options,
        goalIdentifier,
      });
    }
    return decision;
  }

  /** Writes a record the way 1.73.0's `_saveUserData` does; nothing without a storage. */
  save(
    userId: string,
    variationName: string,
    campaign: Campaign,
    goalIdentifier: string | undefined,
    options: ApiOptions,
  ): MaybePromise<void> {
    if (this.storage) return this.storage.set(assignmentRecord(userId, variationName, campaign.key, goalIdentifier, options.metaData));
  }

  /** Sends (or queues) one impression of `variation` in `campaign`. */
  sendImpression(settings: Settings, campaign: Campaign, variation: Variation | undefined, userId: string, options: ApiOptions): void {
    const ctx = this.#context;
    const record = impressionEvent(ctx, campaign, variation ?? NO_VARIATION, userId, options);
    this.dispatchSingle(settings, record);
  }

  /** One record, built just now: queued when batching, else its own request (event architecture when enabled). */
  dispatchSingle(settings: Settings, record: EventRecord): void {
    if (this.delivery.batching) {
      this.delivery.enqueue(record);
      return;
    }
    const ctx = this.#context;
    const sentAt = sentAtOf(ctx, record.time);
    if (settings.isEventArchEnabled && record.type === 'impression') this.delivery.send(toEventArchRequest(ctx, record), 1, sentAt);
    else this.delivery.send(toGetRequest(ctx, record), 1, sentAt);
  }
}

/**
 * When an event's request starts, for `Delivery.send`: the record's own time stamp, if the
 * client's clock is the real one (a record is sent the instant it is built), so the delivery
 * does not read the clock again (~90 ns a read, apps/bench/README.md). An injected clock or fake
 * timers keep the delivery's own read. The browser build's delivery reads the clock itself
 * (SPEED_PATHS), so it gets nothing here.
 */
export function sentAtOf(ctx: EventContext, time: number | undefined): number | undefined {
  return SPEED_PATHS && ctx.now === Date.now ? time : undefined;
}

/** The options `decide` gets; most calls pass no variables and the client has no storage: one shared object. */
function decideOptions(options: ApiOptions, isTrackUser: boolean, snapshot: StorageSnapshot | undefined): DecideOptions {
  const { customVariables, variationTargetingVariables } = options;
  if (SPEED_PATHS && customVariables === undefined && variationTargetingVariables === undefined && snapshot === undefined) {
    return isTrackUser ? TRACK_USER : NOT_TRACK_USER;
  }
  return { customVariables, variationTargetingVariables, isTrackUser, storage: snapshot };
}

const TRACK_USER: DecideOptions = Object.freeze({ isTrackUser: true });
const NOT_TRACK_USER: DecideOptions = Object.freeze({ isTrackUser: false });

/** Slots of the visitor-id cache; a power of two. */
const RECENT_VISITORS = 16;

/**
 * The visitor UUIDs of recent users, derived when a request is written: the events of an
 * `activate` and a `track` of the same user (the common pattern within one request, also with
 * a few requests interleaved) sit side by side in a batch, or go out as two GETs, and would
 * need the same SHA-1 twice.
 * Direct-mapped on the id's length and last character, so a lookup is one `===`; a scan of
 * the ring it replaced cost ~60 ns per miss, and a large map cost more than it saved. The
 * cache is deliberately tiny: it serves one request's calls, not users returning later.
 */
function recentVisitorUuids(accountId: string | number): (userId: string) => string {
  const namespace = accountNamespace(accountId);
  if (!SPEED_PATHS) return (userId) => visitorUuidIn(namespace, userId);
  const users: string[] = new Array(RECENT_VISITORS).fill('');
  const uuids: string[] = new Array(RECENT_VISITORS).fill('');
  return (userId) => {
    const length = userId.length;
    const slot = length === 0 ? 0 : (length * 31 + userId.charCodeAt(length - 1)) & (RECENT_VISITORS - 1);
    if (users[slot] === userId && uuids[slot] !== '') return uuids[slot] as string;
    const uuid = visitorUuidIn(namespace, userId);
    users[slot] = userId;
    uuids[slot] = uuid;
    return uuid;
  };
}

/** The variation of a decision that has none, for the event records that read its id. */
export const NO_VARIATION = Object.freeze({ id: undefined });
