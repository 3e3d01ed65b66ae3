/**
 * MurmurHash3 x86 32-bit over the *low byte of each UTF-16 code unit*, as the `murmurhash@0.0.2`
 * package that vwo-node-sdk uses does. This is not the UTF-8 hash: `"José"` gives 2666078234
 * where UTF-8 MurmurHash3 gives 3691523483. Every VWO SDK that agrees with 1.73.0 must hash
 * exactly these bytes (bucketing.md §1).
 */
export function murmurhash3(key: string, seed: number): number {
  const length = key.length;
  const tail = length & 3;
  const blocksEnd = length - tail;
  let h = seed | 0;
  let i = 0;

  while (i < blocksEnd) {
    let k =
      (key.charCodeAt(i) & 0xff) |
      ((key.charCodeAt(i + 1) & 0xff) << 8) |
      ((key.charCodeAt(i + 2) & 0xff) << 16) |
      ((key.charCodeAt(i + 3) & 0xff) << 24);
    i += 4;
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }

  let k = 0;
  if (tail === 3) k ^= (key.charCodeAt(i + 2) & 0xff) << 16;
  if (tail >= 2) k ^= (key.charCodeAt(i + 1) & 0xff) << 8;
  if (tail !== 0) k ^= key.charCodeAt(i) & 0xff;
  return murmurhash3Finish(h, k, length);
}

/**
 * The end of MurmurHash3 x86 32-bit, whatever bytes it read: the tail's 1–3 bytes `k` (0 when
 * the length is a multiple of 4, which mixes nothing in), then the finaliser over the length.
 */
export function murmurhash3Finish(hash: number, k: number, length: number): number {
  let h = hash;
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  h ^= Math.imul(k, 0x1b873593);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
