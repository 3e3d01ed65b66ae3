import { maxUtf8Length, writeUtf8 } from './encoding.js';
import { packBytes, paddedWordCount, padWords, sha1Words } from './sha1.js';
import type { EventContext } from './types.js';

/**
 * `uuidv5("https://vwo.com", URL namespace)` = 11e13cd7-6c48-53ec-8679-7e9c752273c5, the root
 * of every VWO visitor id (events.md §9), as the four big-endian words the hash reads (see
 * `namespaceOf`).
 * Precomputed; a test derives it again.
 */
const VWO_NAMESPACE = namespaceOf(0x11e13cd7, 0x6c4853ec, 0x86797e9c | 0, 0x752273c5);

// A client uses one account for its whole life, so a tiny cache removes one of the two
// SHA-1 runs per call; the bound only guards callers that cycle through many accounts.
const ACCOUNT_CACHE_LIMIT = 64;
const accountNamespaces = new Map<string, Int32Array>();

// Scratch space reused across calls: the functions below are synchronous and never re-enter.
// A one-off huge id gets arrays of its own, so the shared ones never pin megabytes.
const MAX_SCRATCH_WORDS = 4096;
let words = new Int32Array(64);
/**
 * Words of `words` from this index on are zero (every hash writes the namespace and its name
 * before it): {@link hashName} clears only what lies between its name and this mark.
 */
let dirtyWords = 0;
/** The namespace whose words `words` starts with, once an ASCII id of it was hashed there. */
let blockNamespace: Int32Array | undefined;
let utf8 = new Uint8Array(256);
const state = new Int32Array(5);

/** Character codes of the upper-case hex digits. */
const HEX_CODES = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 65, 66, 67, 68, 69, 70];

/**
 * A namespace's four words as the hashes below take them: with room after them for the SHA-1
 * rounds that depend on them alone, filled by the first hash (sha1-rounds.ts `opening`).
 */
function namespaceOf(w0: number, w1: number, w2: number, w3: number): Int32Array {
  return Int32Array.of(w0, w1, w2, w3, 0, 0, 0, 0, 0, 0);
}

/** The UUID v5 of `name` (UTF-8) in `namespace`, as its 16 bytes (RFC 4122 §4.3). */
export function uuidV5Bytes(name: string, namespace: Uint8Array): Uint8Array {
  const view = new DataView(namespace.buffer, namespace.byteOffset, 16);
  uuidV5(name, namespaceOf(view.getInt32(0), view.getInt32(4), view.getInt32(8), view.getInt32(12)));
  const bytes = new Uint8Array(16);
  const out = new DataView(bytes.buffer);
  for (let i = 0; i < 4; i++) out.setInt32(i * 4, state[i] as number);
  return bytes;
}

/** The UUID v5 of `name` in a namespace of four words, left in `state[0..4)` (version and variant bits set). */
function uuidV5(name: string, namespace: Int32Array): void {
  hashName(name, namespace);
  // Module constants are read through the module's context at every use, each read checking
  // the array again (map, length); a local is checked once.
  const words = state;
  words[1] = ((words[1] as number) & ~0xf000) | 0x5000; // version 5 in the high nibble of byte 6
  words[2] = ((words[2] as number) & 0x3fffffff) | 0x80000000; // RFC 4122 variant in byte 8
}

/**
 * The visitor id VWO reports on (`u`, `visId`, the integrations hook's `vwoUserId`): the
 * UUID v5 chain `https://vwo.com` → accountId → userId, upper-case hex without dashes, as
 * vwo-node-sdk 1.73.0 and every other VWO SDK derive it. `accountId` is converted with
 * `String()`, so `888888` and `"888888"` give the same id.
 *
 * Differences from 1.73.0, where it throws instead of answering: lone surrogates are encoded
 * as U+FFFD (1.73.0's `uuid@3` throws `URIError`), and an empty `userId` or `accountId`
 * hashes the empty name (1.73.0 throws a `TypeError`).
 *
 * @example
 * visitorUuid(888888, 'Ashley'); // 'A46F7AA3A53150368683EE064793BAFD'
 */
export function visitorUuid(accountId: string | number, userId: string): string {
  return visitorUuidIn(accountNamespace(accountId), userId);
}

/**
 * The visitor UUID that requests written with `ctx` carry for `userId`: the context's own
 * function when it has one (a client's remembers its recent users), else {@link visitorUuid}
 * of the context's account. Internal: the request writers call it.
 */
export function visitorUuidOf(ctx: Pick<EventContext, 'settings' | 'visitorUuid'>, userId: string): string {
  return ctx.visitorUuid ? ctx.visitorUuid(userId) : visitorUuid(ctx.settings.accountId, userId);
}

/**
 * The namespace of an account's visitor ids (`uuidv5(String(accountId), VWO namespace)`) as
 * the words {@link visitorUuidIn} takes. Internal: a client derives it once per settings.
 */
export function accountNamespace(accountId: string | number): Int32Array {
  const account = String(accountId);
  let namespace = accountNamespaces.get(account);
  if (namespace === undefined) {
    uuidV5(account, VWO_NAMESPACE);
    const words = state;
    namespace = namespaceOf(words[0] as number, words[1] as number, words[2] as number, words[3] as number);
    if (accountNamespaces.size >= ACCOUNT_CACHE_LIMIT) accountNamespaces.clear();
    accountNamespaces.set(account, namespace);
  }
  return namespace;
}

/** {@link visitorUuid} in a namespace from {@link accountNamespace}. Internal. */
export function visitorUuidIn(namespace: Int32Array, userId: string): string {
  uuidV5(userId, namespace);
  const words = state;
  const a = words[0] as number;
  const b = words[1] as number;
  const c = words[2] as number;
  const d = words[3] as number;
  // One call with 32 codes builds one flat string: measured twice as fast as joining sixteen
  // two-digit strings, which also leaves a rope behind for the JSON writer to flatten. The
  // look-ups are written out: called through a client's cache of recent ids, TurboFan left a
  // `hex(bits)` helper out of line, and its 32 calls cost ~150 instructions a visitor id. The
  // table is a local: read as the module constant, every digit loaded and checked the array
  // again (~13 instructions a digit, ~400 a visitor id; apps/bench/README.md).
  const hex = HEX_CODES;
  return String.fromCharCode(
    hex[(a >>> 28) & 15] as number,
    hex[(a >>> 24) & 15] as number,
    hex[(a >>> 20) & 15] as number,
    hex[(a >>> 16) & 15] as number,
    hex[(a >>> 12) & 15] as number,
    hex[(a >>> 8) & 15] as number,
    hex[(a >>> 4) & 15] as number,
    hex[a & 15] as number,
    hex[(b >>> 28) & 15] as number,
    hex[(b >>> 24) & 15] as number,
    hex[(b >>> 20) & 15] as number,
    hex[(b >>> 16) & 15] as number,
    hex[(b >>> 12) & 15] as number,
    hex[(b >>> 8) & 15] as number,
    hex[(b >>> 4) & 15] as number,
    hex[b & 15] as number,
    hex[(c >>> 28) & 15] as number,
    hex[(c >>> 24) & 15] as number,
    hex[(c >>> 20) & 15] as number,
    hex[(c >>> 16) & 15] as number,
    hex[(c >>> 12) & 15] as number,
    hex[(c >>> 8) & 15] as number,
    hex[(c >>> 4) & 15] as number,
    hex[c & 15] as number,
    hex[(d >>> 28) & 15] as number,
    hex[(d >>> 24) & 15] as number,
    hex[(d >>> 20) & 15] as number,
    hex[(d >>> 16) & 15] as number,
    hex[(d >>> 12) & 15] as number,
    hex[(d >>> 8) & 15] as number,
    hex[(d >>> 4) & 15] as number,
    hex[d & 15] as number,
  );
}

/** SHA-1 of namespace ‖ UTF-8(name) into `state`. */
function hashName(name: string, namespace: Int32Array): void {
  const length = name.length;
  // Nearly every user id is ASCII: one byte per code unit, packed four to a word straight
  // into the padded block, every word written once. Four code units a step, tested together
  // for ASCII, cost ~15 % fewer instructions than one a step (apps/bench/README.md).
  const count = paddedWordCount(16 + length);
  const buffer = scratchWords(count, false);
  // The namespace's words stay in the block from one id to the next of the same account.
  if (namespace !== blockNamespace || buffer !== words) writeNamespace(buffer, namespace);
  const whole = length & ~3;
  let i = 0;
  for (; i < whole; i += 4) {
    const c0 = name.charCodeAt(i);
    const c1 = name.charCodeAt(i + 1);
    const c2 = name.charCodeAt(i + 2);
    const c3 = name.charCodeAt(i + 3);
    if ((c0 | c1 | c2 | c3) >= 0x80) {
      hashUtf8(name, namespace);
      return;
    }
    buffer[4 + (i >> 2)] = (c0 << 24) | (c1 << 16) | (c2 << 8) | c3;
  }
  let word = 0;
  for (; i < length; i++) {
    const code = name.charCodeAt(i);
    if (code >= 0x80) {
      hashUtf8(name, namespace);
      return;
    }
    word = (word << 8) | code;
  }
  // The last bytes of the name and the 0x80 that ends the message, then zeros and the length
  // in bits (a string is too short for it to need the high word). The zeros are there already
  // but where an earlier, longer name left words behind: clearing the whole tail cost ~90
  // instructions a visitor id. The length word is cleared again after the hash.
  const end = 5 + (length >> 2);
  buffer[end - 1] = ((word << 8) | 0x80) << ((3 - (length & 3)) << 3);
  const dirty = dirtyWords;
  for (let at = end; at < dirty; at++) buffer[at] = 0;
  const last = count - 1;
  buffer[last] = (16 + length) * 8;
  sha1Words(buffer, count, state, namespace);
  buffer[last] = 0;
  if (buffer === words) {
    dirtyWords = end;
    blockNamespace = namespace;
  }
}

/** {@link hashName} of a name with a code unit of 0x80 or more: through its UTF-8 bytes. */
function hashUtf8(name: string, namespace: Int32Array): void {
  const count = paddedWordCount(16 + maxUtf8Length(name));
  const buffer = scratchWords(count, true);
  writeNamespace(buffer, namespace);
  sha1Words(buffer, packUtf8(name, buffer), state, namespace);
  if (buffer === words && count > dirtyWords) dirtyWords = count;
  blockNamespace = undefined;
}

/** The namespace's four words at the start of the message; `TypedArray.prototype.set` costs more than the copy for so few. */
function writeNamespace(buffer: Int32Array, namespace: Int32Array): void {
  buffer[0] = namespace[0] as number;
  buffer[1] = namespace[1] as number;
  buffer[2] = namespace[2] as number;
  buffer[3] = namespace[3] as number;
}

/** Packs UTF-8(name) after the 16 namespace bytes and pads; returns the word count. */
function packUtf8(name: string, buffer: Int32Array): number {
  const needed = maxUtf8Length(name);
  let bytes = utf8;
  if (bytes.length < needed) {
    bytes = new Uint8Array(needed);
    if (needed <= MAX_SCRATCH_WORDS * 4) utf8 = bytes;
  }
  const end = writeUtf8(name, bytes, 0);
  packBytes(bytes, end, buffer, 16);
  return padWords(buffer, 16 + end);
}

/** `count` words of scratch space, zeroed when asked (a one-off huge id gets its own array). */
function scratchWords(count: number, zeroed: boolean): Int32Array {
  if (count > words.length) {
    if (count > MAX_SCRATCH_WORDS) return new Int32Array(count);
    words = new Int32Array(Math.max(count, words.length * 2));
    blockNamespace = undefined;
  } else if (zeroed) {
    words.fill(0, 0, count);
  }
  return words;
}
