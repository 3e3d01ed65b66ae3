/**
 * Starting an FME client (`init`) from a server's bootstrap (issue 20): the client exists at
 * once, before any settings fetch, so the first render already has the visitor's flags. Its own
 * module, imported only by apps that use it: `launch` and `init` alone ship none of it.
 */
import { type BootstrapCheck, checkFmeBootstrap, createFmeClient, type FmeClient, fmeLogger } from '@vwo/core';
import { pageBootstrapCheck, pageBootstrapVerdict, unusedBootstrapLine } from './bootstrap-read.js';
import { type InitConfig, init, pageInit } from './init.js';

/** `init`'s options plus the bootstrap and the checks it must pass. */
export interface BootstrapInitConfig extends InitConfig, Pick<BootstrapCheck, 'maxAgeMs' | 'minRevision'> {
  /**
   * The server's bootstrap (`createFmeBootstrap` of `@vwo/node`): its JSON text (`readBootstrap()`)
   * or the parsed object. A missing, malformed, stale, another visitor's or a `launch` bootstrap
   * is logged once (warn) and the client starts as `init` does, from `settings` or by fetching.
   * A usable one replaces `settings`.
   */
  readonly bootstrap: unknown;
  /** The page's visitor (the `context.id` of its calls): the bootstrap must have been made for this one. */
  readonly userId: string;
}

/** An FME client started from a bootstrap, or on its way the normal way. */
export interface BootstrappedInit {
  /** The client, usable at once, when the bootstrap was usable; `null` when it starts normally. */
  readonly client: FmeClient | null;
  /** Resolves the client either way; rejects as `init` does when the normal start fails. */
  readonly ready: Promise<FmeClient>;
  /** `'bootstrap'` when the client started from it, `'init'` when it fell back to a normal start. */
  readonly source: 'bootstrap' | 'init';
}

/**
 * Starts an FME client synchronously from a server's bootstrap: no settings fetch, and the same
 * decisions and events as `init` given the same settings (the server's `explain` sends nothing;
 * the page's `getFlag` sends the only impression). With `shouldWaitForTrackingCalls`, `ready`
 * does not wait for the start events as `init` does: the client is there at once.
 *
 * @example
 * import { initFromBootstrap, readBootstrap } from '@vwo/browser';
 * const { client, ready } = initFromBootstrap({ accountId, sdkKey, userId, bootstrap: readBootstrap() });
 * const vwo = client ?? (await ready);
 * const flag = await vwo.getFlag('hero', { id: userId }); // the server's answer, and the impression
 */
export function initFromBootstrap(config: BootstrapInitConfig): BootstrappedInit {
  const options = config ?? ({} as BootstrapInitConfig);
  const { bootstrap, userId, maxAgeMs, minRevision, ...initConfig } = options;
  let reason: string;
  try {
    const verdict = pageBootstrapVerdict(bootstrap, (parsed) => checkFmeBootstrap(parsed, pageBootstrapCheck(options)));
    if (verdict.ok) {
      const page = pageInit({ ...initConfig, settings: verdict.settingsFile as Record<string, unknown> });
      const client = page.forPage(createFmeClient(page.clientConfig({ settings: verdict.settingsFile, fromCache: false })));
      return { client, ready: Promise.resolve(client), source: 'bootstrap' };
    }
    reason = verdict.reason;
  } catch (error) {
    // A bad option fails the normal start the same way: let `init` reject with it.
    reason = `${(error as Error).message}`;
  }
  fmeLogger(initConfig.logger).warn(unusedBootstrapLine(reason));
  return { client: null, ready: init(initConfig), source: 'init' };
}
