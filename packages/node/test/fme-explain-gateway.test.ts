/**
 * `explain` with a gateway service over real HTTP: a loopback server answers the gateway's
 * `/get-user-details` and `/check-attribute` GETs; the trace opens with the answers the decision
 * used, the decision is `getFlag`'s, and explain itself sends no event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FmeClient, init } from '../src/index.js';
import { FME_ACCOUNT_ID, FME_SDK_KEY, type FmeServer, fmeSettings, startFmeServer } from './fixtures/fme.js';

let server: FmeServer;
let vwo: FmeClient;
let country = 'US';

function rollout(id: number, key: string, segments: Record<string, unknown>) {
  return {
    feature: {
      id,
      key,
      name: key,
      type: 'FEATURE_FLAG',
      status: 'ON',
      metrics: [],
      rules: [{ campaignId: id * 10, type: 'FLAG_ROLLOUT', ruleKey: 'r', variationId: 1 }],
    },
    campaign: {
      id: id * 10,
      key: `${key}_r`,
      name: `${key}_r`,
      type: 'FLAG_ROLLOUT',
      status: 'RUNNING',
      segments: {},
      variations: [{ id: 1, name: 'on', weight: 100, segments, variables: [] }],
    },
  };
}

// 1.35.0 checks location nodes only inside an `and` made of them alone (segmentation.md §6).
const geo = rollout(2, 'geo', { and: [{ country: 'US' }] });
const listed = rollout(3, 'listed', { or: [{ custom_variable: { plan: 'inlist(vip)' } }] });
const settings = fmeSettings({ features: [geo.feature, listed.feature], campaigns: [geo.campaign, listed.campaign] });

beforeEach(async () => {
  server = await startFmeServer(settings);
  country = 'US';
  server.answer = (request) => {
    if (request.path.startsWith('/get-user-details')) return { status: 200, body: JSON.stringify({ location: { country } }) };
    if (request.path.startsWith('/check-attribute')) return { status: 200, body: String(request.path.includes('attribute=gold&')) };
    return undefined;
  };
  vwo = await init({
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    settings,
    gatewayService: { url: server.url },
    transport: server.transport(),
    logger: { level: 'ERROR', transport: { log: () => {} } },
  } as never);
});
afterEach(async () => {
  await vwo.close();
  await server.close();
});

/** Events other than init's own (which may still be arriving). */
const events = () =>
  server.received.filter(
    (request) => request.method === 'POST' && request.path.startsWith('/events/t') && !request.path.includes('en=vwo_fmeSdkInit'),
  );

describe('explain with a gateway service', () => {
  it('traces the user details the gateway answered for a location segment', async () => {
    const user = { id: 'u1', ipAddress: '1.2.3.4' };
    const before = events().length;
    const us = await vwo.explain('geo', user);
    expect(us.trace[0]).toBe('gateway: user details (ipAddress=1.2.3.4&accountId=123456) → {"location":{"country":"US"}}');
    expect(us.enabled).toBe(true);
    country = 'IN';
    const india = await vwo.explain('geo', user);
    expect(india.trace[0]).toContain('{"location":{"country":"IN"}}');
    expect(india.enabled).toBe(false);
    expect(events().length).toBe(before);
    expect((await vwo.getFlag('geo', user)).isEnabled()).toBe(india.enabled);
  });

  it('traces the list answers of inlist(…) segments, and a gateway failure', async () => {
    const gold = await vwo.explain('listed', { id: 'u1', customVariables: { plan: 'gold' } });
    expect(gold.trace).toContain('gateway: list vip for gold → true');
    expect(gold.enabled).toBe(true);
    const bronze = await vwo.explain('listed', { id: 'u1', customVariables: { plan: 'bronze' } });
    expect(bronze.trace).toContain('gateway: list vip for bronze → false');
    expect(bronze.enabled).toBe(false);
    server.answer = () => ({ status: 503 });
    const down = await vwo.explain('listed', { id: 'u1', customVariables: { plan: 'gold' } });
    expect(down.trace.some((line) => /^gateway: list vip for gold could not be checked \(.*503.*\): not in the list$/.test(line))).toBe(
      true,
    );
    expect(down.enabled).toBe(false);
  });
});
