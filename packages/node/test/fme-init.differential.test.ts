/**
 * `init` against vwo-fme-node-sdk 1.35.0: the same options give the same requests at start
 * (the settings GET, `vwo_fmeSdkInit`, `vwo_sdkUsageStats` with its statistics), masked only
 * where events.md says values are random or clock readings.
 */
import type { EventRequest } from '@vwo/core';
import { describe, expect, it } from 'vitest';
import { getUUID, init } from '../src/index.js';
import { FME_ACCOUNT_ID, FME_SDK_KEY, fmeSettings } from './fixtures/fme.js';
import { ourNetwork, referenceNetwork, referenceSdk } from './fixtures/fme-reference.js';

const settings = fmeSettings({ collectionPrefix: 'eu01', usageStatsAccountId: 999 });
const logger = { level: 'DEBUG', transport: { log: () => {} } };

async function reference(options: Record<string, unknown>): Promise<string[]> {
  const sdk = referenceSdk<{ init(options: Record<string, unknown>): Promise<unknown> }>();
  const { client, requests } = referenceNetwork(settings);
  await sdk.init({ ...options, logger, network: { client } });
  await new Promise((resolve) => setTimeout(resolve, 50));
  return requests;
}

async function ours(options: Record<string, unknown>): Promise<string[]> {
  const { transport, requests } = ourNetwork(settings);
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
    const sdk = referenceSdk<{ getUUID(userId: string, accountId: string): string }>();
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
