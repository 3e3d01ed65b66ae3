import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Collector, type CollectorStats, startCollector } from '@vwo/collector';
import { parseSettings, type Settings } from '@vwo/core';
import { type DecisionProperties, launch } from '@vwo/node';
import { createMemoryStorage } from '@vwo/storage-memory';
import { buildFmeReport } from './fme/report.js';
import { type FmeRun, loadFmeSettings, runFmeDemo } from './fme/run.js';
import { renderHtml } from './html.js';
import { population } from './population.js';
import { createProgress, type ProgressStream } from './progress.js';
import { seededRandom } from './random.js';
import { buildReport, type DemoReport } from './report.js';
import { simulateUser } from './simulation.js';
import { countImpression, createTally } from './tally.js';
import { reportLines } from './text.js';

/** The settings file shipped with the demo. */
export const SETTINGS_PATH = fileURLToPath(new URL('../settings.json', import.meta.url));
/** The VWO FME settings file shipped with the demo. */
export const FME_SETTINGS_PATH = fileURLToPath(new URL('../fme-settings.json', import.meta.url));

export interface DemoOptions {
  readonly users: number;
  /** Users of the FME part (`init`, `getFlag`, `trackEvent`); 0 skips it. */
  readonly fmeUsers: number;
  readonly seed: string;
  /** Where to write the HTML report (null: do not write). */
  readonly htmlPath: string | null;
  /** Where to write the JSON report (null: do not write). */
  readonly jsonPath: string | null;
  /** Send to a collector that is already running (it must serve both shipped settings files); default: start one. */
  readonly collectorUrl?: string;
  /** Progress output (default stderr). */
  readonly progress?: ProgressStream;
  /** Report output, one line per call (default stdout). */
  readonly print?: (line: string) => void;
}

/** Users simulated between two yields to the event loop, which lets batches go out and come in. */
const CHUNK = 250;
/** Above this many events in flight the simulation waits for the collector to catch up. */
const HIGH_WATER = 20_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads the shipped settings file and checks it: it must parse with no warning at all. */
export function loadDemoSettings(path = SETTINGS_PATH): { file: Record<string, unknown>; settings: Settings } {
  const file = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const parsed = parseSettings(file);
  if (!parsed.ok) throw parsed.error;
  if (parsed.warnings.length > 0) {
    throw new Error(`the demo settings file has warnings: ${parsed.warnings.map((w) => `${w.path}: ${w.message}`).join('; ')}`);
  }
  return { file, settings: parsed.settings };
}

async function statsOf(collector: Collector | null, url: string): Promise<CollectorStats> {
  if (collector) return collector.stats();
  const response = await fetch(`${url}/_collector/stats`);
  if (!response.ok) throw new Error(`the collector at ${url} answered ${response.status} for its stats`);
  return (await response.json()) as CollectorStats;
}

/**
 * The demo: starts the local collector (serving the shipped settings), launches `@vwo/node`
 * against it (settings fetched from it, events batched to it, a memory user storage), runs the
 * population, closes the SDK, then reports what the collector received.
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { file, settings } = loadDemoSettings();
  const fmeFile = loadFmeSettings(FME_SETTINGS_PATH);
  const collector = options.collectorUrl ? null : await startCollector({ host: '127.0.0.1', port: 0, settings: [file, fmeFile] });
  const collectorUrl = options.collectorUrl ?? (collector as Collector).url;
  const sdkLog: string[] = [];
  const keep = (line: string) => {
    if (sdkLog.length < 20) sdkLog.push(line);
  };
  const tally = createTally();
  // The SDK's own account of the impressions it sends: every fresh or whitelisted decision of
  // activate/isFeatureEnabled (a decision from the user storage sends none).
  const onDecision = (decision: DecisionProperties) => {
    if (decision.fromUserStorageService || (decision.source !== 'activate' && decision.source !== 'isFeatureEnabled')) return;
    const campaign = settings.campaignsByKey.get(decision.campaignKey);
    const name =
      campaign?.type === 'FEATURE_ROLLOUT'
        ? decision.isFeatureEnabled
          ? campaign.variations[0]?.name
          : undefined
        : decision.variationName;
    if (typeof name === 'string') countImpression(tally, decision.campaignKey, name);
  };
  try {
    const started = performance.now();
    const vwo = await launch({
      accountId: settings.accountId,
      sdkKey: settings.sdkKey as string,
      collectorUrl,
      userStorage: createMemoryStorage({ maxEntries: options.users * settings.campaigns.length + 1000 }),
      batchEvents: { eventsPerRequest: 1000, requestTimeInterval: 60 },
      maxPendingEvents: 100_000,
      closeTimeout: 30_000,
      logLevel: 'warn',
      logger: { debug: keep, info: keep, warn: keep, error: keep },
      integrations: { callback: onDecision },
      // The report demands that the collector counted exactly what the SDK sent. A batch resent
      // after its answer was lost would be counted twice without ids; the local collector reads
      // them (VWO's endpoints are never the target here, so the extra field is safe).
      eventIds: true,
    });
    const random = seededRandom(options.seed);
    const progress = createProgress(options.users, options.progress ?? process.stderr);
    let done = 0;
    for (const user of population(options.users, random)) {
      await simulateUser(vwo, user, random, tally);
      done++;
      if (done % CHUNK === 0) {
        progress.update(done);
        await new Promise((resolve) => setImmediate(resolve));
        while (vwo.eventStats().pending > HIGH_WATER) await sleep(2);
      }
    }
    progress.finish(done);
    await vwo.flushEvents();
    await vwo.close();
    const durationMs = performance.now() - started;
    let fmeRun: FmeRun | null = null;
    if (options.fmeUsers > 0) fmeRun = await runFmeDemo({ file: fmeFile, collectorUrl, users: options.fmeUsers, seed: options.seed });
    const stats = await statsOf(collector, collectorUrl);
    const fme =
      fmeRun &&
      buildFmeReport({
        file: fmeFile,
        settingsFile: relative(process.cwd(), FME_SETTINGS_PATH) || FME_SETTINGS_PATH,
        stats: stats.fme,
        batchRequests: stats.requests.byEndpoint['batch-events-v2'] ?? 0,
        tally: fmeRun.tally,
        wire: fmeRun.wire,
        users: options.fmeUsers,
        durationMs: fmeRun.durationMs,
      });
    const report = buildReport({
      settings,
      settingsFile: relative(process.cwd(), SETTINGS_PATH) || SETTINGS_PATH,
      stats,
      tally,
      sdkEvents: vwo.eventStats(),
      seed: options.seed,
      users: options.users,
      durationMs,
      collectorUrl,
      fme,
    });
    for (const line of reportLines(report)) print(line);
    for (const [name, lines] of [
      ['The SDK (launch) logged (first lines):', sdkLog],
      ['The SDK (init) logged (first lines):', fmeRun?.log ?? []],
    ] as const) {
      if (lines.length === 0) continue;
      print('');
      print(name);
      for (const line of lines) print(`  ${line}`);
    }
    if (options.htmlPath) {
      writeFileSync(options.htmlPath, renderHtml(report));
      print('');
      print(`HTML report: ${options.htmlPath}`);
    }
    if (options.jsonPath) {
      writeFileSync(options.jsonPath, `${JSON.stringify(report, null, 2)}\n`);
      print(`JSON report: ${options.jsonPath}`);
    }
    return report;
  } finally {
    await collector?.close();
  }
}
