import { describeUserStorageContract } from '@vwo/storage-contract';
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
