/**
 * The FME client's own pieces: the settings URL, the logger, and the promise that no method
 * throws or rejects whatever it is given.
 */
import { describe, expect, it } from 'vitest';
import { createFmeClient, type EventRequest, fmeLogger, fmeSettingsUrl } from '../../src/index.js';
import { rolloutSettings } from './support/rollout-settings.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

describe('fmeSettingsUrl', () => {
  it('builds 1.35.0 settings URL, without s=prod in development mode and on a gateway', () => {
    expect(fmeSettingsUrl({ accountId: 123456, sdkKey: 'key', endpoint: 'settings', random: 0.5 })).toBe(
      'https://dev.visualwebsiteoptimizer.com/server-side/v2-settings?i=key&r=0.5&a=123456&platform=server&sn=vwo-fme-node-sdk&sv=1.35.0&api-version=1&s=prod',
    );
    expect(
      fmeSettingsUrl({ accountId: '1', sdkKey: 'k', endpoint: 'pull', random: 0.1, isDevelopmentMode: true, base: 'http://gw:8000' }),
    ).toBe('http://gw:8000/server-side/v2-pull?i=k&r=0.1&a=1&platform=server&sn=vwo-fme-node-sdk&sv=1.35.0&api-version=1');
  });
});

describe('fmeLogger', () => {
  it('filters by level, case-insensitively, and hands bare messages to its transports', () => {
    const lines: string[] = [];
    const log = fmeLogger({ level: 'warn', transport: { log: (level, message) => lines.push(`${level}:${message}`) } });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines).toEqual(['warn:w', 'error:e']);
  });

  it('survives a transport that throws', () => {
    const log = fmeLogger({
      transport: {
        log: () => {
          throw new Error('boom');
        },
      },
    });
    expect(() => log.error('x')).not.toThrow();
  });
});

describe('createFmeClient', () => {
  it('never throws or rejects on garbage settings, contexts and arguments', async () => {
    const sent: EventRequest[] = [];
    const vwo = createFmeClient({
      accountId: 1,
      sdkKey: 'k',
      settings: 'not settings',
      logger: silent,
      transport: {
        send: () => {
          throw new Error('network down');
        },
      },
      storage: {
        get: () => {
          throw new Error('storage down');
        },
        set: () => Promise.reject(new Error('no')),
      },
      integrations: {
        callback: () => {
          throw new Error('hook');
        },
      },
    });
    const flag = await vwo.getFlag('f', { id: 'u' });
    expect([flag.isEnabled(), flag.getVariables(), flag.getVariable('x', 7)]).toEqual([false, [], 7]);
    expect(await vwo.trackEvent(undefined as never, undefined as never)).toEqual({ undefined: false });
    expect(await vwo.setAttribute(undefined as never, undefined as never)).toBeUndefined();
    expect(await vwo.updateSettings()).toBeUndefined();
    expect(await vwo.flushEvents()).toEqual({ status: 'error', events: [] });
    expect(await vwo.setAlias('a', 'b')).toBe(false);
    expect((await vwo.explain('f', { id: 'u' })).outcome).toBe('invalid-settings');
    await vwo.close();
    await vwo.close();
    expect(sent).toEqual([]);
  });

  it('answers from valid settings after updateSettings(file) and reads a storage that throws as no data', async () => {
    const vwo = createFmeClient({
      accountId: 1,
      sdkKey: 'k',
      settings: {},
      logger: silent,
      storage: {
        get: () => {
          throw new Error('storage down');
        },
        set: () => undefined,
      },
    });
    await vwo.updateSettings(rolloutSettings([{ id: 1, key: 'x', type: 'integer', value: 0 }]), false);
    const flag = await vwo.getFlag('f', { id: 'u' });
    expect(flag.isEnabled()).toBe(true);
    // 1.35.0 returns falsy values as they are, never the default.
    expect(flag.getVariable('x', 9)).toBe(0);
    await vwo.close();
  });
});

describe('createFmeClient with a lookupOrigin (1.35.0’s browser build: gateway-backed without a gateway)', () => {
  const settings = {
    accountId: 1,
    sdkKey: 'k',
    version: 1,
    campaigns: [
      {
        id: 9,
        key: 'us_rollout',
        name: 'us',
        type: 'FLAG_ROLLOUT',
        status: 'RUNNING',
        percentTraffic: 100,
        segments: {},
        variations: [{ id: 1, name: 'on', weight: 100, segments: { and: [{ country: 'US' }] }, variables: [] }],
      },
    ],
    features: [
      {
        id: 1,
        key: 'us_only',
        name: 'us',
        type: 'FEATURE_FLAG',
        status: 'ON',
        metrics: [],
        rules: [{ type: 'FLAG_ROLLOUT', ruleKey: 'r', campaignId: 9, variationId: 1 }],
      },
    ],
  };

  it('asks the origin for user details and aliases, sends events to VWO, and ignores batchEventData with 1.35.0’s line', async () => {
    const urls: string[] = [];
    const infos: string[] = [];
    const vwo = createFmeClient({
      accountId: 1,
      sdkKey: 'k',
      settings,
      logger: { ...silent, info: (message: string) => infos.push(message) },
      lookupOrigin: 'https://lookups.test',
      isAliasingEnabled: true,
      batchEventData: { eventsPerRequest: 50, requestTimeInterval: 600 },
      shouldWaitForTrackingCalls: true,
      transport: {
        send: async (request) => {
          urls.push(request.url);
          if (request.url.includes('/get-user-details')) return { status: 200, body: '{"location":{"country":"US"}}' };
          if (request.url.includes('/getAliasUserId')) return { status: 200, body: '[{"aliasId":"a-1","userId":"u-1"}]' };
          return { status: 200, body: '{}' };
        },
      },
    });
    const context = { id: 'a-1', ipAddress: '1.2.3.4' };
    const flag = await vwo.getFlag('us_only', context);
    expect(flag.isEnabled()).toBe(true);
    expect(context.id).toBe('u-1');
    expect(urls.filter((url) => url.startsWith('https://lookups.test/'))).toEqual([
      'https://lookups.test/user-alias/getAliasUserId?accountId=1&sdkKey=k&userId=["a-1"]',
      'https://lookups.test/get-user-details?ipAddress=1.2.3.4&accountId=1',
    ]);
    // The impression went at once, to VWO's host, not in a batch and not to the lookup origin.
    expect(urls.some((url) => url.startsWith('https://dev.visualwebsiteoptimizer.com/events/t?en=vwo_variationShown'))).toBe(true);
    expect(urls.some((url) => url.includes('batch-events'))).toBe(false);
    expect(infos).toContain(
      'Batch Events config passed in SDK configuration will not work as the gatewayService is already configured. Please check the documentation for more details',
    );
    await vwo.close();
  });
});

describe('close() with calls in progress', () => {
  const rollout = rolloutSettings();

  it('lets a getFlag that is still reading its storage send its impression before the events are flushed', async () => {
    const urls: string[] = [];
    const vwo = createFmeClient({
      accountId: 1,
      sdkKey: 'k',
      settings: rollout,
      logger: silent,
      // A remote storage: the decision waits for its answer, so the impression comes a few ms later.
      storage: { get: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 20)), set: () => undefined },
      transport: {
        send: async (request) => {
          urls.push(request.url);
          return { status: 200, body: '{}' };
        },
      },
    });
    const flag = vwo.getFlag('f', { id: 'u' });
    await vwo.close();
    expect((await flag).isEnabled()).toBe(true);
    expect(urls.filter((url) => url.includes('en=vwo_variationShown'))).toHaveLength(1);
  });

  it('waits for calls in progress at most closeTimeout', async () => {
    const vwo = createFmeClient({
      accountId: 1,
      sdkKey: 'k',
      settings: rollout,
      logger: silent,
      closeTimeout: 30,
      requestTimeout: 60_000,
      // A storage that never answers: only requestTimeout would end the call.
      storage: { get: () => new Promise(() => undefined), set: () => undefined },
      transport: { send: async () => ({ status: 200, body: '{}' }) },
    });
    void vwo.getFlag('f', { id: 'u' });
    const started = Date.now();
    await vwo.close();
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
