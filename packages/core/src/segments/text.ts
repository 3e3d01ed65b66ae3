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

/**
 * `tag.includes(text)`. For short tags a loop over the char codes answers in tens of
 * instructions, where the builtin leaves optimised code for the runtime's string search (~250
 * instructions, most of them setting the search up). Longer tags go to the builtin, whose
 * search does not grow with the product of both lengths.
 */
export function includesText(tag: string, text: string): boolean {
  const last = tag.length - text.length;
  // 32 is the longest tag searched here, spelt out: a bundler makes a constant a variable.
  if (tag.length > 32) return tag.includes(text);
  const size = text.length;
  for (let start = 0; start <= last; start++) {
    let i = 0;
    while (i < size && tag.charCodeAt(start + i) === text.charCodeAt(i)) i++;
    if (i === size) return true;
  }
  return false;
}
