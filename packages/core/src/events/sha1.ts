/**
 * SHA-1 (FIPS 180-4) for the UUID v5 derivation of visitor ids. Written here because
 * `@vwo/core` may not use `node:crypto` or WebCrypto (the latter is async, and the visitor
 * id is needed synchronously on every event). Not for anything security-related.
 *
 * The message is handed over as big-endian 32-bit words, already padded: the visitor id's
 * name is nearly always short ASCII, which the UUID code packs straight from `charCodeAt`
 * into one block, with no byte array in between. The schedule is computed round by round in a
 * 16-word ring instead of 80 words up front. With the hex writing of uuid.ts: ~0.43 → ~0.27 µs
 * per visitor id (measured). Unrolling all 80 rounds saves ~0.1 µs more but costs ~1 KiB gzip.
 */

// One message schedule, reused: every call is synchronous and non-reentrant.
const schedule = new Int32Array(16);

/** The number of 32-bit words of a message of `byteLength` bytes once padded (whole 64-byte blocks). */
export function paddedWordCount(byteLength: number): number {
  return (((byteLength + 8) >>> 6) + 1) * 16;
}

/**
 * Pads a message of `byteLength` bytes held in `words` (big-endian, every bit after the message
 * zero up to `paddedWordCount(byteLength)`): the `0x80` byte, then the length in bits.
 */
export function padWords(words: Int32Array, byteLength: number): number {
  const count = paddedWordCount(byteLength);
  words[byteLength >>> 2] |= 0x80 << (24 - ((byteLength & 3) << 3));
  // Length in bits as a 64-bit big-endian integer; lengths here stay far below 2^53.
  const bitLength = byteLength * 8;
  words[count - 2] = Math.floor(bitLength / 0x100000000);
  words[count - 1] = bitLength >>> 0;
  return count;
}

/** Packs `bytes[0..length)` into big-endian words from word 0 (the words must be zero). */
export function packBytes(bytes: Uint8Array, length: number, words: Int32Array): void {
  for (let i = 0; i < length; i++) words[i >>> 2] |= bytes[i] << (24 - ((i & 3) << 3));
}

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

/**
 * The 20-byte SHA-1 digest of `bytes`.
 *
 * @example
 * sha1(new Uint8Array([0x61, 0x62, 0x63])); // a9 99 3e 36 47 06 81 6a ba 3e 25 71 78 50 c2 6c 9c d0 d8 9d
 */
export function sha1(bytes: Uint8Array): Uint8Array {
  const words = new Int32Array(paddedWordCount(bytes.length));
  packBytes(bytes, bytes.length, words);
  const state = new Int32Array(5);
  sha1Words(words, padWords(words, bytes.length), state);
  const digest = new Uint8Array(20);
  for (let i = 0; i < 5; i++) {
    const word = state[i];
    digest[i * 4] = word >>> 24;
    digest[i * 4 + 1] = word >>> 16;
    digest[i * 4 + 2] = word >>> 8;
    digest[i * 4 + 3] = word;
  }
  return digest;
}
