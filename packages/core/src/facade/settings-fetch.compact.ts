/**
 * The browser build's settings GET (tsup.config.ts takes it for `settings-fetch.ts`): the same
 * answers accepted, every failure caught in one place and named by its own reason (the
 * transport's error, `HTTP 404`, the JSON parser's complaint).
 */
import type { Transport } from '../client/types.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, withDeadline } from '../util/deadline.js';
import { errorMessage } from '../util/types.js';
import { SettingsFetchError } from './settings-fetch-error.js';

/** One GET of the settings file, bounded by `timeoutMs`; rejects with a {@link SettingsFetchError} naming the reason. */
export async function fetchSettingsFile(transport: Transport, url: string, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<unknown> {
  const where = `GET ${url.split('?')[0]}`;
  let reason: string;
  try {
    const { status, body } = (await withDeadline(() => transport.send({ method: 'GET', url }), timeoutMs, where)) ?? {};
    reason = typeof status === 'number' ? `HTTP ${status}` : 'no HTTP status';
    if ((status as number) >= 200 && (status as number) < 300) return JSON.parse(typeof body === 'string' ? body : '');
  } catch (error) {
    reason = errorMessage(error);
  }
  throw new SettingsFetchError(`${where}: ${reason}`);
}
