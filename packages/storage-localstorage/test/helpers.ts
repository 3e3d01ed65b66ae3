import type { Logger } from '@vwo/core';

/** A logger that keeps the lines it is given (info, warn and error), for tests that count them. */
export function recordingLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, debug() {}, info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(m), error: (m) => lines.push(`error: ${m}`) };
}

/**
 * Fills this origin's real localStorage until Chromium refuses even one more character
 * (halving the chunk on each QuotaExceededError), and returns what frees it again.
 */
export function fillLocalStorage(): () => void {
  const keys: string[] = [];
  let size = 2 ** 21;
  while (size >= 1) {
    const key = `filler-${keys.length}`;
    try {
      localStorage.setItem(key, 'x'.repeat(size));
      keys.push(key);
    } catch (error) {
      if ((error as Error).name !== 'QuotaExceededError') throw error;
      size = Math.floor(size / 2);
    }
  }
  return () => {
    for (const key of keys) localStorage.removeItem(key);
  };
}

/** The name of what localStorage.setItem throws for a small write now, or 'nothing'. */
export function smallWriteError(): string {
  try {
    localStorage.setItem('probe-small-write', 'v'.repeat(64));
    localStorage.removeItem('probe-small-write');
    return 'nothing';
  } catch (error) {
    return (error as Error).name;
  }
}

/** The names of the cookies of the page (percent-encoded, as in document.cookie). */
export function cookieNames(): string[] {
  return document.cookie ? document.cookie.split('; ').map((pair) => pair.slice(0, pair.indexOf('='))) : [];
}

/** Expires every cookie of the page (path /). */
export function clearAllCookies(): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the adapter under test writes document.cookie; the Cookie Store API is async and not in every browser
  for (const name of cookieNames()) document.cookie = `${name}=; path=/; max-age=0`;
}

/** The cookie name a record key gets: the key percent-encoded, `!'()*` included. */
export function cookieNameOf(key: string): string {
  return encodeURIComponent(key).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
