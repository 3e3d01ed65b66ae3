/**
 * The browser build's option checks (`config.compact.ts`, `launch-options.compact.ts`) against
 * the server build's, on generated options: the same verdict and the same option named, so
 * `createClient` and `launch` refuse the same input the same way in both builds; the messages
 * may be shorter, but name the option.
 */
import { describe, expect, it } from 'vitest';
import { validateClientConfig as compactClientCheck } from '../src/client/config.compact.js';
import { validateClientConfig as serverClientCheck } from '../src/client/config.js';
import { VWOConfigError } from '../src/client/errors.js';
import { checkSettingsSource as compactSourceCheck } from '../src/facade/launch-options.compact.js';
import { checkSettingsSource as serverSourceCheck } from '../src/facade/launch-options.js';
import { parseSettings } from '../src/settings/parse.js';
import { Random } from './support/random.js';

const parsed = parseSettings({ accountId: 1, version: 1, campaigns: [] });
if (!parsed.ok) throw parsed.error;
const settings = parsed.settings;

const noop = () => undefined;
const logger = { debug: noop, info: noop, warn: noop, error: noop };
/** Values every option is tried with: right for some, wrong for others, and edge cases of each rule. */
const VALUES: unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -1,
  0.5,
  1,
  999,
  1000,
  5000,
  5001,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  '',
  '5',
  'k',
  'ALL',
  'CUSTOM_GOAL',
  'REVENUE_TRACKING',
  'debug',
  'silent',
  'loud',
  'http://127.0.0.1:1/x',
  'https://example.com',
  'ftp://127.0.0.1',
  'http:// bad',
  ['ALL'],
  {},
  noop,
  logger,
  { send: noop },
  { get: noop, set: noop },
  { get: noop },
  { restore: noop, save: noop, remove: noop },
  { callback: noop },
  { callback: 5 },
  { eventsPerRequest: 10 },
  { eventsPerRequest: '10' },
  { eventsPerRequest: 6000 },
  { eventsPerRequest: 5000 },
  { eventsPerRequest: 5001 },
  { eventsPerRequest: 0.5 },
  { requestTimeInterval: 1 },
  { requestTimeInterval: 0.5, eventsPerRequest: 0 },
  { eventsPerRequest: 10, flushCallback: 5 },
  { eventsPerRequest: 10, flushCallback: noop },
  settings,
  { campaignsByKey: {} },
  Object.assign(noop.bind(null), logger),
];

const CLIENT_OPTIONS = [
  'settings',
  'transport',
  'userStorage',
  'logger',
  'logLevel',
  'batchEvents',
  'goalTypeToTrack',
  'shouldTrackReturningUser',
  'isDevelopmentMode',
  'eventIds',
  'eventOutbox',
  'integrations',
  'collectorUrl',
  'maxPendingEvents',
  'storageTimeout',
  'closeTimeout',
  'requestTimeout',
  'fetchSettings',
  'onClose',
];
const SOURCE_OPTIONS = ['settingsFile', 'accountId', 'sdkKey', 'pollingInterval', 'requestTimeout'];

/** The option a check refuses (`'ok'` when it passes); anything but a VWOConfigError fails the test. */
function refused(check: () => void): string {
  try {
    check();
    return 'ok';
  } catch (error) {
    if (!(error instanceof VWOConfigError)) throw error;
    expect(error.message).toContain(error.field);
    return error.field;
  }
}

/** Options with a few fields set to values from the list; the rest as given in `base`. */
function generated(rng: Random, fields: readonly string[], base: Record<string, unknown>): Record<string, unknown> {
  const options = { ...base };
  for (let n = rng.int(0, 3); n > 0; n--) options[rng.pick(fields)] = rng.pick(VALUES);
  return options;
}

describe('the browser build checks options as the server build does', () => {
  it('createClient: 10,000 generated configs, the same option refused', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 10_000; seed++) {
      const rng = new Random(seed);
      const base = rng.chance(0.9) ? { settings, isDevelopmentMode: true } : {};
      const config = rng.chance(0.01) ? rng.pick(VALUES) : generated(rng, CLIENT_OPTIONS, base);
      const server = refused(() => serverClientCheck(config));
      expect(
        refused(() => compactClientCheck(config)),
        `seed ${seed}`,
      ).toBe(server);
      seen.add(server);
    }
    // Every option is refused by some config, and many configs pass.
    expect([...seen].sort()).toEqual(['config', 'ok', ...CLIENT_OPTIONS].sort());
  });

  it.each([true, false])(
    'launch (polling needs an sdkKey: %s): 10,000 generated option sets, the same option refused',
    (pollingNeedsSdkKey) => {
      const seen = new Set<string>();
      for (let seed = 1; seed <= 10_000; seed++) {
        const rng = new Random(seed);
        const base = rng.chance(0.5) ? { settingsFile: { sdkKey: rng.pick(VALUES) } } : { accountId: 1, sdkKey: 'k' };
        const options = rng.chance(0.01) ? rng.pick(VALUES) : generated(rng, SOURCE_OPTIONS, base);
        const server = refused(() => serverSourceCheck(options as never, pollingNeedsSdkKey));
        expect(
          refused(() => compactSourceCheck(options as never, pollingNeedsSdkKey)),
          `seed ${seed}`,
        ).toBe(server);
        seen.add(server);
      }
      expect([...seen].sort()).toEqual(['config', 'ok', ...SOURCE_OPTIONS].sort());
    },
  );
});
