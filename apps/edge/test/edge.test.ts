/**
 * The edge: `@vwo/core` with `@vwo/transport-fetch` runs in a fetch-only runtime. The built ESM
 * files (what npm users get) import no Node built-in; bundled as an edge platform bundles them,
 * they run inside Vercel's edge-runtime VM (no `process`, `require`, `Buffer`), fetch the
 * settings from the local collector, decide exactly as `@vwo/core` does in Node, and deliver
 * exactly the expected impressions and conversions, one by one and in batches.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { type Collector, startCollector } from '@vwo/collector';
import { featureEnabled, visitorUuid } from '@vwo/core';
import { stop as stopEsbuild } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Served } from '../src/entry.js';
import { type Answers, visitors } from '../src/journey.js';
import type { ScenarioInput, ScenarioReport } from '../src/scenario.js';
import {
  BUILT_ESM,
  type Bundle,
  bundleForEdge,
  GLOBAL_NAME,
  importsOf,
  isNodeBuiltin,
  nodeBuiltinImportsOfFile,
  REPO_DIR,
} from './support/bundle.js';
import { createEdgeSandbox } from './support/edge-vm.js';
import { decisionsFor, expectedEvents, keyOf, nodeAnswers, referenceSettings, SETTINGS_FILE, sortEvents } from './support/reference.js';

const USERS = 120;
const { accountId, sdkKey } = SETTINGS_FILE;

let collector: Collector;
let app: Bundle;

beforeAll(async () => {
  collector = await startCollector({ host: '127.0.0.1', port: 0, settings: SETTINGS_FILE });
  app = await bundleForEdge('src/entry.ts');
});

afterAll(async () => {
  await collector?.close();
  await stopEsbuild();
});

beforeEach(() => collector.reset());

describe('the built ESM files', () => {
  it.each(Object.entries(BUILT_ESM))('%s: dist/index.js is ESM and imports no Node built-in', async (_name, file) => {
    expect(existsSync(file), `${file} is missing: build first (turbo runs ^build before test)`).toBe(true);
    expect(readFileSync(file, 'utf8')).toMatch(/^export \{/m);
    expect(await nodeBuiltinImportsOfFile(file)).toEqual([]);
  });

  it('the import scan finds every way of importing a Node built-in (so the check above can fail)', async () => {
    const source = [
      "import { readFileSync } from 'fs';",
      "import * as path from 'node:path';",
      "export { Buffer } from 'buffer';",
      "import 'fs/promises';",
      "const os = require('os');",
      "const worker = await import('node:worker_threads');",
      "import { decide } from '@vwo/core';",
      "// import 'node:http' (a comment) and 'node:net' (a string) are not imports",
      "export const s = 'node:net' + readFileSync + path + os + worker + decide;",
    ].join('\n');
    const imports = await importsOf(source, 'control.js');
    expect(imports.filter((specifier) => isNodeBuiltin(specifier.path)).map((specifier) => `${specifier.kind} ${specifier.path}`)).toEqual([
      'import-statement fs',
      'import-statement node:path',
      'import-statement buffer',
      'import-statement fs/promises',
      'require-call os',
      'dynamic-import node:worker_threads',
    ]);
    expect(imports.map((specifier) => specifier.path)).toContain('@vwo/core');
  });

  it('bundle for a neutral platform with nothing external, from dist, with no Node built-in anywhere', async () => {
    expect(app.inputs).toContain(BUILT_ESM.core);
    expect(app.inputs).toContain(BUILT_ESM.transportFetch);
    // The packages resolve through their `exports` to the built files, never to their TypeScript sources.
    expect(app.inputs.filter((input) => input.startsWith(resolve(REPO_DIR, 'packages')) && !input.includes('/dist/'))).toEqual([]);
    for (const input of app.inputs.filter((file) => !file.endsWith('.ts')))
      expect(await nodeBuiltinImportsOfFile(input), input).toEqual([]);
    // esbuild adds its `__require` shim only for a require() it could not inline.
    expect(app.code).not.toContain('__require');
    expect(app.code).not.toMatch(/\bprocess\.env\b/);
  });
});

describe('the edge VM', () => {
  it('has the web APIs of an edge function and none of Node: process, require and Buffer are undefined, eval is refused', () => {
    const edge = createEdgeSandbox();
    edge.load(app.code);
    const typesOf = (names: string[]): Record<string, string> => {
      const types = JSON.parse(edge.evaluate<string>(`JSON.stringify([${names.map((name) => `typeof ${name}`)}])`)) as string[];
      return Object.fromEntries(names.map((name, i) => [name, types[i]]));
    };
    const node = ['process', 'require', 'Buffer', 'module', 'exports', 'global', '__dirname', '__filename', 'setImmediate'];
    expect(typesOf(node)).toEqual(Object.fromEntries(node.map((name) => [name, 'undefined'])));
    const web = { fetch: 'function', Request: 'function', Response: 'function', Headers: 'function', URL: 'function' };
    expect(typesOf(Object.keys(web))).toEqual(web);
    const more = { 'AbortSignal.timeout': 'function', 'crypto.subtle': 'object', TextEncoder: 'function', setTimeout: 'function' };
    expect(typesOf(Object.keys(more))).toEqual(more);
    expect(edge.evaluate('EdgeRuntime')).toBe('edge-runtime');
    expect(edge.evaluate(`typeof ${GLOBAL_NAME}.runScenario`)).toBe('function');
    expect(() => edge.evaluate('eval("1 + 1")')).toThrow(/Code generation from strings disallowed/);
  });

  it('negative control: a bundle that imports node:crypto cannot be built for it, and fails to load in it while it runs in Node', async () => {
    const source =
      "import { createHash } from 'node:crypto';\nexport const digest = (text: string) => createHash('sha256').update(text).digest('hex');";
    // Nothing external, as for the SDK: the build itself refuses the built-in.
    await expect(bundleForEdge('control.ts', { stdin: source })).rejects.toThrow(/Could not resolve "node:crypto"/);
    // Left external, the bundle works where require exists (Node) …
    const careless = await bundleForEdge('control.ts', { stdin: source, external: ['node:crypto'] });
    const node = { require: createRequire(import.meta.url) } as Record<string, unknown>;
    runInNewContext(careless.code, node);
    expect((node[GLOBAL_NAME] as { digest: (text: string) => string }).digest('edge')).toMatch(/^[0-9a-f]{64}$/);
    // … and not in the edge VM.
    const edge = createEdgeSandbox();
    expect(() => edge.load(careless.code)).toThrow(/Dynamic require of "node:crypto" is not supported/);
  });

  it('negative control: code that uses Buffer or process runs in Node and throws a ReferenceError in the VM', async () => {
    const source = [
      "export const base64 = (text: string) => Buffer.from(text).toString('base64');",
      'export const mode = () => process.env.NODE_ENV ?? "unset";',
    ].join('\n');
    const bundle = await bundleForEdge('globals.ts', { stdin: source });
    const node = { Buffer, process } as Record<string, unknown>;
    runInNewContext(bundle.code, node);
    expect((node[GLOBAL_NAME] as { base64: (text: string) => string }).base64('edge')).toBe('ZWRnZQ==');

    const edge = createEdgeSandbox();
    edge.load(bundle.code); // Loading is fine: nothing runs until a function is called.
    await expect(edge.call('base64', 'edge')).rejects.toThrow('Buffer is not defined');
    await expect(edge.call('mode')).rejects.toThrow('process is not defined');
  });
});

describe('decide and track inside the edge VM against the collector', () => {
  const population = visitors(USERS);
  const settings = referenceSettings();
  const expected = expectedEvents(settings, population);
  let reference: Answers[];

  beforeAll(async () => {
    reference = await nodeAnswers(population);
  });

  /** Runs the scenario in a fresh VM (a fresh isolate) and checks what every run must hold. */
  async function runAtTheEdge(input: Omit<ScenarioInput, 'collectorUrl' | 'accountId' | 'sdkKey' | 'users'>) {
    const edge = createEdgeSandbox();
    edge.load(app.code);
    const report = await edge.call<ScenarioReport>('runScenario', {
      collectorUrl: collector.url,
      accountId,
      sdkKey,
      users: USERS,
      ...input,
    });

    expect(report.settingsStatus).toBe(200);
    expect(report.settingsWarnings).toEqual([]);
    expect(report.logs).toEqual([]);
    // The same answers as @vwo/core's client in Node …
    expect(report.answers).toEqual(reference);
    // … and as the pure decide() for every campaign of the journey.
    for (const [i, visitor] of population.entries()) {
      const decisions = decisionsFor(settings, visitor);
      const answers = report.answers[i];
      expect(answers.hero).toBe(decisions.hero.variationName);
      expect(answers.heroName).toBe(decisions.hero.variationName);
      expect(answers.checkout).toBe(decisions.checkout.variationName);
      expect(answers.search).toBe(decisions.search.variationName !== null && featureEnabled(decisions.search.campaign!, decisions.search));
      expect(answers.pricing).toBe(
        decisions.pricing.variationName !== null && featureEnabled(decisions.pricing.campaign!, decisions.pricing),
      );
    }
    // The population reaches every branch: in and out of traffic and segments, features on and off.
    expect(new Set(report.answers.map((answers) => answers.checkout))).toEqual(new Set([null, 'Control', 'One-page']));
    expect(new Set(report.answers.map((answers) => answers.search))).toEqual(new Set([true, false]));
    expect(new Set(report.answers.map((answers) => answers.pricing))).toEqual(new Set([true, false]));

    // Exactly the expected impressions and conversions: campaign, variation, goal, revenue, visitor.
    const received = collector.events();
    expect(sortEvents(received.map(keyOf))).toEqual(expected);
    expect(new Set(received.map((event) => event.accountId))).toEqual(new Set([String(accountId)]));
    expect(new Set(received.map((event) => event.env))).toEqual(new Set([sdkKey]));
    const uuids = new Set(population.map((visitor) => visitorUuid(accountId, visitor.userId)));
    for (const event of received) expect(uuids.has(event.uuid)).toBe(true);
    expect(collector.stats().rejected.total).toBe(0);
    // One settings fetch; every request came from the VM's own fetch (edge-runtime's undici says
    // `undici`; Node's global fetch would say `node`).
    expect(collector.received().filter((request) => request.endpoint === 'settings')).toHaveLength(1);
    expect(new Set(collector.received().map((request) => request.headers['user-agent']))).toEqual(new Set(['undici']));

    // Every event accounted for, and nothing left running in the VM after close().
    expect(report.stats).toEqual({ enqueued: expected.length, sent: expected.length, retried: 0, failed: 0, dropped: 0, pending: 0 });
    expect(edge.liveTimers()).toBe(0);
    return { report, received };
  }

  it('without batching: the answers equal Node and decide(), the collector got exactly the expected events, each sent at once', async () => {
    const { report, received } = await runAtTheEdge({});
    // Impressions and single-campaign conversions are GETs; track() over several campaigns (here the
    // global goal) is one batch POST per call even without a batch queue, as in vwo-node-sdk 1.73.0.
    const byEndpoint = (endpoint: string) => collector.received().filter((request) => request.endpoint === endpoint);
    const impressions = expected.filter((event) => event.kind === 'impression');
    const signups = expected.filter((event) => event.goalId === 601);
    const purchaseCalls = report.answers.filter((answers) => Object.values(answers.purchase ?? {}).some(Boolean));
    expect(byEndpoint('track-user')).toHaveLength(impressions.length);
    expect(byEndpoint('track-goal')).toHaveLength(signups.length);
    expect(byEndpoint('batch-events')).toHaveLength(purchaseCalls.length);
    expect(received.filter((event) => event.via === 'get')).toHaveLength(impressions.length + signups.length);
    expect(received.filter((event) => event.via === 'batch').every((event) => event.goalId === 602)).toBe(true);
    // 1.73.0's answer without a batch queue; flushEvents still waited for the requests in flight.
    expect(report.flush).toMatchObject({ status: false, message: 'No batchEvents config present in launch API', failed: 0, pending: 0 });
    expect(report.batchCallbacks).toEqual([]);
  });

  it('with the batch queue (batchEvents): the same events arrive in batches of at most eventsPerRequest', async () => {
    const eventsPerRequest = 40;
    const { report, received } = await runAtTheEdge({ batch: { eventsPerRequest, requestTimeInterval: 60 } });
    expect(new Set(received.map((event) => event.via))).toEqual(new Set(['batch']));
    const batches = collector.received().filter((request) => request.endpoint !== 'settings');
    expect(new Set(batches.map((request) => request.endpoint))).toEqual(new Set(['batch-events']));
    expect(batches).toHaveLength(Math.ceil(expected.length / eventsPerRequest));
    for (const batch of batches) expect(batch.events.length).toBeLessThanOrEqual(eventsPerRequest);
    expect(batches.reduce((sum, batch) => sum + batch.events.length, 0)).toBe(expected.length);
    expect(report.batchCallbacks).toEqual(Array(batches.length).fill(null));
    expect(report.flush).toMatchObject({ status: true, message: 'Batch call sent to VWO', failed: 0, pending: 0 });
  });
});

describe("the README's edge function (export default { fetch }) inside the VM", () => {
  it('answers each request with the variation decide() gives, reuses one client, and sends the impressions through waitUntil', async () => {
    const edge = createEdgeSandbox();
    edge.load(app.code);
    const env = { VWO_ACCOUNT_ID: String(accountId), VWO_SDK_KEY: sdkKey, VWO_COLLECTOR_URL: collector.url };
    const settings = referenceSettings();
    const users = ['edge-user-1', 'edge-user-2', 'edge-user-3', 'edge-user-1'];
    for (const [i, user] of users.entries()) {
      const served = await edge.call<Served>('serve', `https://shop.example/?user=${user}`, env);
      expect(collector.events()).toHaveLength(i + 1);
      expect(served).toMatchObject({ status: 200, waited: 1 });
      expect(served.contentType).toMatch(/^application\/json/);
      const variation = decisionsFor(settings, { userId: user, plan: 'free' }).hero.variationName;
      expect(JSON.parse(served.body)).toEqual({ userId: user, variation });
    }
    // The settings were fetched once; every request's impression had arrived when waitUntil settled.
    expect(collector.received().filter((request) => request.endpoint === 'settings')).toHaveLength(1);
    expect(collector.events().map((event) => [event.kind, event.campaignId, event.uuid])).toEqual(
      users.map((user) => ['impression', 501, visitorUuid(accountId, user)]),
    );
    expect(edge.liveTimers()).toBe(0);
  });
});
