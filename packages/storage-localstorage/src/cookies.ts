/** The cookie jar of the page (`document.cookie`), for records that localStorage cannot hold. */

/** Options of the cookie fallback ({@link LocalStorageOptions.cookie}). */
export interface CookieOptions {
  /** The cookies' `path` (default `'/'`, the whole site). */
  readonly path?: string;
  /** The cookies' `domain` (default none: this host only). */
  readonly domain?: string;
  /** Lifetime in seconds (default one year). */
  readonly maxAge?: number;
  /** The cookies' `SameSite` (default `'Lax'`); `'None'` implies `Secure`. */
  readonly sameSite?: 'Lax' | 'Strict' | 'None';
  /** Whether the cookies are `Secure` (default: when the page is `https:`). */
  readonly secure?: boolean;
  /**
   * The most bytes the namespace's cookies may take in all (default 4096): they are sent with
   * every request to the site, and servers commonly refuse request headers over 8 KB. A record
   * that would exceed it, or the browser's 4 KB per cookie, is kept in memory instead.
   */
  readonly maxTotalBytes?: number;
}

/**
 * Browsers keep a cookie only when its name and value together fit in 4096 bytes (RFC 6265
 * §6.1, and what Chromium, Firefox and Safari enforce); the margin leaves room for rounding
 * between engines. Names and values are percent-encoded, so characters are bytes.
 */
export const MAX_COOKIE_BYTES = 4000;
/** Every cookie rides on every request to the site: servers commonly refuse headers over 8 KB. */
export const DEFAULT_COOKIE_BUDGET = 4096;
/** A year; Chromium caps cookie lifetimes at 400 days anyway. */
export const DEFAULT_COOKIE_MAX_AGE = 365 * 24 * 60 * 60;

interface CookieDocument {
  cookie: string;
}

export interface CookieJar {
  /** Whether the page has a cookie jar that can be read (an opaque origin's throws). */
  readonly readable: () => boolean;
  /** Whether any cookie of the namespace is in the jar now. */
  readonly holdsAny: () => boolean;
  /** The decoded value of the cookie of `key`, if there is one. */
  readonly read: (key: string) => string | undefined;
  /**
   * Writes `value` under `key` when it fits (one cookie, and the namespace's budget), and
   * reads it back: `'written'`, `'too big'`, or `'refused'` when the browser dropped it.
   */
  readonly write: (key: string, value: string) => 'written' | 'too big' | 'refused';
  /** Expires the cookie of `key`, if there is one. */
  readonly remove: (key: string) => void;
  /** Expires every cookie of the namespace. */
  readonly clear: () => void;
}

/**
 * A cookie per record: the name is the record's key, the value its JSON, both percent-encoded
 * (so `;`, `=`, spaces and non-ASCII text cannot break the cookie string). `prefix` is the
 * namespace's key prefix. Every method may throw (a sandboxed document's `document.cookie`
 * throws a SecurityError): the caller catches.
 */
export function cookieJar(prefix: string, options: CookieOptions): CookieJar {
  const doc = () => (globalThis as { document?: CookieDocument }).document;
  const namePrefix = encode(prefix);
  const budget = options.maxTotalBytes ?? DEFAULT_COOKIE_BUDGET;
  const sameSite = options.sameSite ?? 'Lax';
  // Browsers drop a SameSite=None cookie that is not Secure.
  const secure =
    options.secure ?? (sameSite === 'None' || (globalThis as { location?: { protocol?: string } }).location?.protocol === 'https:');
  const attributes = `; path=${options.path ?? '/'}${options.domain ? `; domain=${options.domain}` : ''}; samesite=${sameSite}${secure ? '; secure' : ''}`;
  const maxAge = Math.floor(options.maxAge ?? DEFAULT_COOKIE_MAX_AGE);

  /** The namespace's cookies now in the jar, as [encoded name, encoded value]. */
  const own = (): Array<[string, string]> => {
    const out: Array<[string, string]> = [];
    const jar = doc()?.cookie ?? '';
    for (const pair of jar ? jar.split('; ') : []) {
      if (!pair.startsWith(namePrefix)) continue;
      const eq = pair.indexOf('=');
      if (eq > 0) out.push([pair.slice(0, eq), pair.slice(eq + 1)]);
    }
    return out;
  };
  const cookieValue = (name: string) => own().find(([n]) => n === name)?.[1];
  const put = (name: string, value: string, age: number) => {
    const target = doc();
    if (target) target.cookie = `${name}=${value}${attributes}; max-age=${age}`;
  };

  return {
    readable: () => {
      const target = doc();
      if (!target || typeof target.cookie !== 'string') return false;
      return (globalThis as { navigator?: { cookieEnabled?: boolean } }).navigator?.cookieEnabled !== false;
    },
    holdsAny: () => own().length > 0,
    read: (key) => {
      const value = cookieValue(encode(key));
      if (value === undefined) return undefined;
      try {
        return decodeURIComponent(value);
      } catch {
        return value; // not ours after all: the caller's parse turns it into a logged miss
      }
    },
    write: (key, value) => {
      const name = encode(key);
      const encoded = encode(value);
      let total = name.length + encoded.length + 1;
      if (total > MAX_COOKIE_BYTES) return 'too big';
      for (const [n, v] of own()) if (n !== name) total += n.length + v.length + 3; // "; " and "="
      if (total > budget) return 'too big';
      put(name, encoded, maxAge);
      return cookieValue(name) === encoded ? 'written' : 'refused';
    },
    remove: (key) => {
      const name = encode(key);
      if (cookieValue(name) !== undefined) put(name, '', 0);
    },
    clear: () => {
      for (const [name] of own()) put(name, '', 0);
    },
  };
}

/**
 * `encodeURIComponent` plus the five characters it leaves alone that cookie names may not hold.
 * It throws on a lone surrogate: keys and values are JSON, which escapes those (`\ud800`).
 */
function encode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
