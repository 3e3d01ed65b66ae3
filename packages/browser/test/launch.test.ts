/**
 * `launch` outside a page (Node has fetch but no window or localStorage): option checks, the
 * settings fetched from the collector over real loopback HTTP, and decisions equal to the core's.
 * The page behaviour (beacons, page hide, the localStorage outbox) runs in Chromium.
 */
import { type Collector, startCollector } from '@vwo/collector';
import { createClient, parseSettings, VWOConfigError } from '@vwo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch } from '../src/index.js';
import { ACCOUNT_ID, abSettings, SDK_KEY } from './settings.js';

function recordingLogger() {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

describe('launch', () => {
  let collector: Collector;
  beforeAll(async () => {
    collector = await startCollector({ settings: abSettings() as never });
  });
  afterAll(() => collector.close());

  it.each([
    [{}, 'accountId'],
    [{ accountId: ACCOUNT_ID }, 'sdkKey'],
    [{ settingsFile: '{}' }, 'settingsFile'],
    [{ settingsFile: abSettings(), persistEvents: 'yes' }, 'persistEvents'],
    [{ settingsFile: abSettings(), storageNamespace: '' }, 'storageNamespace'],
    [{ settingsFile: abSettings(), pollingInterval: 10 }, 'pollingInterval'],
    [{ settingsFile: abSettings(), logLevel: 'loud' }, 'logLevel'],
    [{ settingsFile: { ...abSettings(), campaigns: 'none' } }, 'settingsFile.campaigns'],
  ])('rejects %j with a VWOConfigError naming %s', async (config, field) => {
    const error = await launch(config as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VWOConfigError);
    expect((error as VWOConfigError).field).toBe(field);
  });

  it('rejects a non-object config without throwing synchronously', async () => {
    await expect(launch(null as never)).rejects.toBeInstanceOf(VWOConfigError);
  });

  it('fetches the settings from the collector and decides as the core does', async () => {
    const { lines, logger } = recordingLogger();
    const vwo = await launch({ accountId: ACCOUNT_ID, sdkKey: SDK_KEY, collectorUrl: collector.url, logger, logLevel: 'warn' });
    const parsed = parseSettings(abSettings());
    if (!parsed.ok) throw parsed.error;
    const core = createClient({ settings: parsed.settings, isDevelopmentMode: true, logLevel: 'silent' });
    for (let i = 0; i < 200; i++)
      expect(await vwo.getVariationName('hero', `visitor-${i}`)).toBe(await core.getVariationName('hero', `visitor-${i}`));
    // Outside a page there is no localStorage: said once, and events still go out.
    expect(lines.filter((line) => line.includes('localStorage'))).toHaveLength(1);
    collector.reset();
    await vwo.activate('hero', 'visitor-1');
    await vwo.close();
    expect(collector.stats().events.impressions).toBe(1);
    // The default wire is 1.73.0's: no event id.
    expect(collector.received()[0]?.params).not.toHaveProperty('eid');
    await core.close();
  });

  it('names each event with an eid when eventIds is true', async () => {
    const vwo = await launch({ settingsFile: abSettings(), collectorUrl: collector.url, logLevel: 'silent', eventIds: true });
    collector.reset();
    await vwo.activate('hero', 'visitor-1');
    await vwo.close();
    expect(collector.received()[0]?.params.eid).toMatch(/^[0-9a-z]+\.[0-9a-z]+$/);
  });

  it('rejects with a VWOConfigError naming settingsFile when the settings cannot be fetched', async () => {
    const error = await launch({ accountId: 1, sdkKey: 'unknown-key', collectorUrl: collector.url, logLevel: 'silent' }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(VWOConfigError);
    expect((error as VWOConfigError).field).toBe('settingsFile');
    expect((error as Error).message).toMatch(/404/);
  });
});
