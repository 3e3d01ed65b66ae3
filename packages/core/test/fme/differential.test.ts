/**
 * Differential test: our `decideFlag` against vwo-fme-node-sdk 1.35.0 on generated settings
 * files, contexts and storage states. Every call is compared on the flag, its variables, the
 * impressions sent (in order), the storage records written and the integrations payload.
 * FME_DIFF_CASES=<n> runs more scenarios (default 1500, each with up to 4 getFlag calls).
 */
import { describe, expect, it } from 'vitest';
import {
  decideFlag,
  type FmeFlagDecision,
  type FmeStorageRecord,
  fmeAttributeRequest,
  fmeCustomEventRequest,
  fmeImpressionRequest,
  fmeStorageKeysFor,
  parseFmeSettings,
} from '../../src/index.js';
import { context, Random, settingsFile, storedRecords } from './support/generate.js';
import type { ReferenceOutcome } from './support/reference.js';
import { Reference } from './support/reference.js';

const SCENARIOS = Number(process.env.FME_DIFF_CASES ?? 1500);
const SEED = Number(process.env.FME_DIFF_SEED ?? 20261206);

interface Side {
  enabled: boolean;
  variables: string;
  impressions: readonly (readonly [unknown, unknown])[];
  writes: readonly unknown[];
  integrations: string | undefined;
  debugEvent: string | undefined;
}

/** How often each path was taken on our side, to show what the generated cases cover. */
const coverage = new Map<string, number>();
function count(label: string): void {
  coverage.set(label, (coverage.get(label) ?? 0) + 1);
}

function ours(
  settings: Parameters<typeof decideFlag>[0],
  featureKey: string,
  ctx: Record<string, unknown>,
  store: Map<string, unknown>,
): Side & { decision: FmeFlagDecision } {
  const userId = String(ctx.id);
  const read: string[] = [];
  const decision = decideFlag(settings, featureKey, structuredClone(ctx) as never, (key) => {
    read.push(key);
    return store.get(`${key}\u0000${userId}`);
  });
  const prefetched = fmeStorageKeysFor(settings, featureKey);
  for (const key of read) if (!prefetched.includes(key)) count(`storage key read but not listed by fmeStorageKeysFor: ${key}`);
  count(`outcome ${decision.outcome}`);
  for (const impression of decision.impressions) count(`impression ${impression.kind}`);
  for (const record of decision.storageWrites)
    count(record.featureKey.startsWith('_vwo_meta_meg_') ? 'MEG record written' : 'feature record written');
  if (decision.enabled && decision.experiment) count(`experiment ${decision.experiment.source}`);
  if (decision.debugEvent) count('debug decision event');
  for (const record of decision.storageWrites) store.set(`${record.featureKey}\u0000${record.userId}`, record);
  return {
    decision,
    enabled: decision.enabled,
    variables: JSON.stringify(decision.variables),
    impressions: decision.impressions.map((impression) => [impression.campaignId, impression.variationId] as const),
    writes: decision.storageWrites.map((record: FmeStorageRecord) => ({ ...record })),
    integrations: decision.integrations ? JSON.stringify(decision.integrations) : undefined,
    debugEvent: decision.debugEvent
      ? JSON.stringify({
          msg: decision.debugEvent.msg,
          rId: decision.debugEvent.rId,
          rvId: decision.debugEvent.rvId,
          eId: decision.debugEvent.eId,
          evId: decision.debugEvent.evId,
        })
      : undefined,
  };
}

/**
 * Our impression requests, built with the clock readings 1.35.0's requests carry, must equal
 * them byte for byte (path with query, headers, body).
 */
function impressionRequestDifferences(decision: FmeFlagDecision, theirs: ReferenceOutcome, ctx: Record<string, unknown>): string[] {
  const found: string[] = [];
  if (decision.impressions.length !== theirs.impressionRequests.length) return found; // reported as an impressions difference
  decision.impressions.forEach((impression, index) => {
    const reference = theirs.impressionRequests[index] as ReferenceOutcome['impressionRequests'][number];
    const query = new URLSearchParams(reference.path.slice(reference.path.indexOf('?') + 1));
    const body = JSON.parse(reference.body) as { d: { msgId: string; sessionId: number; event: { time: number } } };
    const clock = {
      eTime: Number(query.get('eTime')),
      random: Number(query.get('random')),
      msgTime: Number(body.d.msgId.slice(body.d.msgId.lastIndexOf('-') + 1)),
      eventTime: body.d.event.time,
      sessionId: body.d.sessionId,
    };
    const request = fmeImpressionRequest(
      { accountId: 123456, sdkKey: 'abcdef0123456789abcdef0123456789' },
      {
        id: ctx.id as string,
        userAgent: ctx.userAgent as string | undefined,
        ipAddress: ctx.ipAddress as string | undefined,
        customVariables: impression.customVariables,
        postSegmentationVariables: ctx.postSegmentationVariables as string[] | undefined,
      },
      impression,
      clock,
    );
    const mine = JSON.stringify({ hostname: request.hostname, path: request.path, headers: request.headers, body: request.body });
    const theirsText = JSON.stringify(reference);
    if (mine !== theirsText) found.push(`ours ${mine}\n  1.35.0 ${theirsText}`);
  });
  return found;
}

const SOURCE = { accountId: 123456, sdkKey: 'abcdef0123456789abcdef0123456789' };

function compareRequests(
  label: string,
  ours: readonly { path: string; body: string }[],
  theirs: readonly { path: string; body: string }[],
  differences: string[],
): void {
  const a = JSON.stringify(ours.map((request) => [request.path, request.body]));
  const b = JSON.stringify(theirs.map((request) => [request.path, request.body]));
  if (a !== b) differences.push(`${label}: ours ${a}\n  1.35.0 ${b}`);
}

/** Clock readings of a 1.35.0 user-event request, to build ours with. */
function clockOf(request: { path: string; body: string }) {
  const query = new URLSearchParams(request.path.slice(request.path.indexOf('?') + 1));
  const body = JSON.parse(request.body) as { d: { msgId: string; sessionId: number; event: { time: number } } };
  return {
    eTime: Number(query.get('eTime')),
    random: Number(query.get('random')),
    msgTime: Number(body.d.msgId.slice(body.d.msgId.lastIndexOf('-') + 1)),
    eventTime: body.d.event.time,
    sessionId: body.d.sessionId,
  };
}

const EVENT_PROPERTIES: readonly (Record<string, unknown> | undefined)[] = [
  undefined,
  {},
  { revenue: 12.5 },
  { id: 9, vwo_sdkName: 'x', list: [1] },
];
const ATTRIBUTES: readonly Record<string, unknown>[] = [{ x: 1, y: 'z', b: true }, { plan: 'pro' }, { vwo_fs_environment: 'over', n: 0 }];

describe('decideFlag agrees with vwo-fme-node-sdk 1.35.0', () => {
  it(`on ${SCENARIOS} generated scenarios (seed ${SEED})`, async () => {
    const reference = new Reference();
    const rng = new Random(SEED);
    let calls = 0;
    let impressionRequestsCompared = 0;
    let userEventsCompared = 0;
    let enabledCalls = 0;
    let errorCalls = 0;
    const differences: string[] = [];
    let started = false;
    for (let scenario = 0; scenario < SCENARIOS; scenario++) {
      const generated = settingsFile(rng, { throwing: scenario % 4 === 0, groupHeavy: scenario % 4 === 1, weird: scenario % 4 === 2 });
      const parsed = parseFmeSettings(generated.settings);
      if (!parsed.ok) throw new Error(`generated an invalid file: ${JSON.stringify(parsed.issues)}`);
      if (!started) {
        await reference.start(generated.settings);
        started = true;
      } else {
        await reference.useSettings(generated.settings);
      }
      const ctx = context(rng) as unknown as Record<string, unknown>;
      const initial = storedRecords(rng, generated, String(ctx.id));
      reference.store = new Map(initial.map((record) => [`${String(record.featureKey)}\u0000${String(ctx.id)}`, { ...record }]));
      const mine = new Map<string, unknown>(
        initial.map((record) => [`${String(record.featureKey)}\u0000${String(ctx.id)}`, { ...record }]),
      );
      const pickKey = () => (rng.chance(0.05) ? 'missing' : rng.pick(generated.featureKeys));
      const keys = [pickKey(), pickKey()];
      // The same key twice: the second call sees what the first one stored.
      for (const featureKey of [keys[0], keys[0], keys[1]] as string[]) {
        const theirs = await reference.getFlag(featureKey, ctx);
        const mineSide = ours(parsed.settings, featureKey, ctx, mine);
        calls++;
        if (theirs.enabled) enabledCalls++;
        if (decideFlag(parsed.settings, featureKey, ctx as never, (key) => mine.get(`${key}\u0000${String(ctx.id)}`)).outcome === 'error')
          errorCalls++;
        const theirSide: Side = theirs;
        for (const field of ['enabled', 'variables', 'impressions', 'writes', 'integrations', 'debugEvent'] as const) {
          const a = JSON.stringify(mineSide[field]);
          const b = JSON.stringify(theirSide[field]);
          if (a !== b) {
            differences.push(
              differences.length < 3
                ? `scenario ${scenario} ${featureKey} ${field}: ours ${a} vs 1.35.0 ${b}\n  settings ${JSON.stringify(generated.settings)}\n  context ${JSON.stringify(ctx)}\n  stored ${JSON.stringify(initial)}`
                : `scenario ${scenario} ${featureKey} ${field}: ours ${a} vs 1.35.0 ${b}`,
            );
          }
        }
        const requests = impressionRequestDifferences(mineSide.decision, theirs, ctx);
        impressionRequestsCompared += theirs.impressionRequests.length;
        for (const difference of requests) differences.push(`scenario ${scenario} ${featureKey} impression request: ${difference}`);
      }
      // trackEvent and setAttribute: the answer and every request byte for byte.
      const eventName = rng.pick(['e0', 'e1', 'e2', 'nope']);
      const eventProperties = rng.pick(EVENT_PROPERTIES);
      const tracked = await reference.userEvent((client) => client.trackEvent(eventName, structuredClone(ctx), eventProperties));
      const accepted = parsed.settings.eventNames.has(eventName);
      const expectedTrack = JSON.stringify({ [eventName]: accepted });
      if (JSON.stringify(tracked.result) !== expectedTrack)
        differences.push(`scenario ${scenario} trackEvent ${eventName}: ours ${expectedTrack} vs 1.35.0 ${JSON.stringify(tracked.result)}`);
      const trackRequests =
        accepted && tracked.requests[0]
          ? [fmeCustomEventRequest(SOURCE, ctx as never, eventName, eventProperties ?? {}, clockOf(tracked.requests[0]))]
          : [];
      userEventsCompared += tracked.requests.length;
      compareRequests(`scenario ${scenario} trackEvent ${eventName}`, trackRequests, tracked.requests, differences);
      const attributes = rng.pick(ATTRIBUTES);
      const set = await reference.userEvent((client) => client.setAttribute(structuredClone(attributes), structuredClone(ctx)));
      const attributeRequests = set.requests[0]
        ? [fmeAttributeRequest(SOURCE, parsed.settings.sdkKey, ctx as never, attributes, clockOf(set.requests[0]))]
        : [];
      userEventsCompared += set.requests.length;
      compareRequests(`scenario ${scenario} setAttribute`, attributeRequests, set.requests, differences);
    }
    console.log([...coverage].map(([label, n]) => `${label}: ${n}`).join('; '));
    console.log(
      `FME differential: ${SCENARIOS} scenarios, ${calls} getFlag calls, ${enabledCalls} enabled, ${errorCalls} ended in an error; ${impressionRequestsCompared} impression requests and ${userEventsCompared} custom-event/attribute requests compared byte for byte; ${differences.length} differences`,
    );
    expect(differences.slice(0, 12)).toEqual([]);
    expect([...coverage.keys()].filter((label) => label.startsWith('storage key read'))).toEqual([]);
  });
});
