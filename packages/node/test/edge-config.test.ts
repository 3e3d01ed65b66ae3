/** `edgeModeOf`: which `edgeConfig` values switch edge mode on, and what each part of it follows. */
import { describe, expect, it } from 'vitest';
import { edgeModeOf } from '../src/edge-config.js';

describe('edgeModeOf', () => {
  it('is off for absent, falsy and empty-object values', () => {
    for (const value of [undefined, null, false, 0, '', {}]) expect(edgeModeOf(value)).toBeUndefined();
  });

  it('batches maxEventsToBatch (default 5000) and refreshes the cache for an object with keys', () => {
    expect(edgeModeOf({ maxEventsToBatch: 20 })).toEqual({ batchEventData: { eventsPerRequest: 20 }, refreshesSettingsCache: true });
    expect(edgeModeOf({ shouldWaitForTrackingCalls: false })).toEqual({
      batchEventData: { eventsPerRequest: 5000 },
      refreshesSettingsCache: true,
    });
  });

  it('is on without the cache refresh for a truthy value without own keys, as 1.35.0 tests it', () => {
    expect(edgeModeOf(true)).toEqual({ batchEventData: { eventsPerRequest: 5000 }, refreshesSettingsCache: false });
    expect(edgeModeOf([])).toEqual({ batchEventData: { eventsPerRequest: 5000 }, refreshesSettingsCache: false });
  });
});
