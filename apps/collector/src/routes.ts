import { decodeTolerant } from './query.js';
import type { Endpoint } from './types.js';

export type Route =
  | { kind: 'vwo'; endpoint: Endpoint; method: 'GET' | 'POST'; prefix: string | null }
  | { kind: 'control'; name: string }
  | { kind: 'unknown' };

const VWO_PATHS = new Map<string, { endpoint: Endpoint; method: 'GET' | 'POST' }>([
  ['server-side/settings', { endpoint: 'settings', method: 'GET' }],
  ['server-side/pull', { endpoint: 'pull', method: 'GET' }],
  ['server-side/track-user', { endpoint: 'track-user', method: 'GET' }],
  ['server-side/track-goal', { endpoint: 'track-goal', method: 'GET' }],
  ['server-side/push', { endpoint: 'push', method: 'GET' }],
  ['server-side/batch-events', { endpoint: 'batch-events', method: 'POST' }],
  ['events/t', { endpoint: 'event-arch', method: 'POST' }],
  ['server-side/v2-settings', { endpoint: 'v2-settings', method: 'GET' }],
  ['server-side/v2-pull', { endpoint: 'v2-pull', method: 'GET' }],
  ['server-side/batch-events-v2', { endpoint: 'batch-events-v2', method: 'POST' }],
]);

export const CONTROL_PREFIX = '_collector';

/**
 * Maps a path to an endpoint. One leading segment may be a collection prefix (`/eu/...`,
 * events.md §2); 1.73.0 never prefixes the settings fetch, but accepting it costs nothing.
 */
export function route(path: string): Route {
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  if (trimmed.startsWith(`${CONTROL_PREFIX}/`)) {
    return { kind: 'control', name: trimmed.slice(CONTROL_PREFIX.length + 1) };
  }
  const direct = VWO_PATHS.get(trimmed);
  if (direct) return { kind: 'vwo', ...direct, prefix: null };
  const slash = trimmed.indexOf('/');
  if (slash > 0) {
    const prefix = trimmed.slice(0, slash);
    const prefixed = VWO_PATHS.get(trimmed.slice(slash + 1));
    if (prefixed && prefix !== CONTROL_PREFIX) return { kind: 'vwo', ...prefixed, prefix: decodeTolerant(prefix) };
  }
  return { kind: 'unknown' };
}

/** Splits a request target into path and raw query; absolute-form targets (`http://h/p`) are reduced to the path. */
export function splitTarget(target: string): { path: string; rawQuery: string } {
  let rest = target;
  if (!rest.startsWith('/')) {
    const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(rest);
    if (origin) rest = rest.slice(origin[0].length);
  }
  const hash = rest.indexOf('#');
  if (hash !== -1) rest = rest.slice(0, hash);
  const question = rest.indexOf('?');
  const path = question === -1 ? rest : rest.slice(0, question);
  return { path: path === '' ? '/' : path, rawQuery: question === -1 ? '' : rest.slice(question + 1) };
}
