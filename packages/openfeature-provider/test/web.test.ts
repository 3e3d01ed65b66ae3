/**
 * The web provider, through the real `@openfeature/web-sdk` (static context, synchronous
 * evaluations), over a real VWO client that sends to a local collector.
 */
import { ErrorCode, type EvaluationContext, type EventHandler, OpenFeature, ProviderEvents, ProviderStatus } from '@openfeature/web-sdk';
import { parseSettings, type VWOClient } from '@vwo/core';
import { launch } from '@vwo/node';
import { createMemoryStorage } from '@vwo/storage-memory';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type VWOProviderOptions, VWOWebProvider } from '../src/web.js';
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
const silent = { error() {}, warn() {}, info() {}, debug() {} };
const ownClients: VWOClient[] = [];

beforeAll(() => {
  OpenFeature.setLogger(silent);
});

afterEach(async () => {
  await OpenFeature.clearProviders();
  await OpenFeature.clearContexts();
  await Promise.all(ownClients.splice(0).map((client) => client.close()));
});

/** Sets the context, then a provider over a client the test owns, and waits until it is ready. */
async function withProvider(
  context: EvaluationContext,
  options?: VWOProviderOptions,
  launchOptions: Parameters<typeof launchClient>[1] = {},
) {
  const client = await launchClient(collector(), launchOptions);
  ownClients.push(client);
  await OpenFeature.setContext(context);
  const provider = new VWOWebProvider({ client }, { settingsCheckInterval: 20, ...options });
  await OpenFeature.setProviderAndWait(provider);
  return { client, provider, flags: OpenFeature.getClient() };
}

const impressions = () =>
  collector()
    .events()
    .filter((event) => event.kind === 'impression');

describe('evaluations are synchronous reads of the decisions taken for the context', () => {
  it('feature flags, variation names and variables of the variation the user is in', async () => {
    const { flags } = await withProvider({ targetingKey: 'José' });
    expect(flags.getBooleanDetails('FT', false)).toMatchObject({
      value: true,
      variant: 'Variation-1',
      reason: 'SPLIT',
      flagMetadata: { campaignId: 231, campaignType: 'FEATURE_TEST' },
    });
    expect(flags.getStringDetails('K', 'x')).toMatchObject({ value: 'Variation-1', variant: 'Variation-1', reason: 'SPLIT' });
    expect(flags.getStringValue('FT.label', 'x')).toBe('v1');
    expect(flags.getNumberValue('FT.count', -1)).toBe(2);
    expect(flags.getNumberValue('FT.ratio', -1)).toBe(2.5);
    expect(flags.getBooleanValue('FT.enabled', false)).toBe(true);
    expect(flags.getObjectDetails('FT.config', {})).toMatchObject({ value: { theme: 'dark' }, variant: 'Variation-1' });
    expect(flags.getNumberValue('new.search.results', -1)).toBe(30);
    expect(flags.getStringValue('new.search.ui.theme', 'x')).toBe('compact');
  });

  it('a variation with the feature off is false, never the default, and its users read the control variables', async () => {
    const { flags } = await withProvider({ targetingKey: 'Ashley' });
    expect(flags.getBooleanDetails('FT', true)).toMatchObject({ value: false, variant: 'Control', reason: 'SPLIT' });
    expect(flags.getStringValue('FT.label', 'x')).toBe('ctrl');
    expect(flags.getStringValue('K', 'x')).toBe('Control');
  });

  it('0, "" and false are values, never replaced by the default', async () => {
    const { flags } = await withProvider({ targetingKey: 'Ashley' });
    expect(flags.getNumberDetails('ZERO.count', 99)).toMatchObject({ value: 0, reason: 'SPLIT', variant: 'website' });
    expect(flags.getNumberValue('ZERO.ratio', 99)).toBe(0);
    expect(flags.getStringDetails('ZERO.label', 'fallback')).toMatchObject({ value: '', reason: 'SPLIT' });
    expect(flags.getBooleanDetails('ZERO.on', true)).toMatchObject({ value: false, reason: 'SPLIT' });
  });

  it('every value is what the client answers itself, for every flag, variable and user', async () => {
    const oracle = await launchClient(collector(), { isDevelopmentMode: true });
    ownClients.push(oracle);
    const variables: [string, string, 'string' | 'number' | 'boolean' | 'object'][] = [
      ['FT', 'label', 'string'],
      ['FT', 'count', 'number'],
      ['FT', 'ratio', 'number'],
      ['FT', 'enabled', 'boolean'],
      ['FT', 'config', 'object'],
      ['FR', 'results', 'number'],
      ['ZERO', 'count', 'number'],
      ['ZERO', 'label', 'string'],
      ['ZERO', 'on', 'boolean'],
      ['new.search', 'ui.theme', 'string'],
    ];
    for (const user of ['Ashley', 'José', 'Bill', 'Chris', 'John', 'ユーザー']) {
      const { flags } = await withProvider({ targetingKey: user }, { settingsCheckInterval: 0 });
      for (const [campaign, variable, type] of variables) {
        const key = `${campaign}.${variable}`;
        const web =
          type === 'string'
            ? flags.getStringValue(key, '∅')
            : type === 'number'
              ? flags.getNumberValue(key, -1)
              : type === 'boolean'
                ? flags.getBooleanValue(key, false)
                : flags.getObjectValue(key, {});
        expect(web, `${user} ${key}`).toEqual(await oracle.getFeatureVariableValue(campaign, variable, user));
      }
      for (const campaign of ['FT', 'FR', 'LOW', 'new.search']) {
        expect(flags.getBooleanValue(campaign, false), `${user} ${campaign}`).toBe(await oracle.isFeatureEnabled(campaign, user));
      }
      for (const campaign of ['K', 'WL']) {
        expect(flags.getStringValue(campaign, '∅'), `${user} ${campaign}`).toBe((await oracle.getVariationName(campaign, user)) ?? '∅');
      }
      await OpenFeature.clearProviders();
    }
  });
});

describe('reasons', () => {
  it('TARGETING_MATCH for whitelisting (through the targeting attribute) and for matched pre-segmentation', async () => {
    const { flags } = await withProvider({ targetingKey: 'Ashley', variationTargetingVariables: { role: 'admin' }, plan: 'pro' });
    expect(flags.getStringDetails('WL', 'x')).toMatchObject({ value: 'Variation-1', reason: 'TARGETING_MATCH' });
    expect(flags.getStringDetails('SEG', 'x')).toMatchObject({ value: 'Control', reason: 'TARGETING_MATCH' });
  });

  it('DEFAULT for a user left out by traffic or segments: false for a feature, the default for the rest', async () => {
    const { flags } = await withProvider({ targetingKey: 'Ashley', plan: 'free' });
    const low = flags.getBooleanDetails('LOW', true);
    expect(low).toMatchObject({ value: false, reason: 'DEFAULT', flagMetadata: { campaignId: 235 } });
    expect(low.variant).toBeUndefined();
    expect(flags.getNumberDetails('LOW.results', -1)).toMatchObject({ value: -1, reason: 'DEFAULT' });
    expect(flags.getStringDetails('SEG', 'x')).toMatchObject({ value: 'x', reason: 'DEFAULT' });
  });

  it('DISABLED for a paused campaign', async () => {
    const { flags } = await withProvider({ targetingKey: 'Ashley' });
    expect(flags.getBooleanDetails('PAUSED', true)).toMatchObject({ value: false, reason: 'DISABLED', flagMetadata: { campaignId: 234 } });
    expect(flags.getNumberDetails('PAUSED.results', -1)).toMatchObject({ value: -1, reason: 'DISABLED' });
  });

  it('CACHED for a user whose variation a user storage kept', async () => {
    const userStorage = createMemoryStorage();
    const { flags } = await withProvider({ targetingKey: 'José' }, {}, { userStorage });
    expect(flags.getStringDetails('K', 'x')).toMatchObject({ value: 'Variation-1', reason: 'SPLIT' });
    await eventually(() => userStorage.size === 1);
    await OpenFeature.setContext({ targetingKey: 'José', page: 2 });
    expect(flags.getStringDetails('K', 'x')).toMatchObject({ value: 'Variation-1', variant: 'Variation-1', reason: 'CACHED' });
  });

  it('ERROR with GENERAL when VWO cannot decide a campaign', async () => {
    const { flags } = await withProvider({ targetingKey: 'Ashley' });
    const details = flags.getStringDetails('BROKEN', 'x');
    expect(details).toMatchObject({ value: 'x', reason: 'ERROR', errorCode: ErrorCode.GENERAL, flagMetadata: { campaignId: 239 } });
  });

  it('STALE while the provider decides for a new context', async () => {
    const { flags } = await withProvider({ targetingKey: 'José' });
    const events: string[] = [];
    const onReconciling = () => events.push('reconciling');
    const onChanged = () => events.push('changed');
    OpenFeature.addHandler(ProviderEvents.Reconciling, onReconciling);
    OpenFeature.addHandler(ProviderEvents.ContextChanged, onChanged);
    const pending = OpenFeature.setContext({ targetingKey: 'Ashley' });
    expect(flags.getStringDetails('K', 'x')).toMatchObject({ value: 'x', reason: 'STALE' });
    await pending;
    expect(flags.getStringDetails('K', 'x')).toMatchObject({ value: 'Control', reason: 'SPLIT' });
    expect(events).toEqual(['reconciling', 'changed']);
    OpenFeature.removeHandler(ProviderEvents.Reconciling, onReconciling);
    OpenFeature.removeHandler(ProviderEvents.ContextChanged, onChanged);
  });
});

describe("the client's rules, not only its decisions", () => {
  it('a multi-armed bandit campaign without a user storage is false / the default with reason DISABLED, as isFeatureEnabled / activate answer, and sends nothing', async () => {
    const bandits = settingsFile({ campaigns: campaigns().map((c) => (c.key === 'K' || c.key === 'FT' ? { ...c, isMAB: true } : c)) });
    const { client, flags } = await withProvider({ targetingKey: 'José' }, {}, { settingsFile: bandits });
    const feature = flags.getBooleanDetails('FT', true);
    expect(feature).toMatchObject({ value: false, reason: 'DISABLED' });
    expect(feature.variant).toBeUndefined();
    expect(await client.isFeatureEnabled('FT', 'José')).toBe(false);
    expect(flags.getStringDetails('K', 'x')).toMatchObject({ value: 'x', reason: 'DISABLED' });
    expect(await client.activate('K', 'José')).toBeNull();
    // getFeatureVariableValue has no bandit rule in 1.73.0: it answers.
    expect(flags.getStringDetails('FT.label', 'x')).toMatchObject({ value: 'v1', variant: 'Variation-1', reason: 'SPLIT' });
    expect(await client.getFeatureVariableValue('FT', 'label', 'José')).toBe('v1');
    await settle();
    expect(impressions()).toHaveLength(0);
  });

  it("with a user storage, variables answer once the feature flag's call has stored the user, announced by CONFIGURATION_CHANGED", async () => {
    const userStorage = createMemoryStorage();
    const { flags } = await withProvider({ targetingKey: 'José' }, {}, { userStorage });
    // getFeatureVariableValue answers only users a storage holds.
    expect(flags.getStringDetails('FT.label', 'x')).toMatchObject({ value: 'x', reason: 'DEFAULT' });
    const changed: (string[] | undefined)[] = [];
    const onChanged: EventHandler = (details) => {
      changed.push(details?.flagsChanged as string[] | undefined);
    };
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, onChanged);
    expect(flags.getBooleanValue('FT', false)).toBe(true);
    await eventually(() => changed.length === 1);
    expect(changed[0]).toEqual(expect.arrayContaining(['FT.label', 'FT.count', 'FT.config']));
    expect(changed[0]).not.toContain('FT');
    expect(flags.getStringDetails('FT.label', 'x')).toMatchObject({ value: 'v1', variant: 'Variation-1', reason: 'CACHED' });
    OpenFeature.removeHandler(ProviderEvents.ConfigurationChanged, onChanged);
  });
});

describe('errors', () => {
  it('FLAG_NOT_FOUND and TYPE_MISMATCH', async () => {
    const { flags } = await withProvider({ targetingKey: 'Ashley' });
    expect(flags.getBooleanDetails('nope', true)).toMatchObject({ value: true, reason: 'ERROR', errorCode: ErrorCode.FLAG_NOT_FOUND });
    expect(flags.getStringDetails('FT.nope', 'x')).toMatchObject({
      errorCode: ErrorCode.FLAG_NOT_FOUND,
      flagMetadata: { campaignId: 231 },
    });
    expect(flags.getBooleanDetails('K', true)).toMatchObject({
      value: true,
      errorCode: ErrorCode.TYPE_MISMATCH,
      flagMetadata: { campaignId: 230 },
    });
    expect(flags.getStringDetails('FT', 'x')).toMatchObject({ errorCode: ErrorCode.TYPE_MISMATCH });
    expect(flags.getObjectDetails('FT.count', {})).toMatchObject({ errorCode: ErrorCode.TYPE_MISMATCH });
    expect(flags.getNumberDetails('FT.config', 1)).toMatchObject({ errorCode: ErrorCode.TYPE_MISMATCH });
  });

  it('TARGETING_KEY_MISSING when the context has no targetingKey', async () => {
    const { flags } = await withProvider({ plan: 'pro' });
    expect(flags.getBooleanDetails('FT', true)).toMatchObject({ value: true, reason: 'ERROR', errorCode: ErrorCode.TARGETING_KEY_MISSING });
    expect(flags.getStringDetails('K.nothing', 'x')).toMatchObject({ errorCode: ErrorCode.FLAG_NOT_FOUND });
  });

  it('PARSE_ERROR for a targeting attribute that is not an object and for a variable value not of its type', async () => {
    const { flags } = await withProvider({ targetingKey: 'Ashley', variationTargetingVariables: ['admin'] });
    expect(flags.getStringDetails('WL', 'x')).toMatchObject({ value: 'x', errorCode: ErrorCode.PARSE_ERROR });
    await OpenFeature.setContext({ targetingKey: 'Ashley' });
    expect(flags.getObjectDetails('BAD.config', { ok: true })).toMatchObject({ value: { ok: true }, errorCode: ErrorCode.PARSE_ERROR });
    expect(flags.getNumberDetails('BAD.count', 7)).toMatchObject({ value: 7, errorCode: ErrorCode.PARSE_ERROR });
  });

  it('ERROR event, and GENERAL for evaluations, when the settings cannot be loaded', async () => {
    const errors: unknown[] = [];
    const onError = (details: unknown) => errors.push(details);
    OpenFeature.addHandler(ProviderEvents.Error, onError);
    await OpenFeature.setContext({ targetingKey: 'José' });
    const provider = new VWOWebProvider(
      { launch: () => launch({ accountId: ACCOUNT_ID, sdkKey: 'no-such-key', collectorUrl: collector().url, logLevel: 'silent' }) },
      { logLevel: 'silent' },
    );
    await expect(OpenFeature.setProviderAndWait(provider)).rejects.toThrow(/could not be fetched/);
    expect(errors).toHaveLength(1);
    expect(OpenFeature.getClient().providerStatus).toBe(ProviderStatus.ERROR);
    const details = OpenFeature.getClient().getBooleanDetails('FT', true);
    expect(details).toMatchObject({ value: true, errorCode: ErrorCode.GENERAL });
    expect(details.errorMessage).toMatch(/could not be launched/);
    OpenFeature.removeHandler(ProviderEvents.Error, onError);
  }, 20_000);
});

describe('impressions', () => {
  it('the first evaluation of a campaign flag sends its impression; re-evaluations and variables send nothing more', async () => {
    const { flags } = await withProvider({ targetingKey: 'José' });
    for (let render = 0; render < 3; render++) {
      flags.getStringValue('K', 'x');
      flags.getBooleanValue('FT', false);
      flags.getStringValue('FT.label', 'x');
      flags.getBooleanValue('LOW', false);
    }
    await eventually(() => impressions().length === 2);
    await settle();
    expect(
      impressions()
        .map((event) => [event.campaignId, event.variationId])
        .sort(),
    ).toEqual([
      [230, 2],
      [231, 2],
    ]);
  });

  it('nothing is sent before a flag is evaluated, and a new context gets its own impressions', async () => {
    const { flags } = await withProvider({ targetingKey: 'José' });
    await settle();
    expect(impressions()).toHaveLength(0);
    flags.getStringValue('K', 'x');
    await OpenFeature.setContext({ targetingKey: 'Ashley' });
    flags.getStringValue('K', 'x');
    flags.getStringValue('K', 'x');
    await eventually(() => impressions().length === 2);
    await settle();
    expect(impressions().map((event) => event.variationId)).toEqual([2, 1]);
  });

  it('new settings keep the impressions already sent for the context', async () => {
    const { client, flags } = await withProvider({ targetingKey: 'José' });
    flags.getBooleanValue('FT', false);
    await eventually(() => impressions().length === 1);
    const next = parseSettings(withCampaign('K', (c) => ({ ...c, status: 'PAUSED' })));
    if (!next.ok) throw next.error;
    client.updateSettings(next.settings);
    await eventually(() => flags.getStringDetails('K', 'x').reason === 'DISABLED');
    flags.getBooleanValue('FT', false);
    await settle();
    expect(impressions()).toHaveLength(1);
  });
});

describe('track', () => {
  it('converts the goal for the context user with details.value as revenue, over real HTTP', async () => {
    const { flags } = await withProvider({ targetingKey: 'José' });
    flags.track('REVENUE', { value: 12.5 });
    await eventually(
      () =>
        collector()
          .events()
          .filter((event) => event.kind === 'conversion').length === 2,
    );
    const conversions = collector()
      .events()
      .filter((event) => event.kind === 'conversion');
    expect(conversions.map((event) => [event.campaignId, event.variationId, event.goalId, event.revenue]).sort()).toEqual([
      [230, 2, 214, 12.5],
      [231, 2, 214, 12.5],
    ]);
  });

  it('without a targetingKey nothing is sent and one line is logged', async () => {
    const { logger, lines } = recordingLogger();
    const { flags } = await withProvider({}, { logger });
    flags.track('CUSTOM');
    await settle();
    expect(collector().events()).toHaveLength(0);
    expect(lines.map((line) => line.level)).toEqual(['error']);
  });
});

describe('provider events and lifecycle', () => {
  it('READY after launch, and onClose closes the launched client, which sends what it queued', async () => {
    let launched: VWOClient | undefined;
    await OpenFeature.setContext({ targetingKey: 'José' });
    const provider = new VWOWebProvider({
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
    expect(OpenFeature.getClient().getStringValue('K', 'x')).toBe('Variation-1');
    await eventually(() => launched?.eventStats().pending === 1);
    await OpenFeature.close();
    expect(launched?.eventStats().pending).toBe(0);
    expect(impressions()).toHaveLength(1);
    OpenFeature.removeHandler(ProviderEvents.Ready, onReady);
  });

  it('a client given to the provider stays open after onClose', async () => {
    const { client } = await withProvider({ targetingKey: 'José' });
    await OpenFeature.close();
    expect(await client.getVariationName('K', 'José')).toBe('Variation-1');
  });

  it('CONFIGURATION_CHANGED once the decisions for the new settings are taken', async () => {
    const { client, flags } = await withProvider({ targetingKey: 'Ashley' });
    expect(flags.getStringValue('K', 'x')).toBe('Control');
    const seen: { flagsChanged: string[] | undefined; value: string }[] = [];
    const onChanged: EventHandler = (details) => {
      seen.push({ flagsChanged: details?.flagsChanged as string[] | undefined, value: flags.getStringValue('K', 'x') });
    };
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, onChanged);
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
    await eventually(() => seen.length === 1);
    expect(seen[0]).toEqual({ flagsChanged: ['K'], value: 'Variation-1' });
    OpenFeature.removeHandler(ProviderEvents.ConfigurationChanged, onChanged);
  });

  it('CONFIGURATION_CHANGED when polling fetches new settings over HTTP', async () => {
    await OpenFeature.setContext({ targetingKey: 'José' });
    const provider = new VWOWebProvider(
      { launch: () => launchClient(collector(), { sdkKey: SDK_KEY, pollingInterval: 1000 }) },
      { settingsCheckInterval: 50 },
    );
    await OpenFeature.setProviderAndWait(provider);
    const flags = OpenFeature.getClient();
    expect(flags.getBooleanValue('FT', false)).toBe(true);
    let changed = 0;
    const onChanged = () => {
      changed++;
    };
    OpenFeature.addHandler(ProviderEvents.ConfigurationChanged, onChanged);
    collector().setSettings(withCampaign('FT', (c) => ({ ...c, status: 'PAUSED' })));
    await eventually(() => changed === 1, 5000);
    expect(flags.getBooleanDetails('FT', true)).toMatchObject({ value: false, reason: 'DISABLED' });
    OpenFeature.removeHandler(ProviderEvents.ConfigurationChanged, onChanged);
  }, 20_000);
});
