/**
 * `@vwo/openfeature-provider/server`: VWO FullStack campaigns and feature variables, or VWO
 * FME features and their variables, as OpenFeature flags, for `@openfeature/server-sdk`.
 *
 * @packageDocumentation
 */
export { VWOServerProvider } from './server-provider.js';
export type { AnyVWOClient, VWOClientSource, VWOProviderOptions } from './shared/options.js';
