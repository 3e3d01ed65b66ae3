/**
 * The localStorage outbox against an in-memory Web Storage (a Map behind the Storage API): the
 * key layout and hand-over rules. The real localStorage, reloads and quota run in Chromium
 * (chromium.test.ts).
 */
import type { OutboxEntry } from '@vwo/core';
import { describe, expect, it } from 'vitest';
import { localStorageOutbox, type OutboxStorage } from '../src/outbox.js';

function memoryStorage(): OutboxStorage & { readonly map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    get length() {
      return map.size;
    },
    key: (index) => [...map.keys()][index] ?? null,
    getItem: (key) => map.get(key) ?? null,
    setItem: (key, value) => {
      map.set(key, String(value));
    },
    removeItem: (key) => {
      map.delete(key);
    },
  };
}

const entry = (n: number): OutboxEntry => ({
  request: { method: 'GET', url: `http://127.0.0.1/server-side/track-user?eid=${n}&` },
  events: 1,
});

describe('localStorageOutbox', () => {
  it('keeps one key per request under its prefix, and removes it when told', () => {
    const storage = memoryStorage();
    const outbox = localStorageOutbox(storage, 'vwo:outbox:');
    outbox.save('a', entry(1));
    outbox.save('b', entry(2));
    expect([...storage.map.keys()].sort()).toEqual(['vwo:outbox:a', 'vwo:outbox:b']);
    outbox.remove('a');
    expect([...storage.map.keys()]).toEqual(['vwo:outbox:b']);
    expect(JSON.parse(storage.map.get('vwo:outbox:b') ?? '')).toEqual(entry(2));
  });

  it('restore hands over every entry under the prefix, deletes them, and leaves other keys alone', () => {
    const storage = memoryStorage();
    storage.setItem('visitor-id', 'v1');
    storage.setItem('other:outbox:x', JSON.stringify(entry(9)));
    const outbox = localStorageOutbox(storage, 'vwo:outbox:');
    for (let i = 0; i < 5; i++) outbox.save(`k${i}`, entry(i));
    const restored = outbox.restore();
    expect(restored).toEqual([0, 1, 2, 3, 4].map(entry));
    expect([...storage.map.keys()].sort()).toEqual(['other:outbox:x', 'visitor-id']);
    expect(outbox.restore()).toEqual([]);
  });

  it('two tabs writing at once keep each other’s entries (no shared key to overwrite)', () => {
    const storage = memoryStorage();
    const tabA = localStorageOutbox(storage, 'vwo:outbox:');
    const tabB = localStorageOutbox(storage, 'vwo:outbox:');
    tabA.save('a1', entry(1));
    tabB.save('b1', entry(2));
    tabA.remove('a1');
    expect([...storage.map.keys()]).toEqual(['vwo:outbox:b1']);
  });

  it('skips a value that is not JSON (a truncated write, another library’s key)', () => {
    const storage = memoryStorage();
    storage.setItem('vwo:outbox:bad', '{"request":');
    const outbox = localStorageOutbox(storage, 'vwo:outbox:');
    outbox.save('good', entry(1));
    expect(outbox.restore()).toEqual([entry(1)]);
    expect(storage.map.size).toBe(0);
  });

  it('lets a quota error through to the client, which logs it once and sends the event anyway', () => {
    const storage = memoryStorage();
    storage.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };
    expect(() => localStorageOutbox(storage, 'p:').save('k', entry(1))).toThrow(/quota/);
  });
});
