import { readFileSync } from 'node:fs';
import { type FmeIntegrationsPayload, init } from '@vwo/node';
import { population } from '../population.js';
import { seededRandom } from '../random.js';
import { simulateFmeUser } from './simulation.js';
import { countFmeImpression, createFmeTally, type FmeTally, type RuleLookup, type RuleRef } from './tally.js';
import { createCollectorTransport, type WireCount } from './transport.js';

export interface FmeRun {
  readonly tally: FmeTally;
  readonly wire: WireCount;
  readonly durationMs: number;
  /** What the SDK logged at warning level or above (first lines). */
  readonly log: readonly string[];
}

/** Users simulated between two yields to the event loop, which lets batches go out. */
const CHUNK = 250;

/** Reads an FME settings file. */
export function loadFmeSettings(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

interface FileRule {
  readonly ruleKey: string;
  readonly campaignId: number;
  readonly variationId?: number;
}
interface FileFeature {
  readonly key: string;
  readonly metrics: readonly { readonly identifier: string }[];
  readonly rules: readonly FileRule[];
}

/** Which rules each campaign and each metric concern, from the shipped file. */
export function ruleLookup(file: Record<string, unknown>): RuleLookup {
  const byCampaign = new Map<number, RuleRef[]>();
  const byMetric = new Map<string, RuleRef[]>();
  for (const feature of file.features as FileFeature[]) {
    const rules = feature.rules.map((rule) => ({
      featureKey: feature.key,
      ruleKey: rule.ruleKey,
      campaignId: rule.campaignId,
      variationId: rule.variationId ?? null,
    }));
    for (const rule of rules) byCampaign.set(rule.campaignId, [...(byCampaign.get(rule.campaignId) ?? []), rule]);
    for (const { identifier } of feature.metrics) byMetric.set(identifier, [...(byMetric.get(identifier) ?? []), ...rules]);
  }
  return { byCampaign, byMetric };
}

/**
 * Starts `init` against the collector (settings fetched from its `/server-side/v2-settings`,
 * events batched to `batch-events-v2`), runs the population through it, flushes and closes.
 */
export async function runFmeDemo(options: {
  readonly file: Record<string, unknown>;
  readonly collectorUrl: string;
  readonly users: number;
  readonly seed: string;
}): Promise<FmeRun> {
  const file = options.file;
  const rules = ruleLookup(file);
  const tally = createFmeTally();
  const log: string[] = [];
  const { transport, count } = createCollectorTransport(options.collectorUrl);
  // The SDK's own account of the impressions it sends: every getFlag that decides a rollout or an
  // experiment reports it here (the demo keeps no user storage, so nothing is served from one).
  const onDecision = (payload: FmeIntegrationsPayload) => {
    if (payload.api !== 'getFlag') return;
    const userId = String(payload.userId);
    if (typeof payload.rolloutId === 'number')
      countFmeImpression(tally, rules, userId, payload.rolloutId, Number(payload.rolloutVariationId));
    if (typeof payload.experimentId === 'number') {
      countFmeImpression(tally, rules, userId, payload.experimentId, Number(payload.experimentVariationId));
    }
  };
  const started = performance.now();
  const vwo = await init({
    accountId: file.accountId as number,
    sdkKey: file.sdkKey as string,
    transport,
    batchEventData: { eventsPerRequest: 1000, requestTimeInterval: 60 },
    closeTimeout: 30_000,
    integrations: { callback: onDecision },
    logger: {
      level: 'WARN',
      transport: {
        log: (_level: string, message: string) => {
          if (log.length < 20) log.push(message);
        },
      },
    },
  });
  const random = seededRandom(`${options.seed}/fme`);
  let done = 0;
  for (const user of population(options.users, random)) {
    await simulateFmeUser(vwo, user, random, tally, rules);
    done++;
    if (done % CHUNK === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await vwo.flushEvents();
  await vwo.close();
  return { tally, wire: count, durationMs: performance.now() - started, log };
}
