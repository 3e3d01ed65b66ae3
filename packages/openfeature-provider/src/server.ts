/**
 * `@vwo/openfeature-provider/server`: VWO FullStack campaigns and feature variables as
 * OpenFeature flags, for `@openfeature/server-sdk`.
 *
 * @packageDocumentation
 */
export { VWOServerProvider } from './server-provider.js';
export type { VWOClientSource, VWOProviderOptions } from './shared/options.js';
