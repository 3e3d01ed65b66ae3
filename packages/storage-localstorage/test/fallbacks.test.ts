/**
 * The fallbacks, on the real conditions of Chromium: a localStorage filled until setItem throws
 * QuotaExceededError, the cookie jar, and a sandboxed frame (opaque origin) where touching
 * localStorage or document.cookie throws a SecurityError.
 */
import type { StoredAssignment } from '@vwo/core';
import { afterEach, describe, expect, it } from 'vitest';
import { cdp } from 'vitest/browser';
import { assignmentKey, createLocalStorage, type StorageLike } from '../src/index.js';
import { clearAllCookies, cookieNameOf, cookieNames, fillLocalStorage, recordingLogger, smallWriteError } from './helpers.js';

const record = (userId: string, campaignKey: string, variationName = 'Control'): StoredAssignment => ({
  userId,
  campaignKey,
  variationName,
});

const before = new Set(Object.keys(localStorage));
afterEach(() => {
  for (const key of Object.keys(localStorage)) if (!before.has(key)) localStorage.removeItem(key);
  clearAllCookies();
});

describe('a full localStorage (a real QuotaExceededError)', () => {
  it('records that do not fit go to a cookie, or to memory when too big for one; all come back; logged once', () => {
    const logger = recordingLogger();
    const storage = createLocalStorage({ namespace: 'quota', logger });
    storage.set(record('early', 'c', 'Stored-before'));
    const free = fillLocalStorage();
    try {
      expect(smallWriteError()).toBe('QuotaExceededError');
      const small = ['user-1', 'user-2', 'José 😀'].map((id, i) => record(id, 'c', `V${i}`));
      for (const r of small) storage.set(r);
      expect(storage.backend).toBe('cookie');
      const big: StoredAssignment = { ...record('user-big', 'c'), metaData: { blob: 'b'.repeat(5000) } }; // over 4 KB: no cookie
      storage.set(big);
      expect(storage.backend).toBe('memory');
      // A bigger record for a user already in localStorage: the old one must not answer any more.
      const grown: StoredAssignment = { ...record('early', 'c', 'Stored-after'), goalIdentifier: 'g'.repeat(200) };
      storage.set(grown);
      expect(localStorage.getItem(assignmentKey('early', 'c', 'quota'))).toBeNull();

      for (const r of [...small, big, grown]) expect(storage.get(r.userId, r.campaignKey)).toEqual(r);
      expect(cookieNames()).toEqual(
        expect.arrayContaining([...small, grown].map((r) => cookieNameOf(assignmentKey(r.userId, r.campaignKey, 'quota')))),
      );
      expect(logger.lines).toHaveLength(1);
      expect(logger.lines[0]).toMatch(/localStorage is full \(QuotaExceededError: .*\): records that do not fit are kept in a cookie/);
    } finally {
      free();
    }
    // Room again: the next write goes back to localStorage, and replaces the cookie it had.
    storage.set(record('user-1', 'c', 'Back-home'));
    expect(storage.backend).toBe('localStorage');
    expect(localStorage.getItem(assignmentKey('user-1', 'c', 'quota'))).not.toBeNull();
    expect(cookieNames()).not.toContain(cookieNameOf(assignmentKey('user-1', 'c', 'quota')));
    expect(storage.get('user-1', 'c')?.variationName).toBe('Back-home');
    storage.clear();
    expect(cookieNames().filter((name) => name.startsWith('quota%3A'))).toEqual([]);
    expect(storage.get('user-big', 'c')).toBeUndefined();
    expect(logger.lines).toHaveLength(1);
  });

  it('cookie round trip: a record kept in a cookie (SameSite=Lax, path /, a year) is read by a new storage, as after a reload', async () => {
    const free = fillLocalStorage();
    const stored: StoredAssignment = { ...record('Zoë \uD800 ; = , "', 'checkout; path=/x', 'Variation-1'), metaData: { cart: 3 } };
    try {
      const first = createLocalStorage({ namespace: 'rt', logger: recordingLogger() });
      first.set(stored);
      expect(first.backend).toBe('cookie');
    } finally {
      free();
    }
    const name = cookieNameOf(assignmentKey(stored.userId, stored.campaignKey, 'rt'));
    expect(cookieNames()).toEqual([name]);
    const { cookies } = (await cdp().send('Network.getCookies', { urls: [location.href] })) as {
      cookies: Array<{ name: string; path: string; sameSite?: string; expires: number; session: boolean }>;
    };
    const cookie = cookies.find((c) => c.name === name)!;
    expect(cookie).toMatchObject({ path: '/', sameSite: 'Lax', session: false });
    expect(cookie.expires - Date.now() / 1000).toBeGreaterThan(364 * 86400);

    const second = createLocalStorage({ namespace: 'rt', logger: recordingLogger() }); // localStorage has room again
    expect(second.get(stored.userId, stored.campaignKey)).toEqual(stored);
    expect(createLocalStorage({ namespace: 'other' }).get(stored.userId, stored.campaignKey)).toBeUndefined();
    second.clear();
    expect(cookieNames()).toEqual([]);
    expect(second.get(stored.userId, stored.campaignKey)).toBeUndefined();
  });
});

describe('disabled localStorage', () => {
  it('in a sandboxed frame (opaque origin) touching localStorage and cookies throws SecurityError: records live in memory, logged once', async () => {
    const moduleUrl = new URL('../src/index.ts', import.meta.url).href;
    const frame = document.createElement('iframe');
    frame.sandbox.add('allow-scripts'); // no allow-same-origin: an opaque origin, as sandboxed ads and widgets get
    const answer = new Promise<Record<string, unknown>>((resolve) => {
      window.addEventListener('message', function listen(event) {
        if (event.source !== frame.contentWindow) return;
        window.removeEventListener('message', listen);
        resolve(event.data);
      });
    });
    frame.srcdoc = `<script type="module">
      const out = {};
      try { localStorage; out.localStorage = 'readable'; } catch (e) { out.localStorage = e.name; }
      try { document.cookie; out.cookie = 'readable'; } catch (e) { out.cookie = e.name; }
      try {
        const { createLocalStorage } = await import(${JSON.stringify(moduleUrl)});
        const lines = [];
        const logger = { debug() {}, info() {}, warn: (m) => lines.push(m), error: (m) => lines.push(m) };
        const storage = createLocalStorage({ logger });
        out.backend = storage.backend;
        const ids = ['user-42', 'u:x', '\\uD800', 'ü'.repeat(10 * 1024)];
        ids.forEach((userId, i) => storage.set({ userId, campaignKey: 'c', variationName: 'V' + i }));
        out.got = ids.map((userId) => storage.get(userId, 'c')?.variationName ?? null);
        out.separate = storage.get('u', 'x:c') ?? null;
        out.otherInstance = createLocalStorage({ logger: { ...logger, warn() {} } }).get('user-42', 'c') ?? null;
        out.backendAfter = storage.backend;
        storage.clear();
        out.afterClear = storage.get('user-42', 'c') ?? null;
        out.lines = lines;
      } catch (e) {
        out.thrown = String(e);
      }
      parent.postMessage(out, '*');
    </script>`;
    document.body.append(frame);
    try {
      const out = await answer;
      expect(out).toEqual({
        localStorage: 'SecurityError',
        cookie: 'SecurityError',
        backend: 'memory',
        got: ['V0', 'V1', 'V2', 'V3'],
        separate: null,
        otherInstance: null, // memory is the page's and the storage object's only
        backendAfter: 'memory',
        afterClear: null,
        lines: [
          expect.stringMatching(
            /localStorage is not available \(SecurityError: .*sandboxed.*\): records are kept in memory for this page only$/,
          ),
        ],
      });
    } finally {
      frame.remove();
    }
  });

  it('a localStorage that throws SecurityError with cookies allowed: records go to cookies, then memory past the cookie budget (injected Storage)', () => {
    // Chromium has no switch that disables localStorage alone (blocking site data blocks cookies
    // too, as the sandboxed frame above shows), so this one throwing Storage is injected.
    const denied = () => {
      throw new DOMException('Access is denied for this document.', 'SecurityError');
    };
    const blocked: StorageLike = { getItem: denied, setItem: denied, removeItem: denied, key: denied, length: 0 };
    const logger = recordingLogger();
    const storage = createLocalStorage({ namespace: 'blocked', storage: blocked, logger, cookie: { maxTotalBytes: 1000 } });
    expect(storage.backend).toBe('cookie');
    const records = Array.from({ length: 12 }, (_, i) => record(`user-${i}`, 'checkout', `V${i}`));
    for (const r of records) storage.set(r);
    for (const r of records) expect(storage.get(r.userId, r.campaignKey)).toEqual(r);
    const ours = cookieNames().filter((name) => name.startsWith('blocked%3A'));
    expect(ours.length).toBeGreaterThan(2);
    expect(ours.length).toBeLessThan(records.length); // the budget sent the rest to memory
    expect(document.cookie.length).toBeLessThanOrEqual(1000);
    expect(storage.backend).toBe('memory');
    expect(logger.lines).toEqual([
      expect.stringMatching(
        /localStorage is not available \(SecurityError: Access is denied for this document.\): records are kept in a cookie/,
      ),
    ]);
    storage.clear();
    expect(cookieNames()).toEqual([]);
  });

  it('storage: null and cookie: false keep records in a bounded memory, dropping the oldest, and log nothing', () => {
    const logger = recordingLogger();
    const storage = createLocalStorage({ storage: null, cookie: false, maxMemoryEntries: 3, logger });
    expect(storage.backend).toBe('memory');
    for (const id of ['a', 'b', 'c']) storage.set(record(id, 'k'));
    storage.get('a', 'k'); // a read counts as a use
    storage.set(record('d', 'k'));
    expect(['a', 'b', 'c', 'd'].map((id) => storage.get(id, 'k')?.userId ?? null)).toEqual(['a', null, 'c', 'd']);
    expect(cookieNames()).toEqual([]);
    expect(logger.lines).toEqual([]);
  });
});

describe('no localStorage at all', () => {
  it('in a Web Worker (no localStorage, no document) records live in memory, and that is logged once as info, not as a warning', async () => {
    const worker = new Worker(new URL('./fixtures/worker.ts', import.meta.url), { type: 'module' });
    try {
      const out = await new Promise((resolve, reject) => {
        worker.onmessage = (event) => resolve(event.data);
        worker.onerror = (event) => reject(new Error(event.message));
      });
      expect(out).toEqual({
        hasLocalStorage: false,
        hasDocument: false,
        backend: 'memory',
        got: { userId: 'user-42', campaignKey: 'c', variationName: 'Green', metaData: { from: 'worker' } },
        miss: null,
        lines: ['info: VWO-SDK @vwo/storage-localstorage: no localStorage here: records are kept in memory for this page only'],
      });
    } finally {
      worker.terminate();
    }
  });
});

describe('never throws into the caller', () => {
  it('a Storage that throws anything, a logger that throws, records JSON cannot hold, and bad arguments', () => {
    let calls = 0;
    const hostile: StorageLike = {
      getItem: () => (calls++ === 0 ? null : raise()),
      setItem: () => raise(),
      removeItem: () => raise(),
      key: () => raise(),
      get length() {
        return raise();
      },
    };
    const throwingLogger = { debug: raise, info: raise, warn: raise, error: raise };
    const storage = createLocalStorage({ namespace: 'hostile', storage: hostile, logger: throwingLogger, cookie: false });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const act = () => {
      storage.set(record('u', 'c'));
      storage.set({ ...record('u', 'c'), metaData: cyclic });
      storage.set({ ...record('u', 'c'), metaData: { big: 10n } });
      storage.set(null as unknown as StoredAssignment);
      storage.set({ userId: 7 } as unknown as StoredAssignment);
      storage.get(undefined as unknown as string, 'c');
      storage.get('u', 'c');
      storage.delete('u', 'c');
      storage.clear();
      return storage.backend;
    };
    expect(act).not.toThrow();
    expect(act()).toBe('memory');
    expect(storage.get('u', 'c')).toBeUndefined(); // deleted, then cleared
  });
});

function raise(): never {
  throw 42; // not even an Error
}
