import type { Transport, TransportResponse } from '../client/types.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, withDeadline } from '../util/deadline.js';
import { errorMessage } from '../util/types.js';
import { SettingsFetchError } from './settings-fetch-error.js';

/**
 * One GET of the settings file, bounded by `timeoutMs` whatever the transport does; rejects with a
 * {@link SettingsFetchError} naming the reason (status, no answer in time, bad JSON, no status).
 */
export async function fetchSettingsFile(transport: Transport, url: string, timeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): Promise<unknown> {
  const where = url.split('?')[0];
  let response: TransportResponse | undefined;
  try {
    response = await withDeadline(() => transport.send({ method: 'GET', url }), timeoutMs, `GET ${where}`);
  } catch (error) {
    throw new SettingsFetchError(`GET ${where} failed: ${errorMessage(error)}`);
  }
  let status: unknown;
  let body: unknown;
  try {
    status = response?.status;
    body = response?.body;
  } catch {
    // A hostile answer is no answer; the check below says so.
  }
  if (typeof status !== 'number') throw new SettingsFetchError(`GET ${where}: the transport resolved no HTTP status`);
  if (status < 200 || status >= 300) throw new SettingsFetchError(`GET ${where} answered HTTP ${status}`);
  try {
    return JSON.parse(typeof body === 'string' ? body : '');
  } catch {
    throw new SettingsFetchError(`GET ${where} answered something that is not JSON`);
  }
}
