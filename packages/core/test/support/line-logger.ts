import type { Logger } from '../../src/index.js';

/** A logger that keeps the warn and error lines a test reads, prefixed with their level. */
export const warnAndErrorLines = (lines: string[]): Logger => ({
  debug: () => undefined,
  info: () => undefined,
  warn: (line: string) => lines.push(`warn: ${line}`),
  error: (line: string) => lines.push(`error: ${line}`),
});
