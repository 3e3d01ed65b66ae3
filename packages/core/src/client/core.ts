/**
 * What every API method of the client shares: the current settings, the event context,
 * storage, delivery and logging, and the decision with its side effects.
 */
import { decide } from '../decision/decide.js';
import type { DecideOptions, Decision, StorageSnapshot } from '../decision/types.js';
import type { Delivery } from '../delivery/index.js';
import {
  type EventContext,
  type EventRecord,
  eventIdSource,
  impressionEvent,
  toEventArchRequest,
  toGetRequest,
  visitorUuid,
} from '../events/index.js';
import type { UsageStats } from '../events/usage-stats.js';
import type { Campaign, Settings, Variation } from '../settings/model.js';
import { chain, type MaybePromise } from '../util/maybe-async.js';
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
  private settingsNow: Settings;
  private context: EventContext;
  readonly storage: StorageAccess | undefined;
  private readonly collectionPrefix: string | undefined;
  /** One source for the client's life: ids stay unique across settings swaps. */
  private readonly eventId: (() => string) | undefined;

  constructor(
    readonly config: ClientConfig,
    readonly log: SafeLogger,
    readonly delivery: Delivery,
    private readonly usageStats: UsageStats,
  ) {
    this.settingsNow = config.settings;
    // 1.73.0 takes the collection prefix from the settings given at launch only.
    this.collectionPrefix = config.settings.collectionPrefix;
    this.eventId = config.eventIds === false ? undefined : eventIdSource();
    this.context = this.contextFor(config.settings);
    this.storage = config.userStorage ? new StorageAccess(config.userStorage, config.storageTimeout ?? 1000, log) : undefined;
  }

  get settings(): Settings {
    return this.settingsNow;
  }

  /** Swaps the settings by reference: a call in flight keeps the object it started with. */
  set settings(next: Settings) {
    this.settingsNow = next;
    this.context = this.contextFor(next);
  }

  get eventContext(): EventContext {
    return this.context;
  }

  private contextFor(settings: Settings): EventContext {
    const { config } = this;
    return {
      settings: {
        accountId: settings.accountId,
        sdkKey: settings.sdkKey,
        isEventArchEnabled: settings.isEventArchEnabled,
        collectionPrefix: this.collectionPrefix,
      },
      collectorUrl: config.collectorUrl,
      usageStats: this.usageStats,
      visitorUuid: recentVisitorUuids(settings.accountId),
      now: config.now ?? Date.now,
      random: config.random ?? Math.random,
      eventId: this.eventId,
    };
  }

  /**
   * Decides with storage reads before and writes after, and calls the integrations callback.
   * Synchronous unless the storage is asynchronous.
   */
  decide(request: DecideRequest): MaybePromise<Decision> {
    const { storage } = this;
    if (!storage) return this.decideWith(request, undefined);
    return chain(storage.snapshot(request.userId, request.campaign, request.options.userStorageData), (snapshot) => {
      const decision = decide(request.settings, request.campaign, request.userId, this.decideOptions(request, snapshot));
      if (decision.outcome === 'error') throw new DecisionFailure(`${request.campaign.key}: ${decision.error}`);
      const stored =
        decision.store && decision.campaign
          ? storage.set(
              assignmentRecord(
                request.userId,
                decision.variationName as string,
                decision.campaign.key,
                request.goalIdentifier,
                request.options.metaData,
              ),
            )
          : undefined;
      return chain(stored, () => this.notify(request, decision));
    });
  }

  private decideWith(request: DecideRequest, snapshot: undefined): Decision {
    const decision = decide(request.settings, request.campaign, request.userId, this.decideOptions(request, snapshot));
    if (decision.outcome === 'error') throw new DecisionFailure(`${request.campaign.key}: ${decision.error}`);
    return this.notify(request, decision);
  }

  private decideOptions(request: DecideRequest, snapshot: StorageSnapshot | undefined): DecideOptions {
    const { options } = request;
    return {
      customVariables: options.customVariables,
      variationTargetingVariables: options.variationTargetingVariables,
      isTrackUser: request.isTrackUser,
      storage: snapshot,
    };
  }

  private notify(request: DecideRequest, decision: Decision): Decision {
    const callback = this.config.integrations?.callback;
    if (callback && decision.notifies) {
      notifyDecision(callback, this.log, request.campaign, decision, {
        userId: request.userId,
        vwoUserId: this.context.visitorUuid?.(request.userId) ?? visitorUuid(request.settings.accountId, request.userId),
        source: request.source,
        options: request.options,
        goalIdentifier: request.goalIdentifier,
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
    const ctx = this.context;
    const record = impressionEvent(ctx, campaign, variation ?? NO_VARIATION, userId, options);
    this.dispatchSingle(settings, record);
  }

  /** One record: queued when batching, else its own request (event architecture when enabled). */
  dispatchSingle(settings: Settings, record: EventRecord): void {
    if (this.delivery.batching) this.delivery.enqueue(record);
    else if (settings.isEventArchEnabled && record.type === 'impression') this.delivery.send(toEventArchRequest(this.context, record), 1);
    else this.delivery.send(toGetRequest(this.context, record), 1);
  }
}

const RECENT_VISITORS = 8;

/**
 * The visitor UUIDs of the last few users: an `activate` and a `track` of the same user (the
 * common pattern within one request) need the same SHA-1 twice. A small ring scanned with
 * `===` costs a few nanoseconds, where a large map cost more than it saved.
 */
function recentVisitorUuids(accountId: string | number): (userId: string) => string {
  const users: string[] = new Array(RECENT_VISITORS).fill('');
  const uuids: string[] = new Array(RECENT_VISITORS).fill('');
  let next = 0;
  return (userId) => {
    for (let i = 0; i < RECENT_VISITORS; i++) if (users[i] === userId && uuids[i] !== '') return uuids[i] as string;
    const uuid = visitorUuid(accountId, userId);
    users[next] = userId;
    uuids[next] = uuid;
    next = (next + 1) % RECENT_VISITORS;
    return uuid;
  };
}

const NO_VARIATION = Object.freeze({ id: undefined });
