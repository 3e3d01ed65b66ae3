import { isPlainObject } from '../util/types.js';
import { VWOConfigError } from './errors.js';
import { isLogLevel } from './logger.js';
import type { ClientConfig } from './types.js';

const GOAL_TYPES = ['REVENUE_TRACKING', 'CUSTOM_GOAL', 'ALL'];
const MAX_EVENTS_PER_REQUEST = 5000;

type Rule = [field: string, ok: (config: ClientConfig) => boolean, expected: string];

const isFunction = (value: unknown): boolean => typeof value === 'function';
const optional = (value: unknown, test: (v: unknown) => boolean) => value === undefined || test(value);
const positive = (value: unknown) => typeof value === 'number' && value > 0 && Number.isFinite(value);
const hasMethods = (value: unknown, ...names: string[]) =>
  typeof value === 'object' && value !== null && names.every((name) => isFunction((value as Record<string, unknown>)[name]));

/** 1.73.0 accepts `batchEvents` with a usable size or interval (settings-file.md §8). */
function batchEventsOk(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const { eventsPerRequest, requestTimeInterval, flushCallback } = value;
  const sizeOk = typeof eventsPerRequest === 'number' && eventsPerRequest > 0 && eventsPerRequest <= MAX_EVENTS_PER_REQUEST;
  const intervalOk = typeof requestTimeInterval === 'number' && requestTimeInterval >= 1;
  return (sizeOk || intervalOk) && optional(flushCallback, isFunction);
}

/** An absolute http(s) URL with a host (the core has no `URL` type to lean on in every runtime). */
function urlOk(value: unknown): boolean {
  return typeof value === 'string' && /^https?:\/\/[^\s/?#]+(?:[/?#]\S*)?$/i.test(value);
}

const RULES: Rule[] = [
  [
    'settings',
    (c) => isPlainObject(c.settings) && c.settings.campaignsByKey instanceof Map,
    'the parsed settings (parseSettings(file).settings)',
  ],
  [
    'transport',
    (c) => (c.transport === undefined ? c.isDevelopmentMode === true : hasMethods(c.transport, 'send')),
    'an object with send(request) (required unless isDevelopmentMode)',
  ],
  [
    'userStorage',
    (c) => c.userStorage == null || hasMethods(c.userStorage, 'get', 'set'),
    'an object with get(userId, campaignKey) and set(record), or null',
  ],
  [
    'logger',
    (c) => optional(c.logger, (l) => hasMethods(l, 'debug', 'info', 'warn', 'error')),
    'an object with debug, info, warn and error methods',
  ],
  ['logLevel', (c) => optional(c.logLevel, isLogLevel), "one of 'debug', 'info', 'warn', 'error', 'silent'"],
  [
    'batchEvents',
    (c) => optional(c.batchEvents, batchEventsOk),
    'an object with eventsPerRequest in 1…5000 or requestTimeInterval ≥ 1 (seconds), and flushCallback a function if given',
  ],
  ['goalTypeToTrack', (c) => optional(c.goalTypeToTrack, (g) => GOAL_TYPES.includes(g as string)), 'REVENUE_TRACKING, CUSTOM_GOAL or ALL'],
  ['shouldTrackReturningUser', (c) => optional(c.shouldTrackReturningUser, (v) => typeof v === 'boolean'), 'a boolean'],
  ['isDevelopmentMode', (c) => optional(c.isDevelopmentMode, (v) => typeof v === 'boolean'), 'a boolean'],
  ['eventIds', (c) => optional(c.eventIds, (v) => typeof v === 'boolean'), 'a boolean'],
  [
    'eventOutbox',
    (c) => optional(c.eventOutbox, (o) => hasMethods(o, 'restore', 'save', 'remove')),
    'an object with restore(), save(key, entry) and remove(key)',
  ],
  [
    'integrations',
    (c) => optional(c.integrations, (i) => isPlainObject(i) && isFunction(i.callback)),
    'an object with a callback function',
  ],
  ['collectorUrl', (c) => optional(c.collectorUrl, urlOk), 'an http(s) URL'],
  ['maxPendingEvents', (c) => optional(c.maxPendingEvents, (v) => Number.isInteger(v) && (v as number) > 0), 'a positive integer'],
  ['storageTimeout', (c) => optional(c.storageTimeout, positive), 'a positive number of milliseconds'],
  ['closeTimeout', (c) => optional(c.closeTimeout, (v) => typeof v === 'number' && v >= 0), 'a number of milliseconds ≥ 0'],
  ['requestTimeout', (c) => optional(c.requestTimeout, positive), 'a positive number of milliseconds'],
  ['fetchSettings', (c) => optional(c.fetchSettings, isFunction), 'a function'],
  ['onClose', (c) => optional(c.onClose, isFunction), 'a function'],
];

/** Throws a {@link VWOConfigError} naming the first bad option. */
export function validateClientConfig(config: unknown): asserts config is ClientConfig {
  if (!isPlainObject(config)) throw new VWOConfigError('config', 'expected an object of options');
  for (const [field, ok, expected] of RULES) {
    if (!ok(config as unknown as ClientConfig)) throw new VWOConfigError(field, `expected ${expected}`);
  }
}
