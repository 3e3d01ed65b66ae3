import { bucketValue } from '../bucketing/bucket.js';
import { allocateRanges, findRange } from '../bucketing/ranges.js';
import type { SegmentVariables } from '../segments/types.js';
import type { Campaign, Group, Settings } from '../settings/model.js';
import { isInTraffic, passesSegment } from './steps.js';
import { readStored } from './storage.js';
import { record, type Trace } from './trace.js';
import type { DecideOptions } from './types.js';
import { whitelistedVariation } from './whitelisting.js';

/** The result of a mutually exclusive group: which campaign to allocate, or why none. */
export type GroupVerdict =
  | { readonly kind: 'allocate'; readonly campaign: Campaign }
  | { readonly kind: 'group-empty' | 'group-taken' | 'group-lost' }
  | { readonly kind: 'error'; readonly error: string };

const EMPTY: GroupVerdict = { kind: 'group-empty' };
const TAKEN: GroupVerdict = { kind: 'group-taken' };
const LOST: GroupVerdict = { kind: 'group-lost' };

/**
 * Runs a mutually exclusive group for the called campaign (bucketing.md §8), after the called
 * campaign passed its own pre-segmentation and traffic.
 */
export function resolveGroup(
  settings: Settings,
  group: Group,
  called: Campaign,
  userId: string,
  targeting: SegmentVariables,
  options: DecideOptions,
  trace: Trace,
): GroupVerdict {
  const members = group.members;
  if (members === undefined) return fault(trace, `groups.${String(group.id)}.campaigns is not a list`);
  if (members.length === 0) {
    if (trace) record(trace, 'group', false, `group ${String(group.id)} has no known campaign`);
    return EMPTY;
  }
  const owner = ownedByOtherMember(settings, members, called, userId, targeting, options);
  if (owner) {
    if (trace) record(trace, 'group', false, `${owner.key} already holds this user in group ${String(group.id)}`);
    return TAKEN;
  }
  const customVariables = options.customVariables;
  const eligible = members.filter((m) => passesSegment(m, customVariables) && isInTraffic(m, userId));
  // 1.73.0 allocates the single eligible member, even when it is not the called campaign.
  if (eligible.length === 1) return { kind: 'allocate', campaign: eligible[0] as Campaign };

  const groupBucket = bucketValue(`${String(group.id)}_${userId}`);
  const winner = group.randomAlgorithm ? equalSplitWinner(eligible, groupBucket) : advancedWinner(group, eligible, groupBucket);
  if (typeof winner === 'string') return fault(trace, winner);
  // What the trace shows of the draw: built only when a trace is asked for (explain).
  const data = trace ? { groupId: group.id, eligible: eligible.map((c) => c.key), groupBucket, winner: winner?.key ?? null } : undefined;
  if (winner === undefined || winner.id !== called.id) {
    if (trace) record(trace, 'group', false, `group ${String(group.id)} chose ${winner ? winner.key : 'no campaign'}`, data);
    return LOST;
  }
  if (trace) record(trace, 'group', true, `group ${String(group.id)} chose this campaign`, data);
  return { kind: 'allocate', campaign: winner };
}

function fault(trace: Trace, error: string): GroupVerdict {
  record(trace, 'group', false, error);
  return { kind: 'error', error };
}

/** Another member's whitelisting or valid stored variation claims the user first. */
function ownedByOtherMember(
  settings: Settings,
  members: readonly Campaign[],
  called: Campaign,
  userId: string,
  targeting: SegmentVariables,
  options: DecideOptions,
): Campaign | undefined {
  const storage = options.storage;
  for (const member of members) {
    if (member.id === called.id) continue;
    if (whitelistedVariation(member, userId, targeting)) return member;
    if (storage && readStored(settings, member.key, storage.groupRecord?.(member.key), storage).variation) return member;
  }
  return undefined;
}

/** Equal split (`et` absent or 1): a bucket in the gap left by `floor(100 / n)` is an error in 1.73.0. */
function equalSplitWinner(eligible: readonly Campaign[], groupBucket: number): Campaign | string {
  const weight = Math.floor(100 / eligible.length);
  const index = findRange(allocateRanges(eligible.map(() => weight)), groupBucket);
  if (index < 0) return `group bucket ${groupBucket} falls outside the equal split of ${eligible.length} campaigns`;
  return eligible[index] as Campaign;
}

/** Priority list first, then the `wt` weights among eligible campaigns; no match → no winner. */
function advancedWinner(group: Group, eligible: readonly Campaign[], groupBucket: number): Campaign | undefined | string {
  const priority = group.priority === undefined ? {} : group.priority;
  if (priority === null) return `groups.${String(group.id)}.p is null`;
  const length = (priority as { length?: unknown }).length as number;
  for (let i = 0; i < length; i++) {
    const id = (priority as Record<number, unknown>)[i];
    const hit = eligible.find((c) => c.id === id);
    if (hit) return hit;
  }
  const weights = group.weights === undefined ? {} : group.weights;
  if (weights === null && eligible.length > 0) return `groups.${String(group.id)}.wt is null`;
  const table = Object(weights) as Record<string, unknown>;
  const participants = eligible.filter((c) => table[String(c.id)] !== undefined);
  const index = findRange(allocateRanges(participants.map((c) => table[String(c.id)])), groupBucket);
  return index < 0 ? undefined : participants[index];
}
