/**
 * The web provider over a client started from a server's bootstrap (`launchFromBootstrap` of
 * `@vwo/browser`): it is ready without any network wait — no settings fetch, and before a
 * zero-delay timer fires — so the first evaluation already has the visitor's variation, the
 * one the server rendered; and the page's evaluation sends the only impression.
 */
import { OpenFeature } from '@openfeature/web-sdk';
import { launchFromBootstrap } from '@vwo/browser';
import { createBootstrap, serializeBootstrap } from '@vwo/node';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VWOWebProvider } from '../src/web.js';
import { ACCOUNT_ID, eventually, launchClient, SDK_KEY, useCollector } from './fixtures.js';

const collector = useCollector();
const silent = { error() {}, warn() {}, info() {}, debug() {} };

beforeAll(() => {
  OpenFeature.setLogger(silent);
});

afterEach(async () => {
  await OpenFeature.clearProviders();
  await OpenFeature.clearContexts();
});

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
    await OpenFeature.setContext({ targetingKey: userId });
    let timerFired = false;
    setTimeout(() => {
      timerFired = true;
    }, 0);
    await OpenFeature.setProviderAndWait(new VWOWebProvider({ launch: () => started.ready }));
    // Only microtasks ran: no request, no timer — a page can render the flag in the same task.
    expect(timerFired).toBe(false);
    const flags = OpenFeature.getClient();
    expect(flags.getStringValue('K', 'default')).toBe(rendered);
    expect(collector().stats().requests.byEndpoint.settings ?? 0).toBe(0);
    await OpenFeature.clearProviders();
    await eventually(() => collector().stats().events.impressions === 1);
    expect(collector().stats().events.total).toBe(1);
  });
});
