/**
 * uuid.ts for the browser build: the same visitor ids, derived plainly (fresh arrays for each
 * id, no namespace cache, the name's UTF-8 read from `encodeURIComponent`'s escapes and packed
 * into the block with its padding, hex by `toString`). uuid.ts documents the ids; a page derives
 * a few.
 */
import { encodeComponent } from './encoding.js';
import { sha1Words } from './sha1-rounds.js';
import type { EventContext } from './types.js';

/** The VWO namespace UUID (`uuidv5('https://vwo.com', URL namespace)`) as four words. */
const VWO_NAMESPACE = Int32Array.of(0x11e13cd7, 0x6c4853ec, 0x86797e9c | 0, 0x752273c5);
const state = new Int32Array(5);

/** The UUID v5 of `name` (UTF-8) in `namespace`, as its 16 bytes (RFC 4122 §4.3). */
export function uuidV5Bytes(name: string, namespace: Uint8Array): Uint8Array {
  const view = new DataView(namespace.buffer, namespace.byteOffset, 16);
  uuidV5(
    name,
    Int32Array.from([0, 4, 8, 12], (at) => view.getInt32(at)),
  );
  const bytes = new Uint8Array(16);
  const out = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) out.setInt32(i * 4, state[i] as number);
  return bytes;
}

/** SHA-1 of the namespace then UTF-8(name), version 5 and the RFC 4122 variant set, into `state`. */
function uuidV5(name: string, namespace: Int32Array): void {
  // The UTF-8 bytes as char codes (encoding.compact.ts), then SHA-1's 0x80 after the message.
  const bytes = `${unescape(encodeComponent(name))}\x80`;
  const length = bytes.length - 1;
  const words = new Int32Array((((length + 24) >>> 6) + 1) * 16);
  words.set(namespace);
  for (let i = 0; i <= length; i++) words[4 + (i >>> 2)] |= bytes.charCodeAt(i) << (24 - ((i & 3) << 3));
  // Zeros, then the message's length in bits as 64 bits.
  words[words.length - 2] = (16 + length) / 2 ** 29;
  words[words.length - 1] = (16 + length) * 8;
  sha1Words(words, words.length, state);
  state[1] = ((state[1] as number) & ~0xf000) | 0x5000;
  state[2] = ((state[2] as number) & 0x3fffffff) | 0x80000000;
}

/** The visitor id VWO reports on (uuid.ts). */
export function visitorUuid(accountId: string | number, userId: string): string {
  return visitorUuidIn(accountNamespace(accountId), userId);
}

/** The visitor id of `userId` in requests written with `ctx` (uuid.ts). */
export function visitorUuidOf(ctx: Pick<EventContext, 'settings' | 'visitorUuid'>, userId: string): string {
  return ctx.visitorUuid ? ctx.visitorUuid(userId) : visitorUuid(ctx.settings.accountId, userId);
}

/** The namespace of an account's visitor ids, as the words {@link visitorUuidIn} takes. */
export function accountNamespace(accountId: string | number): Int32Array {
  uuidV5(String(accountId), VWO_NAMESPACE);
  return state.slice(0, 4);
}

/** {@link visitorUuid} in a namespace from {@link accountNamespace}: 32 upper-case hex digits. */
export function visitorUuidIn(namespace: Int32Array, userId: string): string {
  uuidV5(userId, namespace);
  let hex = '';
  for (let i = 0; i < 4; i++) hex += ((state[i] as number) >>> 0).toString(16).padStart(8, '0');
  return hex.toUpperCase();
}
