import { readFileSync } from 'node:fs';
import { formatIssues, parseSettings, type Settings, type SettingsIssue, type SettingsValidationError } from '@vwo/core';
import { CliError, EXIT_INVALID } from './errors.js';
import { parseJson } from './json-error.js';
import { closestNames } from './suggest.js';

/** Reads a file (or standard input for `-`) as UTF-8 text, with a one-line reason when it cannot. */
export function readText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory, not a file'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied'
            : (error as Error).message;
    throw new CliError(`cannot read ${path}: ${reason}`);
  }
}

/** Parses a settings file's text as JSON; bad JSON is an error naming the line and column. */
export function readJsonFile(path: string): unknown {
  const parsed = parseJson(readText(path));
  if (!parsed.ok) {
    const { line, column, offset, message } = parsed.error;
    throw new CliError(`${path}:${line}:${column}: not valid JSON (at character ${offset + 1}): ${message}`);
  }
  return parsed.value;
}

/** A parsed settings file and what `parseSettings` said about it. */
export interface LoadedSettings {
  readonly path: string;
  readonly raw: unknown;
  readonly settings: Settings;
  readonly warnings: readonly SettingsIssue[];
}

/** Reads and parses a settings file; an invalid one is an error (exit 1) listing every bad field. */
export function loadSettings(path: string, raw: unknown = readJsonFile(path)): LoadedSettings {
  const result = parseSettings(raw);
  if (!result.ok) throw invalidSettings(path, result.error);
  return { path, raw, settings: result.settings, warnings: result.warnings };
}

export function invalidSettings(path: string, error: SettingsValidationError): CliError {
  const n = error.issues.length;
  return new CliError(
    `${path} is not a valid settings file (${n} problem${n === 1 ? '' : 's'}; vwo-node-sdk 1.73.0 would refuse it):`,
    EXIT_INVALID,
    formatIssues(error.issues)
      .split('\n')
      .map((line) => `  ${line}`),
  );
}

/** The campaign of a key, or an error that suggests the closest keys. */
export function campaignOf(loaded: LoadedSettings, key: string) {
  const campaign = loaded.settings.campaignsByKey.get(key);
  if (campaign) return campaign;
  throw unknownKey('campaign', key, [...loaded.settings.campaignsByKey.keys()], loaded.path);
}

/** `unknown <kind> "key" in <path>`, with the closest keys, or the keys there are. */
export function unknownKey(kind: 'campaign' | 'feature', key: string, keys: readonly string[], path: string): CliError {
  const close = closestNames(key, keys);
  const hint =
    close.length > 0
      ? `; did you mean ${close.map((k) => JSON.stringify(k)).join(' or ')}?`
      : keys.length === 0
        ? ` (it has no ${kind}s)`
        : `; its ${kind}s are ${keys
            .slice(0, 8)
            .map((k) => JSON.stringify(k))
            .join(', ')}${keys.length > 8 ? ', …' : ''}`;
  return new CliError(`unknown ${kind} ${JSON.stringify(key)} in ${path}${hint}`);
}

/** Parses a `--vars`/`--targeting` value: a JSON object. */
export function jsonObjectOption(flag: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  const parsed = parseJson(text);
  if (!parsed.ok) {
    throw new CliError(`${flag}: not valid JSON at column ${parsed.error.column}: ${parsed.error.message} (e.g. ${flag} '{"plan":"pro"}')`);
  }
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliError(
      `${flag}: expected a JSON object such as '{"plan":"pro"}', got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
    );
  }
  return value as Record<string, unknown>;
}
