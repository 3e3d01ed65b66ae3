/**
 * What the page reads from its address: `?collector=…&account=…&sdkKey=…`, plus `batch=1` to
 * queue events (sent when the page hides, or hourly) and `log=<level>` for the SDK's console log.
 * The defaults match `settings.json` and the collector port `npm start` uses.
 */
import type { LogLevel } from '@vwo/browser';

/** The A/B campaign of `settings.json` the page runs, and its goals. */
export const CAMPAIGN_KEY = 'signup-banner';
export const SIGNUP_GOAL = 'signup';
export const PURCHASE_GOAL = 'purchase';
/** What the "Buy" button reports to the revenue goal. */
export const PURCHASE_REVENUE = 9.99;

export const DEFAULT_COLLECTOR_URL = 'http://127.0.0.1:8080';
export const DEFAULT_ACCOUNT_ID = '612346';
export const DEFAULT_SDK_KEY = 'browser-demo-7c1e9a2f4b';

/** With `?batch=1` events wait in the queue this long (s), so only a page hide or a full queue sends them. */
export const BATCH_INTERVAL_S = 3600;

export interface PageConfig {
  readonly collectorUrl: string;
  readonly accountId: string;
  readonly sdkKey: string;
  /** Queue events into batches instead of one request per event. */
  readonly batch: boolean;
  readonly logLevel: LogLevel;
}

const LOG_LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error', 'silent'];

/**
 * The page's configuration from its query string; an absent or empty value takes its default.
 * Values are not checked here: `launch` rejects a bad collector URL naming the option.
 *
 * @example
 * readPageConfig('?collector=http://127.0.0.1:9000&batch=1').batch; // true
 */
export function readPageConfig(search: string): PageConfig {
  const query = new URLSearchParams(search);
  const value = (name: string) => query.get(name)?.trim() || undefined;
  const log = value('log');
  return {
    collectorUrl: value('collector') ?? DEFAULT_COLLECTOR_URL,
    accountId: value('account') ?? DEFAULT_ACCOUNT_ID,
    sdkKey: value('sdkKey') ?? DEFAULT_SDK_KEY,
    batch: ['1', 'true', 'yes'].includes(value('batch') ?? ''),
    logLevel: log !== undefined && LOG_LEVELS.includes(log) ? (log as LogLevel) : 'warn',
  };
}

/** The FME page (`fme.html`): its flag, event and the account and key of `fme-settings.json`. */
export const FME_FLAG_KEY = 'checkout-button';
export const FME_PURCHASE_EVENT = 'purchase';
export const DEFAULT_FME_ACCOUNT_ID = '612347';
export const DEFAULT_FME_SDK_KEY = 'browser-demo-fme-3d8b6c0e1a';

const FME_LOG_LEVELS: Readonly<Record<string, 'DEBUG' | 'INFO' | 'WARN' | 'ERROR'>> = {
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
};

/**
 * The FME page's configuration: the same query parameters as the legacy page's, with the FME
 * account and key of `fme-settings.json` as defaults and `log` as vwo-fme-node-sdk names levels.
 *
 * @example
 * readFmePageConfig('?log=debug').logLevel; // 'DEBUG'
 */
export function readFmePageConfig(
  search: string,
): Omit<PageConfig, 'logLevel'> & { readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' } {
  const query = new URLSearchParams(search);
  const page = readPageConfig(search);
  return {
    ...page,
    accountId: query.get('account')?.trim() || DEFAULT_FME_ACCOUNT_ID,
    sdkKey: query.get('sdkKey')?.trim() || DEFAULT_FME_SDK_KEY,
    logLevel: FME_LOG_LEVELS[query.get('log')?.trim() ?? ''] ?? 'WARN',
  };
}
