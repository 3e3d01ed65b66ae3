import { describe, expect, it } from 'vitest';
import { type LaunchConfig, launch, VWOConfigError } from '../src/index.js';
import { abCampaign, settingsFile } from './fixtures/settings.js';

const good = () => ({ settingsFile: settingsFile(), logLevel: 'silent' as const, isDevelopmentMode: true });

describe('launch rejects a bad configuration with a VWOConfigError naming the field', () => {
  it.each<[string, unknown, string]>([
    ['no options', null, 'config'],
    ['settings as a JSON string', { settingsFile: '{"accountId":1}' }, 'settingsFile'],
    ['neither settingsFile nor accountId', { sdkKey: 'k' }, 'accountId'],
    ['accountId without sdkKey', { accountId: 1 }, 'sdkKey'],
    [
      'an invalid settings file',
      { ...good(), settingsFile: settingsFile([abCampaign({ percentTraffic: '50' })]) },
      'settingsFile.campaigns[0].percentTraffic',
    ],
    ['a settings file without version', { ...good(), settingsFile: { accountId: 1, campaigns: [] } }, 'settingsFile.version'],
    ['an unknown log level', { ...good(), logLevel: 'loud' }, 'logLevel'],
    ['batchEvents without size or interval', { ...good(), batchEvents: {} }, 'batchEvents'],
    ['batchEvents with 6000 per request', { ...good(), batchEvents: { eventsPerRequest: 6000 } }, 'batchEvents'],
    ['an unknown goal type', { ...good(), goalTypeToTrack: 'FOO' }, 'goalTypeToTrack'],
    ['shouldTrackReturningUser as a string', { ...good(), shouldTrackReturningUser: 'true' }, 'shouldTrackReturningUser'],
    ['a transport without send', { ...good(), isDevelopmentMode: false, transport: {} }, 'transport'],
    ['a storage without set', { ...good(), userStorage: { get: () => null } }, 'userStorage'],
    ['polling every 10 ms', { ...good(), pollingInterval: 10, sdkKey: 'k' }, 'pollingInterval'],
    ['polling without an sdkKey', { ...good(), settingsFile: settingsFile([], { sdkKey: undefined }), pollingInterval: 60_000 }, 'sdkKey'],
    ['a collector URL that is not http', { ...good(), collectorUrl: 'ftp://127.0.0.1' }, 'collectorUrl'],
    ['an integrations callback that is not a function', { ...good(), integrations: { callback: 5 } }, 'integrations'],
    ['a logger without error()', { ...good(), logger: { log() {} } }, 'logger'],
    ['an endless requestTimeout', { ...good(), requestTimeout: Number.POSITIVE_INFINITY }, 'requestTimeout'],
    ['a requestTimeout of 0', { ...good(), requestTimeout: 0 }, 'requestTimeout'],
  ])('%s → %s', async (_name, config, field) => {
    const failure = await launch(config as LaunchConfig).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(VWOConfigError);
    expect((failure as VWOConfigError).field).toBe(field);
    expect((failure as VWOConfigError).message).toContain(field);
  });

  it('rejects when the settings file cannot be fetched, naming the settings file', async () => {
    // Port 9 on loopback (discard) refuses connections here; nothing leaves the machine.
    const failure = await launch({ accountId: 1, sdkKey: 'k', collectorUrl: 'http://127.0.0.1:9', logLevel: 'silent' }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(VWOConfigError);
    expect((failure as VWOConfigError).field).toBe('settingsFile');
  });

  it('launches with a valid configuration', async () => {
    const vwo = await launch(good());
    expect(await vwo.getVariationName('K', 'Ashley')).toBe('Control');
    await vwo.close();
  });
});
