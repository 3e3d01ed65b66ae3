/**
 * vwo-fme-node-sdk 1.35.0's `edgeConfig` (fme/api.md §2, events.md §8): for serverless and edge
 * runtimes, where nothing may run after the response. 1.35.0 tests the option two ways, and so
 * do we: anything truthy but an empty object switches the client to waiting for its events
 * (retries off) and to batching without a timer; only a value with own keys also refreshes the
 * settings cache on `flushEvents()` and skips the background refresh of a cached file.
 */
import type { FmeBatchEventData } from '@vwo/core';

/** 1.35.0's `edgeConfig` option. */
export interface EdgeConfig {
  /** Read by 1.35.0 but without effect: edge mode always waits for the events. */
  readonly shouldWaitForTrackingCalls?: boolean;
  /** Events per batch request (default and maximum 5000). */
  readonly maxEventsToBatch?: number;
}

/** What a given `edgeConfig` changes. */
export interface EdgeMode {
  /** Replaces the `batchEventData` option (1.35.0 overwrites it). */
  readonly batchEventData: FmeBatchEventData;
  /** `flushEvents()` also fetches the settings and stores them through the storage's `setSettings`. */
  readonly refreshesSettingsCache: boolean;
}

const MAX_EVENTS_PER_REQUEST = 5000;

/**
 * The edge mode `edgeConfig` asks for, or `undefined` when it asks for none (absent, falsy, `{}`).
 *
 * @example
 * edgeModeOf({ maxEventsToBatch: 20 }); // { batchEventData: { eventsPerRequest: 20 }, refreshesSettingsCache: true }
 */
export function edgeModeOf(edgeConfig: unknown): EdgeMode | undefined {
  if (!edgeConfig) return undefined;
  // 1.35.0's isEmptyObject: a plain object (by its toString tag) without own keys.
  const isObject = Object.prototype.toString.call(edgeConfig) === '[object Object]';
  if (isObject && Object.keys(edgeConfig as object).length === 0) return undefined;
  const max = (edgeConfig as { maxEventsToBatch?: unknown }).maxEventsToBatch;
  return {
    // 1.35.0 takes any truthy value as given; the batching options then validate it.
    batchEventData: { eventsPerRequest: (max || MAX_EVENTS_PER_REQUEST) as number },
    refreshesSettingsCache: Object.keys(edgeConfig).length > 0,
  };
}
