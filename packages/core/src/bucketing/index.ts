export { bucketFromHash, bucketValue, HASH_SEED, MAX_TRAFFIC_PERCENT, MAX_TRAFFIC_VALUE } from './bucket.js';
export { murmurhash3 } from './murmurhash.js';
export { allocateRanges, findRange, type Range, rangeStep } from './ranges.js';
