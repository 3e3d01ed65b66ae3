/**
 * What the repository's tests share. Built to dist/ by tsup, as other packages are.
 */
export { bundleForPage, type PageBundleOptions } from './bundle.js';
export { CHROMIUM_ARGS, CHROMIUM_FLAGS, chromiumPath, launchChromium, requireChromium } from './chromium.js';
export { QUIET_TRANSPORT, quietInitOptions } from './fme-client.js';
export { maskFmeEnvelope, maskFmeQuery } from './fme-mask.js';
export { closeServer, freeLoopbackPort, listenOnLoopback, type ServedPage, servePage } from './loopback.js';
export { openPage } from './page.js';
export {
  ACCOUNT_ID,
  abCampaign,
  type CheckoutFlagOptions,
  checkoutFlagSettings,
  FME_ACCOUNT_ID,
  FME_SDK_KEY,
  featureTest,
  rollout,
  SDK_KEY,
  settingsFile,
} from './settings.js';
export { sleep, waitFor, withTimeout } from './wait.js';
