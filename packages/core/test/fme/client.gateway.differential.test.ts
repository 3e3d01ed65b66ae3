/**
 * Client-level differential with a gateway service: 1.35.0 and `createFmeClient` both ask a stub
 * gateway for user details and list membership; their answers, storage writes, integrations
 * payloads and every POST (events go to the gateway host, debug events still to VWO) must agree.
 * The gateway GETs themselves are not compared: ours ask for each list once per call, in parallel.
 * Its own file, because 1.35.0's gateway configuration is process-wide.
 * FME_CLIENT_GATEWAY_CASES=<n> runs more scenarios (default 100).
 */
import { describe, expect, it } from 'vitest';
import { OurSide, ReferenceSide } from './support/client-reference.js';
import { context, Random, settingsFile } from './support/generate.js';

const SCENARIOS = Number(process.env.FME_CLIENT_GATEWAY_CASES ?? 100);
const LIST_ANSWERS: readonly unknown[] = [true, false, 'false', { status: 0 }, { status: 1 }, 'yes', 0];

function query(path: string): Record<string, string> {
  const text = path.slice(path.indexOf('?') + 1);
  return Object.fromEntries(text.split('&').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

function gateway(path: string): unknown {
  const params = query(path);
  if (path.includes('/check-attribute')) {
    let hash = 0;
    for (const char of `${params.listId}|${params.attribute}`) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
    return LIST_ANSWERS[hash % LIST_ANSWERS.length];
  }
  if (path.includes('/user-alias/getAliasUserId')) {
    const asked = JSON.parse(decodeURIComponent(params.userId ?? '[]')) as unknown[];
    return asked[0] === 'u1' ? [{ aliasId: 'u1', userId: 'm4' }] : asked[0] === 'u2' ? [{ aliasId: 'other', userId: 'x' }] : [];
  }
  if (path.includes('/get-user-details')) {
    return {
      location: params.ipAddress ? { country: params.ipAddress === '1.2.3.4' ? 'US' : 'IN', city: 'Paris', region: 'IDF' } : undefined,
      userAgent: params.userAgent
        ? { os: 'Windows', device_type: 'Mobile', browser_string: 'Chrome', browser_version: '120.0.1', os_version: '11' }
        : undefined,
    };
  }
  return {};
}

describe('createFmeClient agrees with vwo-fme-node-sdk 1.35.0 when a gateway answers', () => {
  it(`on ${SCENARIOS} generated scenarios`, async () => {
    const reference = new ReferenceSide();
    const rng = new Random(4242);
    const differences: string[] = [];
    let calls = 0;
    let requests = 0;
    for (let scenario = 0; scenario < SCENARIOS; scenario++) {
      const generated = settingsFile(rng, { groupHeavy: scenario % 3 === 1, lists: scenario % 2 === 0 });
      if (scenario === 0) await reference.start(generated.settings, gateway);
      else await reference.useSettings(generated.settings);
      const ours = new OurSide();
      ours.start(generated.settings, gateway);
      const ctx = context(rng) as unknown as Record<string, unknown>;
      reference.store = new Map();
      ours.store = new Map();
      const calls_: (readonly [string, ...unknown[]])[] = generated.featureKeys.map((key) => ['getFlag', key, ctx] as const);
      calls_.push(['trackEvent', 'e0', ctx], ['setAttribute', { plan: 'pro' }, ctx]);
      for (const [method, ...args] of calls_) {
        const theirs = await reference.call(method, ...args);
        const mine = await ours.call(method, ...args);
        calls++;
        requests += theirs.requests.length;
        for (const field of ['answer', 'requests', 'writes', 'integrations'] as const) {
          const a = JSON.stringify(mine[field]);
          const b = JSON.stringify(theirs[field]);
          if (a !== b) differences.push(`scenario ${scenario} ${method}(${JSON.stringify(args)}) ${field}:\n  ours   ${a}\n  1.35.0 ${b}`);
        }
      }
      await ours.close();
    }
    console.log(
      `FME client gateway differential: ${SCENARIOS} scenarios, ${calls} calls, ${requests} requests compared; ${differences.length} differences`,
    );
    expect(differences.slice(0, 4)).toEqual([]);
  }, 600_000);

  it('with aliasing: ids resolved through the gateway, setAlias posted to it, refused setAlias calls', async () => {
    const reference = new ReferenceSide();
    const rng = new Random(99);
    const differences: string[] = [];
    let calls = 0;
    for (let scenario = 0; scenario < 30; scenario++) {
      const generated = settingsFile(rng, { groupHeavy: scenario % 3 === 1 });
      if (scenario === 0) await reference.start(generated.settings, gateway, true);
      else await reference.useSettings(generated.settings);
      const ours = new OurSide();
      ours.start(generated.settings, gateway, true);
      reference.store = new Map();
      ours.store = new Map();
      const ctx = { ...(context(rng) as unknown as Record<string, unknown>), id: rng.pick(['u1', 'u2', 'u3']) };
      const list: (readonly [string, ...unknown[]])[] = [
        ['getFlag', rng.pick(generated.featureKeys), ctx],
        ['trackEvent', 'e0', ctx],
        ['setAttribute', 'plan', 'pro', ctx],
        ['setAlias', ctx, ' alias-1 '],
        ['setAlias', 'u1', 'u1'],
        ['setAlias', { id: 'u1' }, ''],
        ['setAlias', ' u9 ', 'alias-9'],
      ];
      for (const [method, ...args] of list) {
        const theirs = await reference.call(method, ...args);
        const mine = await ours.call(method, ...args);
        calls++;
        for (const field of ['answer', 'requests', 'writes', 'integrations'] as const) {
          const a = JSON.stringify(mine[field]);
          const b = JSON.stringify(theirs[field]);
          if (a !== b) differences.push(`scenario ${scenario} ${method}(${JSON.stringify(args)}) ${field}:\n  ours   ${a}\n  1.35.0 ${b}`);
        }
      }
      await ours.close();
    }
    console.log(`FME client aliasing differential: ${calls} calls; ${differences.length} differences`);
    expect(differences.slice(0, 4)).toEqual([]);
  }, 600_000);
});
