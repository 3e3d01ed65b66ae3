/**
 * What the web provider's tests share around the real `@openfeature/web-sdk`: a quiet logger with
 * every provider and context cleared after each test, and the readiness check of a provider over
 * a client started from a server's bootstrap.
 */
import { type Client, OpenFeature } from '@openfeature/web-sdk';
import { afterEach, beforeAll } from 'vitest';
import { type AnyVWOClient, VWOWebProvider } from '../../src/web.js';

const silent = { error() {}, warn() {}, info() {}, debug() {} };

/** Silences the SDK's own log for the file, and clears every provider and context after each test. */
export function useWebOpenFeature(): void {
  beforeAll(() => {
    OpenFeature.setLogger(silent);
  });
  afterEach(async () => {
    await OpenFeature.clearProviders();
    await OpenFeature.clearContexts();
  });
}

/**
 * Sets `userId` as the context and a provider over the client `ready` resolves with, and waits
 * until the provider is ready.
 * `timerFired` tells whether a zero-delay timer set before ran meanwhile: false means only
 * microtasks ran — no request, no timer — so a page can render the flag in the same task.
 */
export async function providerWithinTask(
  userId: string,
  ready: Promise<AnyVWOClient>,
): Promise<{ readonly flags: Client; readonly timerFired: boolean }> {
  await OpenFeature.setContext({ targetingKey: userId });
  let timerFired = false;
  setTimeout(() => {
    timerFired = true;
  }, 0);
  await OpenFeature.setProviderAndWait(new VWOWebProvider({ launch: () => ready }));
  return { flags: OpenFeature.getClient(), timerFired };
}
