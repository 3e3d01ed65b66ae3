/**
 * Differential test in headless Chromium: what `init` (`@vwo/browser`) and vwo-fme-node-sdk
 * 1.35.0's own browser build (`vwo-fme-javascript-sdk`) send when the settings GET needs a retry
 * or fails: the GETs, the `vwo_sdkDebug` event with the XHR client's error texts, and what
 * follows, in the order each page sends them. A loopback server answers the settings GETs from a
 * script per scenario (statuses, a closed connection, a body that is no JSON); each SDK runs in a
 * fresh page (an empty settings cache). Only random and clock values are masked. Both SDKs send
 * their debug events to VWO's host whatever the `proxyUrl`: those are answered in the page.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { launchChromium, listenOnLoopback, requireChromium } from '@vwo/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSdkScript, maskedBody, maskedPath, referenceBrowserScript } from './fme-page-support.js';
import { FME_ACCOUNT_ID, FME_SDK_KEY, fmeSettings } from './fme-settings.js';

requireChromium('the @vwo/browser init settings-fetch differential test');

const PAGE = '<!doctype html><meta charset="utf-8"><title>settings</title><script src="/sdk.js"></script><script src="/ref.js"></script>';
const REFERENCE = referenceBrowserScript();

/** One answer to a settings GET: a status with a body (JSON unless said), or the connection closed unanswered. */
type Answer = { readonly status: number; readonly body?: string; readonly reason?: string; readonly contentType?: string } | 'close';

const FILE = JSON.stringify(fmeSettings());
const ok: Answer = { status: 200, body: FILE };
const serverError: Answer = { status: 500, body: '{"message":"down"}' };

/** A scenario: the settings answers in turn (the last one repeats) and the calls made once `init` resolved. */
interface Scenario {
  readonly name: string;
  readonly answers: readonly Answer[];
  /** `updateSettings()` after init, with the answers that follow (1.35.0 names its API `updateSettings`). */
  readonly update?: boolean;
  /** 1.35.0's `init` never settles here: only `init` runs, and the requests until then are compared. */
  readonly referenceHangs?: boolean;
}

const SCENARIOS: readonly Scenario[] = [
  { name: '500 then 200', answers: [serverError, ok] },
  { name: '500 always', answers: [serverError] },
  {
    name: 'a reason phrase of its own, then 200',
    answers: [{ status: 503, body: 'busy', reason: 'Try Later', contentType: 'text/plain' }, ok],
  },
  { name: 'a connection closed, then 200', answers: ['close', ok] },
  { name: 'connections closed always', answers: ['close'] },
  { name: '400 (not retried)', answers: [{ status: 400, body: '{"message":"bad key"}' }] },
  { name: '500 then a 201 (worded as a failure)', answers: [serverError, { status: 201, body: FILE }] },
  {
    name: 'a 200 whose body is no JSON (1.35.0 never settles)',
    answers: [{ status: 200, body: '<html>not json' }, ok],
    referenceHangs: true,
  },
  { name: 'a 200 in text/plain', answers: [{ status: 200, body: FILE, contentType: 'text/plain' }] },
  { name: 'updateSettings after a good init: 500 always', answers: [ok, serverError], update: true },
];

/** Retries 1 and 2 s apart (1.35.0's rule, shortened): each failing scenario takes 3 s per SDK. */
const RETRY = { initialDelay: 1, maxRetries: 2, backoffMultiplier: 2 };

/** A request as the server (or the page's route) saw it, random and clock values masked. */
function masked(method: string, url: string, body: string): string {
  return `${method} ${maskedPath(url)} ${maskedBody(body)}`;
}

describe('init of @vwo/browser reports a settings fetch that needed a retry or failed, as 1.35.0’s browser build (Chromium)', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let answers: readonly Answer[] = [];
  let settingsGets = 0;
  let received: string[] = [];

  function answerSettings(res: ServerResponse): void {
    const answer = answers[Math.min(settingsGets, answers.length - 1)] ?? ok;
    settingsGets++;
    if (answer === 'close') {
      res.socket?.destroy();
      return;
    }
    const headers = { 'content-type': answer.contentType ?? 'application/json' };
    if (answer.reason === undefined) res.writeHead(answer.status, headers);
    else res.writeHead(answer.status, answer.reason, headers);
    res.end(answer.body ?? '');
  }

  beforeAll(async () => {
    const sdk = await browserSdkScript();
    server = createServer((req, res) => {
      // A fresh connection for every request: Chromium resends a GET itself when a reused
      // keep-alive connection closes unanswered, and the SDKs would never see that close.
      res.setHeader('connection', 'close');
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = req.url ?? '/';
        if (url === '/sdk.js' || url === '/ref.js' || url === '/page') {
          res.writeHead(200, { 'content-type': url === '/page' ? 'text/html' : 'text/javascript' });
          res.end(url === '/sdk.js' ? sdk : url === '/ref.js' ? REFERENCE : PAGE);
          return;
        }
        received.push(masked(req.method ?? '', url, Buffer.concat(chunks).toString('utf8')));
        if (url.startsWith('/server-side/')) {
          answerSettings(res);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    origin = await listenOnLoopback(server);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  /**
   * What one SDK sends for `scenario` in a fresh page: the server's masked requests, sorted, and
   * the order the page issued them in (method, path, event name).
   */
  async function run(
    which: 'ours' | 'reference',
    scenario: Scenario,
  ): Promise<{ requests: string[]; order: string[]; flag: unknown; errors: string[]; toVwoHost: string[] }> {
    answers = scenario.answers;
    settingsGets = 0;
    received = [];
    const toVwoHost: string[] = [];
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    const order: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/sdk.js' || url.pathname === '/ref.js' || url.pathname === '/page') return;
      // Whatever the host (see toVwoHost): the favicon is the browser's, not an SDK's.
      if (url.pathname !== '/favicon.ico') order.push(`${request.method()} ${url.pathname} ${url.searchParams.get('en') ?? ''}`.trim());
    });
    // 1.35.0's browser build sends its debug events to VWO's host whatever the proxyUrl: answered
    // here, in the page, recorded with the others and listed in toVwoHost.
    await page.route('https://dev.visualwebsiteoptimizer.com/**', async (route) => {
      const request = route.request();
      const url = new URL(request.url());
      received.push(masked(request.method(), url.pathname + url.search, request.postData() ?? ''));
      toVwoHost.push(url.searchParams.get('en') ?? url.pathname);
      await route.fulfill({ status: 200, contentType: 'application/json', body: '{}' });
    });
    await page.goto(`${origin}/page`, { waitUntil: 'load' });
    const flag = await page.evaluate(
      async ({ which, update, initOnly, options }) => {
        type Client = {
          getFlag(key: string, context: unknown): Promise<{ isEnabled(): boolean }>;
          updateSettings(settings?: unknown, isViaWebhook?: boolean): Promise<unknown>;
        };
        const scope = window as unknown as { VWO: { init(o: unknown): Promise<Client> }; vwoSdk: { init(o: unknown): Promise<Client> } };
        const pending = new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), 8000));
        const client = await Promise.race([(which === 'ours' ? scope.VWO : scope.vwoSdk).init(options), pending]);
        if (client === 'pending') return 'init pending';
        if (initOnly) return 'init resolved';
        if (update) await client.updateSettings().catch(() => undefined);
        return (await client.getFlag('hero', { id: 'visitor-1' })).isEnabled();
      },
      {
        which,
        update: scenario.update === true,
        initOnly: scenario.referenceHangs === true,
        options: { accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, proxyUrl: origin, retryConfig: RETRY, logger: { level: 'ERROR' } },
      },
    );
    // Init-time events are not awaited by either SDK: wait until quiet.
    let seen = -1;
    const start = Date.now();
    while (seen !== received.length && Date.now() - start < 15_000) {
      seen = received.length;
      await new Promise((resolve) => setTimeout(resolve, 750));
    }
    await context.close();
    return { requests: [...received].sort(), order, flag, errors, toVwoHost };
  }

  const differences: string[] = [];
  const debugEvents: string[] = [];

  for (const scenario of SCENARIOS) {
    it(`sends what 1.35.0 sends: ${scenario.name}`, async () => {
      const reference = await run('reference', scenario);
      const ours = await run('ours', scenario);
      if (process.env.SETTINGS_DEBUG_DUMP) console.log(scenario.name, JSON.stringify({ reference, ours }, null, 1));
      debugEvents.push(...reference.requests.filter((r) => r.includes('en=vwo_sdkDebug')));
      const onlyReference = reference.requests.filter((r) => !ours.requests.includes(r));
      const onlyOurs = ours.requests.filter((r) => !reference.requests.includes(r));
      differences.push(...onlyReference, ...onlyOurs);
      expect({ onlyReference, onlyOurs }).toEqual({ onlyReference: [], onlyOurs: [] });
      expect(ours.requests).toEqual(reference.requests);
      expect(ours.order).toEqual(reference.order);
      expect(ours.errors).toEqual([]);
      // Both send their debug events past the proxy, to VWO's host, and nothing else.
      expect(reference.toVwoHost.every((name) => name === 'vwo_sdkDebug')).toBe(true);
      expect(ours.toVwoHost).toEqual(reference.toVwoHost);
      if (scenario.referenceHangs) {
        // 1.35.0 throws in its XHR `onload` and never settles; this SDK resolves a client whose flags are off.
        expect(reference.errors).toEqual([expect.stringContaining('JSON')]);
        expect({ reference: reference.flag, ours: ours.flag }).toEqual({ reference: 'init pending', ours: 'init resolved' });
      } else {
        expect(reference.errors).toEqual([]);
        expect(ours.flag).toBe(reference.flag);
      }
    });
  }

  it('compared something: every scenario with a retry or a failure has its debug event, and 0 differences', () => {
    expect(differences).toEqual([]);
    expect(debugEvents.filter((r) => r.includes('NETWORK_CALL_SUCCESS_WITH_RETRIES')).length).toBeGreaterThanOrEqual(3);
    expect(debugEvents.filter((r) => r.includes('NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES')).length).toBeGreaterThanOrEqual(4);
    // updateSettings' fetch is reported under its own API name.
    expect(debugEvents.some((r) => r.includes('"an":"updateSettings"'))).toBe(true);
  });
});
