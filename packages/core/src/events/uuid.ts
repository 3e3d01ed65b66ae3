import { maxUtf8Length, writeUtf8 } from './encoding.js';
import { sha1Words } from './sha1.js';

/**
 * `uuidv5("https://vwo.com", URL namespace)` = 11e13cd7-6c48-53ec-8679-7e9c752273c5, the root
 * of every VWO visitor id (events.md §9). Precomputed; a test derives it again.
 */
const VWO_NAMESPACE = new Uint8Array([0x11, 0xe1, 0x3c, 0xd7, 0x6c, 0x48, 0x53, 0xec, 0x86, 0x79, 0x7e, 0x9c, 0x75, 0x22, 0x73, 0xc5]);

// A client uses one account for its whole life, so a tiny cache removes one of the two
// SHA-1 runs per call; the bound only guards callers that cycle through many accounts.
const ACCOUNT_CACHE_LIMIT = 64;
const accountNamespaces = new Map<string, Uint8Array>();

// Scratch space reused across calls: the functions below are synchronous and never re-enter.
let message = new Uint8Array(256);
const MAX_SCRATCH = 16 * 1024;
const state = new Int32Array(5);

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? '0' : '') + i.toString(16).toUpperCase());

/** The UUID v5 of `name` (UTF-8) in `namespace`, as its 16 bytes (RFC 4122 §4.3). */
export function uuidV5Bytes(name: string, namespace: Uint8Array): Uint8Array {
  hashName(name, namespace);
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 4; i++) {
    const word = state[i];
    bytes[i * 4] = word >>> 24;
    bytes[i * 4 + 1] = word >>> 16;
    bytes[i * 4 + 2] = word >>> 8;
    bytes[i * 4 + 3] = word;
  }
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  return bytes;
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
  const account = String(accountId);
  let namespace = accountNamespaces.get(account);
  if (namespace === undefined) {
    namespace = uuidV5Bytes(account, VWO_NAMESPACE);
    if (accountNamespaces.size >= ACCOUNT_CACHE_LIMIT) accountNamespaces.clear();
    accountNamespaces.set(account, namespace);
  }
  hashName(userId, namespace);
  const w0 = state[0];
  const w1 = (state[1] & ~0xf000) | 0x5000; // version 5 in the high nibble of byte 6
  const w2 = (state[2] & 0x3fffffff) | 0x80000000; // RFC 4122 variant in byte 8
  const w3 = state[3];
  return hexWord(w0) + hexWord(w1) + hexWord(w2) + hexWord(w3);
}

function hexWord(word: number): string {
  return HEX[word >>> 24] + HEX[(word >>> 16) & 0xff] + HEX[(word >>> 8) & 0xff] + HEX[word & 0xff];
}

/** SHA-1 of namespace ‖ UTF-8(name) into `state`. */
function hashName(name: string, namespace: Uint8Array): void {
  const needed = 16 + maxUtf8Length(name);
  let buffer = message;
  if (buffer.length < needed) {
    buffer = new Uint8Array(needed);
    // Keep the shared scratch small: a one-off huge id should not pin megabytes.
    if (needed <= MAX_SCRATCH) message = buffer;
  }
  buffer.set(namespace, 0);
  const end = writeUtf8(name, buffer, 16);
  sha1Words(buffer, end, state);
}
