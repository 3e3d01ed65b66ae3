/** Small tools the sections share: waiting with a bound, a recording logger, counting logged drops. */
import type { Logger } from '@vwo/node';
import type { Section } from './report.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds; throws after `ms` (every wait of the suite is bounded). */
export async function eventually(what: string, check: () => boolean, ms: number, stepMs = 10): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`${what}: not reached within ${ms} ms`);
    await sleep(stepMs);
  }
  return Date.now() - started;
}

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

/** A logger that keeps its lines (up to `max`, then only counts them). */
export function recordingLogger(max = 100_000): { logger: Logger; lines: LogLine[]; count: () => number } {
  const lines: LogLine[] = [];
  let count = 0;
  const at = (level: LogLine['level']) => (message: string) => {
    count += 1;
    if (lines.length < max) lines.push({ level, message });
  };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines, count: () => count };
}

/**
 * The events the SDK's log lines say were lost, by reason: given up after the last retry,
 * refused by the collector, dropped because the queue was full, dropped at close. Every lost
 * event must appear in exactly one of these lines (`delivery.ts` writes them).
 */
const LOSS_PATTERNS: ReadonlyArray<readonly [reason: string, pattern: RegExp]> = [
  ['gave up', /gave up on (\d+) event\(s\)/],
  ['refused', /refused (\d+) event\(s\)/],
  ['queue full', /events: dropped (\d+) event\(s\): \d+ events are already pending/],
  ['queue full', /events: dropped (\d+) more events, the queue being full/],
  ['queue full', /(\d+) more events dropped earlier, the queue being full/],
  ['at close', /events: dropped (\d+) events at close/],
  ['after close', /events: dropped (\d+) event\(s\) sent after close/],
];

export function loggedLosses(lines: readonly LogLine[]): { lines: number; events: number; byReason: Record<string, number> } {
  const byReason: Record<string, number> = {};
  let count = 0;
  for (const { message } of lines) {
    let matched = false;
    for (const [reason, pattern] of LOSS_PATTERNS) {
      const found = pattern.exec(message);
      if (!found) continue;
      byReason[reason] = (byReason[reason] ?? 0) + Number(found[1]);
      matched = true;
    }
    if (matched) count += 1;
  }
  return { lines: count, events: Object.values(byReason).reduce((a, b) => a + b, 0), byReason };
}

/** Milliseconds with one decimal, for tables. */
export const ms = (value: number) => Math.round(value * 10) / 10;

/** Catches unhandled rejections and uncaught exceptions for the duration of a test. */
export interface UnhandledWatch {
  readonly errors: unknown[];
  stop(): void;
}

export function watchUnhandled(): UnhandledWatch {
  const errors: unknown[] = [];
  const onError = (error: unknown) => errors.push(error);
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    errors,
    stop: () => {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}

/** The goal every fault run records: nothing escaped to the process (first three errors shown). */
export function noUnhandledGoal(report: Pick<Section, 'goal'>, name: string, unhandled: UnhandledWatch, expected = '0'): boolean {
  return report.goal(name, unhandled.errors.length === 0, unhandled.errors.map(String).slice(0, 3), expected);
}
