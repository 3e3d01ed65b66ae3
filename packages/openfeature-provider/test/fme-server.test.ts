/**
 * The server provider over an FME client (`init` of `@vwo/node`), through the real
 * `@openfeature/server-sdk`; what the client sends reaches a loopback HTTP server. Expected
 * values come from `getFlag` of the same client, never from the provider's own reading.
 */
import { ErrorCode, type EvaluationContext, OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import type { FmeClient } from '@vwo/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VWOServerProvider } from '../src/server.js';
import { eventually, settle } from './fixtures.js';
import { fmeSettingsFile, initClient, mapStorage, useLoopback } from './fme-fixtures.js';

const loopback = useLoopback();
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const clients: FmeClient[] = [];
const USERS = ['Ashley', 'José', 'Bill', 'Chris', 'John', 'Emma', 'user1', 'user2', 'u 42', 'ユーザー'];

beforeAll(() => OpenFeature.setLogger(silent));

afterEach(async () => {
  await OpenFeature.clearProviders();
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

async function withProvider(options: Parameters<typeof initClient>[1] = {}) {
  const client = await initClient(loopback.transport(), options);
  clients.push(client);
  const provider = new VWOServerProvider({ client }, { settingsCheckInterval: 20 });
  await OpenFeature.setProviderAndWait(provider);
  return { client, provider, flags: OpenFeature.getClient() };
}

/** A user whose `new-checkout` flag has a variable `limit` of this value, found with the client itself. */
async function userWithLimit(client: FmeClient, limit: number): Promise<string> {
  for (const id of USERS) if ((await client.getFlag('new-checkout', { id })).getVariable('limit') === limit) return id;
  throw new Error(`no user gets limit ${limit}`);
}

const impressions = () => loopback.received().filter((event) => event.eventName === 'vwo_variationShown');

describe('a feature key resolves isEnabled() of getFlag', () => {
  it('the value, the variation served as variant, SPLIT, and the rule as metadata', async () => {
    const { client, flags } = await withProvider();
    for (const id of USERS.slice(0, 4)) {
      const expected = await client.getFlag('new-checkout', { id });
      const details = await flags.getBooleanDetails('new-checkout', false, { targetingKey: id });
      expect(details.value).toBe(expected.isEnabled());
      expect(details.reason).toBe('SPLIT');
      expect(details.variant).toBe(expected.getVariable('limit') === 0 ? 'Variation-1' : 'Default');
      expect(details.flagMetadata).toEqual({ featureId: 1, campaignId: 2, campaignKey: 'checkout_test', campaignType: 'FLAG_TESTING' });
    }
  });

  it('a rollout the user matches the pre-segmentation of is TARGETING_MATCH; one they do not, false with DEFAULT', async () => {
    const { flags } = await withProvider();
    expect(await flags.getBooleanDetails('pro-tools', false, { targetingKey: 'Bill', plan: 'pro' })).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      variant: 'Pro',
    });
    const free = await flags.getBooleanDetails('pro-tools', true, { targetingKey: 'Bill', plan: 'free' });
    expect(free).toMatchObject({ value: false, reason: 'DEFAULT', flagMetadata: { featureId: 2 } });
    expect(free.errorCode).toBeUndefined();
    expect(await flags.getBooleanDetails('dark-mode', true, { targetingKey: 'Bill' })).toMatchObject({ value: false, reason: 'DEFAULT' });
  });

  it('whitelisting is TARGETING_MATCH with the forced variation', async () => {
    const { flags } = await withProvider();
    expect(await flags.getBooleanDetails('banner', false, { targetingKey: 'Ashley' })).toMatchObject({
      value: true,
      reason: 'TARGETING_MATCH',
      variant: 'Variation-1',
    });
    expect(await flags.getStringValue('banner.text', '', { targetingKey: 'Ashley' })).toBe('Hi Ashley');
    expect(await flags.getStringDetails('banner.text', '', { targetingKey: 'Bill' })).toMatchObject({ value: 'Hello', reason: 'SPLIT' });
  });

  it('each evaluation is one getFlag: its impressions reach the server every time, as 1.35.0 sends them', async () => {
    const { client, flags } = await withProvider();
    const explained = await client.explain('new-checkout', { id: 'José' });
    await flags.getBooleanValue('new-checkout', false, { targetingKey: 'José' });
    await eventually(() => impressions().length === explained.impressions.length);
    await flags.getNumberValue('new-checkout.limit', -1, { targetingKey: 'José' });
    await eventually(() => impressions().length === 2 * explained.impressions.length);
    await settle();
    expect(impressions()).toHaveLength(2 * explained.impressions.length);
    expect(explained.impressions.length).toBeGreaterThan(0);
  });
});

describe('featureKey.variableKey resolves getVariable of the served variation, typed', () => {
  it('strings, numbers, booleans and objects; 0 and false are values, not the default', async () => {
    const { client, flags } = await withProvider();
    for (const limit of [0, 10]) {
      const id = await userWithLimit(client, limit);
      const flag = await client.getFlag('new-checkout', { id });
      const user: EvaluationContext = { targetingKey: id };
      expect(await flags.getStringValue('new-checkout.color', 'none', user)).toBe(flag.getVariable('color'));
      expect(await flags.getNumberValue('new-checkout.limit', -1, user)).toBe(limit);
      expect(await flags.getObjectValue('new-checkout.layout', {}, user)).toEqual(flag.getVariable('layout'));
      expect(await flags.getBooleanValue('new-checkout.beta', true, user)).toBe(flag.getVariable('beta'));
    }
  });

  it('a disabled flag gives the default with DEFAULT; a double is a number', async () => {
    const { flags } = await withProvider();
    expect(await flags.getNumberDetails('pro-tools.quota', 1, { targetingKey: 'Emma', plan: 'free' })).toMatchObject({
      value: 1,
      reason: 'DEFAULT',
    });
    expect(await flags.getNumberValue('pro-tools.quota', 1, { targetingKey: 'Emma', plan: 'pro' })).toBe(2.5);
  });
});

describe('error codes', () => {
  it('FLAG_NOT_FOUND for an unknown feature or variable, and for a variable the served variation lacks', async () => {
    const { client, flags } = await withProvider();
    const user = { targetingKey: 'José' };
    expect(await flags.getBooleanDetails('no-such-feature', true, user)).toMatchObject({
      value: true,
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
    expect(await flags.getStringDetails('new-checkout.nope', 'd', user)).toMatchObject({
      value: 'd',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      flagMetadata: { featureId: 1 },
    });
    // `label` is declared by Default only.
    const inVariation = await userWithLimit(client, 0);
    expect(await flags.getStringDetails('new-checkout.label', 'd', { targetingKey: inVariation })).toMatchObject({
      value: 'd',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
    });
  });

  it('TYPE_MISMATCH for another type than declared, before deciding (nothing is sent), and for a value of another type', async () => {
    const { client, flags } = await withProvider();
    const user = { targetingKey: 'José' };
    expect(await flags.getStringDetails('new-checkout', 'd', user)).toMatchObject({ value: 'd', errorCode: ErrorCode.TYPE_MISMATCH });
    expect(await flags.getNumberDetails('new-checkout.color', 3, user)).toMatchObject({ value: 3, errorCode: ErrorCode.TYPE_MISMATCH });
    await settle();
    expect(impressions()).toHaveLength(0);
    // `label` is declared a string and holds 7.
    const inDefault = await userWithLimit(client, 10);
    expect(await flags.getStringDetails('new-checkout.label', 'd', { targetingKey: inDefault })).toMatchObject({
      value: 'd',
      errorCode: ErrorCode.TYPE_MISMATCH,
    });
  });

  it('TARGETING_KEY_MISSING without a targetingKey, PARSE_ERROR for a userAgent that is not a string', async () => {
    const { flags } = await withProvider();
    expect(await flags.getBooleanDetails('new-checkout', true, {})).toMatchObject({ errorCode: ErrorCode.TARGETING_KEY_MISSING });
    expect(await flags.getBooleanDetails('new-checkout', true, { targetingKey: 'a', userAgent: 5 })).toMatchObject({
      errorCode: ErrorCode.PARSE_ERROR,
    });
  });

  it('GENERAL when the client was created over invalid settings', async () => {
    const { flags } = await withProvider({ settings: { version: 1, accountId: 1, campaigns: 'none' } });
    expect(await flags.getBooleanDetails('new-checkout', true, { targetingKey: 'a' })).toMatchObject({
      value: true,
      errorCode: ErrorCode.GENERAL,
    });
  });
});

describe('context, storage, tracking and settings', () => {
  it('userAgent and ipAddress are the FME context fields (sent with the impression); other attributes are custom variables', async () => {
    const { flags } = await withProvider();
    const ua = 'Mozilla/5.0 (X11; Linux x86_64)';
    expect(
      await flags.getBooleanValue('pro-tools', false, { targetingKey: 'Chris', plan: 'pro', userAgent: ua, ipAddress: '10.1.2.3' }),
    ).toBe(true);
    await eventually(() => impressions().length === 1);
    const sent = JSON.stringify(impressions()[0]?.body);
    expect(sent).toContain(ua);
    expect(sent).toContain('10.1.2.3');
  });

  it('with a user storage, the second evaluation is CACHED', async () => {
    const { flags } = await withProvider({ storage: mapStorage() });
    const user = { targetingKey: 'John' };
    const first = await flags.getBooleanDetails('new-checkout', false, user);
    const second = await flags.getBooleanDetails('new-checkout', false, user);
    expect(first.reason).toBe('SPLIT');
    expect(second).toMatchObject({ value: first.value, variant: first.variant, reason: 'CACHED' });
  });

  it('when explain and getFlag disagree (another writer stored the user in between), the value is getFlag’s and the reason UNKNOWN', async () => {
    const { client: probe } = await withProvider();
    const id = await userWithLimit(probe, 10);
    await OpenFeature.clearProviders();
    // A fault a real storage gives only by chance: a record written by another process between
    // the provider's explain (first read: nothing) and its getFlag (second read: the record).
    let reads = 0;
    const record = {
      featureKey: 'new-checkout',
      userId: id,
      rolloutId: undefined,
      rolloutKey: undefined,
      rolloutVariationId: undefined,
      experimentId: 2,
      experimentKey: 'checkout_test',
      experimentVariationId: 2,
    };
    const racingStorage = { get: () => (reads++ === 0 ? undefined : record), set: () => {} };
    const { flags } = await withProvider({ storage: racingStorage });
    const details = await flags.getNumberDetails('new-checkout.limit', -1, { targetingKey: id });
    expect(details).toMatchObject({ value: 0, reason: 'UNKNOWN' });
    expect(details.variant).toBeUndefined();
  });

  it('track sends trackEvent with every detail as an event property', async () => {
    const { provider } = await withProvider();
    OpenFeature.getClient().track('purchase', { targetingKey: 'Emma' }, { value: 12.5, currency: 'EUR' });
    await eventually(() => loopback.received().some((event) => event.eventName === 'purchase'));
    const sent = JSON.stringify(loopback.received().find((event) => event.eventName === 'purchase')?.body);
    expect(sent).toContain('"currency":"EUR"');
    expect(sent).toContain('"value":12.5');
    expect(provider.client).toBeDefined();
  });

  it('new settings (updateSettings) emit PROVIDER_CONFIGURATION_CHANGED with the changed feature and its variables', async () => {
    const { client, flags } = await withProvider();
    const changed: string[][] = [];
    flags.addHandler(ProviderEvents.ConfigurationChanged, (event) => changed.push([...(event?.flagsChanged ?? [])]));
    const next = fmeSettingsFile();
    (next.campaigns as { key: string; variations: { weight: number }[] }[])
      .filter((campaign) => campaign.key === 'dark_rollout')
      .forEach((campaign) => {
        (campaign.variations[0] as { weight: number }).weight = 100;
      });
    await client.updateSettings(next);
    await eventually(() => changed.length > 0);
    expect(changed).toEqual([['dark-mode', 'dark-mode.theme']]);
    expect(await flags.getBooleanDetails('dark-mode', false, { targetingKey: 'Bill' })).toMatchObject({ value: true, reason: 'SPLIT' });
  });

  it('a provider that creates its client (launch: () => init(…)) closes it with OpenFeature', async () => {
    let created: FmeClient | undefined;
    const provider = new VWOServerProvider({
      launch: async () => {
        created = await initClient(loopback.transport());
        return created;
      },
    });
    await OpenFeature.setProviderAndWait(provider);
    expect(await OpenFeature.getClient().getBooleanValue('pro-tools', false, { targetingKey: 'x', plan: 'pro' })).toBe(true);
    await OpenFeature.close();
    expect(provider.client).toBeUndefined();
    expect(created).toBeDefined();
  });
});
