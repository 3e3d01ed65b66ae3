/**
 * The storage contract kit, both halves (launch and FME), in real Chromium: on localStorage
 * itself, and on each fallback (cookies then memory; memory alone), since a user may land on any
 * of them.
 */
import { describeFmeStorageContract, describeUserStorageContract } from '@vwo/storage-contract';
import { expect } from 'vitest';
import { createLocalStorage } from '../src/index.js';
import { recordingLogger } from './helpers.js';

describeUserStorageContract("createLocalStorage() on Chromium's localStorage", () => {
  const logger = recordingLogger();
  const storage = createLocalStorage({ namespace: 'contract', logger });
  return {
    storage,
    cleanup: () => {
      // Every record really went to localStorage: no fallback hid behind the passing contract.
      expect(storage.backend).toBe('localStorage');
      expect(logger.lines).toEqual([]);
      storage.clear();
      expect(Object.keys(localStorage).filter((key) => key.startsWith('contract:'))).toEqual([]);
    },
  };
});

describeUserStorageContract('createLocalStorage() without localStorage: cookies, then memory', () => {
  const storage = createLocalStorage({ namespace: 'contract-cookie', storage: null, logger: recordingLogger() });
  return { storage, cleanup: () => storage.clear() };
});

describeUserStorageContract('createLocalStorage() with neither localStorage nor cookies: memory', () => {
  const storage = createLocalStorage({ namespace: 'contract-memory', storage: null, cookie: false, logger: recordingLogger() });
  return { storage, cleanup: () => storage.clear() };
});

describeFmeStorageContract("createLocalStorage().fme({ accountId }) on Chromium's localStorage", () => {
  const logger = recordingLogger();
  const storage = createLocalStorage({ namespace: 'contract-fme', logger });
  return {
    storage: storage.fme({ accountId: 1 }),
    otherAccount: storage.fme({ accountId: 2 }),
    legacy: storage,
    cleanup: () => {
      expect(storage.backend).toBe('localStorage');
      expect(logger.lines).toEqual([]);
      storage.clear();
      expect(Object.keys(localStorage).filter((key) => key.startsWith('contract-fme:'))).toEqual([]);
    },
  };
});

describeFmeStorageContract('createLocalStorage().fme({ accountId }) without localStorage: cookies, then memory', () => {
  const storage = createLocalStorage({ namespace: 'contract-fme-cookie', storage: null, logger: recordingLogger() });
  return {
    storage: storage.fme({ accountId: 1 }),
    otherAccount: storage.fme({ accountId: 2 }),
    legacy: storage,
    cleanup: () => storage.clear(),
  };
});

describeFmeStorageContract('createLocalStorage().fme({ accountId }) with neither localStorage nor cookies: memory', () => {
  const storage = createLocalStorage({ namespace: 'contract-fme-memory', storage: null, cookie: false, logger: recordingLogger() });
  return {
    storage: storage.fme({ accountId: 1 }),
    otherAccount: storage.fme({ accountId: 2 }),
    legacy: storage,
    cleanup: () => storage.clear(),
  };
});
