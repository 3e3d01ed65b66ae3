/**
 * The browser build's settings parser (tsup.config.ts takes it for `parse.ts`): 1.73.0's
 * acceptance rules (validate.ts) and the model (parse.ts) in one walk over the file, the fields
 * checked from type tables, warnings worded shortly. The same issues at the same paths in the
 * same order, and the same model: test/settings-builds.test.ts compares the two on generated files.
 */
import { allocateRanges, rangeStep } from '../bucketing/ranges.js';
import { compileSegment, hasSegmentConditions } from '../segments/index.js';
import { hasOwn, isPlainObject } from '../util/types.js';
import { buildCampaign } from './campaign.js';
import { type SettingsIssue, SettingsValidationError } from './issues.js';
import type { Campaign, Group, Settings, Variation } from './model.js';
import type { ParseResult } from './parse.js';

export type { ParseResult } from './parse.js';

// biome-ignore lint/suspicious/noExplicitAny: the JSON copy is read field by field, each checked where it is used.
type Json = Record<string, any>;

const isNumber = (v: unknown) => typeof v === 'number' && !Number.isNaN(v);
/** A value of the JSON copy as it reads in the file, cut to one short line (`nothing` for a missing field). */
const shown = (v: unknown) => (v === undefined ? 'nothing' : (JSON.stringify(v) as string).slice(0, 40));
/** superstruct 0.10's `object()`: any non-null object, arrays included. */
const isObjectLike = (v: unknown): v is object => typeof v === 'object' && v !== null;

/** Each field's check and its description, by type code: upper case marks a required field. */
const TYPES: Record<string, [check: (v: unknown) => boolean, expected: string]> = {
  n: [isNumber, 'a number'],
  s: [(v) => typeof v === 'string', 'a string'],
  b: [(v) => typeof v === 'boolean', 'a boolean'],
  // superstruct 0.10's `object()` and `record()` take arrays too.
  o: [isObjectLike, 'an object'],
  x: [(v) => isNumber(v) || typeof v === 'string', 'a number or a string'],
  a: [Array.isArray, 'an array'],
};
const FILE_FIELDS = 'sdkKey:s version:X accountId:X isEventArchEnabled:b collectionPrefix:s groups:o campaignGroups:o';
const CAMPAIGN_FIELDS =
  'id:X key:S status:S type:S percentTraffic:N segments:O goals:O variations:O variables:o name:s ' +
  'isBucketingSeedEnabled:b isForcedVariationEnabled:b isUserListEnabled:b isMAB:b';

/**
 * Validates a VWO settings file and builds the immutable, indexed model every decision reads,
 * accepting exactly what vwo-node-sdk 1.73.0 accepts; never throws.
 */
export function parseSettings(input: unknown): ParseResult {
  const errors: SettingsIssue[] = [];
  const warnings: SettingsIssue[] = [];
  const error = (path: string, message: string) => void errors.push({ path, message });
  const warn = (path: string, message: string) => warnings.push({ path, message });
  /** Checks each `key:code` field of `list` (a key may hold colons: the code follows the last). */
  const fields = (owner: Json, list: string[], base: string) => {
    for (const field of list) {
      const key = field.slice(0, field.lastIndexOf(':'));
      const code = field.slice(key.length + 1);
      const [check, expected] = TYPES[code.toLowerCase()] as [(v: unknown) => boolean, string];
      const value = owner[key];
      // A required field left out is reported as any other bad value: `got nothing`.
      if ((value !== undefined || code < 'a') && !check(value)) {
        error(base ? `${base}.${key}` : key, `expected ${expected}, got ${shown(value)}`);
      }
    }
  };
  const failed = () => ({ ok: false as const, error: new SettingsValidationError(errors) });

  let copy: unknown;
  try {
    // The JSON round trip 1.73.0 makes: drops `undefined` and functions, turns `NaN` into `null`.
    copy = typeof input === 'string' ? input : JSON.parse(JSON.stringify(input) ?? '""');
  } catch (thrown) {
    error('', `cannot be copied as JSON (${(thrown as Error).message})`);
    return failed();
  }
  if (!isPlainObject(copy)) {
    error('', `expected a settings object, got ${shown(copy)}`);
    return failed();
  }
  const file: Json = copy;
  // 1.73.0 turns a missing or object-valued `campaigns` into [] before validating.
  if (!file.campaigns || isPlainObject(file.campaigns)) file.campaigns = [];
  const { campaignGroups, groups, campaigns, isNB, isNBv2, accountId } = file;
  fields(file, FILE_FIELDS.split(' '), '');
  if (isObjectLike(campaignGroups))
    fields(
      campaignGroups,
      Object.keys(campaignGroups).map((id) => `${id}:n`),
      'campaignGroups',
    );
  fields(file, ['campaigns:A'], '');
  if (!Array.isArray(campaigns)) return failed();

  const flags = { isNB: Boolean(isNB), isNBv2: Boolean(isNBv2), accountId };
  const byKey = new Map<string, Campaign>();
  // A campaign that is not an object leaves a hole, and the file is refused before the model is read.
  const built = campaigns.map((raw: unknown, index) => {
    const path = `campaigns[${index}]`;
    if (!isPlainObject(raw)) return error(path, `expected an object, got ${shown(raw)}`);
    fields(raw, CAMPAIGN_FIELDS.split(' '), path);
    const { key, status, goals, variations } = raw as Json;
    if (typeof status === 'string' && status !== 'RUNNING' && status.toUpperCase() === 'RUNNING') {
      warn(`${path}.status`, `got ${shown(status)}: not running`);
    }
    if (isObjectLike(goals) && !Array.isArray(goals)) warn(`${path}.goals`, 'not an array: no goals');
    const variationList = Array.isArray(variations) ? buildVariations(variations, `${path}.variations`) : [];
    if (isObjectLike(variations) && !Array.isArray(variations)) warn(`${path}.variations`, 'not an array: no variations');
    const first = byKey.get(key);
    if (typeof key === 'string' && first) warn(`${path}.key`, `duplicate: campaigns[${first.index}] wins`);

    // Once the file is refused, its warnings and model are not returned: nothing more to build.
    if (errors.length > 0) return undefined;
    const campaign = buildCampaign(raw, index, flags, variationList);
    if (!first) byKey.set(key, campaign);
    return campaign;
  }) as Json[];

  /** Variations with their ranges; the ranges are judged on the ceil'ed steps, as bucketing uses them (3 × 33.3333 covers 1…10002, no gap). */
  function buildVariations(list: unknown[], path: string): Variation[] {
    const ranges = allocateRanges(list.map((v) => (v as Json)?.weight));
    let total = 0;
    const out = list.map((v, index) => {
      const at = `${path}[${index}]`;
      // 1.73.0 does not validate variations but fails at launch on one that is not an object.
      if (!isPlainObject(v)) return error(at, `expected an object, got ${shown(v)}`);
      const { id, name, weight } = v;
      if (id === undefined) warn(`${at}.id`, 'is missing');
      if (typeof name !== 'string' || name === '') warn(`${at}.name`, `got ${shown(name)}: never returned`);
      if (typeof weight === 'string') {
        const numeric = weight.trim() !== '' && Number.isFinite(Number(weight));
        warn(`${at}.weight`, `got ${shown(weight)}: ${numeric ? 'read as a number' : 'this and later ones unreachable'}`);
      } else if (weight != null && typeof weight !== 'number') warn(`${at}.weight`, `got ${shown(weight)}`);
      total += rangeStep(weight) || 0;
      const { start, end } = ranges[index] as { start: number; end: number };
      return Object.freeze({
        index,
        id,
        name,
        weight,
        start,
        end,
        isFeatureEnabled: Boolean(v.isFeatureEnabled),
        variables: Array.isArray(v.variables) ? v.variables : undefined,
        whitelist: hasSegmentConditions(v.segments) ? compileSegment(v.segments) : undefined,
        raw: v,
      });
    });
    if (list.length > 0 && total < 10000) warn(path, `ranges cover 1…${total} of 10000`);
    else if (total > 10100) warn(path, `ranges reach ${total}`);
    return out as Variation[];
  }

  if (errors.length > 0) return failed();

  // Groups as 1.73.0 reads them at decision time: what it would fail on is kept, and warned about.
  const resolved = new Map<unknown, Group | undefined>();
  for (const [id, groupId] of Object.entries(isObjectLike(campaignGroups) ? campaignGroups : {})) {
    if (!groupId) continue; // a group id of 0 means "no group" in 1.73.0
    // Group ids are numbers by now (checked above): as a text and as a key, they read as String() writes them.
    const at = `groups.${groupId}`;
    const definition = groups?.[groupId];
    const { campaigns: ids, name, et, p, wt } = definition ?? {};
    if (!isObjectLike(definition)) warn(`campaignGroups.${id}`, `${at} undefined: decisions fail`);
    else if (!Array.isArray(ids)) warn(`${at}.campaigns`, 'not an array: decisions fail');
    else if (!hasOwn(definition, 'name')) warn(`${at}.name`, 'is missing');
    if (!resolved.has(groupId)) {
      const members = Array.isArray(ids)
        ? ids.flatMap((memberId) => built.find((c) => Number.parseInt(c.id, 10) === Number.parseInt(memberId, 10)) ?? [])
        : undefined;
      const group = {
        id: groupId,
        name,
        members: members && Object.freeze(members),
        randomAlgorithm: et === undefined || et === 1,
        priority: p,
        weights: wt,
      };
      resolved.set(groupId, definition == null ? undefined : Object.freeze(group));
    }
    const group = resolved.get(groupId);
    for (const campaign of built) if (String(campaign.id) === id) campaign.membership = { group, broken: !group };
  }

  const goalIndex = new Map<string, Campaign[]>();
  for (const campaign of built) {
    // Like 1.73.0, a campaign's goals are looked up through its key: a duplicate key sees the first campaign's goals.
    for (const identifier of campaign.key ? (byKey.get(campaign.key) as Campaign).goalsByIdentifier.keys() : []) {
      if (identifier === '') continue;
      const list = goalIndex.get(identifier);
      if (list) list.push(campaign as Campaign);
      else goalIndex.set(identifier, [campaign as Campaign]);
    }
    for (const part of [campaign.variations, campaign.whitelistable, campaign.goals, campaign]) Object.freeze(part);
  }
  const settings: Settings = Object.freeze({
    accountId,
    version: file.version,
    sdkKey: file.sdkKey,
    isNB: flags.isNB,
    isNBv2: flags.isNBv2,
    isEventArchEnabled: file.isEventArchEnabled === true,
    collectionPrefix: file.collectionPrefix,
    campaigns: Object.freeze(built as Campaign[]),
    campaignsByKey: byKey,
    campaignsByGoal: goalIndex,
    raw: deepFreeze(file),
  });
  return { ok: true, settings, warnings: Object.freeze(warnings) };
}

function deepFreeze<T>(value: T): T {
  if (isObjectLike(value) && !Object.isFrozen(value)) Object.values(Object.freeze(value)).forEach(deepFreeze);
  return value;
}
