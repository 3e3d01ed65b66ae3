import { parseArgs } from 'node:util';
import { CliError } from './errors.js';
import { closestNames } from './suggest.js';

type OptionSpec = { type: 'string' | 'boolean'; short?: string; multiple?: boolean };
export type OptionSpecs = Record<string, OptionSpec>;

/** The parsed command line of one command: its one positional (the settings file) and its flags. */
export interface CommandLine {
  readonly file: string | undefined;
  readonly values: Record<string, string | boolean | string[] | undefined>;
}

/**
 * Parses a command's arguments strictly; every mistake becomes a one-line {@link CliError}
 * (exit 2) that names the flag and, for a typo, the closest real one.
 */
export function parseCommandLine(command: string, args: readonly string[], options: OptionSpecs): CommandLine {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new CliError(`vwo ${command}: ${friendlyArgsError(error as Error & { code?: string }, options)} (see vwo ${command} --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { file: undefined, values: { help: true } };
  if (positionals.length > 1)
    throw new CliError(`vwo ${command}: unexpected argument ${JSON.stringify(positionals[1])} (one settings file only)`);
  return { file: positionals[0], values: values as CommandLine['values'] };
}

function friendlyArgsError(error: Error & { code?: string }, options: OptionSpecs): string {
  const flag = /(--[\w-]+)/.exec(error.message)?.[1] ?? /'(-[^-' ,]+)/.exec(error.message)?.[1];
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const names = Object.keys(options).map((name) => `--${name}`);
      const close = flag ? closestNames(flag, [...names, '--help']) : [];
      return `unknown option ${flag ?? ''}${close.length > 0 ? `; did you mean ${close.join(' or ')}?` : ''}`.trim();
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(error.message)
        ? `${flag ?? 'an option'} takes no value`
        : `${flag ?? 'an option'} needs a value`;
    default:
      return error.message.split('\n')[0] ?? 'bad arguments';
  }
}

/** A string flag's value, or an error when it is required and missing. */
export function requiredString(command: string, line: CommandLine, name: string, example: string): string {
  const value = line.values[name];
  if (typeof value !== 'string' || value === '') throw new CliError(`vwo ${command}: --${name} is required (${example})`);
  return value;
}

/** A positive integer flag (`--users 10000`, `--users 10_000`, `--users 1e4`). */
export function positiveInteger(command: string, name: string, value: unknown, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const text = String(value).replaceAll('_', '').replaceAll(',', '');
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1) {
    throw new CliError(`vwo ${command}: --${name} expects a positive whole number, got ${JSON.stringify(value)}`);
  }
  if (n > max) throw new CliError(`vwo ${command}: --${name} is at most ${max.toLocaleString('en-US')}, got ${value}`);
  return n;
}
