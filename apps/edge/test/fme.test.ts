/**
 * VWO FME at the edge: the FME client of the built `@vwo/core` with `@vwo/transport-fetch`,
 * bundled as an edge platform bundles it, runs inside Vercel's edge-runtime VM: it fetches
 * `/server-side/v2-settings` from the local collector with the VM's `fetch`, answers `getFlag`,
 * `trackEvent` and `setAttribute` exactly as the same client in Node and the pure `decideFlag()`,
 * and delivers exactly the expected events: with `shouldWaitForTrackingCalls` each call's events
 * have reached the collector when the call resolves; without it they arrive by `close()`; with
 * `batchEventData` they wait in the queue until a full batch or `flushEvents()`.
 */
import { readFileSync } from 'node:fs';
import { type Collector, startCollector } from '@vwo/collector';
import { stop as stopEsbuild } from 'esbuild';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Served } from '../src/entry.js';
import { CALLS_PER_VISIT, FME_FLAGS, type FmeAnswers, fmeVisitors, PURCHASE_REVENUE } from '../src/fme/journey.js';
import type { FmeScenarioInput, FmeScenarioReport } from '../src/fme/scenario.js';
import { BUILT_ESM, type Bundle, bundleForEdge } from './support/bundle.js';
import { createEdgeSandbox } from './support/edge-vm.js';
import {
  cumulative,
  expectedFmeCalls,
  FME_SETTINGS_FILE,
  fmeDecisionsFor,
  fmeKeyOf,
  fmeNodeAnswers,
  fmeReferenceSettings,
  fmeSdkRun,
  sortFmeEvents,
} from './support/fme-reference.js';

const USERS = 30;
const { accountId, sdkKey } = FME_SETTINGS_FILE;

let collector: Collector;
let app: Bundle;

beforeAll(async () => {
  collector = await startCollector({ host: '127.0.0.1', port: 0, settings: FME_SETTINGS_FILE });
  app = await bundleForEdge('src/entry.ts');
});

afterAll(async () => {
  await collector?.close();
  await stopEsbuild();
});

beforeEach(() => collector.reset());

describe('the FME code of the built @vwo/core', () => {
  it('is in dist/index.js, the file the import scan of edge.test.ts covers, and in the edge bundle', () => {
    // One entry point: the FME client ships in the same ESM file that is scanned for Node built-ins.
    expect(readFileSync(BUILT_ESM.core, 'utf8')).toMatch(/^export \{[^}]*\bstartFmeClient\b/m);
    expect(app.inputs).toContain(BUILT_ESM.core);
    expect(app.code).toContain('v2-settings');
  });
});

describe('getFlag, trackEvent and setAttribute inside the edge VM against the collector', () => {
  const population = fmeVisitors(USERS);
  const settings = fmeReferenceSettings();
  const calls = expectedFmeCalls(settings, population);
  const expected = sortFmeEvents(calls.flat());
  let reference: FmeAnswers[];

  beforeAll(async () => {
    const node = await fmeNodeAnswers(population);
    reference = node.answers;
    // Nothing went wrong in Node but the absence of a transport, which it reports once per delivery.
    expect(new Set(node.logs)).toEqual(new Set(['error: events: no transport was given, so no event will be sent']));
  });

  it('the reference: vwo-fme-node-sdk 1.35.0 answers as the Node client and sends, call by call, the events expected here', async () => {
    const sdk = await fmeSdkRun(population);
    expect(sdk.answers).toEqual(reference);
    expect(sdk.calls).toEqual(calls);
    expect(sdk.initEvents).toEqual(['vwo_fmeSdkInit']);
  });

  /** Runs the FME scenario in a fresh VM (a fresh isolate) and checks what every run must hold. */
  async function runAtTheEdge(input: Omit<FmeScenarioInput, 'collectorUrl' | 'accountId' | 'sdkKey' | 'users'>) {
    const edge = createEdgeSandbox();
    edge.load(app.code);
    const report = await edge.call<FmeScenarioReport>('runFmeScenario', {
      collectorUrl: collector.url,
      accountId,
      sdkKey,
      users: USERS,
      ...input,
    });

    expect(report.logs).toEqual([]);
    // The same answers as @vwo/core's FME client in Node …
    expect(report.answers).toEqual(reference);
    // … and as the pure decideFlag() for every flag.
    for (const [i, visitor] of population.entries()) {
      const decisions = fmeDecisionsFor(settings, visitor);
      for (const { featureKey } of FME_FLAGS) {
        expect(report.answers[i]?.flags[featureKey]?.enabled, `${visitor.userId} ${featureKey}`).toBe(decisions[featureKey]?.enabled);
        expect(report.answers[i]?.flags[featureKey]?.variables).toEqual(decisions[featureKey]?.variables);
      }
      expect(report.answers[i]?.addToCart).toEqual({ 'add-to-cart': true });
      expect(report.answers[i]?.purchase).toEqual({ purchase: true });
    }
    // The population reaches every branch: rollout in and out, all three layouts, the personalised
    // variation for `pro` only, and the mutually exclusive group serving at most one of its flags.
    const values = (key: string) => new Set(report.answers.map((answers) => answers.flags[key]?.value));
    const enabled = (key: string) => new Set(report.answers.map((answers) => answers.flags[key]?.enabled));
    expect(enabled('new-checkout')).toEqual(new Set([true, false]));
    expect(values('new-checkout')).toEqual(new Set(['classic', 'one-page', 'express']));
    expect(values('recommendations')).toEqual(new Set(['popular', 'premium']));
    for (const [i, answers] of report.answers.entries())
      expect(answers.flags.recommendations?.value === 'premium').toBe(population[i]?.plan === 'pro');
    expect(enabled('shipping-banner')).toEqual(new Set([true, false]));
    expect(enabled('exit-popup')).toEqual(new Set([true, false]));
    expect(report.answers.filter((answers) => answers.flags['shipping-banner']?.enabled && answers.flags['exit-popup']?.enabled)).toEqual(
      [],
    );

    // Exactly the expected user events, plus the one vwo_fmeSdkInit of the start; nothing rejected.
    const fme = collector.events().filter((event) => event.format === 'fme');
    expect(sortFmeEvents(fme.filter((event) => event.kind !== 'sdk').map(fmeKeyOf))).toEqual(expected);
    expect(fme.filter((event) => event.kind === 'sdk').map((event) => event.eventName)).toEqual(['vwo_fmeSdkInit']);
    const stats = collector.stats();
    expect(stats.rejected.total).toBe(0);
    expect(stats.fme.events).toMatchObject({
      total: expected.length + 1,
      impressions: expected.filter((event) => event.kind === 'impression').length,
      conversions: 2 * USERS,
      attributes: USERS,
      sdk: 1,
    });
    expect(stats.fme.debugMessages).toEqual({});
    // Per campaign and variation, the impressions VWO's reports would show.
    const shown: Record<string, Record<string, number>> = {};
    for (const event of expected.filter((key) => key.kind === 'impression')) {
      const variations = shown[String(event.campaignId)] ?? {};
      variations[String(event.variationId)] = (variations[String(event.variationId)] ?? 0) + 1;
      shown[String(event.campaignId)] = variations;
    }
    const reported = Object.fromEntries(
      Object.entries(stats.fme.campaigns).map(([id, campaign]) => [
        id,
        Object.fromEntries(Object.entries(campaign.variations).map(([variation, counts]) => [variation, counts.impressions])),
      ]),
    );
    expect(reported).toEqual(shown);
    expect(stats.fme.metrics['add-to-cart']).toMatchObject({ conversions: USERS, uniqueVisitors: USERS });
    expect(stats.fme.metrics.purchase?.conversions).toBe(USERS);
    expect(stats.fme.metrics.purchase?.revenue).toBeCloseTo(USERS * PURCHASE_REVENUE, 6);
    // One settings fetch, from the VM's own fetch (edge-runtime's undici says `undici`, Node's `node`).
    const requests = collector.received();
    expect(requests.filter((request) => request.endpoint === 'v2-settings')).toHaveLength(1);
    expect(new Set(requests.map((request) => request.headers['user-agent']))).toEqual(new Set(['undici']));

    // Everything had arrived once close() resolved, and nothing is left running in the VM.
    expect(report.arrivedAfterCalls).toHaveLength(USERS * CALLS_PER_VISIT);
    expect(report.arrivedAfterClose).toBe(expected.length + 1);
    expect(edge.liveTimers()).toBe(0);
    return report;
  }

  // The collector holds back the first event requests: the SDK event of the start and the first
  // impressions. A client that does not wait cannot see them arrive; one that waits must.
  const SLOW_START = [{ kind: 'delay', ms: 300, endpoints: 'events', count: 3 }] as const;

  it('shouldWaitForTrackingCalls: every call resolves once its events have reached the collector, even a slow one', async () => {
    collector.injectFaults([...SLOW_START]);
    const report = await runAtTheEdge({ shouldWaitForTrackingCalls: true });
    expect(report.arrivedAtStart).toBe(1);
    expect(report.arrivedAfterCalls).toEqual(cumulative(calls, 1));
    // One request per event, none batched, none delivered later.
    expect(collector.received().filter((request) => request.endpoint === 'batch-events-v2')).toEqual([]);
    expect(report.arrivedAfterFlush).toBe(report.arrivedAfterClose);
    expect(report.flush).toEqual({ status: 'none', events: 0 });
  });

  it('without it: calls resolve before their events arrive, and every event has arrived once close() resolves', async () => {
    collector.injectFaults([...SLOW_START]);
    const report = await runAtTheEdge({});
    expect(report.arrivedAtStart).toBe(0);
    const due = cumulative(calls, 1);
    expect(report.arrivedAfterCalls[0]).toBeLessThan(due[0] as number);
    for (const [i, arrived] of report.arrivedAfterCalls.entries()) expect(arrived).toBeLessThanOrEqual(due[i] as number);
    expect(collector.received().filter((request) => request.endpoint === 'batch-events-v2')).toEqual([]);
  });

  it('with batchEventData: events wait in the queue, a full queue is one batch, flushEvents() sends the rest', async () => {
    const eventsPerRequest = 100;
    const report = await runAtTheEdge({ batch: { eventsPerRequest, requestTimeInterval: 600 } });
    const total = expected.length + 1;
    expect(report.arrivedAtStart).toBe(0);
    // A batch is recorded whole: the collector never holds part of one.
    for (const arrived of report.arrivedAfterCalls) expect(arrived % eventsPerRequest).toBe(0);
    expect(report.flush).toEqual({ status: 'success', events: total % eventsPerRequest });
    expect(report.arrivedAfterFlush).toBe(total);
    const batches = collector.received().filter((request) => request.endpoint === 'batch-events-v2');
    const rest = total % eventsPerRequest;
    expect(batches.map((batch) => batch.events.length)).toEqual([
      ...Array(Math.floor(total / eventsPerRequest)).fill(eventsPerRequest),
      ...(rest > 0 ? [rest] : []),
    ]);
    expect(report.batchCallbacks).toEqual(batches.map((batch) => [null, batch.events.length]));
    expect(collector.received().filter((request) => request.endpoint === 'event-arch')).toEqual([]);
  });
});

describe("the README's FME edge function inside the VM", () => {
  it('answers each request with the flag decideFlag() gives, reuses one client, and each event has arrived when the request is done', async () => {
    const edge = createEdgeSandbox();
    edge.load(app.code);
    const env = { VWO_ACCOUNT_ID: String(accountId), VWO_SDK_KEY: sdkKey, VWO_COLLECTOR_URL: collector.url };
    const settings = fmeReferenceSettings();
    const requests = [
      { userId: 'fme-user-1', purchase: 0 },
      { userId: 'fme-user-2', purchase: 30 },
      { userId: 'fme-user-3', purchase: 0 },
      { userId: 'fme-user-1', purchase: 12.5 },
    ];
    let due = 1; // vwo_fmeSdkInit, awaited by the start
    for (const { userId, purchase } of requests) {
      const served = await edge.call<Served>('serveFme', `https://shop.example/?user=${userId}&purchase=${purchase}`, env);
      const decision = fmeDecisionsFor(settings, { userId, plan: 'free' })['new-checkout'];
      due += (decision?.impressions.length ?? 0) + (purchase > 0 ? 1 : 0);
      expect(collector.stats().fme.events.total).toBe(due);
      expect(served).toMatchObject({ status: 200, waited: purchase > 0 ? 1 : 0 });
      const layout = decision?.enabled ? decision.variables.find((variable) => variable.key === 'layout')?.value : 'classic';
      expect(JSON.parse(served.body)).toEqual({ userId, enabled: decision?.enabled, layout });
    }
    expect(collector.received().filter((request) => request.endpoint === 'v2-settings')).toHaveLength(1);
    expect(collector.stats().fme.metrics.purchase).toMatchObject({ conversions: 2, revenue: 42.5 });
    expect(edge.liveTimers()).toBe(0);
  });
});
