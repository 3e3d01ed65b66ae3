/**
 * `initFromBootstrap` outside a page, against the collector over real loopback HTTP (`proxyUrl`):
 * a usable FME bootstrap gives a client at once and no settings fetch; every refused bootstrap
 * (a `launch` one included) is logged once and the client starts as `init` does; and the
 * differential proof that a bootstrapped client sends exactly the requests a normally started
 * `init` sends for the same calls, while the server that rendered the page (`@vwo/node`'s `init`,
 * `explain`) sent none.
 */
import { type Collector, startCollector } from '@vwo/collector';
import { type EventRequest, type FmeStorageRecord, VWOConfigError } from '@vwo/core';
import { createBootstrap, createFmeBootstrap, init as initOnServer, launch as launchOnServer, serializeBootstrap } from '@vwo/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FmeClient, init, initFromBootstrap } from '../src/index.js';
import { FME_ACCOUNT_ID, FME_SDK_KEY, fmeSettings } from './fme-settings.js';
import { abSettings } from './settings.js';

function recordingLogger() {
  const lines: string[] = [];
  return { lines, logger: { level: 'warn', transport: { log: (level: string, message: string) => lines.push(`${level}: ${message}`) } } };
}

/** A user storage in memory, as a page's own: what its decisions write, it reads back. */
function memoryStorage() {
  const records = new Map<string, FmeStorageRecord>();
  return {
    get: (featureKey: string, userId: string) => records.get(`${featureKey}\0${userId}`),
    set: (record: FmeStorageRecord) => void records.set(`${record.featureKey}\0${String(record.userId)}`, record),
  };
}

/** What a server renders with: `explain` for the flag (no event), then the bootstrap. Returns its requests too. */
async function serverBootstrap(userId: string): Promise<{ bootstrap: string; enabled: boolean; color: unknown; sent: EventRequest[] }> {
  const sent: EventRequest[] = [];
  const server = await initOnServer({
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    settings: fmeSettings(),
    transport: {
      send: async (request) => {
        sent.push(request);
        return { status: 200, body: '' };
      },
    },
  });
  // The server's own start event (vwo_fmeSdkInit) is not the page's: count from here.
  await new Promise((resolve) => setTimeout(resolve, 0));
  sent.length = 0;
  const explained = await server.explain('hero', { id: userId });
  const bootstrap = serializeBootstrap(createFmeBootstrap(server.settings, { userId }) as never);
  await server.close();
  const color = explained.variables.find((variable) => variable.key === 'color')?.value;
  return { bootstrap, enabled: explained.enabled, color, sent };
}

describe('initFromBootstrap', () => {
  let collector: Collector;
  const settingsFetches = () => collector.stats().requests.byEndpoint['v2-settings'] ?? 0;
  beforeAll(async () => {
    collector = await startCollector({ settings: fmeSettings() as never });
  });
  afterAll(() => collector.close());
  beforeEach(() => collector.reset());

  const base = () => ({ accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, proxyUrl: collector.url, persistEvents: false });

  it('gives a usable client at once, without fetching the settings, deciding as the server did', async () => {
    const rendered = await serverBootstrap('v1');
    expect(rendered.sent).toEqual([]);
    const { lines, logger } = recordingLogger();
    const started = initFromBootstrap({ ...base(), userId: 'v1', bootstrap: rendered.bootstrap, logger, storage: memoryStorage() });
    expect(started.source).toBe('bootstrap');
    expect(started.client).not.toBeNull();
    expect(await started.ready).toBe(started.client);
    const flag = await (started.client as FmeClient).getFlag('hero', { id: 'v1' });
    expect([flag.isEnabled(), flag.getVariable('color')]).toEqual([rendered.enabled, rendered.color]);
    await started.client?.close();
    expect(settingsFetches()).toBe(0);
    expect(collector.stats().fme.events.impressions).toBe(1);
    expect(lines.filter((line) => line.includes('bootstrap'))).toEqual([]);
  });

  const NOW = Date.now();
  let good: Record<string, unknown>;
  beforeAll(async () => {
    good = JSON.parse((await serverBootstrap('v1')).bootstrap);
  });
  const launchBootstrap = async () =>
    serializeBootstrap(
      createBootstrap((await launchOnServer({ settingsFile: abSettings(), logLevel: 'silent' })).settings, { userId: 'v1' }) as never,
    );
  it.each<[string, () => unknown, Record<string, unknown>]>([
    ['there is none', () => undefined, {}],
    ['its text is not JSON', () => '{"format":', {}],
    ['it is for "launch" clients, not init', launchBootstrap, {}],
    ['malformed', () => ({ ...good, version: 9 }), {}],
    ['malformed', () => ({ ...good, settings: { accountId: FME_ACCOUNT_ID, features: 1 } }), {}],
    ['other-visitor', () => ({ ...good, userId: 'v2' }), {}],
    ['other-visitor', () => good, { accountId: 1, retryConfig: { shouldRetry: false } }],
    ['stale', () => ({ ...good, createdAt: NOW - 60 * 60_000 }), {}],
    ['stale', () => good, { minRevision: 2 }],
  ])('logs once why (%s) and starts as init does, fetching the settings', async (why, bootstrap, extra) => {
    const { lines, logger } = recordingLogger();
    const started = initFromBootstrap({
      ...base(),
      ...extra,
      userId: 'v1',
      bootstrap: await bootstrap(),
      logger,
      storage: memoryStorage(),
    });
    expect(started.source).toBe('init');
    expect(started.client).toBeNull();
    const bootLines = lines.filter((line) => line.includes('bootstrap'));
    expect(bootLines).toHaveLength(1);
    expect(bootLines[0]).toContain(why);
    expect(bootLines[0]?.startsWith('warn: bootstrap not used (')).toBe(true);
    const client = await started.ready;
    // Another account's page asks for its own settings; the collector serves none for it.
    expect(settingsFetches()).toBe(1);
    expect((await client.getFlag('hero', { id: 'v1' })).isEnabled()).toBe(extra.accountId === undefined);
    await client.close();
    expect(lines.filter((line) => line.includes('bootstrap'))).toHaveLength(1);
  });

  it('with a bad option, never throws: ready rejects with the VWOConfigError init rejects with', async () => {
    const started = initFromBootstrap({ ...base(), userId: 'v1', bootstrap: good, storageNamespace: '' });
    expect(started.client).toBeNull();
    const error = await started.ready.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VWOConfigError);
    expect((error as VWOConfigError).field).toBe('storageNamespace');
  });

  it('sends exactly the requests of a normally started init for the same calls, and the server sent none', async () => {
    const users = Array.from({ length: 30 }, (_, i) => `visitor-${i}`);
    async function requestsOf(start: (userId: string) => Promise<FmeClient>): Promise<unknown[]> {
      collector.reset();
      for (const user of users) {
        const vwo = await start(user);
        await vwo.getFlag('hero', { id: user });
        await vwo.getFlag('hero', { id: user, customVariables: { plan: 'pro' } });
        await vwo.trackEvent('purchase', { id: user }, { revenue: 12.5 });
        await vwo.setAttribute('plan', 'pro', { id: user });
        await vwo.close();
      }
      return collector
        .received()
        .filter((request) => request.endpoint !== 'v2-settings')
        .map(({ method, path, query, body }) => ({ method, path, query: query.map(maskParam), body: maskBody(body) }));
    }
    const normal = await requestsOf(() => init({ ...base(), storage: memoryStorage() }));
    const bootstrapped = await requestsOf(async (user) => {
      const rendered = await serverBootstrap(user);
      expect(rendered.sent, 'the server rendering sent nothing').toEqual([]);
      const started = initFromBootstrap({ ...base(), userId: user, bootstrap: rendered.bootstrap, storage: memoryStorage() });
      expect(started.source).toBe('bootstrap');
      return started.client as FmeClient;
    });
    expect(normal.length).toBeGreaterThanOrEqual(users.length * 3);
    expect(collector.stats().fme.events.impressions).toBe(users.length);
    expect(bootstrapped).toEqual(normal);
  });
});

/** Random per request (cache busters, send times): not part of what was decided or sent. */
function maskParam([name, value]: readonly [string, string]): readonly [string, string] {
  return ['eTime', 'random', 'r'].includes(name) ? [name, '*'] : [name, value];
}

function maskBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body;
  const copy = structuredClone(body) as { d?: Record<string, unknown> };
  const d = copy.d;
  if (!d) return copy;
  if (typeof d.msgId === 'string') d.msgId = `${d.msgId.slice(0, d.msgId.lastIndexOf('-'))}-*`;
  d.sessionId = '*';
  const event = d.event as { time?: unknown; props?: { vwoMeta?: Record<string, unknown>; data?: Record<string, unknown> } };
  event.time = '*';
  const meta = event.props?.vwoMeta;
  if (meta && 'eventId' in meta) meta.eventId = '*';
  if (meta && 'sId' in meta) meta.sId = '*';
  // How long init took, and its settings fetch (none from a bootstrap): timings, not decisions.
  const data = event.props?.data;
  if (data && 'sdkInitTime' in data) data.sdkInitTime = '*';
  if (data && 'settingsFetchTime' in data) data.settingsFetchTime = '*';
  return copy;
}
