/**
 * String tests of the segment comparisons written as loops over char codes: V8's `startsWith`
 * and `endsWith` builtins cost several times a short loop for the texts segments compare, and
 * `toLowerCase` allocates a string per call.
 */

/** `tag.toLowerCase() === lowered`, without lower-casing a tag that is ASCII. */
export function equalsLowered(tag: string, lowered: string): boolean {
  const length = tag.length;
  for (let i = 0; i < length; i++) {
    let code = tag.charCodeAt(i);
    // Beyond ASCII, lower-casing may change the length or depend on the context (final sigma);
    // within it, each character maps to one, whatever surrounds it, so a difference found
    // after an ASCII prefix is a difference of the lower-cased texts.
    if (code >= 0x80) return tag.toLowerCase() === lowered;
    if (code >= 0x41 && code <= 0x5a) code += 0x20;
    if (code !== lowered.charCodeAt(i)) return false;
  }
  return length === lowered.length;
}

/** `text.startsWith(part)`. */
export function startsWithText(text: string, part: string): boolean {
  const length = part.length;
  if (length > text.length) return false;
  for (let i = 0; i < length; i++) if (text.charCodeAt(i) !== part.charCodeAt(i)) return false;
  return true;
}

/** `text.endsWith(part)`. */
export function endsWithText(text: string, part: string): boolean {
  const offset = text.length - part.length;
  if (offset < 0) return false;
  for (let i = part.length - 1; i >= 0; i--) if (text.charCodeAt(offset + i) !== part.charCodeAt(i)) return false;
  return true;
}
