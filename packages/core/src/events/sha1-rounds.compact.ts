/**
 * The 80 rounds of SHA-1 in one loop: the browser build's `sha1Words` (tsup.config.ts swaps it in
 * for sha1-rounds.ts), smaller than the unrolled rounds and slower per visitor id, which a page
 * derives a few of. The schedule is computed round by round, and the round function is picked in
 * each round.
 */

// One message schedule, reused: every call is synchronous and non-reentrant.
const schedule = new Int32Array(80);
/** The round constants, one per 20 rounds: ⌊2^30·√2⌋, ⌊2^30·√3⌋, ⌊2^30·√5⌋, ⌊2^30·√10⌋ (FIPS 180-4 §4.2.1), as int32. */
const K = [2, 3, 5, 10].map((n) => (Math.sqrt(n) * 2 ** 30) | 0);

const rotateLeft = (x: number, n: number) => (x << n) | (x >>> (32 - n));

/**
 * Hashes the padded message `words[0..wordCount)` and leaves the five state words in `state`
 * (big-endian word order, as the digest is read). Internal: lets the UUID code avoid
 * allocating a digest.
 */
export function sha1Words(words: Int32Array, wordCount: number, state: Int32Array): void {
  const w = schedule;
  state.set([0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0]);
  for (let offset = 0; offset < wordCount; offset += 16) {
    let [a, b, c, d, e] = state as unknown as number[];
    for (let i = 0; i < 80; i++) {
      // The first 16 rounds read the message itself, the others the ring.
      const x = i < 16 ? words[offset + i] | 0 : rotateLeft(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
      w[i] = x;
      // Ch, Parity, Maj, Parity (FIPS 180-4 §4.1.1), each written with the fewest operations.
      const f = i < 20 ? d ^ (b & (c ^ d)) : i < 40 || i >= 60 ? b ^ c ^ d : (b & c) | (d & (b | c));
      const t = (rotateLeft(a, 5) + f + e + (K[(i / 20) | 0] as number) + x) | 0;
      e = d;
      d = c;
      c = rotateLeft(b, 30);
      b = a;
      a = t;
    }
    // The typed array wraps each sum to 32 bits.
    [a, b, c, d, e].forEach((value, i) => {
      state[i] += value;
    });
  }
}
