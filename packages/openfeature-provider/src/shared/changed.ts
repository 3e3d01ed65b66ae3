import type { FmeSettings, Settings } from '@vwo/core';
import type { AnySettings } from './client-holder.js';
import { changedFlags } from './flags.js';
import { changedFmeFlags } from './fme/flags.js';
import { type AnyVWOClient, isFmeClient, type ProviderSetup } from './options.js';

/** `flagsChanged` of new settings of either client. */
export function flagsChangedBetween(
  client: AnyVWOClient | undefined,
  previous: AnySettings,
  next: AnySettings,
  setup: ProviderSetup,
): string[] {
  if (isFmeClient(client)) return changedFmeFlags(previous as FmeSettings | undefined, next as FmeSettings | undefined, setup.separator);
  return changedFlags(previous as Settings, next as Settings, setup.separator);
}
