/**
 * encoding.ts for the browser build: the same text and bytes, without the fast paths that
 * spare a server's hot loop a regular expression or a native call (encoding.ts says why each
 * exists). Lone surrogates are U+FFFD in both.
 */

import { maxUtf8Length, writeUtf8 } from './utf8.js';

export { maxUtf8Length, writeUtf8 };

/** The UTF-8 byte length of a string (lone surrogates count as U+FFFD, 3 bytes), for `Content-Length`. */
export function utf8Length(text: string): number {
  return writeUtf8(text, new Uint8Array(maxUtf8Length(text)), 0);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

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
