/**
 * `@vwo/openfeature-provider/web`: VWO FullStack campaigns and feature variables, or VWO FME
 * features and their variables, as OpenFeature flags, for `@openfeature/web-sdk`.
 *
 * @packageDocumentation
 */
export type { AnyVWOClient, VWOClientSource, VWOProviderOptions } from './shared/options.js';
export { VWOWebProvider } from './web-provider.js';
