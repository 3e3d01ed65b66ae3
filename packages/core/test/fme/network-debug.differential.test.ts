/**
 * Network debug events against vwo-fme-node-sdk 1.35.0: after a user event that needed a retry
 * (`NETWORK_CALL_SUCCESS_WITH_RETRIES`) or failed for good (`NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES`),
 * both send the same `vwo_sdkDebug` event.
 *
 * The reference's retries live in its own http client, which `network.client` replaces, so its side
 * gets a stub client answering each user event the way its http client ends after the same server
 * answers (a fake, the only way to drive its retry reporting without VWO's host): retried → resolved
 * with one retry and the 500's text as last error; failed → rejected after `maxRetries`. Our side
 * gets a transport that really answers 500 and then 200 (or 500 every time) and really retries, on
 * fake timers so the 1 s back-off costs no wall time. A request is recorded once however many
 * attempts it took (the reference's client sees it once), and the requests of a call are compared
 * in any order (when a failure report goes out depends on the server's timing). Real HTTP over loopback:
 * packages/node/test/fme-network-debug.test.ts.
 */
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFmeClient, type EventRequest, type FmeClient } from '../../src/index.js';
import { ACCOUNT_ID, mask, SDK_KEY } from './support/client-reference.js';
import { context, Random, settingsFile } from './support/generate.js';

const require = createRequire(import.meta.url);
type AnyClient = Record<string, (...args: unknown[]) => Promise<unknown>>;
type Mode = 'retried' | 'failed' | 'refused';

const RETRY_CONFIG = { shouldRetry: true, initialDelay: 1, maxRetries: 2, backoffMultiplier: 3 };
const BUSY = 'busy, try later';

const ticks = async () => {
  for (let i = 0; i < 6; i++) await new Promise((resolve) => setImmediate(resolve));
};

function isUserEvent(path: string): boolean {
  return path.includes('/events/t?') && !/[?&]en=(vwo_sdkDebug|vwo_fmeSdkInit|vwo_sdkUsageStats)&/.test(path);
}

/** What 1.35.0's http client resolves or rejects with after the server answered as `mode` says. */
function referenceOutcome(mode: Mode) {
  const status = mode === 'refused' ? 400 : 500;
  const error = `Raw Data: ${BUSY}, Status Code: ${status}`;
  const retries = mode === 'retried' ? 1 : mode === 'failed' ? RETRY_CONFIG.maxRetries : 0;
  return {
    ok: mode === 'retried',
    response: {
      getStatusCode: () => (mode === 'retried' ? 200 : status),
      getData: () => ({}),
      getTotalAttempts: () => retries,
      getError: () => error,
      setStatusCode: () => {},
      setData: () => {},
      setError: () => {},
      setTotalAttempts: () => {},
    },
  };
}

class Reference {
  requests: string[] = [];
  mode: Mode = 'retried';
  client: AnyClient | undefined;
  async start(settings: unknown): Promise<void> {
    const sdk = require('vwo-fme-node-sdk') as { init(options: Record<string, unknown>): Promise<AnyClient> };
    const capture = async (request: { getOptions(): Record<string, unknown> }) => {
      const o = request.getOptions() as {
        method: string;
        hostname: string;
        port?: unknown;
        path: string;
        headers: Record<string, unknown>;
        body?: unknown;
      };
      this.requests.push(mask({ ...o, body: o.body === undefined ? undefined : JSON.stringify(o.body) }));
      const outcome = referenceOutcome(isUserEvent(o.path) ? this.mode : 'retried');
      if (!isUserEvent(o.path)) return { ...outcome.response, getStatusCode: () => 200, getTotalAttempts: () => 0 };
      if (outcome.ok) return outcome.response;
      throw outcome.response;
    };
    this.client = await sdk.init({
      sdkKey: SDK_KEY,
      accountId: ACCOUNT_ID,
      settings,
      network: { client: { GET: capture, POST: capture } },
      retryConfig: RETRY_CONFIG,
      logger: { level: 'ERROR', transport: { log: () => {} } },
    });
    await ticks();
  }
}

class Ours {
  requests: string[] = [];
  mode: Mode = 'retried';
  /** Attempts per request body, for the "recorded once" rule and the script. */
  private attempts = new Map<string, number>();
  client: FmeClient | undefined;
  start(settings: unknown): void {
    const transport = {
      send: async (request: EventRequest) => {
        const url = new URL(request.url);
        const path = `${url.pathname}${url.search}`;
        const key = `${path.replace(/eTime=\d+&random=[^&]*/, '')}\u0000${request.body}`;
        const attempt = this.attempts.get(key) ?? 0;
        this.attempts.set(key, attempt + 1);
        if (attempt === 0) {
          this.requests.push(
            mask({
              method: request.method,
              hostname: url.hostname,
              port: request.url.startsWith(`https://${url.hostname}:443/`) ? 443 : url.port || undefined,
              path,
              headers: request.headers ?? {},
              body: request.body,
            }),
          );
        }
        if (!isUserEvent(path)) return { status: 200, body: '{}' };
        if (this.mode === 'refused') return { status: 400, body: BUSY };
        if (this.mode === 'retried' && attempt > 0) return { status: 200, body: '{}' };
        return { status: 500, body: BUSY };
      },
    };
    this.client = createFmeClient({
      accountId: ACCOUNT_ID,
      sdkKey: SDK_KEY,
      settings,
      transport,
      retryConfig: RETRY_CONFIG,
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    });
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('network debug events agree with vwo-fme-node-sdk 1.35.0', () => {
  it('after user events delivered by a retry, failed after the last retry, or refused with 400', async () => {
    const rng = new Random(1818);
    const reference = new Reference();
    const differences: string[] = [];
    let calls = 0;
    let debugEvents = 0;
    for (let scenario = 0; scenario < 24; scenario++) {
      const generated = settingsFile(rng, {});
      if (scenario === 0) await reference.start(generated.settings);
      else await reference.client?.updateSettings?.(generated.settings, false);
      await ticks();
      const ours = new Ours();
      ours.start(generated.settings);
      const mode: Mode = (['retried', 'failed', 'refused'] as const)[scenario % 3] as Mode;
      reference.mode = mode;
      ours.mode = mode;
      const ctx = context(rng) as unknown as Record<string, unknown>;
      const list: (readonly [string, ...unknown[]])[] = generated.featureKeys.map((key) => ['getFlag', key, ctx] as const);
      list.push(['trackEvent', 'e0', ctx], ['setAttribute', 'plan', 'pro', ctx]);
      for (const [method, ...args] of list) {
        reference.requests = [];
        ours.requests = [];
        await reference.client?.[method]?.(...structuredClone(args));
        await ticks();
        vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
        await (ours.client as unknown as AnyClient)[method]?.(...structuredClone(args));
        // 1 s and 3 s back-offs (initialDelay 1, backoffMultiplier 3), then the debug event's attempt.
        await vi.advanceTimersByTimeAsync(5000);
        vi.useRealTimers();
        await ticks();
        calls++;
        debugEvents += reference.requests.filter((r) => r.includes('NETWORK_CALL_')).length;
        // Compared as sets: when a failure report goes out depends on when the server answers
        // (the stub answers at once, a real server later), not on either SDK.
        const a = JSON.stringify([...ours.requests].sort());
        const b = JSON.stringify([...reference.requests].sort());
        if (a !== b) differences.push(`scenario ${scenario} (${mode}) ${method}(${JSON.stringify(args)}):\n  ours   ${a}\n  1.35.0 ${b}`);
      }
      await ours.client?.close();
    }
    console.log(`FME network debug differential: ${calls} calls, ${debugEvents} network debug events; ${differences.length} differences`);
    expect(debugEvents).toBeGreaterThan(20);
    expect(differences.slice(0, 3)).toEqual([]);
  }, 120_000);
});
