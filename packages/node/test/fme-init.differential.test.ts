/**
 * `init` against vwo-fme-node-sdk 1.35.0: the same options give the same requests at start
 * (the settings GET, `vwo_fmeSdkInit`, `vwo_sdkUsageStats` with its statistics), masked only
 * where events.md says values are random or clock readings.
 */
import { createRequire } from 'node:module';
import type { EventRequest } from '@vwo/core';
import { describe, expect, it } from 'vitest';
import { getUUID, init } from '../src/index.js';
import { FME_ACCOUNT_ID, FME_SDK_KEY, fmeSettings } from './fixtures/fme.js';

// The reference is a devDependency of @vwo/core; its CommonJS build is the one the spec describes.
const require = createRequire(new URL('../../core/package.json', import.meta.url));

function mask(
  method: string,
  hostname: string,
  port: unknown,
  path: string,
  headers: Record<string, unknown>,
  body: string | undefined,
): string {
  const maskedPath = path.replace(/([?&])(eTime|random|r)=[^&]*/g, '$1$2=*');
  const kept = Object.fromEntries(
    Object.entries(headers)
      .filter(([name]) => name.toLowerCase() !== 'content-length')
      .map(([name, value]) => [name, String(value)]),
  );
  let maskedBody = body;
  if (body) {
    const parsed = JSON.parse(body) as { d: Record<string, unknown> };
    const d = parsed.d;
    d.msgId = `${String(d.msgId).slice(0, String(d.msgId).lastIndexOf('-'))}-*`;
    d.sessionId = '*';
    const event = d.event as { time: unknown; props: Record<string, unknown> };
    event.time = '*';
    const data = event.props.data as Record<string, unknown> | undefined;
    if (data) {
      data.sdkInitTime = '*';
      data.settingsFetchTime = '*';
    }
    const meta = event.props.vwoMeta as Record<string, unknown> | undefined;
    if (meta && 'eventId' in meta) meta.eventId = '*';
    maskedBody = JSON.stringify(parsed);
  }
  return `${method} ${hostname}:${String(port ?? '')} ${maskedPath} ${JSON.stringify(kept)} ${maskedBody ?? ''}`;
}

const settings = fmeSettings({ collectionPrefix: 'eu01', usageStatsAccountId: 999 });
const logger = { level: 'DEBUG', transport: { log: () => {} } };

async function reference(options: Record<string, unknown>): Promise<string[]> {
  const sdk = require('vwo-fme-node-sdk') as { init(options: Record<string, unknown>): Promise<unknown> };
  const requests: string[] = [];
  const client = {
    GET: async (request: { getOptions(): Record<string, unknown> }) => {
      const o = request.getOptions() as {
        method: string;
        hostname: string;
        port?: unknown;
        path: string;
        headers: Record<string, unknown>;
      };
      requests.push(mask(o.method, o.hostname, o.port, o.path, o.headers ?? {}, undefined));
      return { getStatusCode: () => 200, getData: () => structuredClone(settings), getTotalAttempts: () => 0, getError: () => undefined };
    },
    POST: async (request: { getOptions(): Record<string, unknown> }) => {
      const o = request.getOptions() as {
        method: string;
        hostname: string;
        port?: unknown;
        path: string;
        headers: Record<string, unknown>;
        body: unknown;
      };
      requests.push(mask(o.method, o.hostname, o.port, o.path, o.headers, JSON.stringify(o.body)));
      return { getStatusCode: () => 200, getData: () => ({}), getTotalAttempts: () => 0, getError: () => undefined };
    },
  };
  await sdk.init({ ...options, logger, network: { client } });
  await new Promise((resolve) => setTimeout(resolve, 50));
  return requests;
}

async function ours(options: Record<string, unknown>): Promise<string[]> {
  const requests: string[] = [];
  const transport = {
    send: async (request: EventRequest) => {
      const url = new URL(request.url);
      const port = request.url.startsWith(`https://${url.hostname}:443/`) ? 443 : undefined;
      requests.push(mask(request.method, url.hostname, port, `${url.pathname}${url.search}`, request.headers ?? {}, request.body));
      return request.method === 'GET' ? { status: 200, body: JSON.stringify(settings) } : { status: 200, body: '{}' };
    },
  };
  const client = await init({ ...(options as object), logger, transport } as never);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await client.close();
  return requests;
}

describe('init agrees with vwo-fme-node-sdk 1.35.0 on what it sends at start', () => {
  it('with given settings: vwo_fmeSdkInit then vwo_sdkUsageStats (collection prefix, statistics)', async () => {
    const options = {
      accountId: FME_ACCOUNT_ID,
      sdkKey: FME_SDK_KEY,
      settings,
      storage: { get: async () => undefined, set: async () => {} },
    };
    const theirs = await reference(options);
    expect(theirs.length).toBe(2);
    expect(await ours(options)).toEqual(theirs);
  });

  it('with fetched settings: the v2-settings GET, then the same two events', async () => {
    const options = { accountId: String(FME_ACCOUNT_ID), sdkKey: FME_SDK_KEY, integrations: { callback: () => {} }, pollInterval: 60_000 };
    const theirs = await reference(options);
    expect(theirs.length).toBe(3);
    expect(await ours(options)).toEqual(theirs);
  });

  it('with bad pollInterval and batchEventData: both reported as vwo_sdkDebug, then the start events', async () => {
    const options = { accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, settings, pollInterval: 5, batchEventData: { eventsPerRequest: -1 } };
    const theirs = await reference(options);
    expect(theirs.length).toBe(4);
    expect(await ours(options)).toEqual(theirs);
  });

  it('with shouldWaitForTrackingCalls: the start events were answered when init resolves', async () => {
    const options = { accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, settings, shouldWaitForTrackingCalls: true };
    const theirs = await reference(options);
    expect(theirs.length).toBe(2);
    const sent: string[] = [];
    const client = await init({
      ...(options as object),
      logger,
      transport: {
        send: async (request: EventRequest) => {
          await new Promise((resolve) => setTimeout(resolve, 100));
          sent.push(request.url);
          return { status: 200, body: '{}' };
        },
      },
    } as never);
    expect(sent.length).toBe(2);
    await client.close();
  });

  it('with a settings cache in storage: a fresh cached file is used (no init event) and refreshed in the background', async () => {
    const stored: string[][] = [[], []];
    const cacheFor = (side: number) => ({
      get: async () => undefined,
      set: async () => {},
      getSettings: async () => ({ settings: structuredClone(settings), timestamp: Date.now() - 1000 }),
      setSettings: async (data: { settings: unknown; timestamp: number }) => {
        stored[side]?.push(JSON.stringify(data.settings));
      },
    });
    const base = { accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY };
    const theirs = await reference({ ...base, storage: cacheFor(0) });
    const mine = await ours({ ...base, storage: cacheFor(1) });
    expect(theirs.some((request) => request.includes('vwo_fmeSdkInit'))).toBe(false);
    expect(mine).toEqual(theirs);
    expect(stored[1]).toEqual(stored[0]);
    expect(stored[0]).toHaveLength(1);
  });

  it('with a settings cache in storage that misses: fetched, stored, init event sent', async () => {
    const stored: string[][] = [[], []];
    const cacheFor = (side: number) => ({
      get: async () => undefined,
      set: async () => {},
      getSettings: async () => ({ settings: { ...structuredClone(settings), sdkKey: 'another' }, timestamp: Date.now() }),
      setSettings: async (data: { settings: unknown; timestamp: number }) => {
        stored[side]?.push(JSON.stringify(data.settings));
      },
    });
    const base = { accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY };
    const theirs = await reference({ ...base, storage: cacheFor(0) });
    expect(await ours({ ...base, storage: cacheFor(1) })).toEqual(theirs);
    expect(theirs.some((request) => request.includes('vwo_fmeSdkInit'))).toBe(true);
    expect(stored[1]).toEqual(stored[0]);
  });

  it('getUUID equals 1.35.0 for ASCII, numeric and non-ASCII ids', () => {
    const sdk = require('vwo-fme-node-sdk') as { getUUID(userId: string, accountId: string): string };
    for (const [user, account] of [
      ['user-1', '123456'],
      ['José', '1'],
      ['42', '999999'],
      ['ユーザー', '7'],
    ] as const) {
      expect(getUUID(user, account)).toBe(sdk.getUUID(user, account));
    }
  });
});
