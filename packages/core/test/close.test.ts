/**
 * `close()` with calls still deciding: a call waiting on its user storage sends its impression
 * before the delivery closes, and the wait is bounded by `closeTimeout`.
 */
import { describe, expect, it } from 'vitest';
import { createClient, type UserStorage } from '../src/index.js';
import { campaign, settingsFile } from './support/files.js';
import { parsed } from './support/parse.js';

function clientWith(userStorage: UserStorage, sent: string[], lines: string[]) {
  return createClient({
    settings: parsed(settingsFile([campaign()])),
    closeTimeout: 50,
    logLevel: 'warn',
    storageTimeout: 60_000,
    userStorage,
    transport: {
      send: async (request) => {
        sent.push(request.url);
        return { status: 200 };
      },
    },
    logger: { debug: () => undefined, info: () => undefined, warn: (line) => lines.push(line), error: (line) => lines.push(line) },
  });
}

describe('close() while a call waits on its storage', () => {
  it('lets an activate still reading a remote storage send its impression first', async () => {
    const sent: string[] = [];
    const lines: string[] = [];
    const vwo = clientWith(
      { get: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 20)), set: () => undefined },
      sent,
      lines,
    );
    const answer = vwo.activate('K', 'Ashley');
    await vwo.close();
    expect(await answer).toBe('Control');
    expect(sent.filter((url) => url.includes('/track-user'))).toHaveLength(1);
    expect(vwo.eventStats()).toMatchObject({ sent: 1, dropped: 0 });
    expect(lines).toEqual([]);
  });

  it('waits at most closeTimeout for a storage that does not answer, then counts and logs the late impression as dropped', async () => {
    const sent: string[] = [];
    const lines: string[] = [];
    let answerStorage: (value: undefined) => void = () => undefined;
    const vwo = clientWith({ get: () => new Promise((resolve) => (answerStorage = resolve)), set: () => undefined }, sent, lines);
    const answer = vwo.activate('K', 'Ashley');
    const started = Date.now();
    await vwo.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    answerStorage(undefined);
    expect(await answer).toBe('Control');
    expect(sent).toEqual([]);
    expect(vwo.eventStats().dropped).toBe(1);
    expect(lines.some((line) => line.includes('dropped 1 event(s) sent after close()'))).toBe(true);
  });
});
