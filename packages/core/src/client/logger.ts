import type { Logger, LogLevel } from './types.js';

const SEVERITY: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 };
const PREFIX = 'VWO-SDK';

/** The log methods the client calls; each writes one line and never throws. */
export type SafeLogger = Logger;

/**
 * Wraps the user's logger: lines below `level` are skipped before any string is built by
 * the caller's logger, and a logger that throws can never break a decision.
 */
export function safeLogger(target: Logger | undefined, level: LogLevel = 'error'): SafeLogger {
  const threshold = SEVERITY[level] ?? SEVERITY.error;
  const sink = target ?? consoleLogger();
  const write = (method: keyof Logger, severity: number) => (message: string) => {
    if (severity < threshold) return;
    try {
      sink[method](`${PREFIX} ${message}`);
    } catch {
      // A broken logger must not take the host application's call down with it.
    }
  };
  return { debug: write('debug', 0), info: write('info', 1), warn: write('warn', 2), error: write('error', 3) };
}

/** Whether a level is one the SDK knows. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && Object.hasOwn(SEVERITY, value);
}

function consoleLogger(): Logger {
  const output = (globalThis as { console?: Partial<Logger> }).console;
  const noop = () => undefined;
  return {
    debug: (m) => (output?.debug ?? noop)(m),
    info: (m) => (output?.info ?? noop)(m),
    warn: (m) => (output?.warn ?? noop)(m),
    error: (m) => (output?.error ?? noop)(m),
  };
}
