/**
 * The browser build's settings validation (tsup.config.ts takes it for `validate.ts`): the same
 * acceptance rules, the same issues at the same paths in the same order, written as field
 * tables, with shorter warning texts. test/settings.test.ts runs on both.
 */
import { rangeStep } from '../bucketing/ranges.js';
import { describeValue, hasOwn, isPlainObject } from '../util/types.js';
import type { SettingsIssue } from './issues.js';
import type { ValidationReport } from './validate.js';

type Json = Record<string, unknown>;

const isNumber = (v: unknown) => typeof v === 'number' && !Number.isNaN(v);
/** superstruct 0.10's `object()`: any non-null object, arrays included. */
const isObjectLike = (v: unknown) => typeof v === 'object' && v !== null;

/** Each field's check and its description, by type code: upper case marks a required field. */
const TYPES: Record<string, [check: (v: unknown) => boolean, expected: string]> = {
  n: [isNumber, 'a number'],
  s: [(v) => typeof v === 'string', 'a string'],
  b: [(v) => typeof v === 'boolean', 'a boolean'],
  o: [isObjectLike, 'an object or an array'],
  x: [(v) => isNumber(v) || typeof v === 'string', 'a number or a string'],
};
const FILE_FIELDS = 'sdkKey:s version:X accountId:X isEventArchEnabled:b collectionPrefix:s groups:o';
const CAMPAIGN_FIELDS =
  'id:X key:S status:S type:S percentTraffic:N segments:O goals:O variations:O variables:o name:s ' +
  'isBucketingSeedEnabled:b isForcedVariationEnabled:b isUserListEnabled:b isMAB:b';

/** Validates the JSON copy of a settings file (after 1.73.0's `campaigns` defaulting). */
export function validateSettings(file: unknown): ValidationReport {
  const errors: SettingsIssue[] = [];
  const warnings: SettingsIssue[] = [];
  const error = (path: string, message: string) => errors.push({ path, message });
  const warn = (path: string, message: string) => warnings.push({ path, message });
  const fields = (owner: Json, list: string, base: string) => {
    for (const field of list.split(' ')) {
      const [key, code] = field.split(':') as [string, string];
      const [check, expected] = TYPES[code.toLowerCase()] as [(v: unknown) => boolean, string];
      const value = owner[key];
      const path = base ? `${base}.${key}` : key;
      if (value === undefined) {
        if (code < 'a') error(path, `is required (${expected})`);
      } else if (!check(value)) error(path, `expected ${expected}, got ${describeValue(value)}`);
    }
  };

  if (!isPlainObject(file)) {
    error('', `expected a settings object, got ${describeValue(file)}`);
    return { errors, warnings };
  }
  fields(file, FILE_FIELDS, '');
  const { campaignGroups, groups, campaigns } = file;
  if (campaignGroups !== undefined) {
    // superstruct's record() takes any non-null object, arrays included.
    if (!isObjectLike(campaignGroups)) error('campaignGroups', `expected an object, got ${describeValue(campaignGroups)}`);
    else
      for (const [id, groupId] of Object.entries(campaignGroups as object)) {
        if (!isNumber(groupId)) error(`campaignGroups.${id}`, `expected a number, got ${describeValue(groupId)}`);
      }
  }
  if (!Array.isArray(campaigns)) {
    error('campaigns', `expected an array, got ${describeValue(campaigns)}`);
    return { errors, warnings };
  }
  const firstIndexOfKey = new Map<string, number>();
  campaigns.forEach((campaign, index) => {
    const path = `campaigns[${index}]`;
    if (!isPlainObject(campaign)) {
      error(path, `expected an object, got ${describeValue(campaign)}`);
      return;
    }
    fields(campaign, CAMPAIGN_FIELDS, path);
    const { key, status, goals, variations } = campaign;
    if (typeof status === 'string' && status !== 'RUNNING' && status.toUpperCase() === 'RUNNING') {
      warn(`${path}.status`, 'not "RUNNING": not running');
    }
    if (isObjectLike(goals) && !Array.isArray(goals)) warn(`${path}.goals`, 'not an array: no goal tracked');
    if (Array.isArray(variations)) checkVariations(variations, `${path}.variations`, error, warn);
    else if (isObjectLike(variations)) warn(`${path}.variations`, 'not an array: no variation');
    if (typeof key === 'string') {
      const first = firstIndexOfKey.get(key);
      if (first === undefined) firstIndexOfKey.set(key, index);
      else warn(`${path}.key`, `duplicate: campaigns[${first}] wins`);
    }
  });
  if (isObjectLike(campaignGroups)) {
    for (const [id, groupId] of Object.entries(campaignGroups as object)) {
      if (!groupId) continue;
      const group = isObjectLike(groups) ? (groups as Json)[String(groupId)] : undefined;
      const at = `groups.${String(groupId)}`;
      if (!isObjectLike(group)) warn(`campaignGroups.${id}`, `${at} undefined: decisions fail`);
      else if (!Array.isArray((group as Json).campaigns)) warn(`${at}.campaigns`, 'not an array: decisions fail');
      else if (!hasOwn(group as object, 'name')) warn(`${at}.name`, 'is missing');
    }
  }
  return { errors, warnings };
}

type Report = (path: string, message: string) => void;

function checkVariations(variations: readonly unknown[], path: string, error: Report, warn: Report): void {
  let total = 0;
  variations.forEach((variation, index) => {
    const at = `${path}[${index}]`;
    // 1.73.0 does not validate variations but fails at launch on one that is not an object.
    if (!isPlainObject(variation)) {
      error(at, `expected an object, got ${describeValue(variation)}`);
      return;
    }
    const { id, name, weight } = variation;
    if (id === undefined) warn(`${at}.id`, 'is missing: no combination id');
    if (typeof name !== 'string' || name === '') warn(`${at}.name`, `got ${describeValue(name)}: never returned`);
    if (typeof weight === 'string') {
      const numeric = weight.trim() !== '' && Number.isFinite(Number(weight));
      warn(`${at}.weight`, `got ${describeValue(weight)}: ${numeric ? 'read as a number' : 'this and later variations unreachable'}`);
    } else if (weight != null && typeof weight !== 'number') warn(`${at}.weight`, `got ${describeValue(weight)}`);
    total += rangeStep(weight) || 0;
  });
  // Judged on the ceil'ed ranges, as bucketing uses them: 3 × 33.3333 covers 1…10002, no gap.
  if (variations.length > 0 && total < 10000) warn(path, `ranges cover 1…${total} of 10000`);
  else if (total > 10100) warn(path, `ranges reach ${total}`);
}
