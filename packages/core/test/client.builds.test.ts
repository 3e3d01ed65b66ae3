/**
 * The browser build's client (`create-client.compact.ts`, which decides, tracks, pushes and
 * reads the user storage in closures of its own) against the server build's (`create-client.ts`
 * with `core.ts`, `track.ts`, `push.ts`, `storage.ts`), on generated settings files and calls,
 * bad input included: each call gets the same answer, the same log lines (text and level), the
 * same requests (byte for byte), the same storage writes and the same integrations payloads.
 *
 * Besides what client.differential.test.ts compares with vwo-node-sdk 1.73.0, this covers what
 * 1.73.0 cannot be compared on: every log line (bad arguments of each API, both `push` forms,
 * revenue goals without a value, goals converted before), a user storage that throws, rejects
 * or answers after `storageTimeout` on `get` and on `set`, an integrations callback that throws,
 * `explain` before and after opt-out. Both clients share one pinned clock and randomness.
 * The faulty storage is a fake on purpose: no real storage throws, rejects or stalls on demand.
 */
import { describe, expect, it } from 'vitest';
import { createClient as browserClient } from '../src/client/create-client.compact.js';
import { createClient as serverClient } from '../src/client/create-client.js';
import type { ClientConfig, StoredAssignment, Transport, VWOClient } from '../src/client/index.js';
import type { EventRequest } from '../src/events/index.js';
import * as generate from './support/generate.js';
import { parsed } from './support/parse.js';
import { Random } from './support/random.js';

const FILES = 120;
const CALLS_PER_FILE = 60;
/** A late storage answers after this many ms; the clients wait `STORAGE_TIMEOUT_MS`. */
// Wide apart, so that a busy machine's pauses cannot make an in-time answer late for one client only.
const LATE_MS = 90;
const STORAGE_TIMEOUT_MS = 30;

type Json = Record<string, unknown>;

/** What one client did: log lines, requests, storage writes, callback payloads, in order. */
interface Seen {
  lines: string[];
  requests: string[];
  writes: string[];
  callbacks: string[];
}

type StorageKind = 'none' | 'null' | 'sync' | 'async' | 'faulty';

/**
 * A map storage; `faulty` fails by the user id's first letter, so both clients meet the same
 * fault: `t` throws, `r` rejects, `l` answers late (get and set alike), `s` rejects only writes.
 */
function storageFor(kind: StorageKind, seen: Seen, records: Map<string, unknown>): ClientConfig['userStorage'] {
  if (kind === 'none') return undefined;
  // Accepted as no storage: a bandit campaign is refused, as without one.
  if (kind === 'null') return null;
  const fault = (userId: string, write: boolean): string | undefined =>
    kind === 'faulty'
      ? (({ t: 'throw', r: 'reject', l: 'late', s: write ? 'reject' : '' } as Json)[userId[0] as string] as string)
      : undefined;
  const answer = <T>(userId: string, value: () => T, write = false): T | Promise<T> => {
    const how = fault(userId, write);
    if (how === 'throw') throw new Error(`storage down for ${userId}`);
    if (how === 'reject') return Promise.reject(new Error(`storage refused ${userId}`));
    // The work is done now and only its answer is late, so that a late write is seen at once by both.
    if (how === 'late') {
      const late = value();
      return new Promise((resolve) => setTimeout(() => resolve(late), LATE_MS));
    }
    return kind === 'async' ? Promise.resolve(value()) : value();
  };
  return {
    get: (userId, campaignKey) => answer(userId, () => records.get(`${userId}/${campaignKey}`) as StoredAssignment | undefined),
    set: (record: StoredAssignment) =>
      answer(
        record.userId,
        () => {
          seen.writes.push(JSON.stringify(record));
          records.set(`${record.userId}/${record.campaignKey}`, record);
        },
        true,
      ),
  };
}

function clientFor(build: 'server' | 'browser', rng: Random, file: Json, seen: Seen): VWOClient {
  const transport: Transport = {
    send(request: EventRequest) {
      seen.requests.push(`${request.method} ${request.url} ${JSON.stringify(request.headers)} ${request.body ?? ''}`);
      return Promise.resolve({ status: 200, body: '{}' });
    },
  };
  const line = (level: string) => (message: string) => seen.lines.push(`${level}: ${message}`);
  const storageKind = rng.pick<StorageKind>(['none', 'null', 'sync', 'async', 'faulty']);
  const records = new Map<string, unknown>();
  // Records of an earlier visit, some with goals converted then.
  for (const campaign of file.campaigns as Json[]) {
    if (rng.chance(0.7)) {
      const variations = campaign.variations as Json[];
      records.set(`u1/${campaign.key}`, {
        userId: 'u1',
        campaignKey: campaign.key,
        variationName: (rng.pick(variations) as Json).name,
        ...(rng.chance(0.8) ? { goalIdentifier: rng.pick(['buy', 'rev', 'rev_vwo_buy']) } : {}),
      });
    }
  }
  let time = 1_700_000_000_000;
  const config: ClientConfig = {
    settings: parsed(file),
    transport,
    logger: { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') },
    logLevel: 'debug',
    now: () => time++,
    random: () => 0.5,
    userStorage: storageFor(storageKind, seen, records),
    storageTimeout: STORAGE_TIMEOUT_MS,
    shouldTrackReturningUser: rng.pick([undefined, true, false]),
    goalTypeToTrack: rng.pick([undefined, 'ALL', 'CUSTOM_GOAL', 'REVENUE_TRACKING'] as const),
    batchEvents: rng.chance(0.2) ? { eventsPerRequest: 3, requestTimeInterval: 3600 } : undefined,
    integrations: rng.chance(0.5)
      ? {
          callback: (properties) => {
            seen.callbacks.push(JSON.stringify(properties));
            if (properties.userId === 'cb-throws') throw new Error('callback broke');
          },
        }
      : undefined,
  };
  return build === 'server' ? serverClient(config) : browserClient(config);
}

const USERS = ['u1', 'u1', 'u2', 'tom', 'rita', 'lena', 'sam', 'cb-throws', '', 5, null];
const GOALS = ['buy', 'rev', 'nogoal', '', 7];
const VARIABLE_KEYS = ['str', 'int', 'dbl', 'bool', 'json', 'nope', ''];
const TAG_KEYS: unknown[] = ['browser', 'k'.repeat(256), ' ', '', '__proto__', 3];
const TAG_VALUES: unknown[] = ['chrome', ' ', 'v'.repeat(256), 5, null];
const MAPS: unknown[] = [{ browser: 'chrome' }, { n: 5, b: true }, {}, [], 'map', null];
const OPTIONS: unknown[] = [
  undefined,
  {},
  { revenueValue: 12 },
  { revenueValue: 0, eventProperties: { amount: 3 } },
  { shouldTrackReturningUser: true },
  { shouldTrackReturningUser: 'yes' },
  { goalTypeToTrack: 'CUSTOM_GOAL' },
  { goalTypeToTrack: 'REVENUE_TRACKING', revenueValue: 4 },
  { goalTypeToTrack: 'nope' },
  { customVariables: null },
  { metaData: { m: 1 }, userAgent: 'UA 1', userIpAddress: '1.2.3.4' },
  { userStorageData: { variationName: 'Control' } },
  null,
  [],
];

/** A fragment of each log line the browser build's client writes itself (bad input, faults, rules). */
const COVERED_LINES = [
  'must be a non-empty string',
  'options must be an object',
  'options.shouldTrackReturningUser must be a boolean',
  'options.goalTypeToTrack must be',
  'options.customVariables must be an object',
  'push takes (tagKey, tagValue, userId) or (customDimensionMap, userId)',
  'customDimensionMap must be an object',
  'customDimensionMap is empty',
  'tagKey is longer than 255',
  'tagValue is longer than 255',
  'campaignSpecifier must be',
  'no campaign to track',
  'is a revenue goal and needs a revenueValue',
  'already converted',
  'user storage get("tom", ',
  'user storage get("rita", ',
  'user storage set for "sam" failed',
  'user storage get("lena", ',
  `took longer than ${STORAGE_TIMEOUT_MS} ms: treated as no record`,
  `user storage set for "lena" took longer than ${STORAGE_TIMEOUT_MS} ms`,
  'integrations.callback threw',
  'the SDK is opted out',
  'explain: options.api must be',
  'is a multi-armed bandit campaign and needs a user storage',
];

/** One generated call, as a function of a client (the same on both). */
function nextCall(rng: Random, keys: string[]): [string, (client: VWOClient) => Promise<unknown>] {
  const key = () => (rng.chance(0.08) ? rng.pick(['nope', '', 4]) : rng.pick(keys));
  const user = () => rng.pick(USERS);
  const options = () => rng.pick(OPTIONS);
  const roll = rng.next();
  const args: unknown[] =
    roll < 0.15
      ? ['activate', key(), user(), options()]
      : roll < 0.25
        ? ['getVariationName', key(), user(), options()]
        : roll < 0.38
          ? ['isFeatureEnabled', key(), user(), options()]
          : roll < 0.5
            ? ['getFeatureVariableValue', key(), rng.pick(VARIABLE_KEYS), user(), options()]
            : roll < 0.72
              ? ['track', rng.pick([key(), [key(), key()], null, undefined, 5]), user(), rng.pick(GOALS), options()]
              : roll < 0.82
                ? ['push', rng.pick(TAG_KEYS), rng.pick(TAG_VALUES), user()]
                : roll < 0.88
                  ? ['push', rng.pick(MAPS), user()]
                  : roll < 0.9
                    ? ['push', rng.pick(MAPS)]
                    : roll < 0.97
                      ? [
                          'explain',
                          key(),
                          user(),
                          rng.pick([undefined, { api: 'getFeatureVariableValue', variableKey: 'str' }, { api: 'nope' }]),
                        ]
                      : roll < 0.99
                        ? ['setOptOut']
                        : ['flushEvents'];
  const [api, ...rest] = args as [string, ...unknown[]];
  // A trailing `undefined` is an argument left out (push counts its arguments).
  while (rest.length > 0 && rest[rest.length - 1] === undefined && api === 'push') rest.pop();
  const call = (client: VWOClient) =>
    (client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[api]?.(...rest) as Promise<unknown>;
  return [`${api}(${rest.map((a) => JSON.stringify(a) ?? 'undefined').join(', ')})`, call];
}

describe('the browser build’s client against the server build’s', () => {
  it(`the same answers, log lines, requests, storage writes and callbacks (${FILES} files × ${CALLS_PER_FILE} calls)`, async () => {
    let compared = 0;
    const kinds = new Set<string>();
    const lines: string[] = [];
    for (let seed = 1; seed <= FILES; seed++) {
      const fileRng = new Random(seed);
      const file = generate.settingsFile(fileRng) as Json;
      if (fileRng.chance(0.3)) file.isEventArchEnabled = true;
      // More users get a variation than generate.ts alone gives: the client's paths need them.
      for (const campaign of file.campaigns as Json[]) {
        if (fileRng.chance(0.5)) Object.assign(campaign, { percentTraffic: 100, segments: {} });
        // A bandit is served only with a user storage.
        if (fileRng.chance(0.1)) campaign.isMAB = true;
      }
      const keys = (file.campaigns as Json[]).map((c) => c.key as string);
      const seen = {
        server: { lines: [], requests: [], writes: [], callbacks: [] } as Seen,
        browser: { lines: [], requests: [], writes: [], callbacks: [] } as Seen,
      };
      // The same seed gives both clients the same launch options and storage.
      const server = clientFor('server', new Random(seed * 7919), file, seen.server);
      const browser = clientFor('browser', new Random(seed * 7919), file, seen.browser);
      const callRng = new Random(seed * 104729);
      for (let i = 0; i < CALLS_PER_FILE; i++) {
        const [text, call] = nextCall(callRng, keys);
        kinds.add(text.slice(0, text.indexOf('(')));
        const answers = [JSON.stringify(await call(server)), JSON.stringify(await call(browser))];
        // The batch queue and the retries settle on the same ticks in both.
        await new Promise((resolve) => setTimeout(resolve, 0));
        const where = `seed ${seed}, call ${i}: ${text}`;
        expect(answers[1], where).toBe(answers[0]);
        expect(seen.browser, where).toEqual(seen.server);
        compared++;
      }
      await Promise.all([server.close(), browser.close()]);
      expect(seen.browser, `seed ${seed}, close`).toEqual(seen.server);
      lines.push(...seen.browser.lines);
    }
    expect(compared).toBe(FILES * CALLS_PER_FILE);
    // The generated calls reached every path whose log line the browser build writes itself.
    expect(COVERED_LINES.filter((fragment) => !lines.some((line) => line.includes(fragment)))).toEqual([]);
    expect([...kinds].sort()).toEqual(
      [
        'activate',
        'explain',
        'flushEvents',
        'getFeatureVariableValue',
        'getVariationName',
        'isFeatureEnabled',
        'push',
        'setOptOut',
        'track',
      ].sort(),
    );
  }, 120_000);
});
