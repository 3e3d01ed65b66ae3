/**
 * The path of an event URL, for log lines (the query carries the SDK key). The delivery asks
 * for it once per request, right after the request was written. Parsing the URL again cost
 * ~10 % of an unbatched `isFeatureEnabled`: the URL is still a rope of the pieces it was
 * written from, and a regular expression first copies it into one block. The delivery now names
 * a path only for the log line of a failed attempt, so the server's GET writer no longer hands it
 * over (the slot's store cost a write barrier on every request, apps/bench/README.md); a writer
 * may still remember the URL it just wrote, and any other URL is parsed.
 */

let lastUrl: string | undefined;
let lastPath = '/';

/** Remembers that `url`'s path is `path` (as {@link urlPath} would parse it); returns `url`. */
export function rememberUrlPath(url: string, path: string): string {
  lastUrl = url;
  lastPath = path;
  return url;
}

/**
 * The path of `url`, without scheme, host or query.
 *
 * @example
 * urlPath('https://dev.visualwebsiteoptimizer.com/eu/server-side/track-user?a=1&env=key&'); // '/eu/server-side/track-user'
 */
export function urlPath(url: string): string {
  // The URL just written is the same string, found by reference; another URL of the same
  // length is compared by content, which is what the parse below would read anyway.
  if (url === lastUrl) return lastPath;
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').replace(/[?#].*$/s, '');
  return path === '' ? '/' : path;
}
