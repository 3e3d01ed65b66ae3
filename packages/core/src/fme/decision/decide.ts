/**
 * `getFlag`'s decision in vwo-fme-node-sdk 1.35.0 (fme/decision-flow.md §2–§7), pure and
 * synchronous: storage is read through a lookup, and what to send and store comes back in the
 * decision. The order of every step (and so of impressions, storage writes and the
 * integrations payload's keys) follows 1.35.0's `GetFlag.ts`, `DecisionUtil.ts` and `MegUtil.ts`.
 */
import { allocateRanges, findRange } from '../../bucketing/ranges.js';
import { visitorUuid } from '../../events/uuid.js';
import { isPlainObject } from '../../util/types.js';
import { fmeBucketValue, fmeGroupSeed, fmeTrafficSeed, fmeVariationSeed, megRandomWeight } from '../bucketing.js';
import { evaluateFmeSegment, type FmeSegmentEnvironment } from '../segments/evaluate.js';
import type { FmeCampaign, FmeFeature, FmeRule, FmeSettings, FmeVariation } from '../settings/model.js';
import { FME_PERSONALIZE, FME_ROLLOUT, FME_TESTING } from '../settings/parse.js';
import { refusedStorageKey } from './storage-refusal.js';
import type {
  FmeContext,
  FmeDebugDecision,
  FmeDecideOptions,
  FmeErrorLog,
  FmeFlagDecision,
  FmeFlagOutcome,
  FmeImpression,
  FmeRuleOutcome,
  FmeStorageLookup,
  FmeStorageRecord,
} from './types.js';

/** The storage key prefix of mutually-exclusive-group records. */
export const MEG_STORAGE_PREFIX = '_vwo_meta_meg_';

/** 1.35.0 failed here (it throws internally and answers a disabled flag). */
class FmeDecisionError extends Error {
  override readonly name = 'FmeDecisionError';
}

type Record_ = Record<string, unknown>;

/** A MEG candidate or winner: the campaign fields 1.35.0 reads from it. */
interface MegCampaign {
  readonly id: unknown;
  readonly key: unknown;
  readonly type: unknown;
  readonly firstVariationId: () => unknown;
}

/** The state of one call; 1.35.0 keeps it in the context model and mutates it as it goes. */
class Call {
  readonly impressions: FmeImpression[] = [];
  readonly storageWrites: FmeStorageRecord[] = [];
  readonly errorLogs: FmeErrorLog[] = [];
  readonly trace: string[] | undefined;
  /** Feature key → rollout info decided in this call (1.35.0's `evaluatedFeatureMap`). */
  readonly evaluatedFeatures = new Map<string, Record_>();
  customVariables: Record_;
  variationTargetingVariables: Record_;
  /** Depth of MEG evaluation: a rollout rule met again inside it does not start another one. */
  groupDepth = 0;
  private uuid: string | undefined;
  readonly env: FmeSegmentEnvironment;

  constructor(
    readonly settings: FmeSettings,
    readonly context: FmeContext,
    readonly userId: string,
    readonly stored: FmeStorageLookup,
    options: FmeDecideOptions | undefined,
  ) {
    this.trace = options?.trace ? [] : undefined;
    this.customVariables = { ...context.customVariables };
    this.variationTargetingVariables = { ...context.variationTargetingVariables };
    const vwo = context._vwo ? gatewayData(context._vwo) : undefined;
    this.env = {
      userAgent: context.userAgent,
      ipAddress: context.ipAddress,
      vwo,
      featureKeyById: (id) => settings.features.find((feature) => feature.id === id)?.key,
      stored,
      attributeList: options?.attributeList,
      report: (messageKey) => this.errorLogs.push({ messageKey, beforeImpression: this.impressions.length }),
    };
  }

  step(text: string): void {
    this.trace?.push(text);
  }

  /** The visitor UUID of the user in the settings' account, for user lists. */
  visitorId(): string {
    this.uuid ??= visitorUuid(String(this.settings.accountId), this.userId);
    return this.uuid;
  }

  read(key: string): unknown {
    return this.stored(key);
  }

  write(record: Omit<FmeStorageRecord, 'userId'>): void {
    const { featureKey, rolloutKey, rolloutVariationId, experimentKey, experimentVariationId } = record;
    // 1.35.0's StorageDecorator refuses these (so a variation id 0 is never stored), and says so.
    const refused = refusedStorageKey(record);
    if (refused !== undefined) {
      this.errorLogs.push({
        messageKey: 'ERROR_STORING_DATA_IN_STORAGE',
        beforeImpression: this.impressions.length,
        data: { key: refused },
      });
      return;
    }
    this.storageWrites.push({
      featureKey,
      userId: this.context.id,
      rolloutId: record.rolloutId,
      rolloutKey,
      rolloutVariationId,
      experimentId: record.experimentId,
      experimentKey,
      experimentVariationId,
    });
  }
}

function gatewayData(raw: unknown): FmeSegmentEnvironment['vwo'] {
  const data = raw as Record_;
  const result: { location?: unknown; userAgent?: unknown } = {};
  if (data.location) result.location = data.location;
  if (data.userAgent) result.userAgent = data.userAgent;
  return result;
}

function prop(value: unknown, key: string): unknown {
  return value === null || value === undefined ? undefined : (Object(value) as Record_)[key];
}

const NO_STORAGE: FmeStorageLookup = () => undefined;

/**
 * Decides a feature flag for one user as vwo-fme-node-sdk 1.35.0's `getFlag` does: stored
 * decisions, rollout rules, then experiment rules (whitelisting, mutually exclusive groups,
 * traffic, variation), and lists the impressions to send, the storage records to write and
 * the integrations payload. Never throws: where 1.35.0 fails internally the answer is a
 * disabled flag with `outcome: 'error'`.
 *
 * @example
 * const settings = parseFmeSettings(file);
 * if (settings.ok) {
 *   const flag = decideFlag(settings.settings, 'checkout', { id: 'user-1', customVariables: { plan: 'pro' } });
 *   flag.enabled; flag.variables; flag.impressions;
 * }
 */
export function decideFlag(
  settings: FmeSettings,
  featureKey: string,
  context: FmeContext,
  stored: FmeStorageLookup = NO_STORAGE,
  options?: FmeDecideOptions,
): FmeFlagDecision {
  if (typeof featureKey !== 'string' || !context || !context.id) {
    return result(undefined, 'invalid-input', false, undefined, {});
  }
  const call = new Call(settings, context, String(context.id), stored, options);
  try {
    return flagFor(call, featureKey);
  } catch (error) {
    if (call.trace) call.step(`failed: ${String(error)}`);
    return result(call, 'error', false, undefined, { error: error instanceof Error ? error.message : String(error) });
  }
}

interface Extra {
  readonly rollout?: FmeRuleOutcome | undefined;
  readonly experiment?: FmeRuleOutcome | undefined;
  readonly integrations?: Readonly<Record<string, unknown>> | undefined;
  readonly debugEvent?: FmeDebugDecision | undefined;
  readonly error?: string;
}

function result(
  call: Call | undefined,
  outcome: FmeFlagOutcome,
  enabled: boolean,
  variation: FmeVariation | undefined,
  extra: Extra,
): FmeFlagDecision {
  return {
    enabled,
    variables: enabled && variation ? variation.variables : [],
    outcome,
    rollout: extra.rollout,
    experiment: extra.experiment,
    impressions: call ? call.impressions : [],
    storageWrites: call ? call.storageWrites : [],
    errorLogs: call ? call.errorLogs : [],
    integrations: extra.integrations,
    debugEvent: extra.debugEvent,
    error: extra.error,
    trace: call?.trace,
  };
}

/** The first campaign with this key, then its variation whose id is `===` the stored one. */
function storedVariation(settings: FmeSettings, campaignKey: unknown, variationId: unknown): FmeVariation | undefined {
  if (typeof campaignKey !== 'string') return undefined;
  return settings.campaignsByKey.get(campaignKey)?.variations.find((variation) => variation.id === variationId);
}

function flagFor(call: Call, featureKey: string): FmeFlagDecision {
  const { settings } = call;
  const feature = settings.featuresByKey.get(featureKey);
  // The integrations payload: 1.35.0 builds one object during the call, keys in insertion order.
  const payload: Record_ = {
    featureName: feature?.name,
    featureId: feature?.id,
    featureKey: feature?.key,
    userId: call.userId,
    api: 'getFlag',
  };
  const passed: Record_ = {};
  let enabled = false;
  let checkExperiments = false;
  let rolloutVariation: FmeVariation | undefined;
  let experimentVariation: FmeVariation | undefined;
  let rollout: FmeRuleOutcome | undefined;
  let experiment: FmeRuleOutcome | undefined;

  const record = call.read(featureKey);
  if (prop(record, 'experimentVariationId')) {
    const variation = storedVariation(settings, prop(record, 'experimentKey'), prop(record, 'experimentVariationId'));
    if (variation) {
      if (call.trace)
        call.step(
          `stored experiment ${String(prop(record, 'experimentKey'))} variation ${String(variation.id)}: served, nothing else happens`,
        );
      const outcome: FmeRuleOutcome = {
        campaignId: prop(record, 'experimentId'),
        campaignKey: prop(record, 'experimentKey'),
        variationId: variation.id,
        source: 'stored',
      };
      return result(call, 'stored-experiment', true, variation, { experiment: outcome });
    }
  } else if (prop(record, 'rolloutKey') && prop(record, 'rolloutId')) {
    const variation = storedVariation(settings, prop(record, 'rolloutKey'), prop(record, 'rolloutVariationId'));
    if (variation) {
      if (call.trace) call.step(`stored rollout ${String(prop(record, 'rolloutKey'))}: rollout rules skipped`);
      enabled = true;
      checkExperiments = true;
      rolloutVariation = variation;
      const info = {
        rolloutId: prop(record, 'rolloutId'),
        rolloutKey: prop(record, 'rolloutKey'),
        rolloutVariationId: prop(record, 'rolloutVariationId'),
      };
      call.evaluatedFeatures.set(featureKey, info);
      Object.assign(passed, info);
      rollout = { campaignId: info.rolloutId, campaignKey: info.rolloutKey, variationId: info.rolloutVariationId, source: 'stored' };
    }
  }

  if (!feature) {
    if (call.trace) call.step(`no feature with key ${featureKey}`);
    return result(call, 'feature-not-found', false, undefined, {});
  }

  if (feature.rolloutRules.length > 0 && !enabled) {
    let selected: FmeRule | undefined;
    for (const rule of feature.rolloutRules) {
      const [preSegmentation] = preEvaluate(call, feature, rule, null, payload);
      if (call.trace) call.step(`rollout ${rule.ruleKey}: pre-segmentation ${preSegmentation ? 'passed' : 'failed'}`);
      if (preSegmentation) {
        selected = rule;
        call.evaluatedFeatures.set(featureKey, {
          rolloutId: rule.id,
          rolloutKey: rule.key,
          rolloutVariationId: rule.variations[0]?.id,
        });
        break;
      }
    }
    if (selected) {
      const variation = trafficAndVariation(call, selected);
      if (call.trace) call.step(`rollout ${selected.ruleKey}: traffic ${variation ? 'passed' : 'failed'}`);
      if (variation) {
        enabled = true;
        checkExperiments = true;
        rolloutVariation = variation;
        Object.assign(passed, { rolloutId: selected.id, rolloutKey: selected.key, rolloutVariationId: variation.id });
        rollout = bucketedInto(call, selected, variation, 'rollout', passed, payload);
      }
    }
  } else if (feature.rolloutRules.length === 0) {
    checkExperiments = true;
  }

  if (checkExperiments) {
    const winners = new Map<unknown, unknown>();
    let toBucket: FmeRule | undefined;
    for (const rule of feature.experimentRules) {
      const [preSegmentation, whitelisted] = preEvaluate(call, feature, rule, winners, payload);
      if (call.trace)
        call.step(
          `experiment ${rule.ruleKey}: pre-evaluation ${preSegmentation ? 'passed' : 'failed'}${whitelisted ? ' (whitelisted)' : ''}`,
        );
      if (!preSegmentation) continue;
      if (whitelisted) {
        enabled = true;
        experimentVariation = whitelisted;
        Object.assign(passed, { experimentId: rule.id, experimentKey: rule.key, experimentVariationId: whitelisted.id });
        experiment = { campaignId: rule.id, campaignKey: rule.key, variationId: whitelisted.id, source: 'whitelisted' };
      } else {
        toBucket = rule;
      }
      // The first rule that passes is the only one used (trap 5).
      break;
    }
    if (toBucket) {
      const variation = trafficAndVariation(call, toBucket);
      if (call.trace) call.step(`experiment ${toBucket.ruleKey}: ${variation ? `variation ${String(variation.id)}` : 'no variation'}`);
      if (variation) {
        enabled = true;
        experimentVariation = variation;
        Object.assign(passed, { experimentId: toBucket.id, experimentKey: toBucket.key, experimentVariationId: variation.id });
        experiment = bucketedInto(call, toBucket, variation, 'experiment', passed, payload);
      }
    }
  }

  if (enabled) {
    call.write({
      featureKey,
      rolloutId: passed.rolloutId,
      rolloutKey: passed.rolloutKey,
      rolloutVariationId: passed.rolloutVariationId,
      experimentId: passed.experimentId,
      experimentKey: passed.experimentKey,
      experimentVariationId: passed.experimentVariationId,
    });
  }
  // Nothing changes `payload` from here on, so it is frozen in place: a frozen copy of an object
  // grown key by key cost ~5 % of a `getFlag` (issue 18).
  const integrations = Object.freeze(payload);
  if (feature.impactCampaignId) {
    call.impressions.push({
      campaignId: feature.impactCampaignId,
      variationId: enabled ? 2 : 1,
      kind: 'impact',
      customVariables: call.customVariables,
    });
  }
  if (call.trace) call.step(`flag ${enabled ? 'enabled' : 'disabled'}`);
  return result(call, 'evaluated', enabled, experimentVariation ?? rolloutVariation, {
    rollout,
    experiment,
    integrations,
    debugEvent: feature.isDebuggerEnabled ? debugDecision(payload) : undefined,
  });
}

/** 1.35.0's `_updateDebugEventProps`: the message, then the truthy rule ids of the payload. */
function debugDecision(payload: Record_): FmeDebugDecision {
  const prefixLength = `${String(payload.featureKey)}_`.length;
  let msg = `Flag decision given for feature:${String(payload.featureKey)}.`;
  if (payload.rolloutKey && payload.rolloutVariationId) {
    msg += ` Got rollout:${String(payload.rolloutKey).substring(prefixLength)} with variation:${String(payload.rolloutVariationId)}`;
  }
  if (payload.experimentKey && payload.experimentVariationId) {
    msg += ` and experiment:${String(payload.experimentKey).substring(prefixLength)} with variation:${String(payload.experimentVariationId)}`;
  }
  const event: { msg: string; rId?: unknown; rvId?: unknown; eId?: unknown; evId?: unknown } = { msg };
  if (payload.rolloutId) event.rId = payload.rolloutId;
  if (payload.rolloutVariationId) event.rvId = payload.rolloutVariationId;
  if (payload.experimentId) event.eId = payload.experimentId;
  if (payload.experimentVariationId) event.evId = payload.experimentVariationId;
  return event;
}

function isRolloutOrPersonalize(type: unknown): boolean {
  return type === FME_ROLLOUT || type === FME_PERSONALIZE;
}

function firstVariation(campaign: FmeCampaign): FmeVariation {
  const variation = campaign.variations[0];
  // 1.35.0 reads `variations[0]` of rollout/personalise campaigns without a check.
  if (!variation) throw new FmeDecisionError(`campaign ${String(campaign.key)} has no variation`);
  return variation;
}

/** Traffic check (bucketing.md §3): AB uses `percentTraffic`, rollout/personalise `variations[0].weight`. */
function isInTraffic(call: Call, campaign: FmeCampaign): boolean {
  const rp = isRolloutOrPersonalize(campaign.type);
  const salt = rp ? firstVariation(campaign).salt : campaign.salt;
  const traffic = rp ? firstVariation(campaign).weight : campaign.percentTraffic;
  // 1.35.0 admits no user whose id is empty as text (a `context.id` of `[]` passes its context check).
  if (call.userId === '') return false;
  // The value is 1…100 whatever the hash, so a campaign at 100 % admits everyone: no hash needed.
  if (typeof traffic === 'number' && traffic >= 100) return true;
  const value = fmeBucketValue(fmeTrafficSeed(salt, campaign.id, call.userId), 100);
  // JavaScript's `<=`: a numeric-string weight compares as a number, a missing one never admits.
  return value !== 0 && value <= (traffic as number);
}

/**
 * The user is bucketed into `rule`'s `variation`: the rule's ids (already in `passed`) join the
 * integrations payload, its impression is queued, and its outcome is answered.
 */
function bucketedInto(
  call: Call,
  rule: FmeRule,
  variation: FmeVariation,
  kind: 'rollout' | 'experiment',
  passed: Record_,
  payload: Record_,
): FmeRuleOutcome {
  Object.assign(payload, passed);
  call.impressions.push({ campaignId: rule.id, variationId: variation.id, kind, customVariables: call.customVariables });
  return { campaignId: rule.id, campaignKey: rule.key, variationId: variation.id, source: 'evaluated' };
}

function trafficAndVariation(call: Call, campaign: FmeCampaign): FmeVariation | undefined {
  const inTraffic = isInTraffic(call, campaign);
  if (isRolloutOrPersonalize(campaign.type)) return inTraffic ? firstVariation(campaign) : undefined;
  if (!inTraffic) return undefined;
  const value = fmeBucketValue(fmeVariationSeed(campaign.salt, campaign.id, call.settings.accountId, call.userId), 10000);
  return campaign.variations.find((variation) => value >= variation.range.start && value <= variation.range.end);
}

function preSegmentation(call: Call, campaign: FmeCampaign): boolean {
  const segments: unknown =
    campaign.type === FME_ROLLOUT || campaign.type === FME_PERSONALIZE
      ? firstVariation(campaign).segments
      : campaign.type === FME_TESTING
        ? campaign.segments
        : {};
  if (isPlainObject(segments) && Object.keys(segments).length === 0) return true;
  return evaluateFmeSegment(segments, call.customVariables, call.env);
}

/** The variation forced by whitelisting, if exactly one variation's targeting matches (trap 11). */
function whitelistedVariation(call: Call, campaign: FmeCampaign): FmeVariation | undefined {
  const matched: FmeVariation[] = [];
  for (const variation of campaign.variations) {
    const segments = variation.segments;
    if (!isPlainObject(segments) || Object.keys(segments).length === 0) continue;
    if (evaluateFmeSegment(segments, call.variationTargetingVariables, call.env)) matched.push(variation);
  }
  if (matched.length > 1) {
    // 1.35.0 means to split these by weight but fails on the way; every such call is a disabled flag.
    throw new FmeDecisionError(`${matched.length} whitelisting matches in campaign ${String(campaign.key)}`);
  }
  return matched[0];
}

interface GroupRef {
  readonly groupId: unknown;
}

function groupOf(call: Call, campaign: FmeCampaign): GroupRef | undefined {
  const ref = campaign.type === FME_PERSONALIZE ? `${String(campaign.id)}_${String(firstVariation(campaign).id)}` : String(campaign.id);
  const { campaignGroups, groups } = call.settings;
  if (!Object.hasOwn(campaignGroups, ref)) return undefined;
  const groupId = campaignGroups[ref];
  // 1.35.0 reads `groups[groupId].name`, which throws for a group that is not there.
  const group = groups[String(groupId)];
  if (group === undefined || group === null) throw new FmeDecisionError(`campaign ${ref} maps to missing group ${String(groupId)}`);
  return { groupId };
}

/**
 * `checkWhitelistingAndPreSeg` (decision-flow.md §4.1): `[passed, whitelistedVariation]`.
 * `winners` is this call's MEG winner map; `null` for rollout rules, as in 1.35.0.
 */
function preEvaluate(
  call: Call,
  feature: FmeFeature,
  rule: FmeRule,
  winners: Map<unknown, unknown> | null,
  payload: Record_,
): [boolean, FmeVariation | undefined] {
  const vwoUserId = rule.isUserListEnabled ? call.visitorId() : call.userId;
  if (rule.type === FME_TESTING) {
    call.variationTargetingVariables = { ...call.variationTargetingVariables, _vwoUserId: vwoUserId };
    payload.variationTargetingVariables = call.variationTargetingVariables;
    if (rule.isForcedVariationEnabled) {
      const variation = whitelistedVariation(call, rule);
      if (variation) {
        payload.experimentId = rule.id;
        payload.experimentKey = rule.key;
        payload.experimentVariationId = variation.id;
        call.impressions.push({
          campaignId: rule.id,
          variationId: variation.id,
          kind: 'whitelisted',
          customVariables: call.customVariables,
        });
        return [true, variation];
      }
    }
  }
  call.customVariables = { ...call.customVariables, _vwoUserId: vwoUserId };
  payload.customVariables = call.customVariables;

  const group = groupOf(call, rule);
  const groupId = group?.groupId;
  const personalizeRef = rule.type === FME_PERSONALIZE ? `${String(rule.id)}_${String(firstVariation(rule).id)}` : undefined;
  const decided = winners?.get(groupId);
  if (decided) {
    if (rule.type === FME_TESTING) return [decided === rule.id, undefined];
    if (rule.type === FME_PERSONALIZE) return [decided === personalizeRef, undefined];
    return [false, undefined];
  }
  if (groupId) {
    const megRecord = call.read(`${MEG_STORAGE_PREFIX}${String(groupId)}`);
    const experimentId = prop(megRecord, 'experimentId');
    const experimentVariationId = prop(megRecord, 'experimentVariationId');
    if (megRecord && prop(megRecord, 'experimentKey') && experimentId) {
      if (call.trace) call.step(`group ${String(groupId)}: stored winner ${String(experimentId)}`);
      if (experimentId === rule.id) {
        if (rule.type !== FME_PERSONALIZE) return [true, undefined];
        if (experimentVariationId === firstVariation(rule).id) return [true, undefined];
        setWinner(winners, groupId, `${String(experimentId)}_${String(experimentVariationId)}`);
        return [false, undefined];
      }
      // biome-ignore lint/suspicious/noDoubleEquals: 1.35.0 compares the stored -1 loosely.
      const winner = experimentVariationId != -1 ? `${String(experimentId)}_${String(experimentVariationId)}` : experimentId;
      setWinner(winners, groupId, winner);
      return [false, undefined];
    }
  }

  const passed = preSegmentation(call, rule);
  if (!passed || !groupId) return [passed, undefined];
  if (winners === null && call.groupDepth > 0) {
    // 1.35.0 recurses without end here (a rollout inside a group, met while the group is being
    // decided); we answer its pre-segmentation result instead.
    return [passed, undefined];
  }
  const winner = decideGroup(call, feature, groupId);
  // A rollout rule has no winner map in 1.35.0; ours records into a throw-away one.
  const map = winners ?? new Map<unknown, unknown>();
  if (winner && winner.id === rule.id) {
    if (winner.type === FME_TESTING) return [true, undefined];
    if (winner.firstVariationId() === firstVariation(rule).id) return [true, undefined];
    map.set(groupId, `${String(winner.id)}_${String(winner.firstVariationId())}`);
    return [false, undefined];
  }
  if (winner) {
    map.set(groupId, winner.type === FME_TESTING ? winner.id : `${String(winner.id)}_${String(winner.firstVariationId())}`);
    return [false, undefined];
  }
  map.set(groupId, -1);
  if (call.trace) call.step(`group ${String(groupId)}: no winner`);
  return [false, undefined];
}

function setWinner(winners: Map<unknown, unknown> | null, groupId: unknown, winner: unknown): void {
  // 1.35.0 calls `.set` on a null map for rollout rules: a TypeError, so a disabled flag.
  if (winners === null) throw new FmeDecisionError(`rollout rule in group ${String(groupId)} with a stored winner`);
  winners.set(groupId, winner);
}

function listLength(list: unknown): number {
  if (list === null || list === undefined) throw new FmeDecisionError('group campaigns are missing');
  return (list as { length?: number }).length as number;
}

function listIncludes(list: unknown, value: string): boolean {
  if (Array.isArray(list) || typeof list === 'string') return list.includes(value);
  throw new FmeDecisionError('group campaigns are not a list');
}

function asMegCampaign(campaign: FmeCampaign): MegCampaign {
  return { id: campaign.id, key: campaign.key, type: campaign.type, firstVariationId: () => firstVariation(campaign).id };
}

/** `evaluateGroups` (decision-flow.md §4.3): the group's winner for this user, if any. */
function decideGroup(call: Call, feature: FmeFeature, groupId: unknown): MegCampaign | undefined {
  const { settings } = call;
  const group = settings.groups[String(groupId)];
  // 1.35.0 reads a falsy group (0, "") as a group without campaigns.
  const groupCampaigns = group ? prop(group, 'campaigns') : [];

  // Features of the group's entries, by entry then settings order, each once per entry scan.
  const featureKeys: string[] = [];
  const entries = listLength(groupCampaigns);
  for (let i = 0; i < entries; i++) {
    const entry = (groupCampaigns as Record<number, unknown>)[i];
    if (typeof entry !== 'string') throw new FmeDecisionError('group campaign entries must be strings');
    const [campaignId, variationId] = entry.split('_').map(Number);
    for (const candidate of settings.features) {
      if (featureKeys.includes(candidate.key)) continue;
      for (const ref of candidate.ruleRefs) {
        if (ref.campaignId !== campaignId) continue;
        if (variationId === undefined || ref.variationId === variationId) featureKeys.push(candidate.key);
      }
    }
  }

  call.groupDepth++;
  const skipped: string[] = [];
  const campaignsByFeature = new Map<string, FmeRule[]>();
  try {
    for (const key of featureKeys) {
      const candidateFeature = settings.featuresByKey.get(key) as FmeFeature;
      if (skipped.includes(key)) continue;
      if (!rolloutPassedFor(call, candidateFeature, skipped)) continue;
      for (const sameKey of settings.features) {
        if (sameKey.key !== key) continue;
        for (const rule of sameKey.rules) {
          const listed =
            listIncludes(groupCampaigns, String(rule.id)) ||
            listIncludes(groupCampaigns, `${String(rule.id)}_${String(firstVariation(rule).id)}`);
          if (!listed) continue;
          const list = campaignsByFeature.get(key) ?? [];
          campaignsByFeature.set(key, list);
          if (!list.some((item) => item.ruleKey === rule.ruleKey)) list.push(rule);
        }
      }
    }

    const eligible: FmeRule[] = [];
    const eligibleWithStorage: FmeRule[] = [];
    for (const [key, campaigns] of campaignsByFeature) {
      for (const campaign of campaigns) {
        const record = call.read(key);
        const storedVariationId = prop(record, 'experimentVariationId');
        const storedKey = prop(record, 'experimentKey');
        if (storedVariationId && storedKey && storedKey === campaign.key && storedVariation(settings, storedKey, storedVariationId)) {
          if (!eligibleWithStorage.some((item) => item.key === campaign.key)) eligibleWithStorage.push(campaign);
          continue;
        }
        if (preSegmentation(call, campaign) && isInTraffic(call, campaign)) eligible.push(campaign);
      }
    }
    if (call.trace)
      call.step(
        `group ${String(groupId)}: eligible [${eligible.map((c) => c.ruleKey).join(', ')}], with storage [${eligibleWithStorage.map((c) => c.ruleKey).join(', ')}]`,
      );
    return pickWinner(call, feature, groupId, eligibleWithStorage.length > 0 ? eligibleWithStorage : eligible);
  } finally {
    call.groupDepth--;
  }
}

/** `_isRolloutRuleForFeaturePassed`: no impression and nothing stored, but remembered for this call. */
function rolloutPassedFor(call: Call, feature: FmeFeature, skipped: string[]): boolean {
  const known = call.evaluatedFeatures.get(feature.key);
  if (known && 'rolloutId' in known) return true;
  if (feature.rolloutRules.length === 0) return true;
  let selected: FmeRule | undefined;
  for (const rule of feature.rolloutRules) {
    const [passed] = preEvaluate(call, feature, rule, null, {});
    if (passed) {
      selected = rule;
      break;
    }
  }
  if (selected && trafficAndVariation(call, selected)) {
    call.evaluatedFeatures.set(feature.key, {
      rolloutId: selected.id,
      rolloutKey: selected.key,
      rolloutVariationId: firstVariation(selected).id,
    });
    return true;
  }
  skipped.push(feature.key);
  return false;
}

function pickWinner(call: Call, feature: FmeFeature, groupId: unknown, candidates: readonly FmeRule[]): MegCampaign | undefined {
  if (candidates.length === 0) return undefined;
  if (candidates.length === 1) return asMegCampaign(candidates[0] as FmeRule);
  const group = call.settings.groups[String(groupId)];
  const et = prop(group, 'et');
  const algorithm = et !== undefined ? et : 1;
  const calledCampaignIds: unknown[] = [];
  for (const sameKey of call.settings.features) {
    if (sameKey.key === feature.key) for (const ref of sameKey.ruleRefs) calledCampaignIds.push(ref.campaignId);
  }
  const seedValue = fmeBucketValue(fmeGroupSeed(groupId, call.userId), 10000);

  let winner: MegCampaign | undefined;
  let recordKey: unknown;
  if (algorithm === 1) {
    const weight = megRandomWeight(candidates.length);
    const index = findRange(allocateRanges(candidates.map(() => weight)), seedValue);
    const picked = candidates[index];
    // 1.35.0 logs the winner's type without a check; a draw that misses every range throws.
    if (!picked) throw new FmeDecisionError(`group ${String(groupId)}: random draw found no campaign`);
    winner = asMegCampaign(picked);
    recordKey = picked.key || picked.name;
  } else {
    const picked = advancedWinner(group, candidates, seedValue);
    winner = picked?.campaign;
    recordKey = picked?.recordKey;
  }
  if (call.trace)
    call.step(`group ${String(groupId)}: ${algorithm === 1 ? 'random' : 'advanced'} draw → ${winner ? String(winner.id) : 'none'}`);
  if (!winner) return undefined;
  call.write({
    featureKey: `${MEG_STORAGE_PREFIX}${String(groupId)}`,
    rolloutId: undefined,
    rolloutKey: undefined,
    rolloutVariationId: undefined,
    experimentId: winner.id,
    experimentKey: recordKey,
    experimentVariationId: winner.type === FME_PERSONALIZE ? winner.firstVariationId() : -1,
  });
  return calledCampaignIds.includes(winner.id) ? winner : undefined;
}

function advancedWinner(
  group: unknown,
  candidates: readonly FmeRule[],
  seedValue: number,
): { campaign: MegCampaign; recordKey: unknown } | undefined {
  const rawPriority = prop(group, 'p');
  const priority = rawPriority !== undefined ? rawPriority : {};
  const rawWeights = prop(group, 'wt');
  const weights = rawWeights !== undefined ? rawWeights : {};
  if (priority === null) throw new FmeDecisionError('group priority list is null');
  const length = (priority as { length?: number }).length as number;
  for (let i = 0; i < length; i++) {
    const wanted = (priority as Record<number, unknown>)[i];
    for (const candidate of candidates) {
      // biome-ignore lint/suspicious/noDoubleEquals: 1.35.0 matches priorities loosely ("22" is 22).
      if (candidate.id == wanted || `${String(candidate.id)}_${String(firstVariation(candidate).id)}` === wanted) {
        return { campaign: asMegCampaign(candidate), recordKey: candidate.key };
      }
    }
  }
  if (weights === null) throw new FmeDecisionError('group weights are null');
  const participating: { campaign: FmeRule; weight: unknown }[] = [];
  for (const candidate of candidates) {
    const byId = (weights as Record_)[String(candidate.id)];
    if (byId !== undefined) {
      participating.push({ campaign: candidate, weight: byId });
      continue;
    }
    const byVariation = (weights as Record_)[`${String(candidate.id)}_${String(firstVariation(candidate).id)}`];
    if (byVariation !== undefined) participating.push({ campaign: candidate, weight: byVariation });
  }
  const index = findRange(allocateRanges(participating.map((item) => item.weight)), seedValue);
  const picked = participating[index];
  if (!picked) return undefined;
  return { campaign: asMegCampaign(picked.campaign), recordKey: picked.campaign.key || picked.campaign.name };
}
