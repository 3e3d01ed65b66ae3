/**
 * SHA-1 (FIPS 180-4) for the UUID v5 derivation of visitor ids. Written here because
 * `@vwo/core` may not use `node:crypto` or WebCrypto (the latter is async, and the visitor
 * id is needed synchronously on every event). Not for anything security-related.
 */

// One message schedule, reused: every call is synchronous and non-reentrant.
const schedule = new Int32Array(80);
// The final one or two padded blocks, so the caller's buffer is never written to.
const tail = new Uint8Array(128);

/**
 * Hashes `bytes[0..length)` and leaves the five state words in `state` (big-endian word
 * order, as the digest is read). Internal: lets the UUID code avoid allocating a digest.
 */
export function sha1Words(bytes: Uint8Array, length: number, state: Int32Array): void {
  state[0] = 0x67452301;
  state[1] = 0xefcdab89 | 0;
  state[2] = 0x98badcfe | 0;
  state[3] = 0x10325476;
  state[4] = 0xc3d2e1f0 | 0;

  const fullBlocksEnd = length - (length % 64);
  for (let offset = 0; offset < fullBlocksEnd; offset += 64) compress(bytes, offset, state);

  const rest = length - fullBlocksEnd;
  const tailLength = rest < 56 ? 64 : 128;
  tail.fill(0, 0, tailLength);
  for (let i = 0; i < rest; i++) tail[i] = bytes[fullBlocksEnd + i];
  tail[rest] = 0x80;
  // Message length in bits as a 64-bit big-endian integer; lengths here stay far below 2^53.
  const bitLength = length * 8;
  const high = Math.floor(bitLength / 0x100000000);
  const low = bitLength >>> 0;
  tail[tailLength - 8] = high >>> 24;
  tail[tailLength - 7] = high >>> 16;
  tail[tailLength - 6] = high >>> 8;
  tail[tailLength - 5] = high;
  tail[tailLength - 4] = low >>> 24;
  tail[tailLength - 3] = low >>> 16;
  tail[tailLength - 2] = low >>> 8;
  tail[tailLength - 1] = low;
  compress(tail, 0, state);
  if (tailLength === 128) compress(tail, 64, state);
}

/**
 * The 20-byte SHA-1 digest of `bytes`.
 *
 * @example
 * sha1(new Uint8Array([0x61, 0x62, 0x63])); // a9 99 3e 36 47 06 81 6a ba 3e 25 71 78 50 c2 6c 9c d0 d8 9d
 */
export function sha1(bytes: Uint8Array): Uint8Array {
  const state = new Int32Array(5);
  sha1Words(bytes, bytes.length, state);
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

function compress(block: Uint8Array, offset: number, state: Int32Array): void {
  const w = schedule;
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    w[i] = (block[j] << 24) | (block[j + 1] << 16) | (block[j + 2] << 8) | block[j + 3];
  }
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16];
    w[i] = (x << 1) | (x >>> 31);
  }

  let a = state[0];
  let b = state[1];
  let c = state[2];
  let d = state[3];
  let e = state[4];
  // Four loops instead of a branch in every round: measured ~6% faster per visitorUuid.
  let i = 0;
  for (; i < 20; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[i]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (; i < 40; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[i]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (; i < 60; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[i]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (; i < 80; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[i]) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  state[0] = (state[0] + a) | 0;
  state[1] = (state[1] + b) | 0;
  state[2] = (state[2] + c) | 0;
  state[3] = (state[3] + d) | 0;
  state[4] = (state[4] + e) | 0;
}
