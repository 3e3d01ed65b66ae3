import { FME_ACCOUNT_ID, FME_SDK_KEY } from './settings.js';

/** A transport (`init`'s `transport` option) that answers every request `200 {}` and sends nothing anywhere. */
export const QUIET_TRANSPORT = { send: async (_request: unknown) => ({ status: 200, body: '{}' }) };

/**
 * The options of an FME `init` on the account of {@link checkoutFlagSettings}, over `settings`,
 * whose requests go nowhere ({@link QUIET_TRANSPORT}): for tests of answers, not of events.
 * `extra` adds options (a logger). Options only: this package depends on no SDK, so the SDKs'
 * own tests can use it.
 */
export function quietInitOptions<Settings, Extra extends object>(settings: Settings, extra: Extra) {
  return { accountId: FME_ACCOUNT_ID, sdkKey: FME_SDK_KEY, settings, transport: QUIET_TRANSPORT, ...extra };
}
