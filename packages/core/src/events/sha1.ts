/**
 * SHA-1 (FIPS 180-4) for the UUID v5 derivation of visitor ids. Written here because
 * `@vwo/core` may not use `node:crypto` or WebCrypto (the latter is async, and the visitor
 * id is needed synchronously on every event). Not for anything security-related.
 *
 * The message is handed over as big-endian 32-bit words, already padded: the visitor id's
 * name is nearly always short ASCII, which the UUID code packs straight from `charCodeAt`
 * into one block, with no byte array in between.
 *
 * The 80 rounds come in two builds of the same function, `sha1Words` (sha1-rounds.ts): fully
 * unrolled for servers (~170 ns per visitor id, a third of a batched `activate` + `track`
 * before), and one loop for pages, which `@vwo/core`'s `browser` export condition selects
 * (tsup.config.ts): over 1 KiB gzip smaller, and with the browser build's UTF-8 and packing a
 * visitor id in ~3.5 µs on Node 20 (~0.2–0.3 µs on the server build), which a page deriving a
 * few ids does not feel. Tests hold both to the FIPS vectors and to each other.
 */
import { sha1Words } from './sha1-rounds.js';

export { sha1Words };

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

/** Packs `bytes[0..length)` into big-endian words from byte `at` of the message on (those words must be zero). */
export function packBytes(bytes: Uint8Array, length: number, words: Int32Array, at = 0): void {
  for (let i = 0; i < length; i++) {
    const to = at + i;
    words[to >>> 2] |= bytes[i] << (24 - ((to & 3) << 3));
  }
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
