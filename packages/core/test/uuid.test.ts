import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { visitorUuid } from '../src/events/index.js';
import { packBytes, paddedWordCount, padWords, sha1 } from '../src/events/sha1.js';
import { sha1Words as compactRounds } from '../src/events/sha1-rounds.compact.js';
import { sha1Words as unrolledRounds } from '../src/events/sha1-rounds.js';
import { uuidV5Bytes } from '../src/events/uuid.js';
import table from './cases/uuid.json';

const require = createRequire(import.meta.url);
const UuidUtil = require('vwo-node-sdk/lib/utils/UuidUtil') as {
  generateFor(userId: unknown, accountId: unknown): string;
};
// The `uuid@3` that vwo-node-sdk itself depends on, resolved from its own folder.
const uuidv5 = createRequire(require.resolve('vwo-node-sdk/lib/utils/UuidUtil'))('uuid/v5') as {
  (name: string, namespace: string): string;
  URL: string;
};

const URL_NAMESPACE = new Uint8Array([0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]);

function dashed(bytes: Uint8Array): string {
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function bytesOf(uuid: string): Uint8Array {
  return Uint8Array.from(uuid.replace(/-/g, '').match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

/** Any UTF-16 code unit, so lone surrogates and broken pairs come up often. */
const codeUnitString = fc.string({ unit: fc.nat(0xffff).map((c) => String.fromCharCode(c)), minLength: 1 });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (s: string) => s.replace(LONE_SURROGATE, '') === s;
const toWellFormed = (s: string) => s.replace(LONE_SURROGATE, '\uFFFD');
const accountIds = fc.oneof(
  fc.integer({ min: 1, max: 2_000_000_000 }),
  fc.double({ noNaN: true }),
  fc.string({ minLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1 }),
);

describe('visitor UUID (events.md §9)', () => {
  it('derives the VWO namespace from https://vwo.com in the URL namespace', () => {
    expect(dashed(uuidV5Bytes('https://vwo.com', URL_NAMESPACE))).toBe(table.vwoNamespace);
  });

  it.each(table.cases.map((c) => [`${JSON.stringify(c.accountId)} / ${c.userId}`, c] as const))(
    'matches the observed id for %s',
    (_name, c) => {
      const vwoNamespace = bytesOf(table.vwoNamespace);
      expect(dashed(uuidV5Bytes(String(c.accountId), vwoNamespace))).toBe(c.accountNamespace);
      expect(visitorUuid(c.accountId, c.userId)).toBe(c.uuid);
    },
  );

  it('is 32 upper-case hex digits with the version 5 and RFC 4122 variant bits', () => {
    fc.assert(
      fc.property(accountIds, fc.string(), (accountId, userId) => {
        const id = visitorUuid(accountId, userId);
        expect(id).toMatch(/^[0-9A-F]{12}5[0-9A-F]{3}[89AB][0-9A-F]{15}$/);
      }),
      { numRuns: 1000 },
    );
  });

  it('equals vwo-node-sdk 1.73.0 for any account id and any code-point user id', () => {
    for (const unit of ['binary', 'grapheme'] as const) {
      fc.assert(
        fc.property(accountIds, fc.string({ unit, minLength: 1, maxLength: 80 }), (accountId, userId) => {
          expect(visitorUuid(accountId, userId)).toBe(UuidUtil.generateFor(userId, accountId));
        }),
        { numRuns: 5000 },
      );
    }
  });

  it('equals 1.73.0 for well-formed UTF-16 and encodes lone surrogates as U+FFFD where 1.73.0 throws', () => {
    let broken = 0;
    fc.assert(
      fc.property(accountIds, codeUnitString, (accountId, userId) => {
        const ours = visitorUuid(accountId, userId);
        if (!wellFormed(userId)) broken++;
        if (wellFormed(userId)) {
          expect(ours).toBe(UuidUtil.generateFor(userId, accountId));
        } else {
          expect(() => UuidUtil.generateFor(userId, accountId)).toThrow(URIError);
          expect(ours).toBe(UuidUtil.generateFor(toWellFormed(userId), accountId));
        }
      }),
      { numRuns: 5000 },
    );
    expect(broken).toBeGreaterThan(100);
  });

  it('gives the same id for long user ids that span several SHA-1 blocks', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 40, maxLength: 3000 }), (userId) => {
        expect(visitorUuid(888888, userId)).toBe(UuidUtil.generateFor(userId, 888888));
      }),
      { numRuns: 300 },
    );
    const huge = 'é'.repeat(20_000); // larger than the reusable scratch buffer
    expect(visitorUuid(888888, huge)).toBe(UuidUtil.generateFor(huge, 888888));
    expect(visitorUuid(888888, 'Ashley')).toBe('A46F7AA3A53150368683EE064793BAFD');
  });

  it('equals 1.73.0 for ASCII ids of every length from 1 to 300, across the padding and block boundaries', () => {
    for (let length = 1; length <= 300; length++) {
      for (const fill of ['a', '~', '\u007f']) {
        const userId = fill.repeat(length - 1) + String.fromCharCode(33 + (length % 90));
        expect(visitorUuid(888888, userId)).toBe(UuidUtil.generateFor(userId, 888888));
      }
      // The first non-ASCII character at every position of the last word switches to UTF-8.
      const mixed = `${'b'.repeat(length - 1)}é`;
      expect(visitorUuid(888888, mixed)).toBe(UuidUtil.generateFor(mixed, 888888));
    }
  });

  it('stays correct while many account namespaces cycle through the cache', () => {
    for (let account = 1; account <= 200; account++) {
      expect(visitorUuid(account, 'Ashley')).toBe(UuidUtil.generateFor('Ashley', account));
    }
    expect(visitorUuid(888888, 'Ashley')).toBe('A46F7AA3A53150368683EE064793BAFD');
  });

  it('answers for an empty user id where 1.73.0 throws', () => {
    expect(() => UuidUtil.generateFor('', 888888)).toThrow(TypeError);
    const vwoNamespace = bytesOf(table.vwoNamespace);
    const accountNamespace = dashed(uuidV5Bytes('888888', vwoNamespace));
    expect(visitorUuid(888888, '')).toBe(uuidv5('', accountNamespace).replace(/-/g, '').toUpperCase());
  });

  it('uses the same UUID v5 as the uuid package 1.73.0 ships', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (name, ns) => {
        expect(dashed(uuidV5Bytes(name, ns))).toBe(uuidv5(name, dashed(ns)));
      }),
      { numRuns: 2000 },
    );
  });
});

/** UUID v5 of `name` in `namespace` through node:crypto's SHA-1 (independent of the core's). */
function cryptoUuidV5(name: string, namespace: Uint8Array): Uint8Array {
  const bytes = Uint8Array.from(createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  return bytes;
}

const VWO_NAMESPACE_BYTES = cryptoUuidV5('https://vwo.com', URL_NAMESPACE);

/** The visitor id by node:crypto: the chain https://vwo.com → account → user, upper-case hex. */
function cryptoVisitorUuid(accountId: string | number, userId: string): string {
  const bytes = cryptoUuidV5(userId, cryptoUuidV5(String(accountId), VWO_NAMESPACE_BYTES));
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

describe('visitor UUID packing (four code units a step) against node:crypto', () => {
  const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 130 });
  // One code unit the ASCII test must catch: Latin-1, BMP, a surrogate half or 0x80 exactly.
  const wide = fc.oneof(fc.constant(0x80), fc.integer({ min: 0x81, max: 0xff }), fc.integer({ min: 0x100, max: 0xffff }));

  it('equals node:crypto for ASCII ids of any length, every group of four and every tail', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 1, max: 2_000_000_000 }), fc.string({ minLength: 1 })), ascii, (accountId, userId) => {
        expect(visitorUuid(accountId, userId)).toBe(cryptoVisitorUuid(accountId, userId));
      }),
      { numRuns: 5000 },
    );
  });

  // The block is reused and only the words an earlier, longer name left behind are cleared:
  // a short id right after a long, a multi-block, a UTF-8 or a huge one must not read them.
  it('equals node:crypto for any sequence of ids, whatever the ids before each left in the block', () => {
    const anyId = fc.oneof(
      ascii,
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.nat(3).map((n) => ['', 'x', 'é'.repeat(5000), 'a'.repeat(17_000)][n] as string),
    );
    // Ids of one account in a row find its namespace in the block already; another account's
    // id, or a UTF-8 one, writes its own.
    const anyAccount = fc.constantFrom(888888, 123456, 'account');
    fc.assert(
      fc.property(fc.array(fc.tuple(anyAccount, anyId), { minLength: 2, maxLength: 8 }), (ids) => {
        for (const [accountId, userId] of ids) expect(visitorUuid(accountId, userId)).toBe(cryptoVisitorUuid(accountId, userId));
      }),
      { numRuns: 500 },
    );
    // Every order of a long, a short and a middling ASCII id: the middling one spans words the
    // long one wrote and the short one did not reach.
    const lengths = [1, 3, 13, 39, 40, 55, 56, 100, 119, 120, 250];
    for (const first of lengths) {
      for (const second of lengths) {
        for (const third of lengths) {
          for (const [n, fill] of [
            [first, 'q'],
            [second, 'r'],
            [third, 's'],
          ] as const) {
            const userId = fill.repeat(n);
            expect(visitorUuid(888888, userId)).toBe(cryptoVisitorUuid(888888, userId));
          }
        }
      }
    }
  });

  it('writes the namespace again into a block grown for a long ASCII id', async () => {
    vi.resetModules();
    const fresh = await import('../src/events/uuid.js'); // a block of 64 words, not yet grown
    for (const userId of ['short', 'x'.repeat(300), 'short', 'y'.repeat(2000)]) {
      expect(fresh.visitorUuid(888888, userId)).toBe(cryptoVisitorUuid(888888, userId));
    }
  });

  it('switches to UTF-8 wherever the first wide code unit sits in a group of four', () => {
    fc.assert(
      fc.property(ascii, wide, fc.nat(), (base, code, at) => {
        const position = base.length === 0 ? 0 : at % (base.length + 1);
        const userId = base.slice(0, position) + String.fromCharCode(code) + base.slice(position);
        expect(visitorUuid(888888, userId)).toBe(cryptoVisitorUuid(888888, userId));
      }),
      { numRuns: 5000 },
    );
    // Every position of the wide unit within the first groups, for lengths across a block.
    for (let length = 1; length <= 70; length++) {
      for (let position = 0; position < length; position++) {
        const userId = `${'k'.repeat(position)}\u00e9${'k'.repeat(length - position - 1)}`;
        expect(visitorUuid(888888, userId)).toBe(cryptoVisitorUuid(888888, userId));
      }
    }
  });
});

/** SHA-1 through one build's rounds: the unrolled ones servers get, or the browser build's compact loop. */
function sha1With(rounds: typeof unrolledRounds, bytes: Uint8Array): string {
  const words = new Int32Array(paddedWordCount(bytes.length));
  packBytes(bytes, bytes.length, words);
  const state = new Int32Array(5);
  rounds(words, padWords(words, bytes.length), state);
  return Array.from(state, (word) => (word >>> 0).toString(16).padStart(8, '0')).join('');
}

describe.each([
  ['unrolled rounds (servers, the edge)', unrolledRounds],
  ['compact rounds (the browser build)', compactRounds],
])('SHA-1, %s', (_, rounds) => {
  const digest = (bytes: Uint8Array) => sha1With(rounds, bytes);
  const nodeDigest = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');

  it('matches the FIPS 180 test vectors', () => {
    const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
    expect(digest(ascii(''))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(digest(ascii('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(digest(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe('84983e441c3bd26ebaae4aa1f95129e5e54670f1');
  });

  it('equals node:crypto on every length around the block and padding boundaries', () => {
    for (let length = 0; length <= 260; length++) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 131 + length) & 0xff);
      expect(digest(bytes)).toBe(nodeDigest(bytes));
    }
  });

  it('equals node:crypto on random byte arrays', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1000 }), (bytes) => {
        expect(digest(bytes)).toBe(nodeDigest(bytes));
      }),
      { numRuns: 5000 },
    );
  });
});

describe('sha1()', () => {
  it('is the digest of the rounds the source build uses', () => {
    const bytes = Uint8Array.from('abc', (c) => c.charCodeAt(0));
    expect(Buffer.from(sha1(bytes)).toString('hex')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
  });
});

describe('SHA-1 rounds from an opening (the unrolled rounds)', () => {
  // The visitor ids of an account share their first four words (the namespace): the first
  // hash keeps the state after round 3 in the opening, later hashes start from it. Under
  // vitest.browser-build.config.ts the import is the compact loop, which takes no opening
  // (three parameters) and must give the same digests without touching it.
  const takesOpening = unrolledRounds.length === 4;
  it('equals node:crypto for messages that share their first 16 bytes, one block or several', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 6 }),
        (head, tails) => {
          const opening = new Int32Array(10);
          const view = new DataView(head.buffer, head.byteOffset, 16);
          for (let i = 0; i < 4; i++) opening[i] = view.getInt32(i * 4);
          for (const tail of tails) {
            const bytes = new Uint8Array(16 + tail.length);
            bytes.set(head);
            bytes.set(tail, 16);
            const words = new Int32Array(paddedWordCount(bytes.length));
            packBytes(bytes, bytes.length, words);
            const state = new Int32Array(5);
            unrolledRounds(words, padWords(words, bytes.length), state, opening);
            const hex = Array.from(state, (word) => (word >>> 0).toString(16).padStart(8, '0')).join('');
            expect(hex).toBe(createHash('sha1').update(bytes).digest('hex'));
            expect(opening[9]).toBe(takesOpening ? 1 : 0);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});
