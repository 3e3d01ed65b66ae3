import type { FmeClient } from '@vwo/core';
import type { FlagType } from '../flags.js';
import type { ProviderSetup } from '../options.js';
import type { Resolution } from '../resolution.js';
import { prepareFme, settleFme } from './resolution.js';

/**
 * One server evaluation over an FME client: `explain` of the feature (no side effects), then
 * the `getFlag` call you would make yourself, which sends its impressions as 1.35.0 does (on
 * every call). Feature flags and variable flags alike are one `getFlag`.
 */
export async function resolveFmeFlag<T>(
  client: FmeClient,
  flagKey: string,
  type: FlagType,
  defaultValue: T,
  context: Readonly<Record<string, unknown>>,
  setup: ProviderSetup,
): Promise<Resolution<T>> {
  const settings = client.settings;
  const prepared = prepareFme(settings, flagKey, type, defaultValue, context, setup);
  if (!settings || !('context' in prepared)) return prepared as Resolution<T>;
  const featureKey = prepared.flag.feature.key;
  // Fresh copies: with aliasing the client rewrites the context's id in place.
  const explanation = await client.explain(featureKey, { ...prepared.context });
  const flag = await client.getFlag(featureKey, { ...prepared.context });
  return settleFme(prepared, explanation, { enabled: flag.isEnabled(), variables: flag.getVariables() }, settings, defaultValue);
}
