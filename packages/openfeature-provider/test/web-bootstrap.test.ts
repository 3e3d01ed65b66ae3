/**
 * The web provider over a client started from a server's bootstrap (`launchFromBootstrap` of
 * `@vwo/browser`): it is ready without any network wait — no settings fetch, and before a
 * zero-delay timer fires — so the first evaluation already has the visitor's variation, the
 * one the server rendered; and the page's evaluation sends the only impression.
 */
import { OpenFeature } from '@openfeature/web-sdk';
import { launchFromBootstrap } from '@vwo/browser';
import { createBootstrap, serializeBootstrap } from '@vwo/node';
import { describe, expect, it } from 'vitest';
import { ACCOUNT_ID, eventually, launchClient, SDK_KEY, useCollector } from './fixtures.js';
import { providerWithinTask, useWebOpenFeature } from './support/web-open-feature.js';

const collector = useCollector();
useWebOpenFeature();

describe('VWOWebProvider over a bootstrapped client', () => {
  it.each(['José', 'Ashley'])('is ready with no network wait and evaluates what the server rendered (%s)', async (userId) => {
    const server = await launchClient(collector());
    const rendered = await server.getVariationName('K', userId);
    const bootstrap = serializeBootstrap(createBootstrap(server.settings, { userId }) as never);
    await server.close();

    const started = launchFromBootstrap({
      accountId: ACCOUNT_ID,
      sdkKey: SDK_KEY,
      collectorUrl: collector().url,
      userId,
      bootstrap,
      logLevel: 'silent',
    });
    expect(started.source).toBe('bootstrap');
    const { flags, timerFired } = await providerWithinTask(userId, started.ready);
    expect(timerFired, 'only microtasks ran before the provider was ready').toBe(false);
    expect(flags.getStringValue('K', 'default')).toBe(rendered);
    expect(collector().stats().requests.byEndpoint.settings ?? 0).toBe(0);
    await OpenFeature.clearProviders();
    await eventually(() => collector().stats().events.impressions === 1);
    expect(collector().stats().events.total).toBe(1);
  });
});
