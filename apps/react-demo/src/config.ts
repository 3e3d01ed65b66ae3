/**
 * What the page reads from its address: `?collector=…&account=…&sdkKey=…&fmeSdkKey=…`, the
 * anonymous `visitor` id and the `user` id the "Log in" button switches to. The defaults match
 * `settings.json`, `fme-settings.json` and the collector port of a local run.
 */

/** The legacy (FullStack) A/B campaign of `settings.json`, and its goal. */
export const CAMPAIGN_KEY = 'checkout-button';
export const CHECKOUT_GOAL = 'checkout';

/** The FME feature of `fme-settings.json`, its variable (as an OpenFeature flag key), and its metric. */
export const FEATURE_KEY = 'search-results';
export const LAYOUT_FLAG = `${FEATURE_KEY}.layout`;
export const SEARCH_METRIC = 'search';

/** The OpenFeature domains the two web providers are bound to. */
export const LEGACY_DOMAIN = 'vwo-legacy';
export const FME_DOMAIN = 'vwo-fme';

export interface PageConfig {
  readonly collectorUrl: string;
  readonly accountId: string;
  readonly sdkKey: string;
  readonly fmeSdkKey: string;
  /** The anonymous visitor's id: the `targetingKey` before logging in. */
  readonly visitorId: string;
  /** The id the visitor has once logged in. */
  readonly userId: string;
}

const DEFAULTS: PageConfig = {
  collectorUrl: 'http://127.0.0.1:8080',
  accountId: '612347',
  sdkKey: 'react-demo-legacy-5d2b8e1c',
  fmeSdkKey: 'react-demo-fme-9a4f0c7e',
  visitorId: 'anonymous-visitor',
  userId: 'user-42',
};

/**
 * The page's configuration from its query string; an absent or empty value takes its default.
 *
 * @example
 * readPageConfig('?visitor=v-1&user=ana').userId; // 'ana'
 */
export function readPageConfig(search: string): PageConfig {
  const query = new URLSearchParams(search);
  const read = (name: string, fallback: string) => query.get(name) || fallback;
  return {
    collectorUrl: read('collector', DEFAULTS.collectorUrl),
    accountId: read('account', DEFAULTS.accountId),
    sdkKey: read('sdkKey', DEFAULTS.sdkKey),
    fmeSdkKey: read('fmeSdkKey', DEFAULTS.fmeSdkKey),
    visitorId: read('visitor', DEFAULTS.visitorId),
    userId: read('user', DEFAULTS.userId),
  };
}
