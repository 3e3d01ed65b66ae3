import { isPlainObject } from '../util/types.js';
import { VWOConfigError } from './errors.js';
import { isLogLevel } from './logger.js';
import type { ClientConfig } from './types.js';

const GOAL_TYPES = ['REVENUE_TRACKING', 'CUSTOM_GOAL', 'ALL'];
const MAX_EVENTS_PER_REQUEST = 5000;

type Test = (value: unknown) => boolean;

const isFunction: Test = (value) => typeof value === 'function';
const isBoolean: Test = (value) => typeof value === 'boolean';
const positive: Test = (value) => typeof value === 'number' && value > 0 && Number.isFinite(value);
const withMethods =
  (...names: string[]): Test =>
  (value) =>
    typeof value === 'object' && value !== null && names.every((name) => isFunction((value as Record<string, unknown>)[name]));

/** 1.73.0 accepts `batchEvents` with a usable size or interval (settings-file.md §8). */
function batchEventsOk(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const { eventsPerRequest, requestTimeInterval, flushCallback } = value;
  const sizeOk = typeof eventsPerRequest === 'number' && eventsPerRequest > 0 && eventsPerRequest <= MAX_EVENTS_PER_REQUEST;
  const intervalOk = typeof requestTimeInterval === 'number' && requestTimeInterval >= 1;
  return (sizeOk || intervalOk) && (flushCallback === undefined || isFunction(flushCallback));
}

/** An absolute http(s) URL with a host (the core has no `URL` type to lean on in every runtime). */
function urlOk(value: unknown): boolean {
  return typeof value === 'string' && /^https?:\/\/[^\s/?#]+(?:[/?#]\S*)?$/i.test(value);
}

/** The options that may be left out, in the order they are checked; each one's test and what it expects. */
const OPTIONAL: [field: keyof ClientConfig, ok: Test, expected: string][] = [
  ['logger', /* @__PURE__ */ withMethods('debug', 'info', 'warn', 'error'), 'an object with debug, info, warn and error methods'],
  ['logLevel', isLogLevel, "one of 'debug', 'info', 'warn', 'error', 'silent'"],
  [
    'batchEvents',
    batchEventsOk,
    'an object with eventsPerRequest in 1…5000 or requestTimeInterval ≥ 1 (seconds), and flushCallback a function if given',
  ],
  ['goalTypeToTrack', (value) => GOAL_TYPES.includes(value as string), 'REVENUE_TRACKING, CUSTOM_GOAL or ALL'],
  ['shouldTrackReturningUser', isBoolean, 'a boolean'],
  ['isDevelopmentMode', isBoolean, 'a boolean'],
  ['eventIds', isBoolean, 'a boolean'],
  ['eventOutbox', /* @__PURE__ */ withMethods('restore', 'save', 'remove'), 'an object with restore(), save(key, entry) and remove(key)'],
  ['integrations', (value) => isPlainObject(value) && isFunction(value.callback), 'an object with a callback function'],
  ['collectorUrl', urlOk, 'an http(s) URL'],
  ['maxPendingEvents', (value) => Number.isInteger(value) && (value as number) > 0, 'a positive integer'],
  ['storageTimeout', positive, 'a positive number of milliseconds'],
  ['closeTimeout', (value) => typeof value === 'number' && value >= 0, 'a number of milliseconds ≥ 0'],
  ['requestTimeout', positive, 'a positive number of milliseconds'],
  ['fetchSettings', isFunction, 'a function'],
  ['onClose', isFunction, 'a function'],
];

/** Throws a {@link VWOConfigError} naming the first bad option. */
export function validateClientConfig(config: unknown): asserts config is ClientConfig {
  const refuse = (field: string, expected: string): never => {
    throw new VWOConfigError(field, `expected ${expected}`);
  };
  if (!isPlainObject(config)) refuse('config', 'an object of options');
  const c = config as unknown as ClientConfig;
  if (!(isPlainObject(c.settings) && c.settings.campaignsByKey instanceof Map))
    refuse('settings', 'the parsed settings (parseSettings(file).settings)');
  if (c.transport === undefined ? c.isDevelopmentMode !== true : !withMethods('send')(c.transport))
    refuse('transport', 'an object with send(request) (required unless isDevelopmentMode)');
  if (c.userStorage != null && !withMethods('get', 'set')(c.userStorage))
    refuse('userStorage', 'an object with get(userId, campaignKey) and set(record), or null');
  for (const [field, ok, expected] of OPTIONAL) {
    if (c[field] !== undefined && !ok(c[field])) refuse(field, expected);
  }
}
