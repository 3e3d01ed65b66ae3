/** The account, SDK key and campaign of `settings.json`, the file the collector serves. */
export const ACCOUNT_ID = 734512;
export const SDK_KEY = 'next-demo-legacy-8a4f2c71';
export const CAMPAIGN_KEY = 'hero';

/** The headline each variation renders; the element also carries the variation's name. */
export const HEADLINES: Record<string, string> = {
  Control: 'Ship experiments you can trust',
  'Variation-1': 'Decide on the server, show it at once',
};

/** The FME environment of `fme-settings.json` (same account, its own SDK key) and the feature the `/fme` page shows. */
export const FME_SDK_KEY = 'next-demo-fme-3b9d51e0';
export const FEATURE_KEY = 'banner';
/** The headline when the flag gives none (it always does here: both variations carry one). */
export const DEFAULT_BANNER = 'Flags you can trust';

/** Where the SDKs reach VWO: the local collector (`VWO_COLLECTOR_URL`, read on the server at request time). */
export function collectorUrl(): string {
  return process.env.VWO_COLLECTOR_URL ?? 'http://127.0.0.1:8080';
}
