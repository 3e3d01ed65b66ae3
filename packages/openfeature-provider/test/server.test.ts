/**
 * The server provider, through the real `@openfeature/server-sdk` (never by calling the
 * provider directly), over a real `@vwo/node` client that sends to a local collector.
 */
import { ErrorCode, type EvaluationContext, type EventHandler, OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/server-sdk';
import { parseSettings, type VWOClient, VWOConfigError } from '@vwo/core';
import { launch } from '@vwo/node';
import { createMemoryStorage } from '@vwo/storage-memory';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type VWOProviderOptions, VWOServerProvider } from '../src/server.js';
import {
  ACCOUNT_ID,
  campaigns,
  eventually,
  launchClient,
  recordingLogger,
  SDK_KEY,
  settingsFile,
  settle,
  useCollector,
  withCampaign,
} from './fixtures.js';

const collector = useCollector();
const ashley: EvaluationContext = { targetingKey: 'Ashley' };
const jose: EvaluationContext = { targetingKey: 'José' };
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const ownClients: VWOClient[] = [];

beforeAll(() => {
  OpenFeature.setLogger(silent);
});

afterEach(async () => {
  await OpenFeature.clearProviders();
  await Promise.all(ownClients.splice(0).map((client) => client.close()));
});

/** A provider over a client the test owns, set and ready. */
async function withProvider(options?: VWOProviderOptions, launchOptions: Parameters<typeof launchClient>[1] = {}) {
  const client = await launchClient(collector(), launchOptions);
  ownClients.push(client);
  const provider = new VWOServerProvider({ client }, { settingsCheckInterval: 20, ...options });
  await OpenFeature.setProviderAndWait(provider);
  return { client, provider, flags: OpenFeature.getClient() };
}

const impressions = () =>
  collector()
    .events()
    .filter((event) => event.kind === 'impression');

describe('feature campaigns resolve as booleans through isFeatureEnabled', () => {
  it('a user in a variation with the feature on gets true, reason SPLIT, the variation as variant and the campaign as metadata', async () => {
    const { flags } = await withProvider();
    const details = await flags.getBooleanDetails('FT', false, jose);
    expect(details).toMatchObject({
      value: true,
      variant: 'Variation-1',
      reason: 'SPLIT',
      flagMetadata: { campaignId: 231, campaignType: 'FEATURE_TEST' },
    });
    expect(details.errorCode).toBeUndefined();
  });

  it('a user in a variation with the feature off gets false, never the default', async () => {
    const { flags } = await withProvider();
    expect(await flags.getBooleanDetails('FT', true, ashley)).toMatchObject({ value: false, variant: 'Control', reason: 'SPLIT' });
  });

  it('a rollout is on for everyone in its traffic, and sends one impression per evaluation as isFeatureEnabled does', async () => {
    const { flags } = await withProvider();
    expect(await flags.getBooleanDetails('FR', false, ashley)).toMatchObject({
      value: true,
      variant: 'website',
      reason: 'SPLIT',
      flagMetadata: { campaignId: 232, campaignType: 'FEATURE_ROLLOUT' },
    });
    await eventually(() => impressions().length === 1);
    expect(impressions()[0]).toMatchObject({ campaignId: 232, variationId: 1 });
  });

  it('a user left out of the traffic gets false with reason DEFAULT and no variant', async () => {
    const { flags } = await withProvider();
    const details = await flags.getBooleanDetails('LOW', true, ashley);
    expect(details).toMatchObject({ value: false, reason: 'DEFAULT' });
    expect(details.variant).toBeUndefined();
    await settle();
    expect(impressions()).toHaveLength(0);
  });

  it('a paused campaign is false with reason DISABLED, and sends nothing', async () => {
    const { flags } = await withProvider();
    expect(await flags.getBooleanDetails('PAUSED', true, jose)).toMatchObject({
      value: false,
      reason: 'DISABLED',
      flagMetadata: { campaignId: 234, campaignType: 'FEATURE_ROLLOUT' },
    });
    await settle();
    expect(impressions()).toHaveLength(0);
  });
});

describe('A/B campaigns resolve as the variation name through activate', () => {
  it('each user gets the variation VWO buckets them into, and the impression reaches the collector', async () => {
    const { flags } = await withProvider();
    expect(await flags.getStringDetails('K', 'none', ashley)).toMatchObject({ value: 'Control', variant: 'Control', reason: 'SPLIT' });
    expect(await flags.getStringDetails('K', 'none', jose)).toMatchObject({
      value: 'Variation-1',
      variant: 'Variation-1',
      reason: 'SPLIT',
      flagMetadata: { campaignId: 230, campaignType: 'VISUAL_AB' },
    });
    await eventually(() => impressions().length === 2);
    expect(impressions().map((event) => [event.campaignId, event.variationId])).toEqual([
      [230, 1],
      [230, 2],
    ]);
  });

  it('a whitelisted user gets the forced variation with reason TARGETING_MATCH', async () => {
    const { flags } = await withProvider();
    const admin = { targetingKey: 'Ashley', variationTargetingVariables: { role: 'admin' } };
    expect(await flags.getStringDetails('WL', 'none', admin)).toMatchObject({ value: 'Variation-1', reason: 'TARGETING_MATCH' });
    expect(await flags.getStringDetails('WL', 'none', ashley)).toMatchObject({ value: 'Control', reason: 'SPLIT' });
  });

  it('the targeting attribute can be renamed', async () => {
    const { flags } = await withProvider({ targetingAttribute: 'vwoTargeting' });
    const admin = { targetingKey: 'Ashley', vwoTargeting: { role: 'admin' } };
    expect(await flags.getStringDetails('WL', 'none', admin)).toMatchObject({ value: 'Variation-1', reason: 'TARGETING_MATCH' });
  });

  it('custom variables that pass pre-segmentation give TARGETING_MATCH; a user who fails it gets the default with DEFAULT', async () => {
    const { flags } = await withProvider();
    expect(await flags.getStringDetails('SEG', 'none', { targetingKey: 'José', plan: 'pro' })).toMatchObject({
      value: 'Variation-1',
      variant: 'Variation-1',
      reason: 'TARGETING_MATCH',
    });
    const left = await flags.getStringDetails('SEG', 'none', { targetingKey: 'José', plan: 'free' });
    expect(left).toMatchObject({ value: 'none', reason: 'DEFAULT', flagMetadata: { campaignId: 236 } });
    expect(left.variant).toBeUndefined();
  });

  it('a campaign whose decision fails in VWO resolves the default with reason ERROR and GENERAL', async () => {
    const { flags } = await withProvider();
    const details = await flags.getStringDetails('BROKEN', 'none', ashley);
    expect(details).toMatchObject({ value: 'none', reason: 'ERROR', errorCode: ErrorCode.GENERAL, flagMetadata: { campaignId: 239 } });
    expect(details.errorMessage).toMatch(/group/);
  });
});

describe('feature variables resolve with their declared type', () => {
  it('string, integer, double, boolean and json variables of the variation the user is in', async () => {
    const { flags } = await withProvider();
    expect(await flags.getStringDetails('FT.label', 'x', jose)).toMatchObject({ value: 'v1', variant: 'Variation-1', reason: 'SPLIT' });
    expect(await flags.getNumberDetails('FT.count', -1, jose)).toMatchObject({ value: 2, variant: 'Variation-1' });
    expect(await flags.getNumberValue('FT.ratio', -1, jose)).toBe(2.5);
    expect(await flags.getBooleanValue('FT.enabled', false, jose)).toBe(true);
    expect(await flags.getObjectDetails('FT.config', {}, jose)).toMatchObject({ value: { theme: 'dark' }, variant: 'Variation-1' });
    expect(await flags.getNumberValue('FR.results', -1, ashley)).toBe(25);
  });

  it('a user in a variation with the feature off reads the control variables, as getFeatureVariableValue', async () => {
    const { flags, client } = await withProvider();
    expect(await flags.getStringDetails('FT.label', 'x', ashley)).toMatchObject({ value: 'ctrl', variant: 'Control' });
    expect(await flags.getObjectValue('FT.config', {}, ashley)).toEqual(await client.getFeatureVariableValue('FT', 'config', 'Ashley'));
  });

  it('0, "" and false are values, never replaced by the default', async () => {
    const { flags } = await withProvider();
    expect(await flags.getNumberDetails('ZERO.count', 99, ashley)).toMatchObject({ value: 0, reason: 'SPLIT', variant: 'website' });
    expect(await flags.getNumberValue('ZERO.ratio', 99, ashley)).toBe(0);
    expect(await flags.getStringDetails('ZERO.label', 'fallback', ashley)).toMatchObject({ value: '', reason: 'SPLIT' });
    expect(await flags.getBooleanDetails('ZERO.on', true, ashley)).toMatchObject({ value: false, reason: 'SPLIT' });
  });

  it('variables send no impression, as getFeatureVariableValue', async () => {
    const { flags } = await withProvider();
    await flags.getStringValue('FT.label', 'x', jose);
    await flags.getNumberValue('FR.results', -1, jose);
    await settle();
    expect(impressions()).toHaveLength(0);
  });

  it('a variable of a paused campaign is the default with DISABLED; of a user left out, the default with DEFAULT', async () => {
    const { flags } = await withProvider();
    expect(await flags.getNumberDetails('PAUSED.results', -1, ashley)).toMatchObject({ value: -1, reason: 'DISABLED' });
    expect(await flags.getNumberDetails('LOW.results', -1, ashley)).toMatchObject({ value: -1, reason: 'DEFAULT' });
  });

  it('campaign keys and variable keys may contain the separator; the separator can be changed', async () => {
    const dotted = await withProvider();
    expect(await dotted.flags.getNumberValue('new.search.results', -1, ashley)).toBe(30);
    expect(await dotted.flags.getStringValue('new.search.ui.theme', 'x', ashley)).toBe('compact');
    expect(await dotted.flags.getBooleanValue('new.search', false, ashley)).toBe(true);
    await OpenFeature.clearProviders();
    const colon = await withProvider({ variableSeparator: '::' });
    expect(await colon.flags.getStringValue('FT::label', 'x', jose)).toBe('v1');
    expect(await colon.flags.getStringDetails('FT.label', 'x', jose)).toMatchObject({ errorCode: ErrorCode.FLAG_NOT_FOUND });
  });
});

describe('errors resolve the default with reason ERROR and an error code', () => {
  it('FLAG_NOT_FOUND for an unknown campaign, an unknown variable, and variables of an A/B campaign', async () => {
    const { flags } = await withProvider();
    const unknown = await flags.getBooleanDetails('nope', true, ashley);
    expect(unknown).toMatchObject({ value: true, reason: 'ERROR', errorCode: ErrorCode.FLAG_NOT_FOUND, flagMetadata: {} });
    expect(unknown.errorMessage).toMatch(/nope/);
    expect(await flags.getStringDetails('FT.nope', 'x', ashley)).toMatchObject({
      value: 'x',
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      flagMetadata: { campaignId: 231 },
    });
    expect(await flags.getStringDetails('K.label', 'x', ashley)).toMatchObject({ errorCode: ErrorCode.FLAG_NOT_FOUND });
  });

  it('TYPE_MISMATCH when the type asked for is not the flag type, before anything is decided or sent', async () => {
    const { flags } = await withProvider();
    const cases = [
      await flags.getBooleanDetails('K', true, ashley),
      await flags.getStringDetails('FT', 'x', ashley),
      await flags.getNumberDetails('FT', 1, ashley),
      await flags.getObjectDetails('FR', {}, ashley),
      await flags.getNumberDetails('FT.label', 1, ashley),
      await flags.getObjectDetails('FT.count', {}, ashley),
      await flags.getBooleanDetails('FR.results', true, ashley),
      await flags.getStringDetails('FT.config', 'x', ashley),
    ];
    for (const details of cases) expect(details).toMatchObject({ reason: 'ERROR', errorCode: ErrorCode.TYPE_MISMATCH });
    expect(cases[0]).toMatchObject({ value: true, flagMetadata: { campaignId: 230, campaignType: 'VISUAL_AB' } });
    await settle();
    expect(impressions()).toHaveLength(0);
  });

  it('TARGETING_KEY_MISSING without a targetingKey or with an empty one', async () => {
    const { flags } = await withProvider();
    expect(await flags.getBooleanDetails('FT', true, { plan: 'pro' })).toMatchObject({
      value: true,
      reason: 'ERROR',
      errorCode: ErrorCode.TARGETING_KEY_MISSING,
    });
    expect(await flags.getStringDetails('K', 'x', { targetingKey: '' })).toMatchObject({ errorCode: ErrorCode.TARGETING_KEY_MISSING });
  });

  it('PARSE_ERROR when the targeting attribute is not an object, or a variable value is not of its type', async () => {
    const { flags } = await withProvider();
    const notObject = await flags.getStringDetails('WL', 'x', { targetingKey: 'Ashley', variationTargetingVariables: 'admin' });
    expect(notObject).toMatchObject({ value: 'x', errorCode: ErrorCode.PARSE_ERROR });
    expect(notObject.errorMessage).toMatch(/variationTargetingVariables/);
    expect(await flags.getObjectDetails('BAD.config', { ok: true }, ashley)).toMatchObject({
      value: { ok: true },
      reason: 'ERROR',
      errorCode: ErrorCode.PARSE_ERROR,
      flagMetadata: { campaignId: 238 },
    });
    expect(await flags.getNumberDetails('BAD.count', 7, ashley)).toMatchObject({ value: 7, errorCode: ErrorCode.PARSE_ERROR });
  });

  it('GENERAL, naming the cause, for every evaluation when the client could not be launched', async () => {
    const provider = new VWOServerProvider(
      {
        launch: () => launch({ accountId: ACCOUNT_ID, sdkKey: 'no-such-key', collectorUrl: collector().url, logLevel: 'silent' }),
      },
      { logLevel: 'silent' },
    );
    await expect(OpenFeature.setProviderAndWait(provider)).rejects.toThrow(/settingsFile/);
    const details = await OpenFeature.getClient().getBooleanDetails('FT', true, jose);
    expect(details).toMatchObject({ value: true, reason: 'ERROR', errorCode: ErrorCode.GENERAL });
    expect(details.errorMessage).toMatch(/could not be launched/);
  }, 20_000);
});

describe("the client's rules, not only its decisions", () => {
  it('a multi-armed bandit campaign without a user storage is false / the default with reason DISABLED, as the client answers, and sends nothing', async () => {
    const bandits = settingsFile({ campaigns: campaigns().map((c) => (c.key === 'K' || c.key === 'FT' ? { ...c, isMAB: true } : c)) });
    const { flags } = await withProvider({}, { settingsFile: bandits });
    const feature = await flags.getBooleanDetails('FT', true, jose);
    expect(feature).toMatchObject({ value: false, reason: 'DISABLED' });
    expect(feature.variant).toBeUndefined();
    expect(await flags.getStringDetails('K', 'x', jose)).toMatchObject({ value: 'x', reason: 'DISABLED' });
    expect(await flags.getStringDetails('FT.label', 'x', jose)).toMatchObject({ value: 'v1', variant: 'Variation-1', reason: 'SPLIT' });
    await settle();
    expect(impressions()).toHaveLength(0);
  });
});

describe('stored assignments', () => {
  it('with a user storage, a returning user gets reason CACHED and no second impression', async () => {
    const { flags } = await withProvider({}, { userStorage: createMemoryStorage() });
    expect(await flags.getStringDetails('K', 'x', jose)).toMatchObject({ value: 'Variation-1', reason: 'SPLIT' });
    expect(await flags.getStringDetails('K', 'x', jose)).toMatchObject({ value: 'Variation-1', variant: 'Variation-1', reason: 'CACHED' });
    await eventually(() => impressions().length === 1);
    await settle();
    expect(impressions()).toHaveLength(1);
  });

  it('with a user storage, variables answer only after the feature was evaluated (VWO: users activated before)', async () => {
    const { flags } = await withProvider({}, { userStorage: createMemoryStorage() });
    expect(await flags.getStringDetails('FT.label', 'x', jose)).toMatchObject({ value: 'x', reason: 'DEFAULT' });
    expect(await flags.getBooleanValue('FT', false, jose)).toBe(true);
    expect(await flags.getStringDetails('FT.label', 'x', jose)).toMatchObject({ value: 'v1', reason: 'CACHED' });
  });
});

describe('track', () => {
  it('converts the goal for the context user with details.value as revenue, over real HTTP', async () => {
    const { flags } = await withProvider();
    flags.track('REVENUE', { targetingKey: 'José', plan: 'pro' }, { value: 49.9, currency: 'EUR' });
    await eventually(() =>
      collector()
        .events()
        .some((event) => event.kind === 'conversion'),
    );
    const conversions = collector()
      .events()
      .filter((event) => event.kind === 'conversion');
    // Every campaign with the goal that José is in: K (230), FT (231) and SEG (236, plan = pro).
    expect(conversions.map((event) => [event.campaignId, event.goalId, event.revenue]).sort()).toEqual([
      [230, 214, 49.9],
      [231, 214, 49.9],
      [236, 214, 49.9],
    ]);
    expect(conversions.find((event) => event.campaignId === 230)?.variationId).toBe(2);
  });

  it('sends the other details as event properties (event architecture)', async () => {
    const { flags } = await withProvider({}, { settingsFile: settingsFile({ isEventArchEnabled: true }) });
    flags.track('CUSTOM', jose, { currency: 'EUR', items: 3 });
    await eventually(() =>
      collector()
        .events()
        .some((event) => event.kind === 'conversion'),
    );
    const [conversion] = collector()
      .events()
      .filter((event) => event.kind === 'conversion');
    expect((conversion?.raw as { event?: { props?: unknown } } | undefined)?.event?.props).toMatchObject({ currency: 'EUR', items: 3 });
  });

  it('without a targetingKey nothing is sent and one line is logged', async () => {
    const { logger, lines } = recordingLogger();
    const { flags } = await withProvider({ logger });
    flags.track('CUSTOM', { plan: 'pro' });
    await settle();
    expect(collector().events()).toHaveLength(0);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toMatch(/targetingKey/);
  });
});

describe('provider events and lifecycle', () => {
  it('READY after a launch; onClose closes the launched client, which sends what it queued', async () => {
    let launched: VWOClient | undefined;
    const provider = new VWOServerProvider({
      launch: async () => {
        launched = await launchClient(collector(), { batchEvents: { eventsPerRequest: 100, requestTimeInterval: 600 } });
        return launched;
      },
    });
    let ready = 0;
    // A handler also runs at once for a provider already ready (the no-op one): count ours.
    const onReady: EventHandler = (details) => {
      if (details?.providerName === 'VWO') ready++;
    };
    OpenFeature.addHandler(ProviderEvents.Ready, onReady);
    await OpenFeature.setProviderAndWait(provider);
    expect(ready).toBe(1);
    expect(provider.client).toBe(launched);
    expect(await OpenFeature.getClient().getStringValue('K', 'x', jose)).toBe('Variation-1');
    expect(launched?.eventStats().pending).toBe(1);
    await OpenFeature.close();
    expect(launched?.eventStats().pending).toBe(0);
    expect(impressions()).toHaveLength(1);
    OpenFeature.removeHandler(ProviderEvents.Ready, onReady);
  });

  it('a client given to the provider stays open after onClose', async () => {
    const { client } = await withProvider({}, { batchEvents: { eventsPerRequest: 100, requestTimeInterval: 600 } });
    await OpenFeature.getClient().getStringValue('K', 'x', jose);
    await OpenFeature.close();
    expect(client.eventStats().pending).toBe(1);
    expect(await client.activate('K', 'Ashley')).toBe('Control');
  });

  it('ERROR when the settings cannot be loaded', async () => {
    const errors: unknown[] = [];
    const handler = (details: unknown) => errors.push(details);
    OpenFeature.addHandler(ProviderEvents.Error, handler);
    collector().injectFaults([{ kind: 'status', status: 503, endpoints: 'settings', count: 10 }]);
    const provider = new VWOServerProvider(
      { launch: () => launch({ accountId: ACCOUNT_ID, sdkKey: SDK_KEY, collectorUrl: collector().url, logLevel: 'silent' }) },
      { logLevel: 'silent' },
    );
    await expect(OpenFeature.setProviderAndWait(provider)).rejects.toThrow(/could not be fetched/);
    expect(errors).toHaveLength(1);
    expect(OpenFeature.getClient().providerStatus).toBe(ProviderStatus.ERROR);
    OpenFeature.removeHandler(ProviderEvents.Error, handler);
  }, 20_000);

  it('CONFIGURATION_CHANGED with the changed flags when the client swaps in new settings', async () => {
    const { client, flags } = await withProvider();
    const changes: string[][] = [];
    const handler: EventHandler = (details) => {
      changes.push((details?.flagsChanged as string[] | undefined) ?? []);
    };
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, handler);
    const next = parseSettings(
      withCampaign('K', (c) => ({
        ...c,
        variations: [
          { id: 1, name: 'Control', weight: 0 },
          { id: 2, name: 'Variation-1', weight: 100 },
        ],
      })),
    );
    if (!next.ok) throw next.error;
    client.updateSettings(next.settings);
    await eventually(() => changes.length === 1);
    expect(changes[0]).toEqual(['K']);
    expect(await flags.getStringValue('K', 'x', ashley)).toBe('Variation-1');
    OpenFeature.removeHandler(ProviderEvents.ConfigurationChanged, handler);
  });

  it('CONFIGURATION_CHANGED when polling fetches new settings over HTTP', async () => {
    const provider = new VWOServerProvider(
      { launch: () => launchClient(collector(), { sdkKey: SDK_KEY, pollingInterval: 1000 }) },
      { settingsCheckInterval: 50 },
    );
    await OpenFeature.setProviderAndWait(provider);
    const changes: string[][] = [];
    const handler: EventHandler = (details) => {
      changes.push((details?.flagsChanged as string[] | undefined) ?? []);
    };
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, handler);
    collector().setSettings(withCampaign('FT', (c) => ({ ...c, status: 'PAUSED' })));
    await eventually(() => changes.length === 1, 5000);
    expect(changes[0]).toEqual(['FT', 'FT.label', 'FT.count', 'FT.ratio', 'FT.enabled', 'FT.config']);
    expect(await OpenFeature.getClient().getBooleanDetails('FT', true, jose)).toMatchObject({ value: false, reason: 'DISABLED' });
    OpenFeature.removeHandler(ProviderEvents.ConfigurationChanged, handler);
  }, 20_000);

  it('the constructor names a bad argument', () => {
    expect(() => new VWOServerProvider({} as never)).toThrow(VWOConfigError);
    expect(() => new VWOServerProvider({ client: {} } as never)).toThrow(/client/);
    expect(() => new VWOServerProvider({ launch: () => launchClient(collector()) }, { variableSeparator: '' })).toThrow(
      /variableSeparator/,
    );
    expect(() => new VWOServerProvider({ launch: () => launchClient(collector()) }, { settingsCheckInterval: -1 })).toThrow(
      /settingsCheckInterval/,
    );
  });
});
