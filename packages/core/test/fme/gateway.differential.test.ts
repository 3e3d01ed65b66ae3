/**
 * Differential test with a gateway service: 1.35.0 fetches `_vwo` (location, parsed user
 * agent) for features whose segments need it and asks the gateway about `inlist(…)` nodes.
 * A stub answers both; our side gets the same answers the way a client would pass them: `_vwo`
 * in the context when the feature needs the gateway, and `attributeList` for lists.
 * Its own file, because 1.35.0's gateway configuration is process-wide.
 * FME_GATEWAY_CASES=<n> runs more scenarios (default 600).
 */
import { describe, expect, it } from 'vitest';
import { decideFlag, type FmeSettings, parseFmeSettings } from '../../src/index.js';
import { context, Random, settingsFile } from './support/generate.js';
import { Reference } from './support/reference.js';

const SCENARIOS = Number(process.env.FME_GATEWAY_CASES ?? 600);

const LIST_ANSWERS: readonly unknown[] = [true, false, 'false', { status: 0 }, { status: 1 }, 'yes', 0];

function listAnswer(listId: string, attribute: string | null): unknown {
  let hash = 0;
  for (const char of `${listId}|${String(attribute)}`) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  return LIST_ANSWERS[hash % LIST_ANSWERS.length];
}

function userDetails(userAgent: unknown, ipAddress: unknown): unknown {
  return {
    location: ipAddress ? { country: ipAddress === '1.2.3.4' ? 'US' : 'IN', city: 'Paris', region: 'IDF' } : undefined,
    userAgent: userAgent
      ? { os: 'Windows', device_type: 'Mobile', browser_string: 'Chrome', browser_version: '120.0.1', os_version: '11' }
      : undefined,
  };
}

function query(path: string): Record<string, string> {
  const text = path.slice(path.indexOf('?') + 1);
  return Object.fromEntries(text.split('&').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
}

const gatewayRequests = { lists: 0, userDetails: 0 };

function gateway(path: string): unknown {
  const params = query(path);
  if (path.includes('/check-attribute')) gatewayRequests.lists++;
  if (path.includes('/get-user-details')) gatewayRequests.userDetails++;
  if (path.includes('/check-attribute')) return listAnswer(params.listId as string, params.attribute as string);
  if (path.includes('/get-user-details')) {
    return userDetails(params.userAgent ? decodeURIComponent(params.userAgent) : undefined, params.ipAddress);
  }
  return {};
}

/** What a client does before deciding (decision-flow.md §2, segmentation.md §6). */
function withGatewayData(settings: FmeSettings, featureKey: string, ctx: Record<string, unknown>): Record<string, unknown> {
  const feature = settings.featuresByKey.get(featureKey);
  if (!feature?.needsGateway || ctx._vwo || (ctx.userAgent === null && ctx.ipAddress === null)) return ctx;
  return { ...ctx, _vwo: userDetails(ctx.userAgent, ctx.ipAddress) };
}

describe('decideFlag agrees with vwo-fme-node-sdk 1.35.0 when a gateway answers', () => {
  it(`on ${SCENARIOS} generated scenarios`, async () => {
    const reference = new Reference();
    const rng = new Random(777);
    const differences: string[] = [];
    let calls = 0;
    let gatewayCalls = 0;
    for (let scenario = 0; scenario < SCENARIOS; scenario++) {
      const generated = settingsFile(rng, { groupHeavy: scenario % 3 === 1, lists: scenario % 2 === 0 });
      const parsed = parseFmeSettings(generated.settings);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      if (scenario === 0) await reference.start(generated.settings, gateway);
      else await reference.useSettings(generated.settings);
      const ctx = context(rng) as unknown as Record<string, unknown>;
      reference.store = new Map();
      const mine = new Map<string, unknown>();
      for (const featureKey of generated.featureKeys) {
        const theirs = await reference.getFlag(featureKey, ctx);
        const prepared = withGatewayData(parsed.settings, featureKey, ctx);
        if (prepared !== ctx) gatewayCalls++;
        const decision = decideFlag(parsed.settings, featureKey, prepared as never, (key) => mine.get(`${key}\u0000${String(ctx.id)}`), {
          attributeList: listAnswer,
        });
        for (const record of decision.storageWrites) mine.set(`${record.featureKey}\u0000${String(record.userId)}`, record);
        calls++;
        const ours = { enabled: decision.enabled, variables: JSON.stringify(decision.variables) };
        if (ours.enabled !== theirs.enabled || ours.variables !== theirs.variables) {
          differences.push(
            `scenario ${scenario} ${featureKey}: ours ${JSON.stringify(ours)} vs 1.35.0 ${JSON.stringify({ enabled: theirs.enabled, variables: theirs.variables })}\n  settings ${JSON.stringify(generated.settings)}\n  context ${JSON.stringify(ctx)}`,
          );
        }
      }
    }
    console.log(
      `FME gateway differential: ${SCENARIOS} scenarios, ${calls} getFlag calls, ${gatewayCalls} with gateway user details; 1.35.0 asked the gateway ${gatewayRequests.userDetails} times for user details and ${gatewayRequests.lists} times for lists; ${differences.length} differences`,
    );
    expect(differences.slice(0, 3)).toEqual([]);
  });
});
