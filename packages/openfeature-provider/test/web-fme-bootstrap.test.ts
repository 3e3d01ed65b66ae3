/**
 * The web provider over an FME client started from a server's bootstrap (`initFromBootstrap` of
 * `@vwo/browser`): it is ready without any network wait — no settings fetch, and before a
 * zero-delay timer fires — so the first evaluation already has what the server rendered; the
 * server's `explain` sent nothing, and the page's evaluation sends the only impression.
 */
import { OpenFeature } from '@openfeature/web-sdk';
import { initFromBootstrap } from '@vwo/browser';
import { createFmeBootstrap, serializeBootstrap } from '@vwo/node';
import { describe, expect, it } from 'vitest';
import { eventually } from './fixtures.js';
import { FME_ACCOUNT_ID, FME_SDK_KEY, initClient, mapStorage, useLoopback } from './fme-fixtures.js';
import { providerWithinTask, useWebOpenFeature } from './support/web-open-feature.js';

const loopback = useLoopback();
useWebOpenFeature();
const impressions = () => loopback.received().filter((event) => event.eventName === 'vwo_variationShown');

describe('VWOWebProvider over an FME client started from a bootstrap', () => {
  it.each(['José', 'Ashley'])('is ready with no network wait and evaluates what the server rendered (%s)', async (userId) => {
    const server = await initClient(loopback.transport());
    await server.close();
    // The server's own start events are not the page's: count from here.
    const before = loopback.received().length;
    const rendered = await server.explain('new-checkout', { id: userId });
    const bootstrap = serializeBootstrap(createFmeBootstrap(server.settings, { userId }) as never);
    expect(loopback.received().length, 'the server rendering sent nothing').toBe(before);

    const started = initFromBootstrap({
      accountId: FME_ACCOUNT_ID,
      sdkKey: FME_SDK_KEY,
      userId,
      bootstrap,
      transport: loopback.transport(),
      storage: mapStorage(),
      persistEvents: false,
    });
    expect(started.source).toBe('bootstrap');
    const { flags, timerFired } = await providerWithinTask(userId, started.ready);
    expect(timerFired, 'only microtasks ran before the provider was ready').toBe(false);
    expect(flags.getBooleanValue('new-checkout', !rendered.enabled)).toBe(rendered.enabled);
    const color = rendered.variables.find((variable) => variable.key === 'color')?.value;
    expect(flags.getStringValue('new-checkout.color', 'default')).toBe(color);
    expect(loopback.received().some((event) => event.path.includes('settings'))).toBe(false);
    // The evaluation's getFlag sends the impressions; closing the provider closes the client after them.
    await eventually(() => impressions().length >= rendered.impressions.length);
    await OpenFeature.clearProviders();
    expect(rendered.impressions.length).toBeGreaterThan(0);
    expect(impressions()).toHaveLength(rendered.impressions.length);
  });
});
