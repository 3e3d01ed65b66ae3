/**
 * The browser build's decision (tsup.config.ts takes it for `decide.ts`, and group.ts is then
 * not bundled): the same steps in the same order, the same answers, errors and `explain` steps
 * with their numbers, written for size. The mutually exclusive group ends the decision itself
 * instead of handing back a verdict, and both of its draws go through one range lookup. A step
 * that can pass or fail is recorded by one call whose text says which; the texts are shorter
 * and, where they hold numbers or names, built only when a trace is asked for. No shared seed
 * hash (`SPEED_PATHS` is off here): each seed is hashed on its own. The decision tests and the
 * client differential test run on this build (vitest.browser-build.config.ts).
 */
import { bucketValue, MAX_TRAFFIC_VALUE } from '../bucketing/bucket.js';
import { allocateRanges, findRange } from '../bucketing/ranges.js';
import { visitorUuid } from '../events/index.js';
import type { SegmentVariables } from '../segments/types.js';
import type { Campaign, Group, Settings, Variation } from '../settings/model.js';
import { isInTraffic, passesSegment, trafficBucket } from './steps.js';
import { readStored } from './storage.js';
import { record, type Trace } from './trace.js';
import type { DecideOptions, Decision, DecisionOutcome } from './types.js';
import { whitelistedVariation } from './whitelisting.js';

/** {@link decide} of decide.ts (its documentation is the public one), in the browser build. */
export function decide(settings: Settings, key: Campaign | string, userId: string, options: DecideOptions = {}): Decision {
  const trace: Trace = options.trace ? [] : null;
  const campaign = typeof key === 'string' ? settings.campaignsByKey.get(key) : key;
  if (!campaign?.isRunning) {
    if (trace)
      record(
        trace,
        'campaign',
        false,
        campaign ? `status ${JSON.stringify(campaign.status)}, not "RUNNING"` : `no campaign ${JSON.stringify(key)}`,
      );
    return end(trace, campaign ? 'campaign-not-running' : 'campaign-not-found', campaign);
  }
  // 1.73.0 reads the group name before anything else, and fails on a missing group.
  const membership = campaign.membership;
  if (membership?.broken) return failed(trace, campaign, `campaignGroups maps ${String(campaign.id)} to a missing group`);

  const whitelisting = campaign.whitelistable.length > 0;
  // `variationTargetingVariables` plus `_vwoUserId`, which 1.73.0 always sets itself.
  const targeting = (whitelisting || membership) && {
    ...options.variationTargetingVariables,
    _vwoUserId: campaign.isUserListEnabled ? (options.visitorUuid ?? visitorUuid(settings.accountId, userId)) : userId,
  };
  if (whitelisting) {
    const forced = whitelistedVariation(campaign, userId, targeting as SegmentVariables);
    if (trace) record(trace, 'whitelisting', !!forced, forced ? `into ${String(forced.name)}` : 'no match');
    if (forced) return end(trace, 'whitelisted', campaign, forced);
  }

  const storage = options.storage;
  if (storage) {
    const { variation: kept, stale, goalIdentifier } = readStored(settings, campaign.key, storage.record, storage);
    if (kept) {
      if (trace) record(trace, 'storage', true, `stored ${String(kept.name)}`);
      return end(trace, 'stored', campaign, kept, undefined, goalIdentifier);
    }
    const storedOnly = !stale && options.isTrackUser === false;
    record(
      trace,
      'storage',
      false,
      stale ? 'stored variation gone: bucketing afresh' : storedOnly ? 'not stored; this API answers stored users only' : 'not stored',
    );
    if (storedOnly) return end(trace, 'not-stored', campaign);
  }

  const segmentPassed = passesSegment(campaign, options.customVariables);
  if (trace && campaign.segment) record(trace, 'pre-segmentation', segmentPassed, `customVariables ${segmentPassed ? '' : 'do not '}match`);
  if (!segmentPassed) return end(trace, 'segment-failed', campaign);

  const traffic = trafficBucket(campaign, userId);
  const inTraffic = traffic !== 0 && traffic <= campaign.percentTraffic;
  if (trace) {
    const detail = `bucket ${traffic} ${inTraffic ? '<=' : '>'} percentTraffic ${campaign.percentTraffic}`;
    record(trace, 'traffic', inTraffic, detail, { bucket: traffic });
  }
  if (!inTraffic) return end(trace, 'not-in-traffic', campaign);

  const target = membership?.group ? inGroup(settings, campaign, userId, targeting as SegmentVariables, options, trace) : campaign;
  if ('outcome' in target) return target;

  const { prefix, multiplier } = target.variationSeeding;
  const bucket = bucketValue(prefix + userId, MAX_TRAFFIC_VALUE, multiplier);
  const variation: Variation | undefined = target.variations[findRange(target.variations, bucket)];
  if (trace) {
    const detail = `bucket ${bucket} in ${variation ? String(variation.name) : 'no range'}`;
    record(trace, 'variation', !!variation, detail, { bucket, seed: prefix + userId, multiplier });
  }
  return end(trace, variation ? 'bucketed' : 'no-variation-in-range', target, variation);
}

/**
 * Runs a mutually exclusive group for the called campaign (bucketing.md §8), after it passed its
 * own pre-segmentation and traffic: the campaign to allocate, or the decision the group ends with.
 */
function inGroup(
  settings: Settings,
  called: Campaign,
  userId: string,
  targeting: SegmentVariables,
  options: DecideOptions,
  trace: Trace,
): Campaign | Decision {
  const group = called.membership?.group as Group;
  const id = String(group.id);
  const members = group.members;
  if (members === undefined) return failed(trace, called, `groups.${id}.campaigns is not a list`);
  const storage = options.storage;
  // Another member's whitelisting or valid stored variation claims the user first.
  const owner = members.find(
    (member) =>
      member.id !== called.id &&
      (whitelistedVariation(member, userId, targeting) ||
        (storage && readStored(settings, member.key, storage.groupRecord?.(member.key), storage).variation)),
  );
  if (owner || members.length === 0) {
    if (trace) record(trace, 'group', false, owner ? `${owner.key} holds the user in group ${id}` : `group ${id} has no known campaign`);
    return end(trace, owner ? 'group-taken' : 'group-empty', called);
  }
  const eligible = members.filter((member) => passesSegment(member, options.customVariables) && isInTraffic(member, userId));
  // 1.73.0 allocates the single eligible member, even when it is not the called campaign.
  if (eligible.length === 1) return eligible[0] as Campaign;

  const groupBucket = bucketValue(`${id}_${userId}`);
  const winner = draw(group, id, eligible, groupBucket);
  if (typeof winner === 'string') return failed(trace, called, winner);
  const won = winner !== undefined && winner.id === called.id;
  if (trace) {
    const data = { groupId: group.id, eligible: eligible.map((c) => c.key), groupBucket, winner: winner?.key ?? null };
    record(trace, 'group', won, `group ${id} chose ${won ? 'this campaign' : winner ? winner.key : 'none'}`, data);
  }
  return won ? winner : end(trace, 'group-lost', called);
}

/**
 * The group's draw among eligible campaigns: the winner, none, or what 1.73.0 trips over. An
 * equal split (`et` absent or 1) fails on a bucket in the gap `floor(100 / n)` leaves; otherwise
 * the priority list first, then the `wt` weights of the eligible campaigns that have one.
 */
function draw(group: Group, id: string, eligible: readonly Campaign[], groupBucket: number): Campaign | undefined | string {
  let pool = eligible;
  let weights: unknown[];
  if (group.randomAlgorithm) {
    const weight = Math.floor(100 / eligible.length);
    weights = eligible.map(() => weight);
  } else {
    const priority = group.priority as ArrayLike<unknown> | null | undefined;
    if (priority === null) return `groups.${id}.p is null`;
    // A list, or anything else as 1.73.0 reads it: by its `length` and indices (none for `{}`).
    for (let i = 0; i < (priority?.length as number); i++) {
      const hit = eligible.find((c) => c.id === priority?.[i]);
      if (hit) return hit;
    }
    const table = group.weights;
    if (table === null && eligible.length > 0) return `groups.${id}.wt is null`;
    // Object() reads a missing (or, with no eligible campaign, null) table as `{}`.
    const weightOf = (c: Campaign) => (Object(table) as Record<string, unknown>)[String(c.id)];
    pool = eligible.filter((c) => weightOf(c) !== undefined);
    weights = pool.map(weightOf);
  }
  const index = findRange(allocateRanges(weights), groupBucket);
  if (index >= 0) return pool[index];
  if (group.randomAlgorithm) return `group bucket ${groupBucket} is outside the equal split of ${eligible.length}`;
  return undefined;
}

/** What 1.73.0 trips over in a group: the API answers null/false, and the trace's last step says why. */
function failed(trace: Trace, campaign: Campaign, error: string): Decision {
  record(trace, 'group', false, error);
  return end(trace, 'error', campaign, undefined, error);
}

/** The decision of an outcome; `error` only for the `error` outcome (what 1.73.0 trips over). */
function end(
  trace: Trace,
  outcome: DecisionOutcome,
  campaign?: Campaign,
  variation?: Variation,
  error?: string,
  storedGoalIdentifier?: unknown,
): Decision {
  const name = variation?.name;
  const variationName = typeof name === 'string' && name !== '' ? name : null;
  return {
    outcome,
    variation,
    variationName,
    campaign,
    storedGoalIdentifier,
    // 1.73.0 notifies the integrations for a whitelisted, stored or bucketed variation (the
    // outcomes that carry one), and for a bucket outside every variation range.
    notifies: variation !== undefined || outcome === 'no-variation-in-range',
    store: outcome === 'bucketed' && variationName !== null,
    error,
    steps: trace ?? undefined,
  };
}
