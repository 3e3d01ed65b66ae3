/**
 * The browser build's option checks (tsup.config.ts takes it for `config.ts`): the same options
 * refused, in the same order, so the same field is named; the messages only say what the field
 * takes. test/option-checks.test.ts holds both builds to the same verdicts.
 */
import { isPlainObject } from '../util/types.js';
import { VWOConfigError } from './errors.js';
import { isLogLevel } from './logger.js';
import { checkOptionRules, hasMethods, type OptionRule, isPositiveNumber as positiveMs } from './option-rules.js';
import type { ClientConfig } from './types.js';

const isFunction = (value: unknown) => typeof value === 'function';
const isBoolean = (value: unknown) => typeof value === 'boolean';

const RULES: OptionRule[] = [
  ['settings', (value) => isPlainObject(value) && value.campaignsByKey instanceof Map, 'expected parseSettings(file).settings'],
  [
    'transport',
    (value, config) => (value === undefined ? config.isDevelopmentMode === true : hasMethods(value, 'send')),
    'expected send(request), unless isDevelopmentMode',
  ],
  ['?userStorage', (value) => value === null || hasMethods(value, 'get set'), 'expected get/set methods, or null'],
  ['?logger', (value) => hasMethods(value, 'debug info warn error'), 'expected debug/info/warn/error methods'],
  ['?logLevel', isLogLevel, 'expected debug|info|warn|error|silent'],
  [
    '?batchEvents',
    (value) => {
      if (!isPlainObject(value)) return false;
      const { eventsPerRequest: size, requestTimeInterval: seconds, flushCallback } = value;
      const sized = typeof size === 'number' && size > 0 && size <= 5000;
      return (sized || (typeof seconds === 'number' && seconds >= 1)) && (flushCallback === undefined || isFunction(flushCallback));
    },
    'expected eventsPerRequest 1…5000 or requestTimeInterval ≥ 1',
  ],
  ['?goalTypeToTrack', (value) => ['REVENUE_TRACKING', 'CUSTOM_GOAL', 'ALL'].includes(value), 'expected REVENUE_TRACKING|CUSTOM_GOAL|ALL'],
  ['?shouldTrackReturningUser', isBoolean, 'expected a boolean'],
  ['?isDevelopmentMode', isBoolean, 'expected a boolean'],
  ['?eventIds', isBoolean, 'expected a boolean'],
  ['?eventOutbox', (value) => hasMethods(value, 'restore save remove'), 'expected restore/save/remove methods'],
  ['?integrations', (value) => isPlainObject(value) && isFunction(value.callback), 'expected a callback function'],
  ['?collectorUrl', (value) => typeof value === 'string' && /^https?:\/\/[^\s/?#]+([/?#]\S*)?$/i.test(value), 'expected an http(s) URL'],
  ['?maxPendingEvents', (value) => Number.isInteger(value) && value > 0, 'expected an integer > 0'],
  ['?storageTimeout', positiveMs, 'expected ms > 0'],
  ['?closeTimeout', (value) => typeof value === 'number' && value >= 0, 'expected ms ≥ 0'],
  ['?requestTimeout', positiveMs, 'expected ms > 0'],
  ['?fetchSettings', isFunction, 'expected a function'],
  ['?onClose', isFunction, 'expected a function'],
];

/** Throws a {@link VWOConfigError} naming the first bad option. */
export function validateClientConfig(config: unknown): asserts config is ClientConfig {
  if (!isPlainObject(config)) throw new VWOConfigError('config', 'expected an object');
  checkOptionRules(config, RULES);
}
