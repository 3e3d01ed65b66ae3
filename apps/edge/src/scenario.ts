/**
 * The run the test performs inside the edge VM: fetch the settings file from the collector with
 * the runtime's `fetch`, parse it, create the client over `@vwo/transport-fetch`, take a
 * population through {@link journey}, then flush and close. Only web APIs are used here.
 */
import { type BatchEventsConfig, createClient, type EventStats, type FlushResult, parseSettings, SDK_NAME, SDK_VERSION } from '@vwo/core';
import { createFetchTransport } from '@vwo/transport-fetch';
import { type Answers, journey, visitors } from './journey.js';

/** What the test hands to {@link runScenario}. */
export interface ScenarioInput {
  /** The collector's base URL, e.g. `http://127.0.0.1:54321`. */
  readonly collectorUrl: string;
  readonly accountId: number;
  readonly sdkKey: string;
  /** Size of the population. */
  readonly users: number;
  /** Queue events and send them in batches; without it each event is one GET. */
  readonly batch?: Pick<BatchEventsConfig, 'eventsPerRequest' | 'requestTimeInterval'>;
}

/** What {@link runScenario} reports back to the test. */
export interface ScenarioReport {
  /** Status of the settings fetch. */
  readonly settingsStatus: number;
  /** Warnings of `parseSettings`, at their field paths. */
  readonly settingsWarnings: readonly string[];
  readonly answers: readonly Answers[];
  /** What `flushEvents()` resolved. */
  readonly flush: FlushResult;
  /** The client's event totals after `close()`. */
  readonly stats: EventStats;
  /** `flushCallback` calls: the error message, or null for a batch that went out. */
  readonly batchCallbacks: readonly (string | null)[];
  /** Every log line at `warn` or above, with its level. */
  readonly logs: readonly string[];
}

export async function runScenario(input: ScenarioInput): Promise<ScenarioReport> {
  const base = input.collectorUrl.replace(/\/+$/, '');
  // The query @vwo/node's launch sends (vwo-node-sdk 1.73.0's): account, key, a cache buster, the SDK.
  const query = `a=${input.accountId}&i=${encodeURIComponent(input.sdkKey)}&r=${Math.random()}&platform=server&sdk=${SDK_NAME}&sdk-v=${SDK_VERSION}`;
  const response = await fetch(`${base}/server-side/settings?${query}`);
  const parsed = parseSettings(await response.json());
  if (!parsed.ok) throw new Error(`the collector served invalid settings: ${parsed.error.message}`);

  const logs: string[] = [];
  const batchCallbacks: (string | null)[] = [];
  const vwo = createClient({
    settings: parsed.settings,
    // Generous: on a loaded CI machine a request may take seconds, and this run asserts that no
    // event was retried or given up at close (the fault runs live in apps/reliability).
    transport: createFetchTransport({ timeoutMs: 30_000 }),
    closeTimeout: 30_000,
    collectorUrl: base,
    logLevel: 'warn',
    logger: {
      debug: () => {},
      info: () => {},
      warn: (message) => logs.push(`warn: ${message}`),
      error: (message) => logs.push(`error: ${message}`),
    },
    batchEvents: input.batch && {
      ...input.batch,
      flushCallback: (error) => batchCallbacks.push(error ? error.message : null),
    },
  });

  const answers: Answers[] = [];
  for (const visitor of visitors(input.users)) answers.push(await journey(vwo, visitor));
  const flush = await vwo.flushEvents();
  await vwo.close();
  return {
    settingsStatus: response.status,
    settingsWarnings: parsed.warnings.map((warning) => `${warning.path}: ${warning.message}`),
    answers,
    flush,
    stats: vwo.eventStats(),
    batchCallbacks,
    logs,
  };
}
