import type { FmeRevenuePropLookup, RevenuePropLookup } from './events/draft.js';
import { isPlainObject } from './events/fields.js';
import { type FmeIndex, indexFmeSettings } from './fme-index.js';
import type { SettingsFile } from './types.js';

/** A settings file prepared once: the exact text served, and what the collector reads from it. */
interface SettingsEntry {
  readonly json: string;
  /** Null when the file has none: it then matches any account. */
  readonly accountId: string | null;
  /** Null when the file has none: it then matches any SDK key. */
  readonly sdkKey: string | null;
  /** `"<campaignId>|<goalId>"` → the goal's `revenueProp` (null for a goal without one). */
  readonly revenueProps: ReadonlyMap<string, string | null>;
  /** The file's FME features, rules and metrics (empty for a legacy file). */
  readonly fme: FmeIndex;
}

export interface SettingsRegistry {
  /** The settings served for `a` (account) and `i` (SDK key), or undefined. */
  resolve(accountId: string, sdkKey: string): string | undefined;
  readonly revenuePropOf: RevenuePropLookup;
  readonly fmeRevenuePropOf: FmeRevenuePropLookup;
  /** The FME index of the settings served for this account and SDK key, if any. */
  fmeIndexOf(accountId: string, sdkKey: string): FmeIndex | undefined;
  set(settings: SettingsFile | SettingsFile[] | null, key?: string): void;
}

function prepare(settings: unknown, label: string): SettingsEntry {
  if (!isPlainObject(settings)) throw new TypeError(`${label}: expected a settings object`);
  let json: string;
  try {
    json = JSON.stringify(settings);
  } catch (error) {
    throw new TypeError(`${label}: not serialisable as JSON (${(error as Error).message})`);
  }
  const { accountId, sdkKey } = settings;
  const revenueProps = new Map<string, string | null>();
  const campaigns = Array.isArray(settings.campaigns) ? settings.campaigns : [];
  for (const campaign of campaigns) {
    if (!isPlainObject(campaign) || !Array.isArray(campaign.goals)) continue;
    for (const goal of campaign.goals) {
      if (!isPlainObject(goal)) continue;
      const key = `${String(campaign.id)}|${String(goal.id)}`;
      if (!revenueProps.has(key)) {
        revenueProps.set(key, typeof goal.revenueProp === 'string' ? goal.revenueProp : null);
      }
    }
  }
  return {
    json,
    accountId: accountId === undefined || accountId === null ? null : String(accountId),
    sdkKey: typeof sdkKey === 'string' ? sdkKey : null,
    revenueProps,
    fme: indexFmeSettings(settings),
  };
}

/**
 * Settings are matched, in order: `settingsByKey["<a>:<i>"]`, `settingsByKey["<i>"]`, then the
 * first of the plain `settings` whose own `accountId` and `sdkKey` match (a file without one
 * of them matches any value).
 */
export function createSettingsRegistry(
  settings: SettingsFile | SettingsFile[] | undefined,
  settingsByKey: Record<string, SettingsFile> | undefined,
): SettingsRegistry {
  let files: SettingsEntry[] = [];
  const byKey = new Map<string, SettingsEntry>();

  const setFiles = (value: SettingsFile | SettingsFile[] | null | undefined): void => {
    const list = value === null || value === undefined ? [] : Array.isArray(value) ? value : [value];
    files = list.map((file, index) => prepare(file, `settings[${index}]`));
  };
  setFiles(settings);
  for (const [key, file] of Object.entries(settingsByKey ?? {})) {
    byKey.set(key, prepare(file, `settingsByKey[${JSON.stringify(key)}]`));
  }

  const find = (accountId: string, sdkKey: string): SettingsEntry | undefined =>
    byKey.get(`${accountId}:${sdkKey}`) ??
    byKey.get(sdkKey) ??
    files.find((file) => (file.accountId === null || file.accountId === accountId) && (file.sdkKey === null || file.sdkKey === sdkKey));

  return {
    resolve: (accountId, sdkKey) => find(accountId, sdkKey)?.json,
    revenuePropOf: (accountId, env, campaignId, goalId) => find(accountId, env)?.revenueProps.get(`${campaignId}|${goalId}`),
    fmeRevenuePropOf: (accountId, env, metric) => find(accountId, env)?.fme.revenueProps.get(metric),
    fmeIndexOf: (accountId, sdkKey) => find(accountId, sdkKey)?.fme,
    set(value, key) {
      if (key === undefined) {
        setFiles(value);
        return;
      }
      if (Array.isArray(value)) throw new TypeError('setSettings with a key takes one settings object');
      if (value === null) byKey.delete(key);
      else byKey.set(key, prepare(value, `settingsByKey[${JSON.stringify(key)}]`));
    },
  };
}
