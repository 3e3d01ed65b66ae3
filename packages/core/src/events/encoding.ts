/**
 * Text encodings for event payloads: UTF-8 by hand (no `TextEncoder`/`Buffer` in the core),
 * `encodeURIComponent` that never throws, and the query-value escaping our URLs use.
 *
 * Lone surrogates: `encodeURIComponent` (and so 1.73.0's `uuid@3` and its UA/IP/tag
 * encoding) throws `URIError` on them, which in 1.73.0 fails the whole API call. We encode
 * them as U+FFFD instead, as `TextEncoder` and `Buffer.from(s, 'utf8')` do, so a user id or
 * user agent with a broken surrogate still gets a decision and its events. For every
 * well-formed string the bytes are identical to 1.73.0's.
 */

import { maxUtf8Length, writeUtf8 } from './utf8.js';

export { maxUtf8Length, writeUtf8 };

const NON_ASCII = /[\u0080-\uffff]/;

/** The UTF-8 byte length of a string (lone surrogates count as U+FFFD, 3 bytes), for `Content-Length`. */
export function utf8Length(text: string): number {
  // Bodies are nearly always ASCII: one native scan beats a loop over every character.
  if (!NON_ASCII.test(text)) return text.length;
  let bytes = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `encodeURIComponent`, except that lone surrogates become `%EF%BF%BD` instead of throwing.
 * Used where 1.73.0 calls `encodeURIComponent` (user agent, IP, push tags).
 */
export function encodeComponent(text: string): string {
  if (typeof text === 'string' && isUnreserved(text)) return text;
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

// Characters that change how a query string splits (`&`, `#`), how it decodes (`%`, and
// `+` for form decoders) or that are not printable ASCII.
const QUERY_UNSAFE = /[^!-~]|[%&#+]/gu;

/**
 * A query value as 1.73.0 writes it (raw, e.g. `ed={"p":"server"}`), except that the
 * characters of {@link QUERY_UNSAFE} are percent-encoded (UTF-8).
 *
 * Why: 1.73.0 concatenates values unencoded. For every value it actually sends in practice
 * (numbers, hex ids, `{"p":"server"}`, plain goal identifiers and sdk keys) this returns the
 * value unchanged, so our URL is byte-identical. Where 1.73.0's URL breaks — a goal
 * identifier or revenue with `&`, `#`, `%`, a space or non-ASCII text, which Node's `https`
 * either rejects (`ERR_UNESCAPED_CHARACTERS`) or sends as a different parameter list — ours
 * carries the intended value. Printable ASCII such as `{`, `"`, `|` stays raw: WHATWG URL
 * parsing (what `fetch` does) accepts it and percent-encodes what it must by itself.
 */
export function queryValue(text: string): string {
  return typeof text === 'string' && isQuerySafe(text) ? text : text.replace(QUERY_UNSAFE, encodeComponent);
}

/**
 * Whether `text` holds none of {@link QUERY_UNSAFE}'s characters, so {@link queryValue} returns
 * it as it is. Nearly every value is such (numbers, hex ids, sdk keys): a loop over the codes
 * costs a few ns where the global replace, with its unicode-aware regular expression, cost
 * ~60 ns a value even with nothing to replace (~16 % of an unbatched `isFeatureEnabled`).
 */
function isQuerySafe(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // `!`..`~` except `#` (0x23), `%` (0x25), `&` (0x26) and `+` (0x2b).
    if (code < 0x21 || code > 0x7e || code === 0x23 || code === 0x25 || code === 0x26 || code === 0x2b) return false;
  }
  return true;
}

/**
 * Whether `encodeURIComponent` returns `text` unchanged: every character is one of
 * `A–Z a–z 0–9 - _ . ! ~ * ' ( )`. The runtime call costs ~40 ns even then, and a user agent
 * or a push tag is usually such text only in part, so this answers the common case of short
 * plain values (IPv4 addresses, tag keys and values).
 */
function isUnreserved(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80 || UNRESERVED[code] === 0) return false;
  }
  return true;
}

/** 1 for the ASCII codes `encodeURIComponent` leaves as they are. */
const UNRESERVED = /* @__PURE__ */ (() => {
  const table = new Uint8Array(128);
  for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!~*'()") table[char.charCodeAt(0)] = 1;
  return table;
})();

/**
 * JavaScript's string conversion as 1.73.0 applies it when concatenating `key + '=' + value`
 * (`''+value`: `undefined` → `"undefined"`, arrays joined with commas, objects
 * `[object Object]`). Symbols, which would throw there, are described instead.
 */
export function jsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'symbol') return String(value);
  // biome-ignore lint/style/useTemplate: `'' + value` (default hint) is exactly what 1.73.0 evaluates.
  return '' + (value as string);
}

/**
 * {@link jsText} of a value that is usually a fresh double, such as `random`: the same text,
 * written without V8's number-to-string cache. `String(x)` of a double that was never
 * converted before stores the result in that cache, which lives in the old generation, so
 * every such string and its number survive the next scavenges and are promoted: on an unbatched
 * event loop this was the largest part of the garbage collector's time (~1.5–2.5 MB promoted
 * per scavenge). `JSON.stringify` of a finite number gives the same text (ECMA-262 writes both
 * with Number::toString) and leaves nothing behind; it also measured ~2× faster here.
 */
export function numberText(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? (JSON.stringify(value) as string) : jsText(value);
}
