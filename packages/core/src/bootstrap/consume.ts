import type { Settings } from '../settings/model.js';
import { parseSettings } from '../settings/parse.js';
import { BOOTSTRAP_FORMAT, BOOTSTRAP_VERSION } from './format.js';

/** How a page checks a bootstrap before starting from it. */
export interface BootstrapCheck {
  /** The page's visitor: a bootstrap made for another is refused. */
  readonly userId: string;
  /** Refuse a bootstrap older than this (default 15 minutes): a cached page may carry old settings. */
  readonly maxAgeMs?: number;
  /** Refuse settings whose `version` is below this one, when the page knows of a newer revision. */
  readonly minRevision?: number;
  /** Refuse a bootstrap of another account, when the page knows its account. */
  readonly accountId?: number | string;
  /** The clock, for tests (default `Date.now`). */
  readonly now?: () => number;
}

/** The default of {@link BootstrapCheck.maxAgeMs}: 15 minutes. */
export const DEFAULT_BOOTSTRAP_MAX_AGE_MS = 15 * 60_000;

/** A usable bootstrap's settings, or why it is refused (one sentence, for the one log line). */
export type BootstrapVerdict = UsableBootstrap | RefusedBootstrap;

/** A bootstrap a client can start from. */
export interface UsableBootstrap {
  /** Always `true`. */
  readonly ok: true;
  /** The settings file it holds, as `launch({ settingsFile })` takes it. */
  readonly settingsFile: Readonly<Record<string, unknown>>;
  /** That file parsed. */
  readonly settings: Settings;
}

/** A bootstrap the page must not start from, and why. */
export interface RefusedBootstrap {
  /** Always `false`. */
  readonly ok: false;
  /** What is wrong: its shape, its age or revision, or whom it was made for. */
  readonly kind: 'malformed' | 'stale' | 'other-visitor';
  /** One sentence, for the one log line. */
  readonly reason: string;
}

function refuse(kind: 'malformed' | 'stale' | 'other-visitor', reason: string): RefusedBootstrap {
  return { ok: false, kind, reason };
}

/**
 * Whether a bootstrap (as parsed from the page, any value) can start a client for `check.userId`
 * now: the format and version, the visitor, the age, the revision and account, and the settings
 * file itself. Never throws.
 */
export function checkBootstrap(input: unknown, check: BootstrapCheck): BootstrapVerdict {
  return checkedBootstrap<Settings>(input, check, 'launch', (file) => {
    const parsed = parseSettings(file);
    return parsed.ok ? { settings: parsed.settings, accountId: parsed.settings.accountId } : { error: parsed.error.message };
  });
}

/** A bootstrap's settings file as its client's parser reads it: the model and its account, or why it is invalid. */
export type BootstrapSettingsParse<S> = { readonly settings: S; readonly accountId: unknown } | { readonly error: string };

/**
 * The checks every bootstrap passes, for the client kind `sdk` whose parser is `parse`: the
 * envelope, the visitor, the age and revision, then the settings and the account. Never throws.
 */
export function checkedBootstrap<S>(
  input: unknown,
  check: BootstrapCheck,
  sdk: 'launch' | 'init',
  parse: (file: Record<string, unknown>) => BootstrapSettingsParse<S>,
): { readonly ok: true; readonly settingsFile: Readonly<Record<string, unknown>>; readonly settings: S } | RefusedBootstrap {
  try {
    const refused = envelopeRefusal(input, check, sdk);
    if (refused) return refused;
    const b = input as Record<string, unknown>;
    const settingsFile = b.settings as Record<string, unknown>;
    const parsed = parse(settingsFile);
    if ('error' in parsed) return refuse('malformed', `its settings are invalid: ${parsed.error}`);
    if (String(parsed.accountId) !== String(b.accountId)) return refuse('malformed', 'its accountId differs from its settings');
    if (check.accountId !== undefined && String(check.accountId) !== String(b.accountId))
      return refuse('other-visitor', `it is for account ${String(b.accountId)}, not ${String(check.accountId)}`);
    return { ok: true, settingsFile, settings: parsed.settings };
  } catch {
    // Only a hostile object (a throwing getter) gets here; JSON from a page never does.
    return refuse('malformed', 'reading it threw');
  }
}

function envelopeRefusal(input: unknown, check: BootstrapCheck, sdk: 'launch' | 'init'): RefusedBootstrap | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return refuse('malformed', 'it is not an object');
  const b = input as Record<string, unknown>;
  if (b.format !== BOOTSTRAP_FORMAT) return refuse('malformed', `its format is not "${BOOTSTRAP_FORMAT}"`);
  if (b.version !== BOOTSTRAP_VERSION) return refuse('malformed', `its version ${String(b.version)} is not ${BOOTSTRAP_VERSION}`);
  if (b.sdk !== sdk) return refuse('malformed', `it is for "${String(b.sdk)}" clients, not ${sdk}`);
  if (typeof b.userId !== 'string' || b.userId === '') return refuse('malformed', 'it names no visitor (userId)');
  if (typeof b.createdAt !== 'number' || !Number.isFinite(b.createdAt)) return refuse('malformed', 'it has no creation time (createdAt)');
  if (typeof b.settings !== 'object' || b.settings === null || Array.isArray(b.settings))
    return refuse('malformed', 'it holds no settings object');
  if (b.userId !== check.userId) return refuse('other-visitor', 'it was made for another visitor');
  const age = (check.now ?? Date.now)() - b.createdAt;
  const maxAge = check.maxAgeMs ?? DEFAULT_BOOTSTRAP_MAX_AGE_MS;
  if (age > maxAge) return refuse('stale', `it is ${Math.round(age / 1000)} s old, over maxAgeMs ${maxAge}`);
  if (check.minRevision !== undefined && !(Number(b.revision) >= check.minRevision))
    return refuse('stale', `its settings revision ${String(b.revision)} is below ${check.minRevision}`);
  return undefined;
}
