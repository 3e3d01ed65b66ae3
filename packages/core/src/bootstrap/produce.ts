import type { Settings } from '../settings/model.js';
import { BOOTSTRAP_FORMAT, BOOTSTRAP_VERSION, type Bootstrap } from './format.js';
import { trimSettings } from './trim.js';

/** What {@link createBootstrap} needs besides the settings. */
export interface BootstrapOptions {
  /** The visitor the server decides for; the page must start its client for the same one. */
  readonly userId: string;
  /**
   * Trim the settings to these campaigns (and the other campaigns of their groups), to keep the
   * HTML small. Answers for them are unchanged; the page's client knows no other campaign.
   * Default: the whole settings file.
   */
  readonly campaignKeys?: readonly string[];
  /** The clock, for tests (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * A bootstrap for one visitor from the settings a server-side client decides with
 * (`client.settings`), so that the page's client decides exactly as the server did.
 * Returns `null` (and makes nothing up) when `userId` is not a non-empty string or
 * `campaignKeys` is not an array of strings: the page then starts normally.
 *
 * @example
 * const vwo = await launch({ settingsFile });
 * const variation = await vwo.getVariationName('hero', userId); // sends nothing
 * const html = `<h1>${variation}</h1>${bootstrapScript(createBootstrap(vwo.settings, { userId }))}`;
 */
export function createBootstrap(settings: Settings, options: BootstrapOptions): Bootstrap | null {
  const { userId, campaignKeys } = options ?? ({} as BootstrapOptions);
  if (typeof userId !== 'string' || userId === '') return null;
  if (campaignKeys !== undefined && !(Array.isArray(campaignKeys) && campaignKeys.every((key) => typeof key === 'string'))) return null;
  return {
    format: BOOTSTRAP_FORMAT,
    version: BOOTSTRAP_VERSION,
    sdk: 'launch',
    accountId: settings.accountId,
    userId,
    createdAt: (options.now ?? Date.now)(),
    revision: settings.version,
    campaignKeys: campaignKeys === undefined ? null : [...campaignKeys],
    settings: campaignKeys === undefined ? settings.raw : trimSettings(settings.raw, campaignKeys),
  };
}
