export { decideFlag, MEG_STORAGE_PREFIX } from './decide.js';
export { fmeStorageKeysFor } from './storage-keys.js';
export {
  FME_STORAGE_RECORD_KEYS,
  type FmeRecordAddress,
  type FmeUserStorage,
  fmeAccountScope,
  fmeRecordAddress,
  fmeRecordOf,
} from './storage-record.js';
export type {
  FmeContext,
  FmeDebugDecision,
  FmeDecideOptions,
  FmeErrorLog,
  FmeFlagDecision,
  FmeFlagOutcome,
  FmeImpression,
  FmeRuleOutcome,
  FmeStorageLookup,
  FmeStorageRecord,
} from './types.js';
