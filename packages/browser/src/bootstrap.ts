/**
 * Starting from a server's bootstrap (issue 20): the client exists at once, before any fetch,
 * so the first render already has the visitor's variation. Its own module, imported only by
 * apps that use it, so that `launch` alone ships none of it.
 */
import { type BootstrapCheck, checkBootstrap, safeLogger, type VWOClient } from '@vwo/core';
import { pageBootstrapCheck, pageBootstrapVerdict, unusedBootstrapLine } from './bootstrap-read.js';
import { type LaunchConfig, launch, launchFromSettingsFile } from './launch.js';

/** `launch`'s options plus the bootstrap and the checks it must pass. */
export interface BootstrapLaunchConfig extends LaunchConfig, Pick<BootstrapCheck, 'maxAgeMs' | 'minRevision'> {
  /**
   * The server's bootstrap: its JSON text (`readBootstrap()`) or the parsed object. A missing,
   * malformed, stale or another visitor's bootstrap is logged once (warn) and the client starts
   * as `launch` does, from `settingsFile` or by fetching with `accountId` and `sdkKey`.
   */
  readonly bootstrap: unknown;
  /** The page's visitor: the bootstrap must have been made for this one. */
  readonly userId: string;
}

/** A client started from a bootstrap, or on its way the normal way. */
export interface BootstrappedLaunch {
  /** The client, usable at once, when the bootstrap was usable; `null` when it starts normally. */
  readonly client: VWOClient | null;
  /** Resolves the client either way; rejects as `launch` does when the normal start fails. */
  readonly ready: Promise<VWOClient>;
  /** `'bootstrap'` when the client started from it, `'launch'` when it fell back to a normal start. */
  readonly source: 'bootstrap' | 'launch';
}

/**
 * Starts a client synchronously from a server's bootstrap: no settings fetch, and the same
 * decisions and events as a client that fetched the same settings (the server's
 * `getVariationName` sends no impression; the page's `activate` sends the only one).
 *
 * @example
 * import { launchFromBootstrap, readBootstrap } from '@vwo/browser';
 * const { client, ready } = launchFromBootstrap({ accountId, sdkKey, userId, bootstrap: readBootstrap() });
 * const vwo = client ?? (await ready);
 * render(await vwo.activate('hero', userId));
 */
export function launchFromBootstrap(config: BootstrapLaunchConfig): BootstrappedLaunch {
  const options = config ?? ({} as BootstrapLaunchConfig);
  const { bootstrap, userId, maxAgeMs, minRevision, ...launchConfig } = options;
  const log = safeLogger(launchConfig.logger, launchConfig.logLevel);
  let reason: string;
  try {
    const verdict = pageBootstrapVerdict(bootstrap, (parsed) => checkBootstrap(parsed, pageBootstrapCheck(options)));
    if (verdict.ok) {
      const client = launchFromSettingsFile({ ...launchConfig, settingsFile: verdict.settingsFile }, verdict.settingsFile);
      return { client, ready: Promise.resolve(client), source: 'bootstrap' };
    }
    reason = verdict.reason;
  } catch (error) {
    // A bad option fails the normal start the same way: let `launch` reject with it.
    reason = `${(error as Error).message}`;
  }
  log.warn(unusedBootstrapLine(reason));
  return { client: null, ready: launch(launchConfig), source: 'launch' };
}
