/**
 * encoding.ts for the browser build: the same text and bytes, without the fast paths that
 * spare a server's hot loop a regular expression or a native call (encoding.ts says why each
 * exists), and UTF-8 read back from `encodeURIComponent`'s escapes instead of written by hand
 * (utf8.ts). Lone surrogates are U+FFFD in both.
 */

/**
 * The UTF-8 bytes of `text` as a string of char codes 0–255: `encodeURIComponent`'s escapes read
 * back by `unescape` (ECMAScript Annex B, which every browser has), both native.
 */
const utf8Bytes = (text: string) => unescape(encodeComponent(text));

/** Upper bound of the UTF-8 length of a string: 3 bytes per UTF-16 code unit. */
export function maxUtf8Length(text: string): number {
  return text.length * 3;
}

/**
 * Writes the UTF-8 bytes of `text` into `out` from `offset` (lone surrogates as U+FFFD) and
 * returns the offset after the last byte. `out` must have room for {@link maxUtf8Length}.
 */
export function writeUtf8(text: string, out: Uint8Array, offset: number): number {
  const bytes = utf8Bytes(text);
  for (let i = 0; i < bytes.length; i++) out[offset++] = bytes.charCodeAt(i);
  return offset;
}

/** The UTF-8 byte length of a string (lone surrogates count as U+FFFD, 3 bytes), for `Content-Length`. */
export function utf8Length(text: string): number {
  return utf8Bytes(text).length;
}

// Read by code points (`u`), a surrogate pair is one code point above U+FFFF: what this
// class matches is a lone surrogate.
const LONE_SURROGATE = /[\uD800-\uDFFF]/gu;

/** `encodeURIComponent`, except that lone surrogates become `%EF%BF%BD` instead of throwing. */
export function encodeComponent(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return encodeURIComponent(text.replace(LONE_SURROGATE, '\uFFFD'));
  }
}

/** A query value as 1.73.0 writes it, with `%&#+` and what is not printable ASCII percent-encoded (encoding.ts). */
export function queryValue(text: string): string {
  return text.replace(/[^!-~]|[%&#+]/gu, encodeComponent);
}

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

/** {@link jsText}: the server build writes fresh doubles without V8's number-to-string cache, the same text. */
export const numberText: (value: unknown) => string = jsText;
