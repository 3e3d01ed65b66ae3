/**
 * UTF-8 by hand (the core has no `TextEncoder` or `Buffer`) for the server build of encoding.ts
 * (the browser build reads UTF-8 back from `encodeURIComponent`'s escapes): lone surrogates are written as U+FFFD (EF BF BD), as `TextEncoder`
 * writes them, where 1.73.0's `encodeURIComponent` would throw.
 */

/** Upper bound of the UTF-8 length of a string: 3 bytes per UTF-16 code unit. */
export function maxUtf8Length(text: string): number {
  return text.length * 3;
}

/**
 * Writes the UTF-8 bytes of `text` into `out` from `offset` (lone surrogates as U+FFFD) and
 * returns the offset after the last byte. `out` must have room for {@link maxUtf8Length}.
 */
export function writeUtf8(text: string, out: Uint8Array, offset: number): number {
  let at = offset;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    let code = text.charCodeAt(i);
    if (code < 0x80) {
      out[at++] = code;
      continue;
    }
    if (code < 0x800) {
      out[at++] = 0xc0 | (code >> 6);
      out[at++] = 0x80 | (code & 0x3f);
      continue;
    }
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
        out[at++] = 0xf0 | (code >> 18);
        out[at++] = 0x80 | ((code >> 12) & 0x3f);
        out[at++] = 0x80 | ((code >> 6) & 0x3f);
        out[at++] = 0x80 | (code & 0x3f);
        continue;
      }
      code = 0xfffd;
    }
    out[at++] = 0xe0 | (code >> 12);
    out[at++] = 0x80 | ((code >> 6) & 0x3f);
    out[at++] = 0x80 | (code & 0x3f);
  }
  return at;
}
