/**
 * `launchFromBootstrap` outside a page, against the collector over real loopback HTTP: a usable
 * bootstrap gives a client at once and no settings fetch; every refused bootstrap is logged
 * once and the client starts as `launch` does; and the differential proof that a bootstrapped
 * client sends exactly the events a normally started one sends for the same calls, while the
 * server that rendered the page (`@vwo/node`, `getVariationName`) sent none.
 */
import { type Collector, startCollector } from '@vwo/collector';
import { parseSettings, type Settings, VWOConfigError } from '@vwo/core';
import { createBootstrap, launch as launchOnServer, serializeBootstrap } from '@vwo/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launch, launchFromBootstrap, type VWOClient } from '../src/index.js';
import { ACCOUNT_ID, abSettings, SDK_KEY } from './settings.js';

/** The browser tests' A/B campaign plus a feature rollout with a variable. */
function settingsWithRollout(): Record<string, unknown> {
  const file = abSettings();
  return {
    ...file,
    campaigns: [
      ...(file.campaigns as unknown[]),
      {
        id: 231,
        key: 'new-nav',
        status: 'RUNNING',
        type: 'FEATURE_ROLLOUT',
        percentTraffic: 60,
        segments: {},
        goals: [],
        variations: [{ id: 1, name: 'website', weight: 100 }],
        variables: [{ id: 1, key: 'label', type: 'string', value: 'Shop' }],
      },
    ],
  };
}

function recordingLogger() {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => lines.push(`${level}: ${message}`);
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

async function serverBootstrap(userId: string, collectorUrl: string): Promise<string> {
  const server = await launchOnServer({ settingsFile: settingsWithRollout(), collectorUrl, logLevel: 'silent' });
  await server.getVariationName('hero', userId);
  await server.getFeatureVariableValue('new-nav', 'label', userId);
  await server.close();
  return serializeBootstrap(createBootstrap(server.settings, { userId }) as never);
}

describe('launchFromBootstrap', () => {
  let collector: Collector;
  const settingsFetches = () => collector.stats().requests.byEndpoint.settings ?? 0;
  beforeAll(async () => {
    collector = await startCollector({ settings: settingsWithRollout() as never });
  });
  afterAll(() => collector.close());
  beforeEach(() => collector.reset());

  const base = () => ({ accountId: ACCOUNT_ID, sdkKey: SDK_KEY, collectorUrl: collector.url });

  it('gives a usable client at once, without fetching the settings', async () => {
    const bootstrap = await serverBootstrap('v1', collector.url);
    const { lines, logger } = recordingLogger();
    const started = launchFromBootstrap({ ...base(), userId: 'v1', bootstrap, logger, logLevel: 'warn' });
    expect(started.source).toBe('bootstrap');
    expect(started.client).not.toBeNull();
    expect(await started.ready).toBe(started.client);
    expect(await started.client?.getVariationName('hero', 'v1')).toMatch(/^(Control|Variation-1)$/);
    expect(settingsFetches()).toBe(0);
    expect(lines.filter((line) => line.includes('bootstrap'))).toEqual([]);
    await started.client?.close();
  });

  const NOW = Date.now();
  const good = () => JSON.parse(serializeBootstrap(createBootstrap(parsedSettings(), { userId: 'v1', now: () => NOW }) as never));
  it.each<[string, () => unknown, Record<string, unknown>]>([
    ['there is none', () => undefined, {}],
    ['its text is not JSON', () => '{"format":', {}],
    ['malformed', () => ({ ...good(), version: 9 }), {}],
    ['malformed', () => ({ ...good(), settings: { campaigns: 1 } }), {}],
    ['other-visitor', () => ({ ...good(), userId: 'v2' }), {}],
    ['other-visitor', () => good(), { accountId: 1 }],
    ['stale', () => ({ ...good(), createdAt: NOW - 60 * 60_000 }), {}],
    ['stale', () => good(), { minRevision: 2 }],
  ])('logs once why (%s) and starts as launch does, fetching the settings', async (why, bootstrap, extra) => {
    const { lines, logger } = recordingLogger();
    const started = launchFromBootstrap({ ...base(), ...extra, userId: 'v1', bootstrap: bootstrap(), logger, logLevel: 'warn' });
    expect(started.source).toBe('launch');
    expect(started.client).toBeNull();
    const bootLines = lines.filter((line) => line.includes('bootstrap'));
    expect(bootLines).toHaveLength(1);
    expect(bootLines[0]).toContain(why);
    expect(bootLines[0]?.startsWith('warn:')).toBe(true);
    if (extra.accountId === undefined) {
      const client = await started.ready;
      expect(settingsFetches()).toBe(1);
      await client.close();
    } else {
      // Another account's page fetches its own settings: the collector serves none for it.
      await expect(started.ready).rejects.toThrow();
    }
    expect(lines.filter((line) => line.includes('bootstrap'))).toHaveLength(1);
  });

  it('with a bad option, never throws: ready rejects with the VWOConfigError launch rejects with', async () => {
    const started = launchFromBootstrap({ ...base(), userId: 'v1', bootstrap: good(), persistEvents: 'yes' as never, logLevel: 'silent' });
    expect(started.client).toBeNull();
    const error = await started.ready.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VWOConfigError);
    expect((error as VWOConfigError).field).toBe('persistEvents');
  });

  it('sends exactly the events of a normally started client for the same calls, and the server sent none', async () => {
    const users = Array.from({ length: 30 }, (_, i) => `visitor-${i}`);
    async function eventsOf(start: (userId: string) => Promise<VWOClient>): Promise<unknown[]> {
      collector.reset();
      for (const user of users) {
        const vwo = await start(user);
        await vwo.activate('hero', user);
        await vwo.activate('hero', user);
        await vwo.isFeatureEnabled('new-nav', user);
        await vwo.getFeatureVariableValue('new-nav', 'label', user);
        await vwo.track('hero', user, 'purchase', { revenueValue: 12.5 });
        await vwo.track(null, user, 'signup');
        await vwo.push('plan', 'pro', user);
        await vwo.close();
      }
      return collector
        .received()
        .filter((request) => request.endpoint !== 'settings')
        .map(({ method, endpoint, params }) => {
          // Random per request in 1.73.0 (cache busters and the send time): not part of the decision.
          const { random, sId, ...rest } = params as Record<string, unknown>;
          return { method, endpoint, rest, hasRandom: random !== undefined, hasSid: sId !== undefined };
        });
    }
    const normal = await eventsOf(() => launch({ ...base(), logLevel: 'silent' }));
    const bootstrapped = await eventsOf(async (user) => {
      const before = collector.stats().events.total;
      const bootstrap = await serverBootstrap(user, collector.url);
      expect(collector.stats().events.total, 'the server rendering sent nothing').toBe(before);
      const started = launchFromBootstrap({ ...base(), userId: user, bootstrap, logLevel: 'silent' });
      expect(started.source).toBe('bootstrap');
      return started.client as VWOClient;
    });
    expect(normal.length).toBeGreaterThan(users.length * 3);
    expect(bootstrapped).toEqual(normal);
  });
});

function parsedSettings(): Settings {
  const parsed = parseSettings(settingsWithRollout());
  if (!parsed.ok) throw parsed.error;
  return parsed.settings;
}
