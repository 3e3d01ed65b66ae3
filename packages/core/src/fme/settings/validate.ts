/**
 * The acceptance rules of vwo-fme-node-sdk 1.35.0's settings schema (fme/settings.md §7): a
 * superstruct 0.14 `type()` tree, so unknown keys are allowed everywhere and `object()` means
 * any non-null object (arrays included). Checked field by field so that every bad path is
 * reported, not only the first.
 */

import type { SettingsIssue } from '../../settings/issues.js';
import { describeValue } from '../../util/types.js';

type Check = (value: unknown) => boolean;

// superstruct's number() refuses NaN; JSON cannot carry one, a caller's object can.
const isNumber: Check = (v) => typeof v === 'number' && !Number.isNaN(v);
const isString: Check = (v) => typeof v === 'string';
const isBoolean: Check = (v) => typeof v === 'boolean';
/** superstruct 0.14's `object()` and `type()`: any non-null object, arrays included. */
const isObjectLike: Check = (v) => typeof v === 'object' && v !== null;
const isNumberOrString: Check = (v) => isNumber(v) || isString(v);
const isVariableValue: Check = (v) => isNumber(v) || isString(v) || isBoolean(v) || isObjectLike(v);

const EXPECTED: ReadonlyMap<Check, string> = new Map([
  [isNumber, 'a number'],
  [isString, 'a string'],
  [isBoolean, 'a boolean'],
  [isObjectLike, 'an object'],
  [isNumberOrString, 'a number or a string'],
  [isVariableValue, 'a number, a string, a boolean or an object'],
]);

type Owner = Record<string, unknown>;

class Collector {
  readonly issues: SettingsIssue[] = [];

  error(path: string, message: string): void {
    this.issues.push({ path, message });
  }

  required(owner: Owner, key: string, base: string, check: Check): void {
    const value = owner[key];
    if (value === undefined) this.error(join(base, key), `is required (${EXPECTED.get(check)})`);
    else if (!check(value)) this.mismatch(join(base, key), check, value);
  }

  optional(owner: Owner, key: string, base: string, check: Check): void {
    const value = owner[key];
    if (value !== undefined && !check(value)) this.mismatch(join(base, key), check, value);
  }

  mismatch(path: string, check: Check, value: unknown): void {
    this.error(path, `expected ${EXPECTED.get(check)}, got ${describeValue(value)}`);
  }

  /** A required (or optional) array whose every element is checked by `each`. */
  list(owner: Owner, key: string, base: string, required: boolean, each: (item: Owner, path: string) => void): void {
    const value = owner[key];
    const path = join(base, key);
    if (value === undefined) {
      if (required) this.error(path, 'is required (an array)');
      return;
    }
    if (!Array.isArray(value)) {
      this.error(path, `expected an array, got ${describeValue(value)}`);
      return;
    }
    value.forEach((item: unknown, index) => {
      const itemPath = `${path}[${index}]`;
      if (!isObjectLike(item)) this.error(itemPath, `expected an object, got ${describeValue(item)}`);
      else each(item as Owner, itemPath);
    });
  }
}

function join(base: string, key: string): string {
  return base ? `${base}.${key}` : key;
}

/** Every field of an FME settings file that 1.35.0's validator refuses; empty when it accepts the file. */
export function validateFmeSettings(file: unknown): SettingsIssue[] {
  const report = new Collector();
  if (!isObjectLike(file) || Array.isArray(file)) {
    // superstruct would accept an array here and then miss `version`; one issue says it better.
    report.error('', `expected a settings object, got ${describeValue(file)}`);
    return report.issues;
  }
  const top = file as Owner;
  report.optional(top, 'sdkKey', '', isString);
  report.required(top, 'version', '', isNumberOrString);
  report.required(top, 'accountId', '', isNumberOrString);
  report.optional(top, 'usageStatsAccountId', '', isNumber);
  report.list(top, 'features', '', false, (feature, path) => validateFeature(feature, path, report));
  report.list(top, 'campaigns', '', true, (campaign, path) => validateCampaign(campaign, path, report));
  report.optional(top, 'groups', '', isObjectLike);
  report.optional(top, 'campaignGroups', '', isObjectLike);
  report.optional(top, 'collectionPrefix', '', isString);
  validateSdkMetaInfo(top.sdkMetaInfo, report);
  report.optional(top, 'pollInterval', '', isNumber);
  return report.issues;
}

/** `sdkMetaInfo` is the one strict `object({...})` of the schema: unknown keys are refused. */
function validateSdkMetaInfo(value: unknown, report: Collector): void {
  if (value === undefined) return;
  if (!isObjectLike(value)) {
    report.mismatch('sdkMetaInfo', isObjectLike, value);
    return;
  }
  const info = value as Owner;
  report.optional(info, 'wasInitializedEarlier', 'sdkMetaInfo', isBoolean);
  for (const key of Object.keys(info)) {
    if (key !== 'wasInitializedEarlier') report.error(`sdkMetaInfo.${key}`, 'is not allowed (only wasInitializedEarlier)');
  }
}

function validateFeature(feature: Owner, path: string, report: Collector): void {
  report.required(feature, 'id', path, isNumberOrString);
  report.required(feature, 'key', path, isString);
  report.required(feature, 'status', path, isString);
  report.required(feature, 'name', path, isString);
  report.required(feature, 'type', path, isString);
  report.list(feature, 'metrics', path, true, (metric, at) => validateMetric(metric, at, report));
  report.optional(feature, 'impactCampaign', path, isObjectLike);
  report.list(feature, 'rules', path, false, (rule, at) => {
    report.required(rule, 'type', at, isString);
    report.required(rule, 'ruleKey', at, isString);
    report.required(rule, 'campaignId', at, isNumber);
    report.optional(rule, 'variationId', at, isNumber);
  });
  report.list(feature, 'variables', path, false, (variable, at) => validateVariable(variable, at, report));
}

function validateMetric(metric: Owner, path: string, report: Collector): void {
  report.required(metric, 'id', path, isNumberOrString);
  report.required(metric, 'type', path, isString);
  report.required(metric, 'identifier', path, isString);
  report.optional(metric, 'mca', path, isNumberOrString);
  report.optional(metric, 'hasProps', path, isBoolean);
  report.optional(metric, 'revenueProp', path, isString);
}

function validateVariable(variable: Owner, path: string, report: Collector): void {
  report.required(variable, 'id', path, isNumberOrString);
  report.required(variable, 'type', path, isString);
  report.required(variable, 'key', path, isString);
  report.required(variable, 'value', path, isVariableValue);
}

function validateCampaign(campaign: Owner, path: string, report: Collector): void {
  report.required(campaign, 'id', path, isNumberOrString);
  report.required(campaign, 'type', path, isString);
  report.required(campaign, 'key', path, isString);
  report.optional(campaign, 'percentTraffic', path, isNumber);
  report.required(campaign, 'status', path, isString);
  report.list(campaign, 'variations', path, true, (variation, at) => {
    report.required(variation, 'id', at, isNumberOrString);
    report.required(variation, 'name', at, isString);
    report.required(variation, 'weight', at, isNumberOrString);
    report.optional(variation, 'segments', at, isObjectLike);
    report.list(variation, 'variables', at, false, (variable, vat) => validateVariable(variable, vat, report));
    report.optional(variation, 'startRangeVariation', at, isNumber);
    report.optional(variation, 'endRangeVariation', at, isNumber);
    report.optional(variation, 'salt', at, isString);
  });
  report.required(campaign, 'segments', path, isObjectLike);
  report.optional(campaign, 'isForcedVariationEnabled', path, isBoolean);
  report.optional(campaign, 'isAlwaysCheckSegment', path, isBoolean);
  report.required(campaign, 'name', path, isString);
  report.optional(campaign, 'salt', path, isString);
}
