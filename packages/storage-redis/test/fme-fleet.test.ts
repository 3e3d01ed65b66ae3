/**
 * The FME fleet test of issue 19: two Node processes (two servers) run `init` of @vwo/node on one
 * Redis through `createRedisStorage(…).fme({ accountId })`. Users are decided by one server or the
 * other; then the weights change at "VWO" (the loopback server below) and both servers pull them
 * (`updateSettings()`, the webhook path). Every user keeps the variation first decided, on either
 * server, and no impression is sent for it again (a stored experiment short-circuits, fme/
 * decision-flow.md §2), while a new user follows the new weights. The figures are printed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTRACT_FME_ACCOUNT_ID, contractFmeSettings, CONTRACT_FEATURE_KEY as F } from '@vwo/storage-contract';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { sharedRedisUrl, uniquePrefix } from './helpers/redis.js';
import { killWorkers, startWorker } from './helpers/workers.js';

interface Answer {
  enabled: boolean;
  variation: string | null;
}
const WORKER = new URL('./fme-fleet-worker.mjs', import.meta.url);

/** "VWO" on loopback: serves the current settings file and records each server's events (by path prefix). */
let settings = contractFmeSettings(50);
const impressions = { a: 0, b: 0 };
let vwo: Server;
let vwoUrl = '';
beforeAll(async () => {
  vwo = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const [, server, path = ''] = /^\/(a|b)(\/.*)$/.exec(request.url ?? '') ?? [];
      if (path.startsWith('/server-side/v2-settings') || path.startsWith('/server-side/v2-pull')) {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(settings));
        return;
      }
      if (new URLSearchParams(path.split('?')[1]).get('en') === 'vwo_variationShown') impressions[server as 'a' | 'b']++;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => vwo.listen(0, '127.0.0.1', resolve));
  vwoUrl = `http://127.0.0.1:${(vwo.address() as AddressInfo).port}`;
});
afterAll(async () => {
  killWorkers();
  await new Promise((resolve) => vwo.close(resolve));
});

it('two init processes on one Redis: every user keeps the variation decided by either server after the weights change', async () => {
  const env = {
    FLEET_REDIS_URL: sharedRedisUrl(),
    FLEET_PREFIX: uniquePrefix('fme-fleet'),
    ACCOUNT_ID: String(CONTRACT_FME_ACCOUNT_ID),
    SDK_KEY: String(settings.sdkKey),
  };
  const [a, b] = await Promise.all([
    startWorker(WORKER, 'server a', { ...env, SINK_URL: `${vwoUrl}/a` }),
    startWorker(WORKER, 'server b', { ...env, SINK_URL: `${vwoUrl}/b` }),
  ]);
  const servers = { a, b };

  const U = Array.from({ length: 60 }, (_, i) => `fme-fleet-u${i}`); // first decided by server a
  const W = Array.from({ length: 60 }, (_, i) => `fme-fleet-w${i}`); // first decided by server b
  const decided = new Map<string, string | null>();
  for (const user of U) decided.set(user, (await a.call<Answer>('getFlag', F, user)).variation);
  for (const user of W) decided.set(user, (await b.call<Answer>('getFlag', F, user)).variation);
  expect(new Set(decided.values())).toEqual(new Set(['control', 'variant']));
  // Each decision: one rollout and one experiment impression, from the server that decided it.
  expect(impressions).toEqual({ a: 2 * U.length, b: 2 * W.length });

  let checks = 0;
  let agreed = 0;
  for (const controlWeight of [100, 0]) {
    settings = contractFmeSettings(controlWeight); // everybody into one variation from now on
    await Promise.all([a.call('updateSettings'), b.call('updateSettings')]);
    const newcomer = `fme-fleet-new-${controlWeight}`;
    const expected = controlWeight === 100 ? 'control' : 'variant';
    expect((await a.call<Answer>('getFlag', F, newcomer)).variation).toBe(expected); // the new weights apply…
    expect((await b.call<Answer>('getFlag', F, newcomer)).variation).toBe(expected);
    const before = { ...impressions };
    for (const user of [...U, ...W]) {
      for (const server of ['a', 'b'] as const) {
        const answer = await servers[server].call<Answer>('getFlag', F, user);
        checks++;
        if (answer.enabled && answer.variation === decided.get(user)) agreed++;
      }
    }
    expect(impressions).toEqual(before); // …and every known user was served from storage
  }
  const moved = [...decided.values()].filter((v) => v === 'variant').length;
  console.log(
    `FME fleet: ${decided.size} users decided over 2 processes (${moved} variant, ${decided.size - moved} control), ` +
      `then 2 weight changes (100/0, 0/100): ${agreed}/${checks} later answers on either server gave the stored variation; ` +
      `impressions a=${impressions.a} b=${impressions.b}`,
  );
  expect(agreed).toBe(checks);
  expect(checks).toBe(2 * 2 * decided.size);

  const [statsA, statsB] = await Promise.all([a.call<Record<string, number>>('close'), b.call<Record<string, number>>('close')]);
  expect(await a.exited).toBe(0);
  expect(await b.exited).toBe(0);
  expect(a.stderr() + b.stderr()).toBe('');
  for (const stats of [statsA, statsB]) expect(stats).toMatchObject({ failedReads: 0, failedWrites: 0, outages: 0 });
});
