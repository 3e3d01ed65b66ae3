/**
 * The client answers an `activate` and a `track` of the same user (the usual pair within one
 * request) with one SHA-1 and one bucketing: it keeps the visitor ids of recent users (derived
 * when a request is written, so once for the two events side by side in a batch) and the last
 * decision made without storage or variables. These tests prove that what users and
 * VWO see is exactly what deciding and hashing afresh every time gives.
 */
import { describe, expect, it } from 'vitest';
import {
  type ClientConfig,
  createClient,
  type DecisionProperties,
  decide,
  type EventRequest,
  type TransportResponse,
  visitorUuid,
} from '../src/index.js';
import { campaign, settingsFile, variationsFor } from './support/files.js';
import { parsed } from './support/parse.js';

function recorder() {
  const requests: EventRequest[] = [];
  return {
    requests,
    send(request: EventRequest): Promise<TransportResponse> {
      requests.push(request);
      return Promise.resolve({ status: 200 });
    },
  };
}

interface BatchEvent {
  u: string;
  eT: number;
  c: unknown;
}

const eventsOf = (requests: EventRequest[]): BatchEvent[] =>
  requests.flatMap((request) => (JSON.parse(request.body ?? '{"ev":[]}') as { ev: BatchEvent[] }).ev);

function batchingClient(overrides: Partial<ClientConfig> = {}, file = settingsFile([campaign()])) {
  const transport = recorder();
  const vwo = createClient({
    settings: parsed(file),
    transport,
    logLevel: 'silent',
    batchEvents: { eventsPerRequest: 5000 },
    ...overrides,
  });
  return { vwo, transport };
}

describe('repeated calls for the same user', () => {
  it('every event carries its own user’s visitor id, however the calls of different users interleave', async () => {
    const { vwo, transport } = batchingClient();
    // Same length and same last character: they share a slot of the visitor-id cache.
    const users = ['a1x', 'b1x', 'c1x', 'Ashley', 'user-10', 'user-20', 'é1x', '', 'x'.repeat(300)];
    const order: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const user of users) {
        if (user === '') continue; // an empty user id is rejected by the API
        await vwo.activate('K', user);
        order.push(user);
      }
      for (const user of [...users].reverse()) {
        if (user === '') continue;
        await vwo.track('K', user, 'CUSTOM');
        order.push(user);
      }
    }
    await vwo.flushEvents();
    const events = eventsOf(transport.requests);
    expect(events).toHaveLength(order.length);
    expect(events.map((event) => event.u)).toEqual(order.map((user) => visitorUuid(888888, user)));
  });

  it('track right after activate converts in the variation activate chose, and the integrations callback runs for each call', async () => {
    const decisions: DecisionProperties[] = [];
    const { vwo, transport } = batchingClient({ integrations: { callback: (properties) => decisions.push(properties) } });
    for (let i = 0; i < 200; i++) {
      const user = `user-${i}`;
      const shown = await vwo.activate('K', user);
      expect(shown).toBe(decide(vwo.settings, 'K', user).variationName);
      const tracked = await vwo.track('K', user, 'CUSTOM');
      expect(tracked).toEqual({ K: true });
      expect(await vwo.getVariationName('K', user)).toBe(shown);
    }
    await vwo.flushEvents();
    const events = eventsOf(transport.requests);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]?.eT).toBe(1);
      expect(events[i + 1]?.eT).toBe(2);
      expect(events[i + 1]?.c).toBe(events[i]?.c);
    }
    expect(decisions).toHaveLength(600);
    expect(decisions.map((d) => d.source)).toEqual(Array.from({ length: 200 }, () => ['activate', 'track', 'getVariation']).flat());
  });

  it('a settings swap between activate and track decides afresh with the new settings', async () => {
    const allControl = settingsFile([campaign({ variations: variationsFor([100, 0]) })]);
    const allVariation = settingsFile([campaign({ variations: variationsFor([0, 100]) })]);
    const { vwo, transport } = batchingClient({}, allControl);
    expect(await vwo.activate('K', 'Ashley')).toBe('Control');
    vwo.updateSettings(parsed(allVariation));
    expect(await vwo.track('K', 'Ashley', 'CUSTOM')).toEqual({ K: true });
    expect(await vwo.activate('K', 'Ashley')).toBe('Variation-1');
    await vwo.flushEvents();
    expect(eventsOf(transport.requests).map((event) => event.c)).toEqual([1, 2, 2]);
  });

  it('a batch names its visitors in the account it is sent to, even when the settings changed account after the calls', async () => {
    const { vwo, transport } = batchingClient();
    await vwo.activate('K', 'Ashley');
    await vwo.track('K', 'Ashley', 'CUSTOM');
    vwo.updateSettings(parsed(settingsFile([campaign()], { accountId: 123456 })));
    await vwo.activate('K', 'Zoe');
    await vwo.flushEvents();
    expect(transport.requests).toHaveLength(1);
    // Visitor ids are derived when the batch is written, with the account its URL names.
    expect(transport.requests[0]?.url).toContain('?a=123456&');
    expect(eventsOf(transport.requests).map((event) => event.u)).toEqual(
      ['Ashley', 'Ashley', 'Zoe'].map((user) => visitorUuid(123456, user)),
    );
  });

  it('a call with variables is decided on its own variables, never from the call before', async () => {
    const segments = { or: [{ custom_variable: { plan: 'pro' } }] };
    const { vwo } = batchingClient({}, settingsFile([campaign({ segments })]));
    expect(await vwo.activate('K', 'Ashley', { customVariables: { plan: 'pro' } })).not.toBeNull();
    expect(await vwo.track('K', 'Ashley', 'CUSTOM')).toEqual({ K: false });
    expect(await vwo.track('K', 'Ashley', 'CUSTOM', { customVariables: { plan: 'free' } })).toEqual({ K: false });
    expect(await vwo.track('K', 'Ashley', 'CUSTOM', { customVariables: { plan: 'pro' } })).toEqual({ K: true });
    expect(await vwo.activate('K', 'Ashley')).toBeNull();
  });
});

describe('the time of a track call', () => {
  it('every conversion of one call carries the moment of the call; the next call a later one', async () => {
    let clock = 1_700_000_000_000;
    // Each reading of the clock moves it a whole second on, so a second reading within one
    // call would show as another session id (sId = the time in seconds, rounded up).
    const now = () => {
      clock += 1000;
      return clock;
    };
    const goal = [{ id: 7, identifier: 'purchase', type: 'CUSTOM_GOAL' }];
    const file = settingsFile([
      campaign({ id: 1, key: 'one', goals: goal }),
      campaign({ id: 2, key: 'two', goals: goal }),
      campaign({ id: 3, key: 'three', goals: goal }),
    ]);
    const { vwo, transport } = batchingClient({ now }, file);
    expect(await vwo.track(null, 'Ashley', 'purchase')).toEqual({ one: true, two: true, three: true });
    expect(await vwo.track(['one', 'three'], 'Ashley', 'purchase')).toEqual({ one: true, three: true });
    await vwo.flushEvents();
    const sessions = (JSON.parse(transport.requests[0]?.body ?? '{}') as { ev: Array<{ sId: number }> }).ev.map((e) => e.sId);
    const first = sessions[0] as number;
    expect(sessions).toEqual([first, first, first, first + 1, first + 1]);
  });
});
