/**
 * `@vwo/openfeature-provider/web`: VWO FullStack campaigns and feature variables as
 * OpenFeature flags, for `@openfeature/web-sdk`.
 *
 * @packageDocumentation
 */
export type { VWOClientSource, VWOProviderOptions } from './shared/options.js';
export { VWOWebProvider } from './web-provider.js';
