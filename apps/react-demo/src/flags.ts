/**
 * OpenFeature's set-up, done once before React renders: a web provider per VWO client, each
 * bound to its own domain, and the anonymous visitor as the evaluation context. Outside React, so
 * StrictMode's double effects cannot set a provider twice.
 */
import { OpenFeature } from '@openfeature/web-sdk';
import { launch } from '@vwo/browser';
import { VWOWebProvider } from '@vwo/openfeature-provider/web';
import { FME_DOMAIN, LEGACY_DOMAIN, type PageConfig } from './config.js';
import { startFmeClient } from './fme-client.js';

export function setUpFlags(config: PageConfig): void {
  const { accountId, collectorUrl } = config;
  // The default context: both domain-bound providers decide for it, and a login replaces it.
  void OpenFeature.setContext({ targetingKey: config.visitorId });
  // The providers launch their clients at initialize, and close them on OpenFeature.close().
  OpenFeature.setProvider(LEGACY_DOMAIN, new VWOWebProvider({ launch: () => launch({ accountId, sdkKey: config.sdkKey, collectorUrl }) }));
  OpenFeature.setProvider(
    FME_DOMAIN,
    new VWOWebProvider({ launch: () => startFmeClient({ accountId, sdkKey: config.fmeSdkKey, collectorUrl }) }),
  );
}
