import { FME_HOST, FME_NODE_SDK, type FmeSdkIdentity } from '../events/requests.js';

/**
 * The settings URL of vwo-fme-node-sdk 1.35.0 (fme/events.md §2): `v2-settings` at init and when
 * polling, `v2-pull` for `updateSettings()` via a webhook; `s=prod` unless in development mode.
 *
 * @example
 * fmeSettingsUrl({ accountId: 123456, sdkKey: 'key', endpoint: 'settings', random: 0.5 });
 * // 'https://dev.visualwebsiteoptimizer.com/server-side/v2-settings?i=key&r=0.5&a=123456&platform=server&sn=vwo-fme-node-sdk&sv=1.35.0&api-version=1&s=prod'
 */
export function fmeSettingsUrl(options: {
  readonly accountId: string | number;
  readonly sdkKey: string;
  readonly endpoint: 'settings' | 'pull';
  readonly random: number;
  readonly isDevelopmentMode?: boolean | undefined;
  /** The SDK named by `sn`, `sv` and `platform` (default {@link FME_NODE_SDK}: `platform=server`). */
  readonly sdk?: FmeSdkIdentity | undefined;
  /** A gateway service's `scheme://host[:port]` instead of VWO's host. */
  readonly base?: string | undefined;
}): string {
  const sdk = options.sdk ?? FME_NODE_SDK;
  const path = options.endpoint === 'pull' ? 'v2-pull' : 'v2-settings';
  const query =
    `i=${options.sdkKey}&r=${options.random}&a=${String(options.accountId)}&platform=${sdk.platform}` +
    `&sn=${sdk.name}&sv=${sdk.version}&api-version=1${options.isDevelopmentMode ? '' : '&s=prod'}`;
  return `${options.base ?? `https://${FME_HOST}`}/server-side/${path}?${query}`;
}
