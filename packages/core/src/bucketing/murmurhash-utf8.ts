import { maxUtf8Length, writeUtf8 } from '../events/encoding.js';
import { murmurhash3, murmurhash3Finish } from './murmurhash.js';

// Scratch buffer reused across calls (the hash is synchronous and never re-enters); a one-off
// huge key gets a buffer of its own so the shared one never pins megabytes.
const MAX_SCRATCH_BYTES = 16384;
// Pure: dropped from bundles that never hash with it.
let scratch = /* @__PURE__ */ new Uint8Array(256);

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * MurmurHash3 x86 32-bit over the *UTF-8 bytes* of `key`, as `murmurhash@2` (the hash of
 * vwo-fme-node-sdk) computes it: that package encodes with `TextEncoder`, so a lone UTF-16
 * surrogate hashes as U+FFFD (EF BF BD). For ASCII keys this equals the legacy low-byte hash
 * (`"José"`: 3691523483 here, 2666078234 in the legacy one), so ASCII takes the legacy path.
 */
export function murmurhash3Utf8(key: string, seed: number): number {
  if (!NON_ASCII.test(key)) return murmurhash3(key, seed);
  const needed = maxUtf8Length(key);
  let bytes = scratch;
  if (needed > bytes.length) {
    bytes = new Uint8Array(needed);
    if (needed <= MAX_SCRATCH_BYTES) scratch = bytes;
  }
  const length = writeUtf8(key, bytes, 0);
  return murmurhash3Bytes(bytes, length, seed);
}

/** MurmurHash3 x86 32-bit over `bytes[0..length)`. */
export function murmurhash3Bytes(bytes: Uint8Array, length: number, seed: number): number {
  const tail = length & 3;
  const blocksEnd = length - tail;
  let h = seed | 0;
  let i = 0;

  while (i < blocksEnd) {
    let k = (bytes[i] as number) | ((bytes[i + 1] as number) << 8) | ((bytes[i + 2] as number) << 16) | ((bytes[i + 3] as number) << 24);
    i += 4;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }

  let k = 0;
  if (tail === 3) k ^= (bytes[i + 2] as number) << 16;
  if (tail >= 2) k ^= (bytes[i + 1] as number) << 8;
  if (tail !== 0) k ^= bytes[i] as number;
  return murmurhash3Finish(h, k, length);
}
