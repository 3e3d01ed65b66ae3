/**
 * The 80 rounds of SHA-1 in a compact loop: the browser build's `sha1Words` (tsup.config.ts swaps
 * it in for sha1-rounds.ts), 1 KiB gzip smaller and ~100 ns slower per visitor id than the
 * unrolled one. The schedule is computed round by round in a 16-word ring instead of 80 words
 * up front.
 */

// One message schedule, reused: every call is synchronous and non-reentrant.
const schedule = new Int32Array(16);

/**
 * Hashes the padded message `words[0..wordCount)` and leaves the five state words in `state`
 * (big-endian word order, as the digest is read). Internal: lets the UUID code avoid
 * allocating a digest.
 */
export function sha1Words(words: Int32Array, wordCount: number, state: Int32Array): void {
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  const w = schedule;
  for (let offset = 0; offset < wordCount; offset += 16) {
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    // Five loops instead of a branch in every round (four round functions, and the first 16
    // rounds read the message itself).
    let i = 0;
    for (; i < 16; i++) {
      const x = words[offset + i] | 0;
      w[i] = x;
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + x) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (; i < 20; i++) {
      let x = w[(i - 3) & 15] ^ w[(i - 8) & 15] ^ w[(i - 14) & 15] ^ w[i & 15];
      x = (x << 1) | (x >>> 31);
      w[i & 15] = x;
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + x) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (; i < 40; i++) {
      let x = w[(i - 3) & 15] ^ w[(i - 8) & 15] ^ w[(i - 14) & 15] ^ w[i & 15];
      x = (x << 1) | (x >>> 31);
      w[i & 15] = x;
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + x) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (; i < 60; i++) {
      let x = w[(i - 3) & 15] ^ w[(i - 8) & 15] ^ w[(i - 14) & 15] ^ w[i & 15];
      x = (x << 1) | (x >>> 31);
      w[i & 15] = x;
      const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + x) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    for (; i < 80; i++) {
      let x = w[(i - 3) & 15] ^ w[(i - 8) & 15] ^ w[(i - 14) & 15] ^ w[i & 15];
      x = (x << 1) | (x >>> 31);
      w[i & 15] = x;
      const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + x) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = t;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  state[0] = h0;
  state[1] = h1;
  state[2] = h2;
  state[3] = h3;
  state[4] = h4;
}
