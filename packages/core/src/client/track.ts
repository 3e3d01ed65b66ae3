/** `track` (decision-flow.md §7): campaign selection, goal checks, duplicates, sending. */

import type { Decision } from '../decision/types.js';
import { conversionEvent, type GoalRecord, goalEvent, toEventArchRequest, toGetRequest } from '../events/index.js';
import { batchRequest } from '../events/requests.js';
import { campaignsForGoal, type GoalTypeToTrack, goalOf } from '../goals/campaigns-for-goal.js';
import type { Campaign, Goal, Settings } from '../settings/model.js';
import { isPromiseLike, type MaybePromise } from '../util/maybe-async.js';
import { SPEED_PATHS } from '../util/speed-paths.js';
import { type ClientCore, NO_VARIATION, sentAtOf } from './core.js';
import type { ApiOptions } from './types.js';

const GOAL_SEPARATOR = '_vwo_';

/** A campaign key `track` was asked about that no campaign has. */
interface Placeholder {
  readonly key: unknown;
}

interface TrackRun {
  readonly core: ClientCore;
  readonly settings: Settings;
  readonly userId: string;
  readonly goalIdentifier: string;
  readonly options: ApiOptions;
  readonly goalTypeToTrack: GoalTypeToTrack;
  readonly shouldTrackReturningUser: boolean;
  readonly targets: readonly (Campaign | Placeholder)[];
  /** The targets were found by their keys (a key or an array of keys), not by the goal. */
  readonly byKey: boolean;
  /** When the conversions happened: one moment for every campaign of the call, read once (not per campaign). */
  time: number | undefined;
  /** The call waited (on its storage) after `time` may have been read: its requests start later. */
  waited: boolean;
  /** `track`'s answer: campaign key → converted. */
  readonly result: Record<string, boolean>;
  // Filled only by the modes that need them: most calls never allocate these.
  goalRecords: GoalRecord[] | undefined;
  converted: { campaign: Campaign; goal: Goal }[] | undefined;
  revenueProps: unknown[] | undefined;
}

export function trackTargets(
  settings: Settings,
  specifier: unknown,
  goalIdentifier: string,
  goalTypeToTrack: GoalTypeToTrack,
  keyed?: Campaign,
): (Campaign | Placeholder)[] {
  if (typeof specifier === 'string') return [keyed ?? targetOf(settings, specifier)];
  if (Array.isArray(specifier)) return specifier.map((key: unknown) => targetOf(settings, key));
  return campaignsForGoal(settings, goalIdentifier, goalTypeToTrack);
}

function targetOf(settings: Settings, key: unknown): Campaign | Placeholder {
  return (typeof key === 'string' ? settings.campaignsByKey.get(key) : undefined) ?? { key };
}

/** `keyed`: the campaign of a key specifier, when the caller has looked it up already. */
export function runTrack(
  core: ClientCore,
  settings: Settings,
  specifier: unknown,
  userId: string,
  goalIdentifier: string,
  options: ApiOptions,
  keyed?: Campaign,
): MaybePromise<Record<string, boolean> | null> {
  const goalTypeToTrack = (options.goalTypeToTrack || core.config.goalTypeToTrack || 'ALL') as GoalTypeToTrack;
  const launchValue = core.config.shouldTrackReturningUser;
  const run: TrackRun = {
    core,
    settings,
    userId,
    goalIdentifier,
    options,
    goalTypeToTrack,
    // Unlike activate, a call-level false here does override a launch-level true.
    shouldTrackReturningUser: options.shouldTrackReturningUser ?? (typeof launchValue === 'boolean' ? launchValue : false),
    targets: trackTargets(settings, specifier, goalIdentifier, goalTypeToTrack, keyed),
    byKey: typeof specifier === 'string' || Array.isArray(specifier),
    time: undefined,
    waited: false,
    result: {},
    goalRecords: undefined,
    converted: undefined,
    revenueProps: undefined,
  };
  return trackFrom(run, 0);
}

/** Tracks the targets from `start` on, one after the other as 1.73.0 does: their storage writes are ordered. */
function trackFrom(run: TrackRun, start: number): MaybePromise<Record<string, boolean> | null> {
  const { targets, result } = run;
  for (let i = start; i < targets.length; i++) {
    const target = targets[i] as Campaign | Placeholder;
    const tracked = trackCampaign(run, target);
    if (isPromiseLike(tracked)) {
      run.waited = true;
      return tracked.then((ok) => {
        result[String(target.key)] = ok;
        return trackFrom(run, i + 1);
      });
    }
    result[String(target.key)] = tracked;
  }
  if (targets.length === 0) return null; // else every target has set its key in result
  send(run, targets.length > 1);
  return result;
}

function trackCampaign(run: TrackRun, target: Campaign | Placeholder): MaybePromise<boolean> {
  const { core, settings, options, goalIdentifier } = run;
  if (!('isRunning' in target) || !target.isRunning || target.type === 'FEATURE_ROLLOUT') return false;
  const campaign = target;
  const goal = SPEED_PATHS && run.byKey ? keyedGoal(campaign, goalIdentifier) : goalOf(settings, campaign, goalIdentifier);
  if (!goal) return false;
  if (run.goalTypeToTrack !== 'ALL' && goal.type !== run.goalTypeToTrack) return false;
  if (goal.type === 'REVENUE_TRACKING' && !options.revenueValue && !revenueFromEventProperties(settings, goal, options)) {
    core.log.error(`track: goal ${goalIdentifier} of ${campaign.key} is a revenue goal and needs a revenueValue`);
    return false;
  }
  if (goal.type === 'REVENUE_TRACKING' && goal.revenueProp) {
    run.revenueProps ??= [];
    if (!run.revenueProps.includes(goal.revenueProp)) run.revenueProps.push(goal.revenueProp);
  }
  const decided = core.decide({ settings, campaign, userId: run.userId, options, source: 'track', isTrackUser: false, goalIdentifier });
  if (isPromiseLike(decided)) return decided.then((decision) => convert(run, campaign, goal, decision));
  return convert(run, campaign, goal, decided);
}

/**
 * `goalOf` for a campaign found by its key: it is already the first campaign with that key,
 * whose goals `goalOf` would look the key up again to find (one map lookup less per call).
 */
function keyedGoal(campaign: Campaign, goalIdentifier: string): Goal | undefined {
  return campaign.key ? campaign.goalsByIdentifier.get(goalIdentifier) : undefined;
}

function convert(run: TrackRun, campaign: Campaign, goal: Goal, decision: Decision): MaybePromise<boolean> {
  const { core, options, goalIdentifier } = run;
  const name = decision.variationName;
  if (name === null) return false;
  const eventArch = run.settings.isEventArchEnabled;
  let joined: MaybePromise<void> | undefined;
  const stored = decision.storedGoalIdentifier;
  if (stored) {
    // 1.73.0 splits with String.prototype.split: a non-string record fails the call, as there.
    const tracked = (stored as string).split(GOAL_SEPARATOR);
    if (!tracked.includes(goalIdentifier)) {
      if (!eventArch) joined = core.save(run.userId, name, campaign, `${stored}${GOAL_SEPARATOR}${goalIdentifier}`, options);
    } else if (!run.shouldTrackReturningUser && goal.mca !== -1) {
      core.log.info(`track: ${run.userId} already converted ${goalIdentifier} in ${campaign.key}`);
      return false;
    }
  }
  if (isPromiseLike(joined)) return joined.then(() => converted(run, campaign, goal, decision, name));
  return converted(run, campaign, goal, decision, name);
}

/** Records (or queues) the conversion of a bucketed user, then stores the goal as 1.73.0 does. */
function converted(run: TrackRun, campaign: Campaign, goal: Goal, decision: Decision, name: string): MaybePromise<boolean> {
  const { core, options } = run;
  const eventArch = run.settings.isEventArchEnabled;
  const variation = decision.variation ?? NO_VARIATION;
  if (core.delivery.batching) {
    core.delivery.enqueue(goalEvent(core.eventContext, campaign, variation, goal, run.userId, options, conversionTime(run)));
  } else if (eventArch) {
    run.converted ??= [];
    run.converted.push({ campaign, goal });
    return true;
  } else {
    run.goalRecords ??= [];
    run.goalRecords.push(goalEvent(core.eventContext, campaign, variation, goal, run.userId, options, conversionTime(run)));
  }
  // The record ends up with only this goal, replacing the joined list written above (1.73.0).
  if (eventArch) return true;
  const saved = core.save(run.userId, name, campaign, run.goalIdentifier, options);
  return isPromiseLike(saved) ? saved.then(() => true) : true;
}

function conversionTime(run: TrackRun): number {
  run.time ??= run.core.eventContext.now();
  return run.time;
}

/**
 * In event-architecture settings a revenue goal may take its value from `eventProperties`
 * (decision-flow.md §7 step 5). Reading a property of `null` fails the call, as in 1.73.0.
 */
function revenueFromEventProperties(settings: Settings, goal: Goal, options: ApiOptions): boolean {
  if (!settings.isEventArchEnabled) return false;
  if (goal.mca === -1 && !goal.revenueProp) return true;
  const properties = options.eventProperties;
  return properties !== undefined && Object.hasOwn(properties, goal.revenueProp as string);
}

function send(run: TrackRun, severalCampaigns: boolean): void {
  const { core } = run;
  if (core.delivery.batching) return;
  const ctx = core.eventContext;
  const { goalRecords, converted } = run;
  if (goalRecords) {
    const [first] = goalRecords;
    // Every conversion of the call carries the one time stamp read for it (conversionTime): the
    // request starts at that moment unless the call waited since (the delivery reads the clock).
    const sentAt = run.waited ? undefined : sentAtOf(ctx, run.time);
    if (!severalCampaigns && first) core.delivery.send(toGetRequest(ctx, first), 1, sentAt);
    // The records were built with the client's own context: their ids need no escaping check (batch-body.ts).
    else core.delivery.send(batchRequest(ctx, goalRecords, true), goalRecords.length, sentAt);
  }
  if (converted) {
    const record = conversionEvent(ctx, run.goalIdentifier, converted, run.userId, {
      ...run.options,
      revenueProps: run.revenueProps ?? [],
    });
    core.delivery.send(toEventArchRequest(ctx, record), converted.length);
  }
}
