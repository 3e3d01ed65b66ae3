/**
 * The acceptance rules of vwo-node-sdk 1.73.0's settings schema (settings-file.md §7), checked
 * field by field so that every bad path is reported, not only the first. Where 1.73.0 accepts
 * something odd we accept it too and add a warning instead.
 */
import { rangeStep } from '../bucketing/ranges.js';
import { describeValue, hasOwn, isPlainObject } from '../util/types.js';
import type { SettingsIssue } from './issues.js';

type Check = (value: unknown) => boolean;

const isNumber: Check = (v) => typeof v === 'number' && !Number.isNaN(v);
const isString: Check = (v) => typeof v === 'string';
const isBoolean: Check = (v) => typeof v === 'boolean';
/** superstruct 0.10's `object()`: any non-null object, arrays included. */
const isObjectLike: Check = (v) => typeof v === 'object' && v !== null;
const isNumberOrString: Check = (v) => isNumber(v) || isString(v);

const EXPECTED: ReadonlyMap<Check, string> = new Map([
  [isNumber, 'a number'],
  [isString, 'a string'],
  [isBoolean, 'a boolean'],
  [isObjectLike, 'an object or an array'],
  [isNumberOrString, 'a number or a string'],
]);

export interface ValidationReport {
  readonly errors: SettingsIssue[];
  readonly warnings: SettingsIssue[];
}

class Collector implements ValidationReport {
  readonly errors: SettingsIssue[] = [];
  readonly warnings: SettingsIssue[] = [];

  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }

  required(owner: Record<string, unknown>, key: string, base: string, check: Check): void {
    const value = owner[key];
    if (value === undefined) this.error(join(base, key), `is required (${EXPECTED.get(check)})`);
    else if (!check(value)) this.mismatch(join(base, key), check, value);
  }

  optional(owner: Record<string, unknown>, key: string, base: string, check: Check): void {
    const value = owner[key];
    if (value !== undefined && !check(value)) this.mismatch(join(base, key), check, value);
  }

  mismatch(path: string, check: Check, value: unknown): void {
    this.error(path, `expected ${EXPECTED.get(check)}, got ${describeValue(value)}`);
  }
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

/** Validates the JSON copy of a settings file (after 1.73.0's `campaigns` defaulting). */
export function validateSettings(file: unknown): ValidationReport {
  const report = new Collector();
  if (!isPlainObject(file)) {
    report.error('', `expected a settings object, got ${describeValue(file)}`);
    return report;
  }
  report.optional(file, 'sdkKey', '', isString);
  report.required(file, 'version', '', isNumberOrString);
  report.required(file, 'accountId', '', isNumberOrString);
  report.optional(file, 'isEventArchEnabled', '', isBoolean);
  report.optional(file, 'collectionPrefix', '', isString);
  report.optional(file, 'groups', '', isObjectLike);
  validateCampaignGroups(file.campaignGroups, report);

  const campaigns = file.campaigns;
  if (!Array.isArray(campaigns)) {
    report.error('campaigns', `expected an array of campaigns, got ${describeValue(campaigns)}`);
    return report;
  }
  const firstIndexOfKey = new Map<string, number>();
  campaigns.forEach((campaign, index) => {
    const path = `campaigns[${index}]`;
    if (!isPlainObject(campaign)) {
      report.error(path, `expected a campaign object, got ${describeValue(campaign)}`);
      return;
    }
    validateCampaign(campaign, path, report);
    if (typeof campaign.key === 'string') {
      const first = firstIndexOfKey.get(campaign.key);
      if (first === undefined) firstIndexOfKey.set(campaign.key, index);
      else report.warn(`${path}.key`, `duplicate campaign key ${JSON.stringify(campaign.key)}: campaigns[${first}] wins every lookup`);
    }
  });
  validateGroupReferences(file, report);
  return report;
}

function validateCampaignGroups(value: unknown, report: Collector): void {
  if (value === undefined) return;
  // superstruct's record() takes any non-null object, arrays included.
  if (!isObjectLike(value)) {
    report.error('campaignGroups', `expected an object of campaign id → group id, got ${describeValue(value)}`);
    return;
  }
  for (const [campaignId, groupId] of Object.entries(value as object)) {
    if (!isNumber(groupId)) report.error(`campaignGroups.${campaignId}`, `expected a number (group id), got ${describeValue(groupId)}`);
  }
}

function validateCampaign(campaign: Record<string, unknown>, path: string, report: Collector): void {
  report.required(campaign, 'id', path, isNumberOrString);
  report.required(campaign, 'key', path, isString);
  report.required(campaign, 'status', path, isString);
  report.required(campaign, 'type', path, isString);
  report.required(campaign, 'percentTraffic', path, isNumber);
  report.required(campaign, 'segments', path, isObjectLike);
  report.required(campaign, 'goals', path, isObjectLike);
  report.required(campaign, 'variations', path, isObjectLike);
  report.optional(campaign, 'variables', path, isObjectLike);
  report.optional(campaign, 'name', path, isString);
  for (const flag of ['isBucketingSeedEnabled', 'isForcedVariationEnabled', 'isUserListEnabled', 'isMAB']) {
    report.optional(campaign, flag, path, isBoolean);
  }

  if (typeof campaign.status === 'string' && campaign.status !== 'RUNNING' && campaign.status.toUpperCase() === 'RUNNING') {
    report.warn(`${path}.status`, `${JSON.stringify(campaign.status)} is not "RUNNING": the campaign is treated as not running`);
  }
  if (isObjectLike(campaign.goals) && !Array.isArray(campaign.goals)) {
    report.warn(`${path}.goals`, 'is an object, not an array: no goal of this campaign can be tracked');
  }
  const variations = campaign.variations;
  if (isObjectLike(variations) && !Array.isArray(variations)) {
    report.warn(`${path}.variations`, 'is an object, not an array: the campaign has no reachable variation');
  } else if (Array.isArray(variations)) {
    validateVariations(variations, `${path}.variations`, report);
  }
}

function validateVariations(variations: readonly unknown[], path: string, report: Collector): void {
  let total = 0;
  variations.forEach((variation, index) => {
    const at = `${path}[${index}]`;
    // 1.73.0 does not validate variations but fails at launch on one that is not an object.
    if (!isPlainObject(variation)) {
      report.error(at, `expected a variation object, got ${describeValue(variation)}`);
      return;
    }
    if (variation.id === undefined) report.warn(`${at}.id`, 'is missing: events for this variation carry no combination id');
    if (typeof variation.name !== 'string' || variation.name === '') {
      report.warn(`${at}.name`, `expected a non-empty string, got ${describeValue(variation.name)}: the variation can never be returned`);
    }
    const weight = variation.weight;
    if (typeof weight === 'string') {
      const numeric = weight.trim() !== '' && Number.isFinite(Number(weight));
      report.warn(
        `${at}.weight`,
        numeric
          ? `expected a number, got ${describeValue(weight)} (used as a number, as vwo-node-sdk does)`
          : `expected a number, got ${describeValue(weight)}: this and every later variation are unreachable`,
      );
    } else if (weight !== undefined && weight !== null && typeof weight !== 'number') {
      report.warn(`${at}.weight`, `expected a number, got ${describeValue(weight)}`);
    }
    total += rangeStep(weight) || 0;
  });
  // Judged on the ceil'ed ranges, as bucketing uses them: 3 × 33.3333 covers 1…10002, no gap.
  if (variations.length > 0 && total < 10000) {
    report.warn(path, `ranges cover buckets 1…${total} of 10000: users in the gap get no variation`);
  } else if (total > 10100) {
    report.warn(path, `ranges reach bucket ${total}: weights add up to more than 100`);
  }
}

function validateGroupReferences(file: Record<string, unknown>, report: Collector): void {
  const campaignGroups = file.campaignGroups;
  if (!isObjectLike(campaignGroups)) return;
  const groups = file.groups;
  for (const [campaignId, groupId] of Object.entries(campaignGroups as object)) {
    if (!groupId) continue;
    const group = isObjectLike(groups) ? (groups as Record<string, unknown>)[String(groupId)] : undefined;
    if (!isObjectLike(group)) {
      report.warn(
        `campaignGroups.${campaignId}`,
        `group ${String(groupId)} is not defined in groups: every decision for this campaign fails`,
      );
    } else if (!Array.isArray((group as Record<string, unknown>).campaigns)) {
      report.warn(`groups.${String(groupId)}.campaigns`, 'expected an array of campaign ids: decisions that reach the group fail');
    } else if (!hasOwn(group as object, 'name')) {
      report.warn(`groups.${String(groupId)}.name`, 'is missing');
    }
  }
}
