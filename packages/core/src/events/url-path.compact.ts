/** url-path.ts for the browser build: every URL is parsed, none remembered (a page sends few). */

/** `url`, unchanged: the browser build keeps no path. */
export function rememberUrlPath(url: string, _path: string): string {
  return url;
}

/** The path of `url`, without scheme, host or query. */
export function urlPath(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/[?#].*$/s, '');
  return path === '' ? '/' : path;
}
