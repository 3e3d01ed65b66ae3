/**
 * An edge function as a user deploys it (Cloudflare Workers / Vercel module syntax): one VWO
 * client per isolate, created on the first request from the settings file fetched with `fetch`,
 * reused by later requests. The README shows this file; the test runs it inside the edge VM.
 */
import { createClient, parseSettings, type VWOClient } from '@vwo/core';
import { createFetchTransport } from '@vwo/transport-fetch';

/** The bindings (Cloudflare's `env`; on Vercel pass `process.env`). */
export interface Env {
  readonly VWO_ACCOUNT_ID: string;
  readonly VWO_SDK_KEY: string;
  /** Default VWO's; the test points it at the local collector. */
  readonly VWO_COLLECTOR_URL?: string;
}

/** The part of the platform's execution context used here: keep the isolate alive for a promise. */
export interface Context {
  waitUntil(promise: Promise<unknown>): void;
}

let client: Promise<VWOClient> | undefined;

async function startVwo(env: Env): Promise<VWOClient> {
  const base = env.VWO_COLLECTOR_URL ?? 'https://dev.visualwebsiteoptimizer.com';
  const response = await fetch(`${base}/server-side/settings?a=${env.VWO_ACCOUNT_ID}&i=${env.VWO_SDK_KEY}&platform=server`);
  if (!response.ok) throw new Error(`VWO settings: HTTP ${response.status}`);
  const parsed = parseSettings(await response.json());
  if (!parsed.ok) throw parsed.error;
  return createClient({ settings: parsed.settings, transport: createFetchTransport({ timeoutMs: 3_000 }), collectorUrl: base });
}

export default {
  async fetch(request: Request, env: Env, ctx: Context): Promise<Response> {
    const userId = new URL(request.url).searchParams.get('user') ?? 'anonymous';
    // A failed start is retried by the next request; this one is served without the test.
    client ??= startVwo(env).catch((error: unknown) => {
      client = undefined;
      throw error;
    });
    const vwo = await client.catch(() => null);
    const variation = (await vwo?.activate('hero-banner', userId)) ?? 'Control';
    // The impression goes out after the response, while the platform keeps the isolate alive.
    if (vwo) ctx.waitUntil(vwo.flushEvents());
    return Response.json({ userId, variation });
  },
};
