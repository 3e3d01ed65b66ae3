import type { Logger } from '../../client/types.js';

/** vwo-fme-node-sdk's `logger` option (fme/api.md §7). */
export interface FmeLoggerOptions {
  /** `TRACE`, `DEBUG`, `INFO`, `WARN` or `ERROR` (any case; default `ERROR`). */
  readonly level?: string;
  /** Console line prefix (default `VWO-SDK`). */
  readonly prefix?: string;
  /** Gives the date of console lines (default `new Date().toISOString()`). */
  readonly dateTimeFormat?: () => string;
  /** Receives the bare message; the console is then silent. */
  readonly transport?: FmeLogTransport;
  /** More destinations, after `transport`; each receives the bare message and the console is then silent. */
  readonly transports?: readonly FmeLogTransport[];
}

/** A log destination: `log(level, message)` with a lower-case level. */
export interface FmeLogTransport {
  /** This destination's minimum level (any case); the logger's `level` when absent. */
  readonly level?: string;
  /** Receives one message: `level` is `debug`, `info`, `warn` or `error`. A throw is ignored. */
  log(level: string, message: string): void;
}

const RANK: Readonly<Record<string, number>> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

function rank(level: unknown, fallback: number): number {
  return typeof level === 'string' && Object.hasOwn(RANK, level.toLowerCase()) ? (RANK[level.toLowerCase()] as number) : fallback;
}

/**
 * A {@link Logger} that behaves as vwo-fme-node-sdk's: level filter, transports receiving bare
 * messages, else console lines `[LEVEL]: <prefix> <date> <message>`. Per client (1.35.0's is
 * process-wide), and a transport that throws never breaks a call.
 */
export function fmeLogger(options: FmeLoggerOptions | undefined): Logger {
  const given = options !== null && typeof options === 'object' ? options : {};
  const threshold = rank(given.level, RANK.error as number);
  const transports = [...(given.transport ? [given.transport] : []), ...(Array.isArray(given.transports) ? given.transports : [])];
  const prefix = typeof given.prefix === 'string' ? given.prefix : 'VWO-SDK';
  const date = () => {
    try {
      return typeof given.dateTimeFormat === 'function' ? given.dateTimeFormat() : new Date().toISOString();
    } catch {
      return new Date().toISOString();
    }
  };
  const console_ = (globalThis as unknown as { console?: Partial<Record<string, (line: string) => void>> }).console;
  const write = (level: string) => (message: string) => {
    const severity = RANK[level] as number;
    try {
      if (transports.length === 0) {
        if (severity >= threshold)
          (console_?.[level === 'debug' ? 'debug' : level] ?? console_?.log)?.(`[${level.toUpperCase()}]: ${prefix} ${date()} ${message}`);
        return;
      }
      for (const transport of transports) {
        if (severity >= rank(transport.level, threshold)) transport.log(level, message);
      }
    } catch {
      // A broken log destination must not break the host's call.
    }
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
