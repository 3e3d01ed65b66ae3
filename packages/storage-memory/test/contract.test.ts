import { describeFmeStorageContract, describeUserStorageContract } from '@vwo/storage-contract';
import { createMemoryStorage } from '../src/index.js';

describeUserStorageContract('createMemoryStorage()', () => ({ storage: createMemoryStorage() }));
describeUserStorageContract('createMemoryStorage() behind promises', () => {
  const memory = createMemoryStorage();
  return {
    storage: {
      get: async (userId, campaignKey) => memory.get(userId, campaignKey),
      set: async (record) => memory.set(record),
    },
  };
});

describeFmeStorageContract('createMemoryStorage().fme({ accountId })', () => {
  const store = createMemoryStorage();
  return { storage: store.fme({ accountId: 1 }), otherAccount: store.fme({ accountId: '2' }), legacy: store };
});
