import { describe, expect, it } from 'vitest';
import { createClient } from '../src/index.js';
import { campaign, settingsFile, variationsFor } from './support/files.js';
import { parsed } from './support/parse.js';

/** A storage whose reads wait until the test releases them, so a call stays in flight. */
function gatedStorage() {
  const waiting: (() => void)[] = [];
  return {
    release: () => {
      for (const go of waiting.splice(0)) go();
    },
    storage: {
      get: () =>
        new Promise<undefined>((resolve) => {
          waiting.push(() => resolve(undefined));
        }),
      set: () => undefined,
    },
  };
}

describe('settings swaps', () => {
  it('a call in flight keeps the settings it started with; the next call sees the new ones', async () => {
    const before = parsed(settingsFile([campaign({ variations: variationsFor([100, 0]) })]));
    const after = parsed(settingsFile([campaign({ variations: variationsFor([0, 100]) })]));
    const { storage, release } = gatedStorage();
    const vwo = createClient({ settings: before, userStorage: storage, isDevelopmentMode: true, logLevel: 'silent' });
    const inFlight = vwo.activate('K', 'Ashley');
    vwo.updateSettings(after);
    expect(vwo.settings).toBe(after);
    const next = vwo.activate('K', 'Ashley');
    release();
    await Promise.resolve();
    release();
    expect(await inFlight).toBe('Control');
    expect(await next).toBe('Variation-1');
    await vwo.close();
  });

  it('never mixes two versions across 2,000 concurrent calls while settings flip', async () => {
    const a = parsed(settingsFile([campaign({ variations: variationsFor([100, 0]) })]));
    const b = parsed(settingsFile([campaign({ variations: variationsFor([0, 100]) })]));
    const vwo = createClient({
      settings: a,
      userStorage: { get: () => Promise.resolve(undefined), set: () => undefined },
      isDevelopmentMode: true,
      logLevel: 'silent',
    });
    const activations: Promise<[string | null, 'a' | 'b']>[] = [];
    for (let i = 0; i < 2000; i++) {
      const version = vwo.settings === a ? 'a' : 'b';
      activations.push(vwo.activate('K', `u${i}`).then((name) => [name, version]));
      if (i % 7 === 0) vwo.updateSettings(version === 'a' ? b : a);
    }
    for (const [name, version] of await Promise.all(activations)) expect(name).toBe(version === 'a' ? 'Control' : 'Variation-1');
    await vwo.close();
  });
});
