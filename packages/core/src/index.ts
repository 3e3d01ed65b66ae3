/**
 * `@vwo/core`: the platform-free engine of the VWO FullStack TypeScript SDK. Pure, synchronous
 * pieces (settings parsing, bucketing, segments, decisions, event payloads); no I/O.
 *
 * @packageDocumentation
 */
export * from './bootstrap/index.js';
export * from './bucketing/index.js';
export * from './client/index.js';
export * from './decision/index.js';
export * from './events/index.js';
export * from './facade/index.js';
export * from './fme/index.js';
export * from './goals/index.js';
export * from './segments/index.js';
export * from './settings/index.js';
