import type { FmeSettings } from '../fme/settings/model.js';
import { parseFmeSettings } from '../fme/settings/parse.js';
import { formatIssues } from '../settings/issues.js';
import { type BootstrapCheck, checkedBootstrap, type RefusedBootstrap } from './consume.js';

/** A usable FME bootstrap's settings, or why it is refused (one sentence, for the one log line). */
export type FmeBootstrapVerdict = UsableFmeBootstrap | RefusedBootstrap;

/** An FME bootstrap an `init` client can start from. */
export interface UsableFmeBootstrap {
  /** Always `true`. */
  readonly ok: true;
  /** The FME settings file it holds, as `init({ settings })` takes it. */
  readonly settingsFile: Readonly<Record<string, unknown>>;
  /** That file parsed. */
  readonly settings: FmeSettings;
}

/**
 * {@link checkBootstrap} for an FME client (`init`): the same refusals (format and version,
 * visitor, age, revision, account) with the FME settings parser; a `launch` bootstrap is
 * refused as malformed. Never throws.
 */
export function checkFmeBootstrap(input: unknown, check: BootstrapCheck): FmeBootstrapVerdict {
  return checkedBootstrap<FmeSettings>(input, check, 'init', (file) => {
    const parsed = parseFmeSettings(file);
    if (!parsed.ok) return { error: formatIssues(parsed.issues).replace(/\n/g, '; ') };
    return { settings: parsed.settings, accountId: parsed.settings.accountId };
  });
}
