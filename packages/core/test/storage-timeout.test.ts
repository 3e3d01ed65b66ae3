/**
 * `storageTimeout`: an answer later than the timeout counts as no record, also when the event
 * loop was blocked past both the timeout and the answer. Node then runs due timers list by list
 * (one list per duration, the list that fell due first runs first), so a storage's own timer
 * can run before the client's timeout timer although it was set to fire later; only a deadline
 * check keeps the late answer out. The test builds exactly that order with real timers.
 */
import { describe, expect, it } from 'vitest';
import { createClient, type StoredAssignment } from '../src/index.js';
import { campaign, settingsFile } from './support/files.js';
import { warnAndErrorLines } from './support/line-logger.js';
import { parsed } from './support/parse.js';

const TIMEOUT_MS = 25;
const STORAGE_MS = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
function blockFor(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // a synchronous stall, as a CPU-bound request handler or a GC pause would cause
  }
}

function clientWithLateStorage(lines: string[], order: string[] = []) {
  const late: StoredAssignment = { userId: 'Ashley', campaignKey: 'K', variationName: 'Variation-1' };
  return createClient({
    settings: parsed(settingsFile([campaign()])),
    isDevelopmentMode: true,
    storageTimeout: TIMEOUT_MS,
    userStorage: {
      get: () =>
        sleep(STORAGE_MS).then(() => {
          order.push('storage answered');
          return late;
        }),
      set: () => undefined,
    },
    logger: warnAndErrorLines(lines),
    logLevel: 'warn',
  });
}

describe('storageTimeout', () => {
  it('an answer later than the timeout is no record: activate buckets Ashley afresh (Control)', async () => {
    const lines: string[] = [];
    const vwo = clientWithLateStorage(lines);
    expect(await vwo.activate('K', 'Ashley')).toBe('Control');
    expect(lines).toEqual([`warn: VWO-SDK user storage get("Ashley", "K") took longer than ${TIMEOUT_MS} ms: treated as no record`]);
  });

  it('stays a miss when a blocked event loop lets the storage timer run before the timeout timer', async () => {
    const lines: string[] = [];
    const order: string[] = [];
    const vwo = clientWithLateStorage(lines, order);
    // A timer of the storage's duration set first makes that duration's timer list fall due
    // before the list of the client's timeout timer, set by the call below.
    const earlier = sleep(STORAGE_MS);
    blockFor(STORAGE_MS - TIMEOUT_MS + 10);
    const answer = vwo.activate('K', 'Ashley');
    // Set right after the client's timeout timer, in the same list: it runs when that one does.
    setTimeout(() => order.push('timeout timer ran'), TIMEOUT_MS);
    blockFor(STORAGE_MS * 2); // the storage's answer and the timeout are both due now
    expect(await answer).toBe('Control');
    await earlier;
    await sleep(TIMEOUT_MS);
    // The order this test is about did happen: the late answer came before the timeout.
    expect(order).toEqual(['storage answered', 'timeout timer ran']);
    expect(lines).toEqual([`warn: VWO-SDK user storage get("Ashley", "K") took longer than ${TIMEOUT_MS} ms: treated as no record`]);
  });

  it('an answer inside the timeout is used', async () => {
    const vwo = createClient({
      settings: parsed(settingsFile([campaign()])),
      isDevelopmentMode: true,
      storageTimeout: 1000,
      userStorage: {
        get: () => sleep(5).then(() => ({ userId: 'Ashley', campaignKey: 'K', variationName: 'Variation-1' })),
        set: () => undefined,
      },
      logLevel: 'silent',
    });
    expect(await vwo.activate('K', 'Ashley')).toBe('Variation-1');
  });
});
