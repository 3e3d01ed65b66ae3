/**
 * The settings fetch against vwo-fme-node-sdk 1.35.0, over real HTTP on both sides: each side's
 * settings GETs go to its own loopback server, which answers them from the same script (500, 400,
 * 201, plain text, a body that is not JSON, a closed connection, no answer). The reference fetches
 * with its own http client (`NetworkClient` of its CommonJS sources, behind its `network.client`
 * option, the request re-addressed to the loopback server and, for the no-answer case, given our
 * `requestTimeout` instead of its 50 s); ours with the default fetch transport. Both sides' POSTs
 * (the `vwo_sdkDebug` events, init and usage events) are recorded without leaving the process and
 * compared in order, masked as events.md says; so are the number and paths of the GETs each server got.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { EventRequest } from '@vwo/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { init } from '../src/index.js';
import { FME_ACCOUNT_ID, FME_SDK_KEY, type FmeServer, fmeSettings, type ServerAnswer, startFmeServer } from './fixtures/fme.js';
import { mask, referenceSdk } from './fixtures/fme-reference.js';

const require = createRequire(new URL('../../core/package.json', import.meta.url));
const unpacked = join(dirname(require.resolve('vwo-fme-node-sdk')), '..', 'server-unpacked');
type ReferenceNetworkClient = new () => { GET(request: unknown): Promise<unknown> };

/** Each attempt's bound on both sides: short where the server never answers, generous elsewhere (a loaded machine is slow). */
const timeoutOf = (scenario: Scenario) => (scenario.answers.includes('no answer') ? 300 : 5000);
const RETRY_CONFIG = { shouldRetry: true, initialDelay: 1, maxRetries: 1, backoffMultiplier: 2 };
const JSON_TYPE = { 'content-type': 'application/json' };
const FILE: ServerAnswer = { status: 200, headers: JSON_TYPE, body: JSON.stringify(fmeSettings()) };
const logger = { level: 'ERROR', transport: { log: () => {} } };

interface Scenario {
  readonly name: string;
  /** The answers to the settings GETs in turn; the last one repeats. */
  readonly answers: readonly ServerAnswer[];
  /** `updateSettings(undefined, isViaWebhook)` after an `init` with given settings, instead of a fetch at `init`. */
  readonly update?: { readonly isViaWebhook: boolean };
}

const SCENARIOS: readonly Scenario[] = [
  { name: '500, then the file', answers: [{ status: 500, headers: JSON_TYPE, body: '{"busy":true}' }, FILE] },
  { name: 'plain text every time', answers: [{ status: 503, headers: { 'content-type': 'text/plain' }, body: 'down' }] },
  { name: 'a JSON 400', answers: [{ status: 400, headers: JSON_TYPE, body: '{"bad":1}' }] },
  { name: 'a plain-text 400, then the file', answers: [{ status: 400, headers: { 'content-type': 'text/html' }, body: '<b>' }, FILE] },
  {
    name: '500, then the file with 201',
    answers: [
      { status: 500, headers: JSON_TYPE, body: '[]' },
      { ...FILE, status: 201 },
    ],
  },
  { name: 'a 200 that is not JSON every time', answers: [{ status: 200, headers: JSON_TYPE, body: 'nope' }] },
  { name: 'a closed connection every time', answers: ['hang up'] },
  { name: 'no answer every time', answers: ['no answer'] },
  {
    name: 'updateSettings (pull): 500 every time',
    answers: [{ status: 500, headers: JSON_TYPE, body: '"x"' }],
    update: { isViaWebhook: true },
  },
  {
    name: 'updateSettings (settings): 404, then the file',
    answers: [{ status: 404, headers: JSON_TYPE, body: '{}' }, FILE],
    update: { isViaWebhook: false },
  },
];

let servers: FmeServer[] = [];

function script(server: FmeServer, answers: readonly ServerAnswer[]): void {
  let seen = 0;
  server.received.length = 0;
  server.answer = () => answers[Math.min(seen++, answers.length - 1)];
}

const settingsGets = (server: FmeServer) => server.received.map((request) => `${request.method} ${request.path.split('?')[0]}`);

interface Side {
  posts: string[];
  server: FmeServer;
}

async function reference(side: Side, scenario: Scenario): Promise<void> {
  const { LogManager } = require(join(unpacked, 'packages/logger')) as { LogManager: new (config: unknown) => unknown };
  const { NetworkClient } = require(join(unpacked, 'packages/network-layer/client/NetworkClient')) as {
    NetworkClient: ReferenceNetworkClient;
  };
  // Its http client logs through the LogManager of its own (unbundled) module graph.
  new LogManager(logger);
  const loopback = new URL(side.server.url);
  const client = {
    GET: (request: Record<string, (...args: unknown[]) => unknown>) => {
      const readdressed = new Proxy(request, {
        get: (target, name) =>
          name === 'getOptions'
            ? () => ({
                ...(target.getOptions?.() as object),
                hostname: loopback.hostname,
                port: Number(loopback.port),
                scheme: 'http',
                timeout: timeoutOf(scenario),
              })
            : typeof target[name as string] === 'function'
              ? (target[name as string] as (...args: unknown[]) => unknown).bind(target)
              : target[name as string],
      });
      return new NetworkClient().GET(readdressed);
    },
    POST: async (request: { getOptions(): Record<string, unknown> }) => {
      const o = request.getOptions() as {
        method: string;
        hostname: string;
        port?: unknown;
        path: string;
        headers?: Record<string, unknown>;
        body?: unknown;
      };
      side.posts.push(mask(o.method, o.hostname, o.port, o.path, o.headers ?? {}, JSON.stringify(o.body)));
      return { getStatusCode: () => 200, getData: () => ({}), getTotalAttempts: () => 0, getError: () => undefined };
    },
  };
  const sdk = referenceSdk<{ init(options: Record<string, unknown>): Promise<Record<string, (...args: unknown[]) => Promise<unknown>>> }>();
  const base = { accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, logger, retryConfig: RETRY_CONFIG, network: { client } };
  if (scenario.update) {
    const vwo = await sdk.init({ ...base, settings: fmeSettings() });
    await vwo.updateSettings?.(undefined, scenario.update.isViaWebhook);
  } else await sdk.init(base);
  await new Promise((resolve) => setTimeout(resolve, 100));
}

async function ours(side: Side, scenario: Scenario): Promise<void> {
  const loopback = side.server.transport();
  const transport = {
    send: async (request: EventRequest) => {
      if (request.method === 'GET') return loopback.send(request);
      const url = new URL(request.url);
      const port = request.url.startsWith(`https://${url.hostname}:443/`) ? 443 : undefined;
      side.posts.push(mask(request.method, url.hostname, port, `${url.pathname}${url.search}`, request.headers ?? {}, request.body));
      return { status: 200, body: '{}' };
    },
  };
  const base = {
    accountId: FME_ACCOUNT_ID,
    sdkKey: FME_SDK_KEY,
    logger,
    retryConfig: RETRY_CONFIG,
    transport,
    requestTimeout: timeoutOf(scenario),
  };
  const vwo = scenario.update ? await init({ ...base, settings: fmeSettings() } as never) : await init(base as never);
  if (scenario.update) await vwo.updateSettings(undefined, scenario.update.isViaWebhook);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await vwo.close();
}

beforeAll(async () => {
  servers = [await startFmeServer(fmeSettings()), await startFmeServer(fmeSettings())];
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});

describe('settings fetch debug events agree with vwo-fme-node-sdk 1.35.0 (real HTTP)', () => {
  it(`in ${SCENARIOS.length} scenarios: the same GETs, debug events and start events, in order`, async () => {
    const differences: string[] = [];
    let debugEvents = 0;
    for (const scenario of SCENARIOS) {
      const [theirServer, ourServer] = servers as [FmeServer, FmeServer];
      const theirs: Side = { posts: [], server: theirServer };
      const mine: Side = { posts: [], server: ourServer };
      script(theirServer, scenario.answers);
      await reference(theirs, scenario);
      script(ourServer, scenario.answers);
      await ours(mine, scenario);
      debugEvents += theirs.posts.filter((post) => post.includes('NETWORK_CALL_')).length;
      const a = [...settingsGets(ourServer), ...mine.posts];
      const b = [...settingsGets(theirServer), ...theirs.posts];
      const at = a.findIndex((line, i) => line !== b[i]);
      if (at >= 0 || a.length !== b.length) {
        differences.push(`${scenario.name} (${a.length} vs ${b.length} requests), first difference:\n  ours   ${a[at]}\n  1.35.0 ${b[at]}`);
      }
    }
    console.log(
      `FME settings fetch differential: ${SCENARIOS.length} scenarios, ${debugEvents} network debug events; ${differences.length} differences`,
    );
    expect(debugEvents).toBe(SCENARIOS.length);
    expect(differences).toEqual([]);
  }, 60_000);
});
