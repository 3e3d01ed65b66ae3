import { allocateRanges } from '../bucketing/ranges.js';
import { compileSegment, hasSegmentConditions } from '../segments/index.js';
import { hasOwn, isPlainObject } from '../util/types.js';
import { buildCampaign, type Mutable } from './campaign.js';
import { type SettingsIssue, SettingsValidationError } from './issues.js';
import type { Campaign, Group, GroupMembership, Settings, Variable, Variation } from './model.js';
import { validateSettings } from './validate.js';

/** The outcome of {@link parseSettings}: a model and its warnings, or every problem found. */
export type ParseResult =
  | {
      /** The file is one vwo-node-sdk 1.73.0 accepts. */
      readonly ok: true;
      /** The immutable, indexed model every decision reads. */
      readonly settings: Settings;
      /** Odd but accepted content (string weights, gaps between ranges, duplicate keys…), each at its field path. */
      readonly warnings: readonly SettingsIssue[];
    }
  | {
      /** The file is refused. */
      readonly ok: false;
      /** Lists every bad field with its path. */
      readonly error: SettingsValidationError;
    };

type Json = Record<string, unknown>;

/**
 * Validates a VWO settings file and builds the immutable, indexed model every decision reads.
 * Accepts exactly what vwo-node-sdk 1.73.0 accepts (odd but accepted files come back with
 * `warnings`); never throws, and never returns a half-valid model.
 *
 * @example
 * const result = parseSettings(JSON.parse(text));
 * if (!result.ok) console.error(result.error.message); // lists every bad field path
 * else decide(result.settings, 'checkout-test', 'user-42');
 */
export function parseSettings(input: unknown): ParseResult {
  const copy = jsonCopy(input);
  if (!copy.ok) return fail([{ path: '', message: copy.message }]);
  const file = copy.value;
  // 1.73.0 turns a missing or object-valued `campaigns` into [] before validating.
  if (isPlainObject(file) && (!file.campaigns || isPlainObject(file.campaigns))) file.campaigns = [];

  const report = validateSettings(file);
  if (report.errors.length > 0) return fail(report.errors);
  const settings = buildModel(file as Json);
  return { ok: true, settings, warnings: Object.freeze(report.warnings) };
}

function fail(issues: SettingsIssue[]): ParseResult {
  return { ok: false, error: new SettingsValidationError(issues) };
}

/** The JSON round trip 1.73.0 makes: drops `undefined` and functions, turns `NaN` into `null`. */
function jsonCopy(input: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  if (typeof input === 'string') return { ok: false, message: 'expected a settings object, got a string (parse the JSON first)' };
  try {
    const text = JSON.stringify(input);
    if (text === undefined) return { ok: false, message: `expected a settings object, got ${typeof input}` };
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, message: `the settings file cannot be copied as JSON (${(error as Error).message})` };
  }
}

function buildModel(file: Json): Settings {
  const isNB = Boolean(file.isNB);
  const isNBv2 = Boolean(file.isNBv2);
  const accountId = file.accountId as number | string;
  const flags = { isNB, isNBv2, accountId };
  const campaigns = (file.campaigns as Json[]).map((raw, index) => buildCampaign(raw, index, flags, buildVariations(raw)));
  const campaignsByKey = new Map<string, Campaign>();
  for (const campaign of campaigns) if (!campaignsByKey.has(campaign.key)) campaignsByKey.set(campaign.key, campaign);
  attachGroups(file, campaigns);
  for (const campaign of campaigns) deepFreezeCampaign(campaign);

  return Object.freeze({
    accountId,
    version: file.version as number | string,
    sdkKey: file.sdkKey as string | undefined,
    isNB,
    isNBv2,
    isEventArchEnabled: file.isEventArchEnabled === true,
    collectionPrefix: file.collectionPrefix as string | undefined,
    campaigns: Object.freeze(campaigns),
    campaignsByKey,
    campaignsByGoal: indexGoals(campaigns, campaignsByKey),
    raw: deepFreeze(file),
  });
}

function buildVariations(raw: Json): Variation[] {
  if (!Array.isArray(raw.variations)) return [];
  const list = raw.variations as Json[];
  const ranges = allocateRanges(list.map((v) => v.weight));
  return list.map((v, index) => ({
    index,
    id: v.id,
    name: v.name,
    weight: v.weight,
    start: ranges[index]?.start ?? -1,
    end: ranges[index]?.end ?? -1,
    isFeatureEnabled: Boolean(v.isFeatureEnabled),
    variables: Array.isArray(v.variables) ? (v.variables as Variable[]) : undefined,
    whitelist: hasSegmentConditions(v.segments) ? compileSegment(v.segments) : undefined,
    raw: v,
  }));
}

/** Resolves `campaignGroups`/`groups` the way 1.73.0 reads them at decision time. */
function attachGroups(file: Json, campaigns: Mutable<Campaign>[]): void {
  const campaignGroups = file.campaignGroups as Json | undefined;
  if (typeof campaignGroups !== 'object' || campaignGroups === null) return;
  const groups = file.groups as Json | undefined;
  const resolved = new Map<unknown, Group>();
  for (const campaign of campaigns) {
    const key = String(campaign.id);
    if (!hasOwn(campaignGroups, key)) continue;
    const groupId = campaignGroups[key];
    if (!groupId) continue; // a group id of 0 means "no group" in 1.73.0
    const definition = groups == null ? undefined : (groups as Json)[String(groupId)];
    if (definition == null) {
      campaign.membership = { group: undefined, broken: true } satisfies GroupMembership;
      continue;
    }
    let group = resolved.get(groupId);
    if (!group) {
      group = buildGroup(groupId, definition as Json, campaigns);
      resolved.set(groupId, group);
    }
    campaign.membership = { group, broken: false };
  }
}

function buildGroup(id: unknown, definition: Json, campaigns: readonly Campaign[]): Group {
  const ids = definition.campaigns;
  const members = Array.isArray(ids)
    ? ids.map((memberId) => findCampaignById(campaigns, memberId)).filter((c): c is Campaign => c !== undefined)
    : undefined;
  return Object.freeze({
    id,
    name: definition.name,
    members: members && Object.freeze(members),
    randomAlgorithm: definition.et === undefined || definition.et === 1,
    priority: definition.p,
    weights: definition.wt,
  });
}

/** 1.73.0 matches group members with `parseInt(…, 10)` on both sides; the first match wins. */
function findCampaignById(campaigns: readonly Campaign[], memberId: unknown): Campaign | undefined {
  const wanted = Number.parseInt(String(memberId), 10);
  return campaigns.find((c) => Number.parseInt(String(c.id), 10) === wanted);
}

/**
 * Campaigns, in settings order, that have a goal with each identifier. Like 1.73.0, a campaign's
 * goals are looked up through its key, so a duplicate key sees the first campaign's goals.
 */
function indexGoals(campaigns: readonly Campaign[], byKey: ReadonlyMap<string, Campaign>): Map<string, readonly Campaign[]> {
  const index = new Map<string, Campaign[]>();
  for (const campaign of campaigns) {
    if (!campaign.key) continue;
    const owner = byKey.get(campaign.key) as Campaign;
    for (const identifier of owner.goalsByIdentifier.keys()) {
      if (identifier === '') continue;
      const list = index.get(identifier);
      if (list) list.push(campaign);
      else index.set(identifier, [campaign]);
    }
  }
  return index;
}

function deepFreezeCampaign(campaign: Mutable<Campaign>): void {
  for (const variation of campaign.variations) Object.freeze(variation);
  Object.freeze(campaign.variations);
  Object.freeze(campaign.whitelistable);
  Object.freeze(campaign.goals);
  Object.freeze(campaign);
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) deepFreeze(member);
  }
  return value;
}
