/**
 * `init` of `@vwo/node` end to end over real HTTP (a loopback server standing in for VWO):
 * settings fetched from `/server-side/v2-settings`, the start events, flags, events, polling,
 * batching, close(), and the promise that nothing rejects into the host.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FmeClient, type FmeStorageRecord, init, LogLevelEnum, onInit, StorageConnector, type Transport } from '../src/index.js';
import { eventName, FME_ACCOUNT_ID, FME_SDK_KEY, type FmeServer, fmeSettings, startFmeServer, until } from './fixtures/fme.js';

let server: FmeServer;
const clients: FmeClient[] = [];
const quiet = { level: 'ERROR', transport: { log: () => {} } };

async function start(options: Record<string, unknown> = {}): Promise<FmeClient> {
  const client = await init({
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    transport: server.transport(),
    logger: quiet,
    retryConfig: { shouldRetry: false },
    ...options,
  } as never);
  clients.push(client);
  return client;
}

beforeEach(async () => {
  server = await startFmeServer(fmeSettings());
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
});

describe('init', () => {
  it('fetches the settings from /server-side/v2-settings with 1.35.0 query and sends vwo_fmeSdkInit', async () => {
    const vwo = await start();
    const fetch = server.received[0];
    expect(fetch?.method).toBe('GET');
    expect(fetch?.path).toMatch(
      /^\/server-side\/v2-settings\?i=abcdef0123456789abcdef0123456789&r=0\.\d+&a=123456&platform=server&sn=vwo-fme-node-sdk&sv=1\.35\.0&api-version=1&s=prod$/,
    );
    await until(() => server.received.some((request) => eventName(request) === 'vwo_fmeSdkInit'));
    const flag = await vwo.getFlag('checkout', { id: 'user-1' });
    expect(flag.isEnabled()).toBe(true);
    expect(flag.getVariable('color', 'blue')).toBe('green');
    await until(() => server.received.some((request) => eventName(request) === 'vwo_variationShown'));
  });

  it('omits s=prod in development mode and still sends events', async () => {
    const vwo = await start({ isDevelopmentMode: true });
    expect(server.received[0]?.path).not.toContain('s=prod');
    await vwo.getFlag('checkout', { id: 'user-1' });
    await until(() => server.received.some((request) => eventName(request) === 'vwo_variationShown'));
  });

  it('uses given settings without fetching', async () => {
    const vwo = await start({ settings: fmeSettings() });
    expect((await vwo.getFlag('checkout', { id: 'u' })).isEnabled()).toBe(true);
    expect(server.received.filter((request) => request.method === 'GET')).toEqual([]);
  });

  it('resolves a client answering disabled flags when the settings cannot be fetched', async () => {
    server.status = 500;
    const vwo = await start();
    const flag = await vwo.getFlag('checkout', { id: 'u' });
    expect(flag.isEnabled()).toBe(false);
    expect(flag.getVariables()).toEqual([]);
  });

  it('never rejects on bad options and resolves undefined for a non-object, as 1.35.0', async () => {
    const lines: string[] = [];
    const original = console.info;
    console.info = (line: string) => lines.push(line);
    try {
      await expect(init(null as never)).resolves.toBeUndefined();
    } finally {
      console.info = original;
    }
    expect(lines).toHaveLength(1);
    const errors: string[] = [];
    const vwo = await start({
      settings: fmeSettings(),
      pollInterval: 5,
      storage: { nope: true },
      logger: { level: 'error', transport: { log: (_: string, message: string) => errors.push(message) } },
    });
    expect(errors.some((line) => line.includes('pollInterval'))).toBe(true);
    expect(errors.some((line) => line.includes('storage'))).toBe(true);
    expect((await vwo.getFlag('checkout', { id: 'u' })).isEnabled()).toBe(true);
  });
});

describe('the client', () => {
  it('answers refused calls with 1.35.0 error values and never rejects', async () => {
    const vwo = await start({ settings: fmeSettings() });
    expect((await vwo.getFlag(1 as never, { id: 'u' })).isEnabled()).toBe(false);
    expect((await vwo.getFlag('checkout', {} as never)).getVariable('color', 'd')).toBe('d');
    expect(await vwo.trackEvent('nope', { id: 'u' })).toEqual({ nope: false });
    expect(await vwo.trackEvent('purchase', { id: 'u' }, [] as never)).toEqual({ purchase: false });
    expect(await vwo.setAttribute('k', null as never, { id: 'u' })).toBeUndefined();
    expect(await vwo.flushEvents()).toEqual({ status: 'error', events: [] });
    expect(await vwo.setAlias('u', 'v')).toBe(false);
  });

  it('tracks an event and syncs attributes in both forms', async () => {
    const vwo = await start({ settings: fmeSettings() });
    expect(await vwo.trackEvent('purchase', { id: 'u' }, { revenue: 12.5 })).toEqual({ purchase: true });
    await vwo.setAttribute('plan', 'pro', { id: 'u' });
    await vwo.setAttribute({ plan: 'pro', seats: 3 }, { id: 'u' });
    await until(() => server.received.filter((request) => eventName(request) === 'vwo_syncVisitorProp').length === 2);
    const purchase = server.received.find((request) => eventName(request) === 'purchase');
    expect(JSON.parse(purchase?.body ?? '{}').d.event.props).toMatchObject({ isCustomEvent: true, revenue: 12.5 });
    expect(purchase?.headers['content-type']).toBe('application/json');
  });

  it('reads and writes the user storage with 1.35.0 record shape, a sync get included', async () => {
    const records: FmeStorageRecord[] = [];
    const vwo = await start({
      settings: fmeSettings(),
      storage: { get: () => undefined, set: (record: FmeStorageRecord) => records.push(record) },
    });
    await vwo.getFlag('checkout', { id: 'u' });
    expect(records).toEqual([
      {
        featureKey: 'checkout',
        userId: 'u',
        rolloutId: 10,
        rolloutKey: 'checkout_rollout1',
        rolloutVariationId: 1,
        experimentId: undefined,
        experimentKey: undefined,
        experimentVariationId: undefined,
      },
    ]);
    expect(Object.keys(records[0] as object)).toHaveLength(8);
  });

  it('calls an async integrations callback too (1.35.0 never calls one)', async () => {
    const payloads: unknown[] = [];
    const vwo = await start({
      settings: fmeSettings(),
      integrations: {
        callback: async (payload: unknown) => {
          payloads.push(payload);
        },
      },
    });
    await vwo.getFlag('checkout', { id: 'u' });
    expect(payloads).toEqual([
      {
        featureName: 'Checkout',
        featureId: 1,
        featureKey: 'checkout',
        userId: 'u',
        api: 'getFlag',
        customVariables: { _vwoUserId: 'u' },
        rolloutId: 10,
        rolloutKey: 'checkout_rollout1',
        rolloutVariationId: 1,
      },
    ]);
  });

  it('explains a decision without sending or storing anything', async () => {
    const vwo = await start({ settings: fmeSettings() });
    await until(() => server.received.some((request) => eventName(request) === 'vwo_fmeSdkInit'));
    const before = server.received.length;
    const explanation = await vwo.explain('checkout', { id: 'u' });
    expect(explanation).toMatchObject({ enabled: true, outcome: 'evaluated', impressions: [[10, 1]] });
    expect(explanation.trace.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.received.length).toBe(before);
  });

  it('applies updateSettings(file) and refuses an invalid file, keeping the old settings', async () => {
    const vwo = await start({ settings: fmeSettings() });
    await vwo.updateSettings({ foo: 1 }, false);
    expect((await vwo.getFlag('checkout', { id: 'u' })).isEnabled()).toBe(true);
    await vwo.updateSettings(fmeSettings({ features: [] }), false);
    expect((await vwo.getFlag('checkout', { id: 'u' })).isEnabled()).toBe(false);
  });

  it('updateSettings() fetches /server-side/v2-pull (webhook) or v2-settings', async () => {
    const vwo = await start({ settings: fmeSettings() });
    server.settings = fmeSettings({ features: [] });
    await vwo.updateSettings();
    expect(server.received.at(-1)?.path).toMatch(/^\/server-side\/v2-pull\?i=/);
    expect((await vwo.getFlag('checkout', { id: 'u' })).isEnabled()).toBe(false);
    server.settings = fmeSettings();
    await vwo.updateSettings(undefined, false);
    expect(server.received.at(-1)?.path).toMatch(/^\/server-side\/v2-settings\?i=/);
    expect((await vwo.getFlag('checkout', { id: 'u' })).isEnabled()).toBe(true);
  });

  it('polling applies settings that changed (1.35.0 fetches but never applies)', async () => {
    const vwo = await start({ pollInterval: 1000 });
    expect((await vwo.getFlag('checkout', { id: 'u' })).isEnabled()).toBe(true);
    server.settings = fmeSettings({ features: [] });
    await until(() => server.received.filter((request) => request.method === 'GET').length >= 2, 3000);
    await until(() => true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await vwo.getFlag('checkout', { id: 'u' })).isEnabled()).toBe(false);
  });

  it('batches events to /server-side/batch-events-v2 and flushEvents sends the queue', async () => {
    const vwo = await start({ settings: fmeSettings(), batchEventData: { eventsPerRequest: 50, requestTimeInterval: 600 } });
    await vwo.getFlag('checkout', { id: 'u' });
    await vwo.trackEvent('purchase', { id: 'u' });
    const result = await vwo.flushEvents();
    expect(result.status).toBe('success');
    const batch = server.received.find((request) => request.path.startsWith('/server-side/batch-events-v2'));
    expect(batch?.path).toBe(`/server-side/batch-events-v2?a=${FME_ACCOUNT_ID}&env=${FME_SDK_KEY}&sn=vwo-fme-node-sdk&sv=1.35.0`);
    expect(batch?.headers.authorization).toBe(FME_SDK_KEY);
    const names = (JSON.parse(batch?.body ?? '{}') as { ev: { d: { event: { name: string } } }[] }).ev.map((event) => event.d.event.name);
    expect(names).toEqual(['vwo_fmeSdkInit', 'vwo_variationShown', 'purchase']);
    expect(await vwo.flushEvents()).toEqual({ status: 'success', events: [] });
  });

  it('shouldWaitForTrackingCalls resolves getFlag after its impression was attempted', async () => {
    const vwo = await start({ settings: fmeSettings(), shouldWaitForTrackingCalls: true });
    await vwo.getFlag('checkout', { id: 'u' });
    expect(server.received.some((request) => eventName(request) === 'vwo_variationShown')).toBe(true);
  });

  it('bounds every transport call by requestTimeout: a hung transport never hangs init or close', async () => {
    const hung: Transport = { send: () => new Promise(() => {}) };
    const started = Date.now();
    const vwo = await init({
      accountId: FME_ACCOUNT_ID,
      sdkKey: FME_SDK_KEY,
      transport: hung,
      requestTimeout: 200,
      closeTimeout: 300,
      logger: quiet,
      retryConfig: { shouldRetry: false },
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await vwo.getFlag('checkout', { id: 'u' })).isEnabled()).toBe(false);
    const closing = Date.now();
    await vwo.close();
    expect(Date.now() - closing).toBeLessThan(1500);
  });

  it('keeps state per client: two clients share no storage', async () => {
    const a = new Map<string, unknown>();
    const b = new Map<string, unknown>();
    const store = (map: Map<string, unknown>) => ({
      get: (key: string, user: string) => map.get(`${key}:${user}`),
      set: (record: FmeStorageRecord) => map.set(`${record.featureKey}:${String(record.userId)}`, record),
    });
    const first = await start({ settings: fmeSettings(), storage: store(a) });
    await start({ settings: fmeSettings(), storage: store(b) });
    await first.getFlag('checkout', { id: 'u' });
    expect(a.size).toBe(1);
    expect(b.size).toBe(0);
  });

  it('close() flushes the batch queue and is idempotent', async () => {
    const vwo = await start({ settings: fmeSettings(), batchEventData: { eventsPerRequest: 50 } });
    await vwo.getFlag('checkout', { id: 'u' });
    await Promise.all([vwo.close(), vwo.close()]);
    expect(server.received.some((request) => request.path.startsWith('/server-side/batch-events-v2'))).toBe(true);
  });
});

describe('the rest of vwo-fme-node-sdk exports', () => {
  it('accepts a StorageConnector subclass given as a class, and LogLevelEnum levels', async () => {
    const written: FmeStorageRecord[] = [];
    class Store extends StorageConnector {
      get() {
        return Promise.resolve(undefined);
      }
      set(record: FmeStorageRecord) {
        written.push(record);
      }
    }
    const vwo = await start({
      settings: fmeSettings(),
      storage: Store,
      logger: { level: LogLevelEnum.ERROR, transport: { log: () => {} } },
    });
    await vwo.getFlag('checkout', { id: 'u' });
    expect(written.map((record) => record.rolloutKey)).toEqual(['checkout_rollout1']);
  });

  it('onInit resolves the client of the last init', async () => {
    const started = start({ settings: fmeSettings() });
    const [client, ready] = await Promise.all([started, onInit()]);
    expect(ready).toBe(client);
  });
});

describe('gateway service', () => {
  it('fetches settings from the gateway and sends user events and aliases to it, over the default transport', async () => {
    const vwo = await init({
      accountId: FME_ACCOUNT_ID,
      sdkKey: FME_SDK_KEY,
      gatewayService: { url: server.url },
      isAliasingEnabled: true,
      logger: quiet,
      retryConfig: { shouldRetry: false },
    });
    clients.push(vwo);
    expect(server.received[0]?.path).toMatch(/^\/server-side\/v2-settings\?i=/);
    // The stub gateway answers {} to the alias lookup, which 1.35.0 cannot read: the call is refused.
    expect((await vwo.getFlag('checkout', { id: 'u' })).isEnabled()).toBe(false);
    expect(server.received.some((request) => request.path.startsWith('/user-alias/getAliasUserId?accountId=123456&sdkKey='))).toBe(true);
    expect(await vwo.setAlias('u', 'alias')).toBe(true);
    const alias = server.received.find((request) => request.path.startsWith('/user-alias/setUserAlias'));
    expect(alias?.path).toBe(`/user-alias/setUserAlias?accountId=123456&sdkKey=${FME_SDK_KEY}&userId=u&aliasId=alias`);
    expect(alias?.body).toBe('{"userId":"u","aliasId":"alias"}');
    await until(() => server.received.some((request) => eventName(request) === 'vwo_fmeSdkInit'));
  });
});

describe('process lifetime', () => {
  it('a process with an FME client (polling on, no close) exits by itself; 1.35.0 keeps it alive', async () => {
    const { spawn } = await import('node:child_process');
    const { writeFileSync, rmSync } = await import('node:fs');
    const entry = new URL('../dist/index.js', import.meta.url).pathname;
    const file = new URL(`./.fme-lifetime-${process.pid}.mjs`, import.meta.url).pathname;
    writeFileSync(
      file,
      `import { init } from ${JSON.stringify(entry)};
const vwo = await init({ accountId: 123456, sdkKey: 'k', settings: ${JSON.stringify(fmeSettings())},
  transport: { send: async () => ({ status: 200, body: '{}' }) }, logger: { level: 'ERROR', transport: { log() {} } } });
console.log((await vwo.getFlag('checkout', { id: 'u' })).isEnabled());
`,
    );
    try {
      const started = Date.now();
      const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.on('error', reject);
        child.on('exit', (exitCode) => {
          clearTimeout(killer);
          resolve({ code: exitCode, output });
        });
      });
      expect(output.trim()).toBe('true');
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(8000);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
