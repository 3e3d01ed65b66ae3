import { fmeSettingsFileOf } from '../fme/client/settings-file.js';
import type { FmeSettings } from '../fme/settings/model.js';
import { trimFmeSettings } from './fme-trim.js';
import { BOOTSTRAP_FORMAT, BOOTSTRAP_VERSION, type FmeBootstrap } from './format.js';

/** What {@link createFmeBootstrap} needs besides the settings. */
export interface FmeBootstrapOptions {
  /** The visitor the server decides for (the `context.id` of its calls); the page must start its client for the same one. */
  readonly userId: string;
  /**
   * Trim the settings to these features (and the features their decisions read: the other
   * features of their mutually exclusive groups, those named by `featureId` segments), to keep
   * the HTML small. Answers for them are unchanged; the page's client knows no other feature.
   * Default: the whole settings file.
   */
  readonly featureKeys?: readonly string[];
  /** The clock, for tests (default `Date.now`). */
  readonly now?: () => number;
}

/**
 * A bootstrap for one visitor from the settings an FME client decides with (`vwo.settings` of
 * `init`), so that the page's `initFromBootstrap` client decides exactly as the server did,
 * without fetching the settings. Render with `explain`, which decides as `getFlag` without
 * sending, storing or calling back: the page's `getFlag` then sends the only impression.
 *
 * Returns `null` (and makes nothing up) when `settings` are not a client's (`undefined` when its
 * settings file was invalid, or a model parsed outside a client), `userId` is not a non-empty
 * string, or `featureKeys` is not an array of strings: the page then starts normally.
 *
 * @example
 * const vwo = await init({ accountId, sdkKey });
 * const hero = await vwo.explain('hero', { id: userId }); // sends nothing
 * const bootstrap = createFmeBootstrap(vwo.settings, { userId, featureKeys: ['hero'] });
 * const html = `<h1>${hero.enabled ? 'New' : 'Old'}</h1>${bootstrap ? bootstrapScript(bootstrap) : ''}`;
 */
export function createFmeBootstrap(settings: FmeSettings | undefined, options: FmeBootstrapOptions): FmeBootstrap | null {
  const { userId, featureKeys } = options ?? ({} as FmeBootstrapOptions);
  if (typeof userId !== 'string' || userId === '') return null;
  if (featureKeys !== undefined && !(Array.isArray(featureKeys) && featureKeys.every((key) => typeof key === 'string'))) return null;
  const file = settings ? fmeSettingsFileOf(settings) : undefined;
  if (!settings || file === undefined) return null;
  return {
    format: BOOTSTRAP_FORMAT,
    version: BOOTSTRAP_VERSION,
    sdk: 'init',
    accountId: settings.accountId,
    userId,
    createdAt: (options.now ?? Date.now)(),
    revision: settings.version,
    featureKeys: featureKeys === undefined ? null : [...featureKeys],
    settings: featureKeys === undefined ? file : trimFmeSettings(settings, file, featureKeys),
  };
}
