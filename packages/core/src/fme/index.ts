/**
 * The VWO FME engine (vwo-fme-node-sdk 1.35.0 behaviour): settings, segments and `getFlag`
 * decisions, pure and synchronous like the legacy engine beside it.
 */
export { murmurhash3Utf8 } from '../bucketing/murmurhash-utf8.js';
export { fmeBucketValue, fmeGroupSeed, fmeTrafficSeed, fmeVariationSeed, megRandomWeight } from './bucketing.js';
export * from './client/index.js';
export * from './decision/index.js';
export * from './events/index.js';
export * from './segments/index.js';
export * from './settings/index.js';
