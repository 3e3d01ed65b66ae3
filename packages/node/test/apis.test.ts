/**
 * Every API of @vwo/node over real HTTP to the local collector on loopback, checked against the
 * worked examples of events.md (endpoint, parameter order, values).
 */
import type { ReceivedRequest } from '@vwo/collector';
import { describe, expect, it } from 'vitest';
import { type LaunchConfig, launch } from '../src/index.js';
import { eventually, recordingLogger, useCollector } from './fixtures/collector.js';
import { ACCOUNT_ID, abCampaign, SDK_KEY, settingsFile } from './fixtures/settings.js';

const ASHLEY_UUID = 'A46F7AA3A53150368683EE064793BAFD';
const collector = useCollector(settingsFile());

function start(overrides: Partial<LaunchConfig> = {}) {
  return launch({ settingsFile: settingsFile(), collectorUrl: collector().url, logLevel: 'silent', ...overrides });
}

const keys = (request: ReceivedRequest) => request.query.map(([key]) => key);
const requests = () => collector().received();

/** Users whose bucket puts them in each variation of a 50/50 campaign without seeds. */
const IN_CONTROL = 'Ashley'; // bucket 4986
const IN_VARIATION = 'José'; // bucket 6208

describe('activate', () => {
  it('answers the variation and sends one impression with the parameters of events.md §4', async () => {
    const vwo = await start();
    expect(await vwo.activate('K', IN_CONTROL)).toBe('Control');
    await eventually(() => requests().length === 1);
    const [request] = requests();
    expect(request?.endpoint).toBe('track-user');
    expect(keys(request as ReceivedRequest)).toEqual([
      'experiment_id',
      'combination',
      'visitor_ua',
      'visitor_ip',
      'sId',
      'u',
      'sdk',
      'sdk-v',
      'env',
      'account_id',
      'random',
      'ap',
      'll',
      '_l',
      'ed',
    ]);
    expect(request?.params).toMatchObject({
      experiment_id: '230',
      combination: '1',
      visitor_ua: '',
      visitor_ip: '',
      u: ASHLEY_UUID,
      sdk: 'vwo-node-sdk',
      'sdk-v': '1.73.0',
      env: SDK_KEY,
      account_id: String(ACCOUNT_ID),
      ap: 'server',
      ll: '4',
      _l: '1',
      ed: '{"p":"server"}',
    });
    expect(Number(request?.params.sId)).toBe(Math.ceil(Number(request?.params.sId)));
    await vwo.close();
  });

  it('with eventIds: true, ends the impression with an eid after 1.73.0’s parameters', async () => {
    const vwo = await start({ eventIds: true });
    await vwo.activate('K', IN_CONTROL);
    await eventually(() => requests().length === 1);
    const [request] = requests();
    expect(keys(request as ReceivedRequest).slice(-2)).toEqual(['ed', 'eid']);
    expect(request?.params.eid).toMatch(/^[0-9a-z]{20}\.[0-9a-z]+$/);
    await vwo.close();
  });

  it('passes the user agent and IP in the query and in headers', async () => {
    const vwo = await start();
    await vwo.activate('K', IN_CONTROL, { userAgent: 'Mozilla/5.0 (Mac) ü', userIpAddress: '10.0.0.1' });
    await eventually(() => requests().length === 1);
    const [request] = requests();
    expect(request?.params.visitor_ua).toBe('Mozilla/5.0 (Mac) ü');
    expect(request?.params.visitor_ip).toBe('10.0.0.1');
    expect(request?.headers['x-device-user-agent']).toBe('Mozilla%2F5.0%20(Mac)%20%C3%BC');
    expect(request?.headers['vwo-x-forwarded-for']).toBe('10.0.0.1');
    await vwo.close();
  });

  it('sends no second impression to a returning user when a storage remembers them', async () => {
    const records = new Map<string, unknown>();
    const userStorage = {
      get: (userId: string, key: string) => records.get(`${userId}:${key}`) as never,
      set: (record: { userId: string; campaignKey: string }) => void records.set(`${record.userId}:${record.campaignKey}`, record),
    };
    const vwo = await start({ userStorage });
    expect(await vwo.activate('K', IN_CONTROL)).toBe('Control');
    expect(await vwo.activate('K', IN_CONTROL)).toBe('Control');
    await vwo.close();
    expect(requests().filter((r) => r.endpoint === 'track-user')).toHaveLength(1);
    expect(records.get(`${IN_CONTROL}:K`)).toEqual({ userId: IN_CONTROL, variationName: 'Control', campaignKey: 'K' });
  });

  it('answers null for a feature campaign and sends nothing', async () => {
    const vwo = await start();
    expect(await vwo.activate('FT', IN_CONTROL)).toBeNull();
    await vwo.close();
    expect(requests()).toHaveLength(0);
  });

  it('hands the integrations callback the payload of decision-flow.md §14', async () => {
    const payloads: unknown[] = [];
    const vwo = await launch({
      settingsFile: settingsFile([abCampaign({ percentTraffic: 50 })]),
      collectorUrl: collector().url,
      logLevel: 'silent',
      isDevelopmentMode: true,
      integrations: { callback: (p) => payloads.push(p) },
    });
    expect(await vwo.activate('K', 'Ashley', { customVariables: { a: 1 } })).toBe('Variation-1');
    expect(JSON.stringify(payloads[0])).toBe(
      JSON.stringify({
        fromUserStorageService: false,
        isUserWhitelisted: false,
        variationName: 'Variation-1',
        variationId: 2,
        campaignId: 230,
        campaignKey: 'K',
        campaignType: 'VISUAL_AB',
        campaignName: 'Campaign K',
        customVariables: { a: 1 },
        event: 'CAMPAIGN_DECISION',
        sdkVersion: '1.73.0',
        source: 'activate',
        userId: 'Ashley',
        variationTargetingVariables: {},
        vwoUserId: ASHLEY_UUID,
      }),
    );
    await vwo.close();
    expect(requests()).toHaveLength(0);
  });
});

describe('getVariationName, isFeatureEnabled and getFeatureVariableValue', () => {
  it('getVariationName decides without sending anything', async () => {
    const vwo = await start();
    expect(await vwo.getVariationName('K', IN_VARIATION)).toBe('Variation-1');
    expect(await vwo.getVariationName('FT', IN_VARIATION)).toBe('Variation-1');
    expect(await vwo.getVariationName('FR', IN_VARIATION)).toBeNull();
    await vwo.close();
    expect(requests()).toHaveLength(0);
  });

  it('isFeatureEnabled follows the variation flag and sends an impression either way', async () => {
    const vwo = await start();
    expect(await vwo.isFeatureEnabled('FT', IN_VARIATION)).toBe(true);
    expect(await vwo.isFeatureEnabled('FT', IN_CONTROL)).toBe(false);
    expect(await vwo.isFeatureEnabled('FR', IN_CONTROL)).toBe(true);
    expect(await vwo.isFeatureEnabled('K', IN_CONTROL)).toBe(false);
    await vwo.close();
    expect(requests().map((r) => [r.endpoint, r.params.experiment_id, r.params.combination])).toEqual([
      ['track-user', '231', '2'],
      ['track-user', '231', '1'],
      ['track-user', '232', '1'],
    ]);
  });

  it('casts each variable type, and serves the control values when the feature is off', async () => {
    const vwo = await start();
    const values = async (userId: string) =>
      Promise.all(['label', 'count', 'ratio', 'enabled', 'config', 'missing'].map((key) => vwo.getFeatureVariableValue('FT', key, userId)));
    expect(await values(IN_VARIATION)).toEqual(['v1', 2, 2.5, true, { theme: 'v1' }, null]);
    expect(await values(IN_CONTROL)).toEqual(['ctrl', 1, 2.5, true, { theme: 'ctrl' }, null]);
    expect(await vwo.getFeatureVariableValue('FR', 'results', IN_CONTROL)).toBe(25);
    expect(await vwo.getFeatureVariableValue('K', 'label', IN_CONTROL)).toBeNull();
    await vwo.close();
    expect(requests()).toHaveLength(0);
  });
});

describe('track', () => {
  it('converts a goal of one campaign with a GET track-goal in the order of events.md §5', async () => {
    const vwo = await start();
    expect(await vwo.track('K', IN_CONTROL, 'REVENUE', { revenueValue: 10.5, userAgent: 'UA', userIpAddress: '1.1.1.1' })).toEqual({
      K: true,
    });
    await eventually(() => requests().length === 1);
    const [request] = requests();
    expect(request?.endpoint).toBe('track-goal');
    expect(keys(request as ReceivedRequest)).toEqual([
      'experiment_id',
      'combination',
      'sId',
      'u',
      'sdk',
      'sdk-v',
      'env',
      'account_id',
      'random',
      'ap',
      'visitor_ua',
      'visitor_ip',
      'goal_id',
      'r',
    ]);
    expect(request?.params).toMatchObject({
      experiment_id: '230',
      combination: '1',
      goal_id: '214',
      r: '10.5',
      visitor_ua: 'UA',
      visitor_ip: '1.1.1.1',
    });
    await vwo.close();
  });

  it('rejects a revenue goal without a revenue value, and accepts the string "0"', async () => {
    const vwo = await start();
    expect(await vwo.track('K', IN_CONTROL, 'REVENUE')).toEqual({ K: false });
    expect(await vwo.track('K', IN_CONTROL, 'REVENUE', { revenueValue: 0 })).toEqual({ K: false });
    expect(await vwo.track('K', IN_CONTROL, 'REVENUE', { revenueValue: '0' })).toEqual({ K: true });
    await vwo.close();
    expect(requests().map((r) => r.params.r)).toEqual(['0']);
  });

  it('sends one batch for a global goal, with user agent and IP in their own fields', async () => {
    const vwo = await start();
    const result = await vwo.track(null, IN_CONTROL, 'CUSTOM', { userAgent: 'Mozilla/5.0 (X)', userIpAddress: '1.2.3.4' });
    expect(result).toEqual({ K: true, FT: true });
    await vwo.close();
    expect(requests()).toHaveLength(1);
    const [batch] = requests();
    expect(batch?.endpoint).toBe('batch-events');
    expect(batch?.headers.authorization).toBe(SDK_KEY);
    expect(keys(batch as ReceivedRequest)).toEqual(['a', 'll', '_l', 'sdk', 'sdk-v', 'env']);
    const events = ((batch as ReceivedRequest).body as { ev: Record<string, unknown>[] }).ev;
    expect(events.map((e) => [e.e, e.c, e.eT, e.g, e.visitor_ua, e.visitor_ip])).toEqual([
      [230, 1, 2, 213, 'Mozilla/5.0 (X)', '1.2.3.4'],
      [231, 1, 2, 301, 'Mozilla/5.0 (X)', '1.2.3.4'],
    ]);
  });

  it('answers null for a goal no campaign has, and false for unknown and rollout campaigns', async () => {
    const vwo = await start();
    expect(await vwo.track(null, IN_CONTROL, 'nogoal')).toBeNull();
    expect(await vwo.track(['NOPE', 'FR'], IN_CONTROL, 'CUSTOM')).toEqual({ NOPE: false, FR: false });
    await vwo.close();
    expect(requests()).toHaveLength(0);
  });
});

describe('push', () => {
  it('sends one tag as a GET and several as one batch of eT 3 events (events.md §6–§7)', async () => {
    const vwo = await start();
    expect(await vwo.push('a key&', 'v=1 ü', IN_CONTROL)).toEqual({ 'a key&': true });
    expect(await vwo.push({ browser: 'chrome', n: 5 }, IN_CONTROL)).toEqual({ browser: true, n: true });
    await vwo.close();
    const [single, batch] = requests();
    expect(single?.endpoint).toBe('push');
    // The URL carries 1.73.0's pre-encoded key and value (fetch also escapes the quotes); a
    // server decodes the parameter once back to the original text.
    expect(single?.rawQuery).toContain('a%20key%26');
    expect(single?.rawQuery).toContain('v%3D1%20%C3%BC');
    expect(single?.params.tags).toBe('{"u":{"a key&":"v=1 ü"}}');
    expect(((batch as ReceivedRequest).body as { ev: { t: string; eT: number }[] }).ev.map((e) => [e.eT, decodeURIComponent(e.t)])).toEqual(
      [
        [3, '{"u":{"browser":"chrome"}}'],
        [3, '{"u":{"n":"5"}}'],
      ],
    );
  });
});

describe('batching, event architecture and data residency', () => {
  it('sends activate, two tracks and a push as one batch when the fourth event arrives (events.md §7)', async () => {
    const vwo = await start({ batchEvents: { eventsPerRequest: 4 } });
    await vwo.activate('K', IN_CONTROL, { userAgent: 'UA 1', userIpAddress: '9.9.9.9' });
    await vwo.track('K', IN_CONTROL, 'REVENUE', { revenueValue: 3 });
    await vwo.track('K', IN_CONTROL, 'CUSTOM');
    expect(requests()).toHaveLength(0);
    await vwo.push('k', 'v', IN_CONTROL);
    await eventually(() => requests().length === 1);
    const [batch] = requests();
    expect(keys(batch as ReceivedRequest)).toEqual(['a', 'eb', 'll', '_l', 'sdk', 'sdk-v', 'env']);
    const events = ((batch as ReceivedRequest).body as { ev: Record<string, unknown>[] }).ev;
    expect(events.map((e) => e.eT)).toEqual([1, 2, 2, 3]);
    expect(events[0]).toMatchObject({ e: 230, c: 1, u: ASHLEY_UUID, visitor_ua: 'UA 1', visitor_ip: '9.9.9.9' });
    expect(events[1]).toMatchObject({ g: 214, r: 3 });
    expect(events[3]?.t).toBe('%7B%22u%22%3A%7B%22k%22%3A%22v%22%7D%7D');
    await vwo.close();
  });

  it('flushEvents sends what is queued and reports it', async () => {
    const vwo = await start({ batchEvents: { eventsPerRequest: 100, requestTimeInterval: 600 } });
    expect(await vwo.flushEvents()).toMatchObject({ status: false, message: 'Batch queue is empty. Nothing to flush.' });
    await vwo.activate('K', IN_CONTROL);
    await vwo.activate('K', IN_VARIATION);
    expect(await vwo.flushEvents()).toMatchObject({ status: true, message: 'Batch call sent to VWO', sent: 2, failed: 0, pending: 0 });
    expect(requests()).toHaveLength(1);
    await vwo.close();
  });

  it('posts to /events/t when the settings enable the event architecture (events.md §8)', async () => {
    const vwo = await start({ settingsFile: settingsFile(undefined, { isEventArchEnabled: true }) });
    await vwo.activate('K', IN_CONTROL);
    await vwo.close();
    const [request] = requests();
    expect(request?.endpoint).toBe('event-arch');
    expect(request?.params.en).toBe('vwo_variationShown');
    const d = ((request as ReceivedRequest).body as { d: { visId: string; event: { props: Record<string, unknown> } } }).d;
    expect(d.visId).toBe(ASHLEY_UUID);
    expect(d.event.props).toMatchObject({ vwo_sdkName: 'vwo-node-sdk', id: 230, variation: 1, isFirst: 1 });
  });

  it('inserts the collection prefix into event paths', async () => {
    const vwo = await start({ settingsFile: settingsFile(undefined, { collectionPrefix: 'eu' }) });
    await vwo.activate('K', IN_CONTROL);
    await vwo.close();
    expect(requests()[0]?.path).toBe('/eu/server-side/track-user');
  });
});

describe('settings from the collector', () => {
  it('fetches the settings file at launch with accountId and sdkKey', async () => {
    const vwo = await launch({ accountId: ACCOUNT_ID, sdkKey: SDK_KEY, collectorUrl: collector().url, logLevel: 'silent' });
    expect(await vwo.getVariationName('K', IN_CONTROL)).toBe('Control');
    await vwo.close();
    expect(requests()[0]?.endpoint).toBe('settings');
    expect(requests()[0]?.params).toMatchObject({ a: String(ACCOUNT_ID), i: SDK_KEY, platform: 'server' });
  });

  it('swaps in polled settings when they change, and keeps the last good ones when they break', async () => {
    const { logger, lines } = recordingLogger();
    const vwo = await launch({
      accountId: ACCOUNT_ID,
      sdkKey: SDK_KEY,
      collectorUrl: collector().url,
      pollingInterval: 1000,
      logger,
      logLevel: 'warn',
    });
    expect(await vwo.getVariationName('K', IN_CONTROL)).toBe('Control');
    collector().setSettings(settingsFile([abCampaign({ variations: [{ id: 2, name: 'Only', weight: 100 }] })]));
    await eventually(
      async_(() => vwo.getVariationName('K', IN_CONTROL), 'Only'),
      4000,
    );
    collector().setSettings({ accountId: ACCOUNT_ID, version: 1, sdkKey: SDK_KEY, campaigns: [{ id: 1 }] });
    await eventually(() => lines.some((l) => l.message.includes('keeping the last good')), 4000);
    expect(await vwo.getVariationName('K', IN_CONTROL)).toBe('Only');
    await vwo.close();
    collector().setSettings(settingsFile());
  });

  it('getAndUpdateSettingsFile pulls and swaps the settings', async () => {
    const vwo = await start({ settingsFile: settingsFile([abCampaign({ status: 'PAUSED' })]) });
    expect(await vwo.getVariationName('K', IN_CONTROL)).toBeNull();
    const fresh = (await vwo.getAndUpdateSettingsFile()) as { campaigns: unknown[] };
    expect(fresh.campaigns).toHaveLength(3);
    expect(await vwo.getVariationName('K', IN_CONTROL)).toBe('Control');
    expect(requests()[0]?.endpoint).toBe('pull');
    await vwo.close();
  });
});

describe('explain', () => {
  it('lists the steps of a decision without storing or sending anything', async () => {
    const records = new Map<string, unknown>();
    const userStorage = {
      get: (userId: string, key: string) => records.get(`${userId}:${key}`) as never,
      set: (record: { userId: string; campaignKey: string }) => void records.set(`${record.userId}:${record.campaignKey}`, record),
    };
    const vwo = await start({ userStorage, settingsFile: settingsFile([abCampaign({ percentTraffic: 50 })]) });
    const trace = await vwo.explain('K', 'Ashley');
    expect(trace).toMatchObject({ campaignKey: 'K', userId: 'Ashley', variationName: 'Variation-1', outcome: 'bucketed' });
    expect(trace?.steps.map((s) => [s.step, s.passed])).toEqual([
      ['storage', false],
      ['traffic', true],
      ['variation', true],
    ]);
    expect(trace?.steps[1]?.detail).toBe('traffic bucket 50 is within percentTraffic 50');
    expect(trace?.steps[2]?.detail).toBe('bucket 9972 is in Variation-1');
    await vwo.close();
    expect(records.size).toBe(0);
    expect(requests()).toHaveLength(0);
  });
});

describe('opt-out', () => {
  it('turns every method into a no-op that sends nothing', async () => {
    const vwo = await start();
    expect(await vwo.setOptOut()).toBe(true);
    expect(await vwo.activate('K', IN_CONTROL)).toBeNull();
    expect(await vwo.getVariationName('K', IN_CONTROL)).toBeNull();
    expect(await vwo.isFeatureEnabled('FT', IN_VARIATION)).toBe(false);
    expect(await vwo.getFeatureVariableValue('FT', 'label', IN_VARIATION)).toBeNull();
    expect(await vwo.track('K', IN_CONTROL, 'CUSTOM')).toBeNull();
    expect(await vwo.push('k', 'v', IN_CONTROL)).toBeNull();
    await vwo.close();
    expect(requests()).toHaveLength(0);
  });
});

/** Turns an async probe into a sync condition for `eventually` by caching its last answer. */
function async_<T>(probe: () => Promise<T>, expected: T): () => boolean {
  let last: T | undefined;
  let pending = false;
  return () => {
    if (!pending) {
      pending = true;
      void probe().then((value) => {
        last = value;
        pending = false;
      });
    }
    return last === expected;
  };
}
