/**
 * The FME bootstrap (`sdk: "init"`): what `createFmeBootstrap` takes from a client's settings,
 * that the server deciding with `explain` sends nothing, and every refusal of `checkFmeBootstrap`
 * — a `launch` bootstrap given to `init` and an `init` one given to `launch` included.
 */
import { describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_FORMAT,
  BOOTSTRAP_VERSION,
  checkBootstrap,
  checkFmeBootstrap,
  createBootstrap,
  createFmeBootstrap,
  createFmeClient,
  DEFAULT_BOOTSTRAP_MAX_AGE_MS,
  type EventRequest,
  type FmeBootstrap,
  type FmeClient,
  parseFmeSettings,
  serializeBootstrap,
} from '../src/index.js';
import { campaign, settingsFile } from './support/files.js';
import { parsed } from './support/parse.js';

const NOW = 1_800_000_000_000;
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function fmeFile(version = 4): Record<string, unknown> {
  const abCampaign = (id: number, key: string) => ({
    id,
    key,
    name: key,
    type: 'FLAG_TESTING',
    status: 'RUNNING',
    percentTraffic: 100,
    segments: {},
    variations: [
      { id: 1, name: 'Blue', weight: 50, variables: [{ id: 1, key: 'color', type: 'string', value: 'blue' }] },
      { id: 2, name: 'Green', weight: 50, variables: [{ id: 1, key: 'color', type: 'string', value: 'green' }] },
    ],
  });
  const feature = (id: number, key: string, campaignId: number) => ({
    id,
    key,
    name: key,
    type: 'FEATURE_FLAG',
    status: 'ON',
    metrics: [{ id, type: 'CUSTOM_GOAL', identifier: `${key}-goal` }],
    rules: [{ type: 'FLAG_TESTING', ruleKey: 'ab', campaignId }],
  });
  return {
    version,
    accountId: 777,
    sdkKey: 'fme-key',
    campaigns: [abCampaign(501, 'hero_ab'), abCampaign(502, 'footer_ab')],
    features: [feature(51, 'hero', 501), feature(52, 'footer', 502)],
    groups: {},
    campaignGroups: {},
  };
}

function client(settings: unknown, sent: EventRequest[] = []): FmeClient {
  return createFmeClient({
    accountId: 777,
    sdkKey: 'fme-key',
    settings,
    logger: silent,
    transport: {
      send: async (request) => {
        sent.push(request);
        return { status: 200, body: '' };
      },
    },
  });
}

describe('createFmeBootstrap', () => {
  it('holds the envelope, the visitor and the settings file the client decides with', () => {
    const file = fmeFile();
    const vwo = client(file);
    expect(createFmeBootstrap(vwo.settings, { userId: 'u1', now: () => NOW })).toEqual({
      format: BOOTSTRAP_FORMAT,
      version: BOOTSTRAP_VERSION,
      sdk: 'init',
      accountId: 777,
      userId: 'u1',
      createdAt: NOW,
      revision: 4,
      featureKeys: null,
      settings: file,
    });
  });

  it('shares one frozen copy of the file per settings version, and follows updateSettings', async () => {
    const vwo = client(fmeFile(4));
    const first = createFmeBootstrap(vwo.settings, { userId: 'u1' }) as FmeBootstrap;
    expect(createFmeBootstrap(vwo.settings, { userId: 'u2' })?.settings).toBe(first.settings);
    expect(Object.isFrozen(first.settings)).toBe(true);
    expect(Object.isFrozen((first.settings.campaigns as object[])[0])).toBe(true);
    await vwo.updateSettings(fmeFile(9));
    expect(createFmeBootstrap(vwo.settings, { userId: 'u1' })?.revision).toBe(9);
  });

  it('trims to the features asked for', () => {
    const bootstrap = createFmeBootstrap(client(fmeFile()).settings, { userId: 'u1', featureKeys: ['hero'] }) as FmeBootstrap;
    expect((bootstrap.settings.features as { key: string }[]).map((feature) => feature.key)).toEqual(['hero']);
    expect((bootstrap.settings.campaigns as { key: string }[]).map((campaign) => campaign.key)).toEqual(['hero_ab']);
    expect(bootstrap.featureKeys).toEqual(['hero']);
  });

  it('sends nothing: a server renders with explain and makes the bootstrap without an event', async () => {
    const sent: EventRequest[] = [];
    const vwo = client(fmeFile(), sent);
    const explained = await vwo.explain('hero', { id: 'u1' });
    createFmeBootstrap(vwo.settings, { userId: 'u1' });
    await vwo.close();
    expect(explained.enabled).toBe(true);
    expect(sent).toEqual([]);
  });

  it.each([
    ['no userId', { featureKeys: ['hero'] }],
    ['an empty userId', { userId: '' }],
    ['a number as userId', { userId: 5 }],
    ['featureKeys not an array of strings', { userId: 'u', featureKeys: ['hero', 1] }],
  ])('answers null for %s', (_, options) => {
    expect(createFmeBootstrap(client(fmeFile()).settings, options as never)).toBeNull();
  });

  it('answers null for a client whose settings are invalid, and for a model no client made', () => {
    expect(createFmeBootstrap(client({ accountId: 777 }).settings, { userId: 'u1' })).toBeNull();
    const outside = parseFmeSettings(fmeFile());
    expect(outside.ok && createFmeBootstrap(outside.settings, { userId: 'u1' })).toBeNull();
  });
});

describe('checkFmeBootstrap', () => {
  const check = { userId: 'u1', now: () => NOW + 1000 };
  const made = (overrides: Partial<Record<keyof FmeBootstrap, unknown>> = {}): Record<string, unknown> => ({
    ...(createFmeBootstrap(client(fmeFile(7)).settings, { userId: 'u1', now: () => NOW }) as FmeBootstrap),
    ...overrides,
  });

  it('accepts a fresh bootstrap for the visitor, with its FME settings parsed', () => {
    const verdict = checkFmeBootstrap(JSON.parse(serializeBootstrap(made() as unknown as FmeBootstrap)), check);
    expect(verdict.ok).toBe(true);
    if (verdict.ok) expect(verdict.settings.featuresByKey.has('hero')).toBe(true);
  });

  const launchBootstrap = createBootstrap(parsed(settingsFile([campaign({ id: 1, key: 'hero' })])), { userId: 'u1', now: () => NOW });

  it.each([
    ['a string', 'x', 'malformed'],
    ['another format', made({ format: 'other' }), 'malformed'],
    ['another version', made({ version: 2 }), 'malformed'],
    ['a launch bootstrap', launchBootstrap, 'malformed'],
    ['no userId', made({ userId: undefined }), 'malformed'],
    ['no createdAt', made({ createdAt: 'yesterday' }), 'malformed'],
    ['no settings', made({ settings: [] }), 'malformed'],
    ['invalid FME settings', made({ settings: { accountId: 777, features: 'none' } }), 'malformed'],
    ['an accountId unlike its settings', made({ accountId: 42 }), 'malformed'],
    ['another visitor', made({ userId: 'u2' }), 'other-visitor'],
    ['an old one', made({ createdAt: NOW - DEFAULT_BOOTSTRAP_MAX_AGE_MS - 1 }), 'stale'],
  ])('refuses %s', (_, input, kind) => {
    const verdict = checkFmeBootstrap(input, check);
    expect(verdict).toMatchObject({ ok: false, kind });
    if (!verdict.ok) expect(verdict.reason.length).toBeGreaterThan(5);
  });

  it('names the other kind of client in the reason, both ways', () => {
    expect(checkFmeBootstrap(launchBootstrap, check)).toMatchObject({ reason: 'it is for "launch" clients, not init' });
    expect(checkBootstrap(made(), check)).toMatchObject({ ok: false, kind: 'malformed', reason: 'it is for "init" clients, not launch' });
  });

  it('refuses settings older than minRevision, another account, and honours maxAgeMs', () => {
    expect(checkFmeBootstrap(made(), { ...check, minRevision: 8 })).toMatchObject({ ok: false, kind: 'stale' });
    expect(checkFmeBootstrap(made(), { ...check, minRevision: 7 }).ok).toBe(true);
    expect(checkFmeBootstrap(made(), { ...check, accountId: 999 })).toMatchObject({ ok: false, kind: 'other-visitor' });
    expect(checkFmeBootstrap(made(), { ...check, accountId: '777' }).ok).toBe(true);
    expect(checkFmeBootstrap(made(), { ...check, maxAgeMs: 500 })).toMatchObject({ ok: false, kind: 'stale' });
  });

  it('never throws, whatever the input', () => {
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(checkFmeBootstrap(hostile, check)).toMatchObject({ ok: false, kind: 'malformed' });
  });
});
