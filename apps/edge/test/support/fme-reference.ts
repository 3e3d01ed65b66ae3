/**
 * What the FME edge run must produce, computed in Node: the answers of a `@vwo/core` FME client
 * in Node, the pure `decideFlag()` results, and from them the exact events each API call sends.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { CollectedEvent } from '@vwo/collector';
import {
  createFmeClient,
  decideFlag,
  type FmeClient,
  type FmeFlagDecision,
  type FmeSettings,
  fmeLogger,
  getUUID,
  parseFmeSettings,
} from '@vwo/core';
import { FME_FLAGS, type FmeAnswers, type FmeVisitor, fmeJourney } from '../../src/fme/journey.js';

/** The FME settings file the collector serves (two rollouts, an A/B test, a personalise rule, a mutually exclusive group). */
export const FME_SETTINGS_FILE = JSON.parse(readFileSync(new URL('../fixtures/fme-settings.json', import.meta.url), 'utf8')) as {
  accountId: number;
  sdkKey: string;
};

export function fmeReferenceSettings(): FmeSettings {
  const parsed = parseFmeSettings(FME_SETTINGS_FILE);
  if (!parsed.ok) throw new Error(`the FME fixture is invalid: ${JSON.stringify(parsed)}`);
  return parsed.settings;
}

/**
 * The answers of an FME client running in Node on the same settings, with the lines it logged
 * (no transport: it sends nothing, and says so).
 */
export async function fmeNodeAnswers(population: readonly FmeVisitor[]): Promise<{ answers: FmeAnswers[]; logs: string[] }> {
  const { accountId, sdkKey } = FME_SETTINGS_FILE;
  const logs: string[] = [];
  const logger = fmeLogger({ level: 'WARN', transport: { log: (level, message) => logs.push(`${level}: ${message}`) } });
  const vwo = createFmeClient({ accountId, sdkKey, settings: FME_SETTINGS_FILE, logger });
  const answers: FmeAnswers[] = [];
  for (const visitor of population) answers.push(await fmeJourney(vwo, visitor));
  await vwo.close();
  return { answers, logs };
}

/** `decideFlag()` for every flag of the journey, by feature key. */
export function fmeDecisionsFor(settings: FmeSettings, visitor: FmeVisitor): Record<string, FmeFlagDecision> {
  const context = { id: visitor.userId, customVariables: { plan: visitor.plan } };
  return Object.fromEntries(FME_FLAGS.map(({ featureKey }) => [featureKey, decideFlag(settings, featureKey, context)]));
}

/** An FME event as the comparison sees it. */
export interface FmeEventKey {
  readonly kind: CollectedEvent['kind'];
  readonly eventName: string | null;
  readonly campaignId: number | null;
  readonly variationId: number | null;
  readonly uuid: string;
}

export function fmeKeyOf(event: CollectedEvent): FmeEventKey {
  const { kind, eventName, campaignId, variationId, uuid } = event;
  return { kind, eventName, campaignId, variationId, uuid };
}

/** Sorted so that two lists compare whatever order the requests arrived in. */
export function sortFmeEvents(events: readonly FmeEventKey[]): FmeEventKey[] {
  const text = (event: FmeEventKey) => [event.uuid, event.kind, event.eventName, event.campaignId, event.variationId].join('|');
  return [...events].sort((a, b) => (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0));
}

/**
 * The user events each API call of the journey sends, in call order, derived from `decideFlag()`
 * and the documented API (fme/api.md, events.md), not from any client's answers: `getFlag` sends
 * the decision's impressions; `trackEvent` of a metric some feature has sends one event of that
 * name; `setAttribute` sends one `vwo_syncVisitorProp`.
 */
export function expectedFmeCalls(settings: FmeSettings, population: readonly FmeVisitor[]): FmeEventKey[][] {
  const calls: FmeEventKey[][] = [];
  for (const visitor of population) {
    const uuid = getUUID(visitor.userId, String(settings.accountId));
    const decisions = fmeDecisionsFor(settings, visitor);
    for (const { featureKey } of FME_FLAGS) {
      calls.push(
        (decisions[featureKey]?.impressions ?? []).map((impression) => ({
          kind: 'impression',
          eventName: 'vwo_variationShown',
          campaignId: Number(impression.campaignId),
          variationId: Number(impression.variationId),
          uuid,
        })),
      );
    }
    const conversion = (eventName: string): FmeEventKey => ({ kind: 'conversion', eventName, campaignId: null, variationId: null, uuid });
    calls.push([conversion('add-to-cart')], [conversion('purchase')]);
    calls.push([{ kind: 'push', eventName: 'vwo_syncVisitorProp', campaignId: null, variationId: null, uuid }]);
  }
  return calls;
}

/** Running totals: how many events must have arrived after each call (plus `before` already there). */
export function cumulative(calls: readonly FmeEventKey[][], before: number): number[] {
  let total = before;
  return calls.map((events) => (total += events.length));
}

/** What vwo-fme-node-sdk 1.35.0 answered on the journey, and the user events each call sent. */
export interface FmeSdkRun {
  readonly answers: FmeAnswers[];
  /** Per API call, in order: the events it sent, in `expectedFmeCalls`' shape. */
  readonly calls: FmeEventKey[][];
  /** `en` of the events its `init` sent. */
  readonly initEvents: string[];
}

interface SdkRequestOptions {
  readonly path: string;
  readonly body?: { d?: { visId?: string; event?: { props?: { id?: unknown; variation?: unknown } } } };
}

function sdkEventKey(options: SdkRequestOptions): FmeEventKey {
  const eventName = new URLSearchParams(options.path.split('?')[1]).get('en');
  const props = options.body?.d?.event?.props;
  const kinds: Record<string, CollectedEvent['kind']> = { vwo_variationShown: 'impression', vwo_syncVisitorProp: 'push' };
  const impression = eventName === 'vwo_variationShown';
  return {
    kind: kinds[eventName ?? ''] ?? (eventName?.startsWith('vwo_') ? 'sdk' : 'conversion'),
    eventName,
    campaignId: impression ? Number(props?.id) : null,
    variationId: impression ? Number(props?.variation) : null,
    uuid: String(options.body?.d?.visId),
  };
}

/**
 * The journey on vwo-fme-node-sdk 1.35.0 itself, with `shouldWaitForTrackingCalls` (so each
 * call's requests are made before it resolves) and a network client that records each request
 * and answers 200 without sending anything: its decisions, and what it would have sent.
 */
export async function fmeSdkRun(population: readonly FmeVisitor[]): Promise<FmeSdkRun> {
  const sdk = createRequire(import.meta.url)('vwo-fme-node-sdk') as { init(options: Record<string, unknown>): Promise<FmeClient> };
  let sent: FmeEventKey[] = [];
  const record = async (request: { getOptions(): SdkRequestOptions }) => {
    sent.push(sdkEventKey(request.getOptions()));
    return { getStatusCode: () => 200, getData: () => ({}), getError: () => undefined, getTotalAttempts: () => 0 };
  };
  const vwo = await sdk.init({
    accountId: FME_SETTINGS_FILE.accountId,
    sdkKey: FME_SETTINGS_FILE.sdkKey,
    settings: FME_SETTINGS_FILE,
    shouldWaitForTrackingCalls: true,
    network: { client: { GET: record, POST: record } },
    logger: { level: 'ERROR', transport: { log: () => {} } },
  });
  const initEvents = sent.map((event) => String(event.eventName));
  sent = [];
  const answers: FmeAnswers[] = [];
  const calls: FmeEventKey[][] = [];
  for (const visitor of population) {
    answers.push(
      await fmeJourney(vwo, visitor, async () => {
        calls.push(sent);
        sent = [];
      }),
    );
  }
  return { answers, calls, initEvents };
}
