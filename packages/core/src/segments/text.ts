/**
 * The `lower` comparison without `toLowerCase`, which allocates a string per call: a loop over
 * the char codes of an ASCII tag.
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
