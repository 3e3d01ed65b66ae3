/**
 * The browser build's launch option checks (tsup.config.ts takes it for `launch-options.ts`):
 * the same options refused in the same order, as rules, with shorter messages.
 */
import { VWOConfigError } from '../client/errors.js';
import { checkOptionRules, isPositiveNumber, type OptionRule } from '../client/option-rules.js';

export type { SettingsSourceOptions } from './launch-options.js';

const isId = (value: unknown) => (typeof value === 'number' ? Number.isFinite(value) : typeof value === 'string' && value !== '');
const isKey = (value: unknown) => typeof value === 'string' && value !== '';

/** Throws a {@link VWOConfigError} naming the first bad option of where the settings come from. */
export function checkSettingsSource(options: Record<string, unknown>, pollingNeedsSdkKey = true): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new VWOConfigError('config', 'expected an object');
  const rules: OptionRule[] = [
    ['accountId', (value, { settingsFile }) => settingsFile !== undefined || value !== undefined, 'is required without settingsFile'],
    ['sdkKey', (value, { settingsFile }) => settingsFile !== undefined || isKey(value), 'is required without settingsFile'],
    ['?settingsFile', (value) => typeof value !== 'string', 'expected an object (JSON.parse it)'],
    ['?accountId', isId, 'expected a number or a non-empty string'],
    ['?sdkKey', (value) => typeof value === 'string', 'expected a string'],
    ['?pollingInterval', (value) => typeof value === 'number' && value >= 1000 && value < Infinity, 'expected ms ≥ 1000'],
    [
      'sdkKey',
      (value, { pollingInterval, settingsFile }) =>
        pollingInterval === undefined || !pollingNeedsSdkKey || isKey(value ?? settingsFile?.sdkKey),
      'is required for polling',
    ],
    ['?requestTimeout', isPositiveNumber, 'expected ms > 0'],
  ];
  checkOptionRules(options, rules);
}
