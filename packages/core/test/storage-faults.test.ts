/**
 * A user storage whose `get` or `set` throws, rejects or answers late, and an integrations
 * callback that throws: the call still answers, one log line says what failed, and the write of
 * a later call goes out. Runs on the server build and (vitest.browser-build.config.ts) on the
 * browser build, whose client reads and writes the storage in its own closures.
 * The storage is a fake on purpose: no real storage fails on demand.
 */
import { describe, expect, it } from 'vitest';
import { createClient, type StoredAssignment, type UserStorage } from '../src/index.js';
import { campaign, settingsFile } from './support/files.js';
import { warnAndErrorLines } from './support/line-logger.js';
import { parsed } from './support/parse.js';

const TIMEOUT_MS = 20;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function clientWith(userStorage: UserStorage, lines: string[], callback?: () => void) {
  return createClient({
    settings: parsed(settingsFile([campaign()])),
    isDevelopmentMode: true,
    storageTimeout: TIMEOUT_MS,
    userStorage,
    integrations: callback && { callback },
    logger: warnAndErrorLines(lines),
    logLevel: 'warn',
  });
}

const GET_FAULTS: [string, UserStorage['get']][] = [
  [
    'throws',
    () => {
      throw new Error('down');
    },
  ],
  ['rejects', () => Promise.reject(new Error('down'))],
];

describe('a failing user storage', () => {
  for (const [how, get] of GET_FAULTS) {
    it(`get ${how}: no record, one error line, and the assignment is still written`, async () => {
      const lines: string[] = [];
      const written: StoredAssignment[] = [];
      const vwo = clientWith({ get, set: (record) => void written.push(record) }, lines);
      expect(await vwo.activate('K', 'Ashley')).toBe('Control');
      expect(lines).toEqual(['error: VWO-SDK user storage get("Ashley", "K") failed: down: treated as no record']);
      expect(written).toEqual([{ userId: 'Ashley', variationName: 'Control', campaignKey: 'K' }]);
    });
  }

  const SET_FAULTS: [string, UserStorage['set'], string][] = [
    [
      'throws',
      () => {
        throw new Error('full');
      },
      'error: VWO-SDK user storage set for "Ashley" failed: full',
    ],
    ['rejects', () => Promise.reject(new Error('full')), 'error: VWO-SDK user storage set for "Ashley" failed: full'],
    ['answers late', () => sleep(TIMEOUT_MS * 3), `warn: VWO-SDK user storage set for "Ashley" took longer than ${TIMEOUT_MS} ms`],
  ];
  for (const [how, set, line] of SET_FAULTS) {
    it(`set ${how}: the call answers its variation with one line, and track still converts`, async () => {
      const lines: string[] = [];
      const vwo = clientWith({ get: () => undefined, set }, lines);
      expect(await vwo.activate('K', 'Ashley')).toBe('Control');
      expect(lines).toEqual([line]);
      // Nothing was stored: with a storage, track converts only users it has a record of (1.73.0).
      expect(await vwo.track('K', 'Ashley', 'CUSTOM')).toEqual({ K: false });
      expect(lines).toEqual([line]);
    });
  }
});

describe('an integrations callback that throws', () => {
  it('is logged once per call and changes no answer', async () => {
    const lines: string[] = [];
    const stored = new Map<string, StoredAssignment>();
    const vwo = clientWith(
      {
        get: (userId, key) => stored.get(`${userId}/${key}`),
        set: (record) => void stored.set(`${record.userId}/${record.campaignKey}`, record),
      },
      lines,
      () => {
        throw new Error('analytics down');
      },
    );
    expect(await vwo.activate('K', 'Ashley')).toBe('Control');
    expect(await vwo.getVariationName('K', 'Ashley')).toBe('Control');
    expect(lines).toEqual([
      'error: VWO-SDK integrations.callback threw: analytics down',
      'error: VWO-SDK integrations.callback threw: analytics down',
    ]);
  });
});
