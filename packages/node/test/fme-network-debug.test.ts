/**
 * Retries and network debug events of `init` over real HTTP: a loopback server fails user events
 * on demand (500, then 200 or 500 again); the client retries on 1.35.0's schedule
 * (`initialDelay · backoffMultiplier^k` s) and then reports to VWO, as 1.35.0 does, a
 * `vwo_sdkDebug` event `NETWORK_CALL_SUCCESS_WITH_RETRIES` or `NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES`.
 * The same events against 1.35.0 itself: packages/core/test/fme/network-debug.differential.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FmeClient, init } from '../src/index.js';
import {
  eventName,
  FME_ACCOUNT_ID,
  FME_SDK_KEY,
  type FmeServer,
  fmeSettings,
  type Received,
  startFmeServer,
  until,
} from './fixtures/fme.js';

let server: FmeServer;
const clients: FmeClient[] = [];
const arrivals = new Map<Received, number>();

async function start(retryConfig: Record<string, unknown>): Promise<FmeClient> {
  const client = await init({
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    settings: fmeSettings(),
    transport: server.transport(),
    logger: { level: 'ERROR', transport: { log: () => {} } },
    retryConfig,
  } as never);
  clients.push(client);
  return client;
}

const received = (name: string) => server.received.filter((request) => eventName(request) === name);
const meta = (request: Received | undefined) =>
  (JSON.parse(request?.body ?? '{}') as { d: { event: { props: { vwoMeta: Record<string, unknown> } } } }).d.event.props.vwoMeta;
const networkEvents = () => received('vwo_sdkDebug').filter((request) => String(meta(request).msg_t).startsWith('NETWORK_CALL_'));

/** Fails the first `failures` attempts of each `name` event with 500 "busy". */
function failFirst(name: string, failures: number): void {
  let seen = 0;
  server.answer = (request) => {
    arrivals.set(request, Date.now());
    if (eventName(request) !== name) return undefined;
    seen++;
    return seen <= failures ? { status: 500, body: 'busy' } : undefined;
  };
}

beforeEach(async () => {
  server = await startFmeServer(fmeSettings());
  arrivals.clear();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
});

describe('network failures of user events (real HTTP)', () => {
  it('an impression answered 500 then 200 is retried after initialDelay and reported as a success with retries', async () => {
    failFirst('vwo_variationShown', 1);
    const vwo = await start({ initialDelay: 1, maxRetries: 2 });
    expect((await vwo.getFlag('checkout', { id: 'user-1' })).isEnabled()).toBe(true);
    await until(() => networkEvents().length === 1, 4000);
    const [first, second] = received('vwo_variationShown');
    expect(second?.body).toBe(first?.body);
    expect((arrivals.get(second as Received) ?? 0) - (arrivals.get(first as Received) ?? 0)).toBeGreaterThanOrEqual(950);
    const impression = JSON.parse(first?.body ?? '{}') as { d: { visId: string; sessionId: number } };
    expect(meta(networkEvents()[0])).toMatchObject({
      cg: 'retry',
      msg_t: 'NETWORK_CALL_SUCCESS_WITH_RETRIES',
      msg: 'Network call for feature: checkout, rule: Rollout succeeded after 1 retry attempt(s). Previous attempts failed with error: Raw Data: busy, Status Code: 500',
      lt: 'info',
      an: 'getFlag',
      sId: impression.d.sessionId,
      uuid: impression.d.visId,
      a: FME_ACCOUNT_ID,
      product: 'fme',
    });
    expect(Object.keys(meta(networkEvents()[0])).slice(0, 7)).toEqual(['cg', 'msg_t', 'msg', 'lt', 'an', 'sId', 'uuid']);
  }, 10_000);

  it('a custom event failing every time waits initialDelay · backoffMultiplier^k and is reported as failed after maxRetries', async () => {
    failFirst('purchase', 99);
    const vwo = await start({ initialDelay: 1, maxRetries: 2, backoffMultiplier: 3 });
    expect(await vwo.trackEvent('purchase', { id: 'user-1' })).toEqual({ purchase: true });
    await until(() => networkEvents().length === 1, 7000);
    const attempts = received('purchase').map((request) => arrivals.get(request) ?? 0);
    expect(attempts).toHaveLength(3);
    const [a = 0, b = 0, c = 0] = attempts;
    // Waits of 1 s and 3 s (a doubling delivery would wait 2 s the second time).
    expect(b - a).toBeGreaterThanOrEqual(950);
    expect(c - b).toBeGreaterThanOrEqual(2900);
    expect(meta(networkEvents()[0])).toMatchObject({
      cg: 'network',
      msg_t: 'NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES',
      msg: 'Network call for event: purchase failed after 2 retry attempt(s). Got Error: Raw Data: busy, Status Code: 500',
      lt: 'error',
      an: 'trackEvent',
    });
    // The debug event itself is never retried, nor reported.
    expect(received('vwo_sdkDebug')).toHaveLength(1);
  }, 12_000);

  it('a request delivered at its first attempt is not reported', async () => {
    failFirst('vwo_syncVisitorProp', 0);
    const vwo = await start({ initialDelay: 1, maxRetries: 1 });
    await vwo.setAttribute('plan', 'pro', { id: 'user-1' });
    await until(() => received('vwo_syncVisitorProp').length === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(networkEvents()).toEqual([]);
  });
});
