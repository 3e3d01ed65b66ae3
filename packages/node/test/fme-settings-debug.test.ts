/**
 * Settings fetches and event answers over real HTTP, as vwo-fme-node-sdk 1.35.0 treats them: a
 * loopback server answers the settings GET (at `init`, polling, `updateSettings`) with 500, 400,
 * plain text, a closed connection or nothing, and events with 201 or 404; the client retries what
 * 1.35.0 retries and reports a fetch that needed a retry or failed as a `vwo_sdkDebug` event with
 * 1.35.0's texts. The same events against 1.35.0 itself: fme-settings-debug.differential.test.ts.
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
  type ServerAnswer,
  startFmeServer,
  until,
} from './fixtures/fme.js';

let server: FmeServer;
const clients: FmeClient[] = [];
const JSON_TYPE = { 'content-type': 'application/json' };

async function start(options: Record<string, unknown> = {}): Promise<FmeClient> {
  const client = await init({
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    transport: server.transport(),
    logger: { level: 'ERROR', transport: { log: () => {} } },
    retryConfig: { initialDelay: 1, maxRetries: 1 },
    ...options,
  } as never);
  clients.push(client);
  return client;
}

const isSettings = (request: Received) => request.path.startsWith('/server-side/v2-');
const settingsGets = () => server.received.filter(isSettings);
const meta = (request: Received | undefined) =>
  (JSON.parse(request?.body ?? '{}') as { d: { event: { props: { vwoMeta: Record<string, unknown> } } } }).d.event.props.vwoMeta;
const debugEvents = () => server.received.filter((request) => eventName(request) === 'vwo_sdkDebug').map(meta);
const networkEvents = () => debugEvents().filter((m) => String(m.msg_t).startsWith('NETWORK_CALL_'));

/** Answers the settings GETs in turn with `answers` (the last one repeats); everything else as usual. */
function settingsAnswers(...answers: ServerAnswer[]): void {
  let seen = 0;
  server.answer = (request) => {
    if (!isSettings(request)) return undefined;
    const answer = answers[Math.min(seen++, answers.length - 1)];
    return answer === undefined || (typeof answer === 'object' && answer.status === 200 && answer.body === undefined)
      ? { status: 200, headers: JSON_TYPE, body: JSON.stringify(fmeSettings()) }
      : answer;
  };
}

beforeEach(async () => {
  server = await startFmeServer(fmeSettings());
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
  await server.close();
});

describe('the settings fetch at init (real HTTP)', () => {
  it('a 500 then the file: retried after initialDelay, reported as a success with retries', async () => {
    settingsAnswers({ status: 500, headers: JSON_TYPE, body: '{"busy":true}' }, { status: 200 });
    const vwo = await start();
    expect((await vwo.getFlag('checkout', { id: 'user-1' })).isEnabled()).toBe(true);
    expect(settingsGets()).toHaveLength(2);
    await until(() => networkEvents().length === 1);
    const event = networkEvents()[0] ?? {};
    expect(event).toMatchObject({
      cg: 'retry',
      msg_t: 'NETWORK_CALL_SUCCESS_WITH_RETRIES',
      msg: 'Network call for /server-side/v2-settings succeeded after 1 retry attempt(s). Previous attempts failed with error: {"busy":true}, Status Code: 500',
      lt: 'info',
      an: 'init',
    });
    expect(Object.keys(event).slice(0, 6)).toEqual(['cg', 'msg_t', 'msg', 'lt', 'an', 'sId']);
  }, 10_000);

  it('plain text every time: retried, then reported with 1.35.0 content-type wording; flags answer disabled', async () => {
    settingsAnswers({ status: 503, headers: { 'content-type': 'text/plain' }, body: 'down' });
    const vwo = await start();
    expect((await vwo.getFlag('checkout', { id: 'user-1' })).isEnabled()).toBe(false);
    expect(settingsGets()).toHaveLength(2);
    await until(() => networkEvents().length === 1);
    expect(networkEvents()[0]).toMatchObject({
      cg: 'network',
      msg_t: 'NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES',
      msg: 'Network call for /server-side/v2-settings failed after 1 retry attempt(s). Got Error: Invalid content-type.\nExpected application/json but received text/plain. Status Code: 503',
      lt: 'error',
      an: 'init',
    });
  }, 10_000);

  it('a JSON 400 is not retried; a closed connection and no answer are retried and named as node http names them', async () => {
    settingsAnswers({ status: 400, headers: JSON_TYPE, body: '{"bad":1}' });
    await start();
    expect(settingsGets()).toHaveLength(1);
    await until(() => networkEvents().length === 1);
    expect(networkEvents()[0]?.msg).toBe(
      'Network call for /server-side/v2-settings failed after 0 retry attempt(s). Got Error: {"bad":1}, Status Code: 400',
    );

    server.received.length = 0;
    settingsAnswers('hang up');
    await start();
    expect(settingsGets()).toHaveLength(2);
    await until(() => networkEvents().length === 1);
    expect(networkEvents()[0]?.msg).toBe(
      'Network call for /server-side/v2-settings failed after 1 retry attempt(s). Got Error: socket hang up',
    );

    server.received.length = 0;
    settingsAnswers('no answer');
    await start({ requestTimeout: 300, retryConfig: { shouldRetry: false } });
    expect(settingsGets()).toHaveLength(1);
    await until(() => networkEvents().length === 1);
    expect(networkEvents()[0]?.msg).toBe('Network call for /server-side/v2-settings failed after 0 retry attempt(s). Got Error: timeout');
  }, 15_000);

  it('a file fetched at the first attempt sends no debug event', async () => {
    settingsAnswers({ status: 200 });
    await start();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settingsGets()).toHaveLength(1);
    expect(debugEvents()).toEqual([]);
  });
});

describe('the settings fetch of polling and updateSettings (real HTTP)', () => {
  it('a poll failing with 404 is retried and reported under init, as 1.35.0 polls through its init path', async () => {
    settingsAnswers({ status: 200 }, { status: 404, headers: JSON_TYPE, body: '{}' });
    await start({ pollInterval: 1000 });
    await until(() => networkEvents().length === 1, 4000);
    expect(settingsGets()).toHaveLength(3);
    expect(networkEvents()[0]).toMatchObject({
      msg: 'Network call for /server-side/v2-settings failed after 1 retry attempt(s). Got Error: {}, Status Code: 404',
      an: 'init',
    });
  }, 8_000);

  it('updateSettings from the pull endpoint failing: the network event, then the update failure naming 1.35.0 response model', async () => {
    settingsAnswers({ status: 200 }, { status: 500, headers: JSON_TYPE, body: '"x"' });
    const vwo = await start();
    await vwo.updateSettings();
    expect(settingsGets().map((request) => request.path.split('?')[0])).toEqual([
      '/server-side/v2-settings',
      '/server-side/v2-pull',
      '/server-side/v2-pull',
    ]);
    await until(() => debugEvents().length === 2);
    const [network, update] = debugEvents();
    expect(network).toMatchObject({
      msg: 'Network call for /server-side/v2-pull failed after 1 retry attempt(s). Got Error: "x", Status Code: 500',
      an: 'updateSettings',
    });
    expect(update).toMatchObject({ msg_t: 'UPDATING_CLIENT_INSTANCE_FAILED_WHEN_WEBHOOK_TRIGGERED', an: 'updateSettings' });
    expect(String(update?.msg)).toContain('{"statusCode":500,"totalAttempts":1,"error":"\\"x\\", Status Code: 500"}');
    expect((await vwo.getFlag('checkout', { id: 'user-1' })).isEnabled()).toBe(true);
  }, 8_000);
});

describe("event answers under 1.35.0's rule (real HTTP)", () => {
  it.each([201, 404])(
    'an impression answered %i is retried and reported as a success with retries',
    async (status) => {
      let shown = 0;
      server.answer = (request) => (eventName(request) === 'vwo_variationShown' && shown++ === 0 ? { status, body: 'odd' } : undefined);
      const vwo = await start({ settings: fmeSettings() });
      await vwo.getFlag('checkout', { id: 'user-1' });
      await until(() => networkEvents().length === 1, 4000);
      expect(server.received.filter((request) => eventName(request) === 'vwo_variationShown')).toHaveLength(2);
      expect(networkEvents()[0]?.msg).toContain(`Previous attempts failed with error: Raw Data: odd, Status Code: ${status}`);
    },
    8_000,
  );

  it("a custom event whose connection closes unanswered is retried and its error named as node's http names it", async () => {
    let tries = 0;
    server.answer = (request) => (eventName(request) === 'purchase' && tries++ === 0 ? 'hang up' : undefined);
    const vwo = await start({ settings: fmeSettings() });
    await vwo.trackEvent('purchase', { id: 'user-1' });
    await until(() => networkEvents().length === 1, 4000);
    expect(networkEvents()[0]?.msg).toBe(
      'Network call for event: purchase succeeded after 1 retry attempt(s). Previous attempts failed with error: socket hang up',
    );
  }, 8_000);
});
