/**
 * The FME run the test performs inside the edge VM: start the client as the README's edge
 * function does ({@link startVwoFme}: settings from the collector with the runtime's `fetch`),
 * take a population through {@link fmeJourney}, then flush and close. After each API call it
 * asks the collector (with the VM's `fetch`) how many FME events it holds, so the test can
 * tell when each call's events arrived. Only web APIs are used here.
 */
import type { FmeBatchEventData } from '@vwo/core';
import { type FmeAnswers, fmeJourney, fmeVisitors } from './journey.js';
import { startVwoFme } from './worker.js';

/** What the test hands to {@link runFmeScenario}. */
export interface FmeScenarioInput {
  /** The collector's base URL, e.g. `http://127.0.0.1:54321`. */
  readonly collectorUrl: string;
  readonly accountId: number;
  readonly sdkKey: string;
  /** Size of the population. */
  readonly users: number;
  readonly shouldWaitForTrackingCalls?: boolean;
  /** Queue events (without `flushCallback`: the run records its calls). */
  readonly batch?: Pick<FmeBatchEventData, 'eventsPerRequest' | 'requestTimeInterval'>;
}

/** What {@link runFmeScenario} reports back to the test. */
export interface FmeScenarioReport {
  readonly answers: readonly FmeAnswers[];
  /** FME events the collector held once the client had started. */
  readonly arrivedAtStart: number;
  /** FME events the collector held after each API call resolved, in call order. */
  readonly arrivedAfterCalls: readonly number[];
  /** `flushEvents()`'s status and how many events its batch carried; `none` without batching (1.35.0 then reports an error, so it is not called). */
  readonly flush: { readonly status: string; readonly events: number };
  /** FME events the collector held once `flushEvents()` resolved, and once `close()` resolved. */
  readonly arrivedAfterFlush: number;
  readonly arrivedAfterClose: number;
  /** `flushCallback` calls: the error message, or null for a batch that went out; with its size. */
  readonly batchCallbacks: readonly (readonly [string | null, number])[];
  /** Every log line at `warn` or above, with its level. */
  readonly logs: readonly string[];
}

export async function runFmeScenario(input: FmeScenarioInput): Promise<FmeScenarioReport> {
  const base = input.collectorUrl.replace(/\/+$/, '');
  const arrived = async (): Promise<number> => {
    const response = await fetch(`${base}/_collector/stats`);
    const stats = (await response.json()) as { fme: { events: { total: number } } };
    return stats.fme.events.total;
  };
  const logs: string[] = [];
  const batchCallbacks: [string | null, number][] = [];
  const vwo = await startVwoFme({
    accountId: input.accountId,
    sdkKey: input.sdkKey,
    collectorUrl: base,
    shouldWaitForTrackingCalls: input.shouldWaitForTrackingCalls,
    // Generous: on a loaded CI machine a request may take seconds, and this run asserts that no event was lost.
    requestTimeout: 30_000,
    closeTimeout: 30_000,
    logger: { level: 'WARN', transport: { log: (level, message) => logs.push(`${level}: ${message}`) } },
    batchEventData: input.batch && {
      ...input.batch,
      flushCallback: (error, body) => batchCallbacks.push([error ? error.message : null, body.ev.length]),
    },
  });
  const arrivedAtStart = await arrived();

  const answers: FmeAnswers[] = [];
  const arrivedAfterCalls: number[] = [];
  for (const visitor of fmeVisitors(input.users)) {
    answers.push(await fmeJourney(vwo, visitor, async () => void arrivedAfterCalls.push(await arrived())));
  }
  let flush: FmeScenarioReport['flush'] = { status: 'none', events: 0 };
  if (input.batch) {
    const flushed = await vwo.flushEvents();
    flush = { status: flushed.status, events: 'ev' in flushed.events ? flushed.events.ev.length : flushed.events.length };
  }
  const arrivedAfterFlush = await arrived();
  await vwo.close();
  return {
    answers,
    arrivedAtStart,
    arrivedAfterCalls,
    flush,
    arrivedAfterFlush,
    arrivedAfterClose: await arrived(),
    batchCallbacks,
    logs,
  };
}
