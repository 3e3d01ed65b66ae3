import { bucketFromHash, HASH_SEED, MAX_TRAFFIC_PERCENT, MAX_TRAFFIC_VALUE } from '../bucketing/bucket.js';
import { murmurhash3 } from '../bucketing/murmurhash.js';
import { itemInRange } from '../bucketing/ranges.js';
import { visitorUuid } from '../events/index.js';
import type { SegmentVariables } from '../segments/types.js';
import type { Campaign, Settings, Variation } from '../settings/model.js';
import { SPEED_PATHS } from '../util/speed-paths.js';
import { resolveGroup } from './group.js';
import { passesSegment } from './steps.js';
import { readStored } from './storage.js';
import { record, type Trace } from './trace.js';
import type { DecideOptions, Decision, DecisionOutcome } from './types.js';
import { whitelistedVariation } from './whitelisting.js';

const NO_OPTIONS: DecideOptions = Object.freeze({});

/**
 * Decides which variation of one campaign a user gets, exactly as vwo-node-sdk 1.73.0 does
 * (decision-flow.md §4): whitelisting, stored assignment, pre-segmentation, traffic, mutually
 * exclusive group, variation. Pure and synchronous: a storage's records are passed in, and
 * what to store comes back in `Decision.store`.
 *
 * Campaign type restrictions of the public APIs are not applied here.
 *
 * @example
 * const decision = decide(settings, 'checkout-test', 'user-42', { customVariables: { plan: 'pro' } });
 * decision.variationName; // 'Variation-1', or null
 */
export function decide(
  settings: Settings,
  campaignOrKey: Campaign | string,
  userId: string,
  options: DecideOptions = NO_OPTIONS,
): Decision {
  const trace: Trace = options.trace ? [] : null;
  const campaign = typeof campaignOrKey === 'string' ? settings.campaignsByKey.get(campaignOrKey) : campaignOrKey;
  if (campaign === undefined) {
    if (trace) record(trace, 'campaign', false, `no campaign has the key ${JSON.stringify(campaignOrKey)}`);
    return finish(trace, 'campaign-not-found', undefined, undefined);
  }
  if (!campaign.isRunning) {
    if (trace) record(trace, 'campaign', false, `status is ${JSON.stringify(campaign.status)}, not "RUNNING"`);
    return finish(trace, 'campaign-not-running', campaign, undefined);
  }
  // 1.73.0 reads the group name before anything else, and fails on a missing group.
  const membership = campaign.membership;
  if (membership?.broken) {
    const error = `campaignGroups maps campaign ${String(campaign.id)} to a group that groups does not define`;
    record(trace, 'group', false, error);
    return failed(trace, campaign, error);
  }

  let targeting: SegmentVariables | undefined;
  if (campaign.whitelistable.length > 0 || membership) targeting = targetingVariables(settings, campaign, userId, options);
  if (campaign.whitelistable.length > 0) {
    const forced = whitelistedVariation(campaign, userId, targeting as SegmentVariables);
    if (trace)
      record(trace, 'whitelisting', forced !== undefined, forced ? `whitelisted into ${String(forced.name)}` : 'no variation matches');
    if (forced) return finish(trace, 'whitelisted', campaign, forced);
  }

  const storage = options.storage;
  if (storage) {
    const stored = readStored(settings, campaign.key, storage.record, storage);
    if (stored.variation) {
      if (trace) record(trace, 'storage', true, `stored variation ${String(stored.variation.name)}`);
      return finish(trace, 'stored', campaign, stored.variation, stored.goalIdentifier);
    }
    if (!stored.stale && options.isTrackUser === false) {
      record(trace, 'storage', false, 'no stored assignment, and this API answers only for stored users');
      return finish(trace, 'not-stored', campaign, undefined);
    }
    record(trace, 'storage', false, stored.stale ? 'the stored variation no longer exists: bucketing afresh' : 'no stored assignment');
  }

  if (!passesSegment(campaign, options.customVariables)) {
    record(trace, 'pre-segmentation', false, 'customVariables do not match the campaign segment');
    return finish(trace, 'segment-failed', campaign, undefined);
  }
  if (trace && campaign.segment) record(trace, 'pre-segmentation', true, 'customVariables match the campaign segment');

  const trafficHash = murmurhash3(campaign.seedPrefix + userId, HASH_SEED);
  const traffic = bucketFromHash(trafficHash, MAX_TRAFFIC_PERCENT);
  if (traffic === 0 || !(traffic <= campaign.percentTraffic)) {
    if (trace)
      record(trace, 'traffic', false, `traffic bucket ${traffic} is above percentTraffic ${campaign.percentTraffic}`, { bucket: traffic });
    return finish(trace, 'not-in-traffic', campaign, undefined);
  }
  if (trace)
    record(trace, 'traffic', true, `traffic bucket ${traffic} is within percentTraffic ${campaign.percentTraffic}`, { bucket: traffic });

  let target = campaign;
  if (membership?.group) {
    const verdict = resolveGroup(settings, membership.group, campaign, userId, targeting as SegmentVariables, options, trace);
    if (verdict.kind === 'error') return failed(trace, campaign, verdict.error);
    if (verdict.kind !== 'allocate') return finish(trace, verdict.kind, campaign, undefined);
    target = verdict.campaign;
  }

  const hash = SPEED_PATHS && target === campaign && campaign.sharedSeed ? trafficHash : undefined;
  const variation = allocate(target, userId, hash, trace);
  if (variation === undefined) return finish(trace, 'no-variation-in-range', target, undefined);
  return finish(trace, 'bucketed', target, variation);
}

/** `variationTargetingVariables` plus `_vwoUserId`, which 1.73.0 always sets itself. */
function targetingVariables(settings: Settings, campaign: Campaign, userId: string, options: DecideOptions): SegmentVariables {
  const vwoUserId = campaign.isUserListEnabled ? (options.visitorUuid ?? visitorUuid(settings.accountId, userId)) : userId;
  return { ...options.variationTargetingVariables, _vwoUserId: vwoUserId };
}

function allocate(campaign: Campaign, userId: string, knownHash: number | undefined, trace: Trace): Variation | undefined {
  const seeding = campaign.variationSeeding;
  const hash = knownHash ?? murmurhash3(seeding.prefix + userId, HASH_SEED);
  const bucket = bucketFromHash(hash, MAX_TRAFFIC_VALUE, seeding.multiplier);
  // The range's own item, not its index: the variations are frozen, and Node 20 reads an element
  // of a frozen array through a generic stub (~70 instructions, apps/bench/README.md).
  const variation = itemInRange(campaign.variations, bucket);
  if (trace) {
    const data = { bucket, seed: seeding.prefix + userId, multiplier: seeding.multiplier };
    record(
      trace,
      'variation',
      variation !== undefined,
      variation ? `bucket ${bucket} is in ${String(variation.name)}` : `bucket ${bucket} is in no variation range`,
      data,
    );
  }
  return variation;
}

function finish(
  trace: Trace,
  outcome: DecisionOutcome,
  campaign: Campaign | undefined,
  variation: Variation | undefined,
  storedGoalIdentifier?: unknown,
): Decision {
  const name = variation !== undefined && typeof variation.name === 'string' && variation.name !== '' ? variation.name : null;
  const notifies = outcome === 'whitelisted' || outcome === 'stored' || outcome === 'bucketed' || outcome === 'no-variation-in-range';
  const decision: Decision = {
    outcome,
    variation,
    variationName: name,
    campaign,
    storedGoalIdentifier,
    notifies,
    store: outcome === 'bucketed' && name !== null,
  };
  return trace ? { ...decision, steps: trace } : decision;
}

function failed(trace: Trace, campaign: Campaign, error: string): Decision {
  const decision: Decision = {
    outcome: 'error',
    variation: undefined,
    variationName: null,
    campaign,
    notifies: false,
    store: false,
    error,
  };
  return trace ? { ...decision, steps: trace } : decision;
}
