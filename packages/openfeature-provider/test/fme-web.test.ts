/**
 * The web provider over an FME client, through the real `@openfeature/web-sdk` (static
 * context, synchronous evaluations); what the client sends reaches a loopback HTTP server.
 * Expected values come from `getFlag` of the same client.
 */
import { ErrorCode, type EvaluationContext, OpenFeature, ProviderEvents } from '@openfeature/web-sdk';
import type { FmeClient } from '@vwo/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VWOWebProvider } from '../src/web.js';
import { eventually, settle } from './fixtures.js';
import { fmeSettingsFile, initClient, mapStorage, useLoopback } from './fme-fixtures.js';

const loopback = useLoopback();
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const clients: FmeClient[] = [];

beforeAll(() => OpenFeature.setLogger(silent));

afterEach(async () => {
  await OpenFeature.clearProviders();
  await OpenFeature.clearContexts();
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function withProvider(context: EvaluationContext, options: Parameters<typeof initClient>[1] = {}) {
  const client = await initClient(loopback.transport(), options);
  clients.push(client);
  await OpenFeature.setContext(context);
  const provider = new VWOWebProvider({ client }, { settingsCheckInterval: 20 });
  await OpenFeature.setProviderAndWait(provider);
  return { client, provider, flags: OpenFeature.getClient() };
}

const impressions = () => loopback.received().filter((event) => event.eventName === 'vwo_variationShown');

describe('synchronous evaluations over an FME client', () => {
  it('feature flags and typed variables are what getFlag answers for the context', async () => {
    const { client, flags } = await withProvider({ targetingKey: 'José' });
    const expected = await client.getFlag('new-checkout', { id: 'José' });
    expect(flags.getBooleanDetails('new-checkout', false)).toMatchObject({ value: expected.isEnabled(), reason: 'SPLIT' });
    expect(flags.getNumberValue('new-checkout.limit', -1)).toBe(expected.getVariable('limit'));
    expect(flags.getStringValue('new-checkout.color', 'x')).toBe(expected.getVariable('color'));
    expect(flags.getObjectValue('new-checkout.layout', {})).toEqual(expected.getVariable('layout'));
    expect(flags.getBooleanDetails('nope', true)).toMatchObject({ value: true, errorCode: ErrorCode.FLAG_NOT_FOUND });
    expect(flags.getStringDetails('new-checkout', 'd')).toMatchObject({ value: 'd', errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('the first evaluation of a feature calls getFlag once for the context: its impressions are sent once', async () => {
    const { client, flags } = await withProvider({ targetingKey: 'Bill', plan: 'pro' });
    const explained = await client.explain('new-checkout', { id: 'Bill', customVariables: { plan: 'pro' } });
    await settle();
    expect(impressions()).toHaveLength(0);
    for (let i = 0; i < 5; i++) {
      flags.getBooleanValue('new-checkout', false);
      flags.getNumberValue('new-checkout.limit', -1);
    }
    await eventually(() => impressions().length === explained.impressions.length);
    await settle();
    expect(impressions()).toHaveLength(explained.impressions.length);
    expect(explained.impressions.length).toBeGreaterThan(0);
    // A variable evaluation is a getFlag too.
    expect(flags.getNumberValue('pro-tools.quota', 0)).toBe(2.5);
    await eventually(() => impressions().length === explained.impressions.length + 1);
  });

  it('a new context is decided afresh: STALE in between, then the new user’s answers', async () => {
    const { flags } = await withProvider({ targetingKey: 'Bill', plan: 'free' });
    expect(flags.getBooleanDetails('pro-tools', true)).toMatchObject({ value: false, reason: 'DEFAULT' });
    const changing = OpenFeature.setContext({ targetingKey: 'Emma', plan: 'pro' });
    expect(flags.getBooleanDetails('pro-tools', true)).toMatchObject({ value: true, reason: 'STALE' });
    await changing;
    expect(flags.getBooleanDetails('pro-tools', false)).toMatchObject({ value: true, reason: 'TARGETING_MATCH', variant: 'Pro' });
  });

  it('with a user storage, the provider’s getFlag stores the user and later evaluations are CACHED', async () => {
    const storage = mapStorage();
    const { flags } = await withProvider({ targetingKey: 'John' }, { storage });
    const first = flags.getBooleanDetails('new-checkout', false);
    expect(first.reason).toBe('SPLIT');
    await eventually(() => flags.getBooleanDetails('new-checkout', false).reason === 'CACHED');
    expect(flags.getBooleanDetails('new-checkout', false)).toMatchObject({ value: first.value, variant: first.variant });
    expect(storage.records.size).toBeGreaterThan(0);
  });

  it('new settings are decided again and reported', async () => {
    const { client, flags } = await withProvider({ targetingKey: 'Bill' });
    expect(flags.getBooleanValue('dark-mode', true)).toBe(false);
    const changed: string[][] = [];
    flags.addHandler(ProviderEvents.ConfigurationChanged, (event) => changed.push([...(event?.flagsChanged ?? [])]));
    const next = fmeSettingsFile();
    for (const campaign of next.campaigns as { key: string; variations: { weight: number }[] }[]) {
      if (campaign.key === 'dark_rollout') (campaign.variations[0] as { weight: number }).weight = 100;
    }
    await client.updateSettings(next);
    await eventually(() => changed.length > 0);
    expect(changed[0]).toEqual(['dark-mode', 'dark-mode.theme']);
    expect(flags.getBooleanDetails('dark-mode', false)).toMatchObject({ value: true, reason: 'SPLIT' });
  });

  it('track sends trackEvent with the details as event properties', async () => {
    const { flags } = await withProvider({ targetingKey: 'Emma' });
    flags.track('purchase', { value: 3, sku: 'A-1' });
    await eventually(() => loopback.received().some((event) => event.eventName === 'purchase'));
    expect(JSON.stringify(loopback.received().find((event) => event.eventName === 'purchase')?.body)).toContain('"sku":"A-1"');
  });
});

describe('closing the provider right after an evaluation', () => {
  it('the provider’s own client sends the impression of a getFlag still reading a remote storage before it closes', async () => {
    const storage = mapStorage();
    // A remote store: every read answers a little later, so the provider's getFlag is still deciding at close.
    const remote = {
      ...storage,
      get: (featureKey: string, userId: string) => new Promise((resolve) => setTimeout(() => resolve(storage.get(featureKey, userId)), 30)),
    };
    await OpenFeature.setContext({ targetingKey: 'Bill', plan: 'pro' });
    const provider = new VWOWebProvider({ launch: () => initClient(loopback.transport(), { storage: remote as never }) });
    await OpenFeature.setProviderAndWait(provider);
    const client = provider.client as FmeClient;
    const explained = await client.explain('pro-tools', { id: 'Bill', customVariables: { plan: 'pro' } });
    expect(explained.impressions.length).toBeGreaterThan(0);
    OpenFeature.getClient().getBooleanValue('pro-tools', false);
    await OpenFeature.clearProviders();
    await eventually(() => impressions().length === explained.impressions.length);
    await settle();
    expect(impressions()).toHaveLength(explained.impressions.length);
  });
});
