/**
 * Event ids: one per event, kept across every resend of it (retries, a restored outbox), so a
 * collector can drop the duplicates that at-least-once delivery makes. vwo-node-sdk 1.73.0 sends
 * none. VWO's own endpoints do not deduplicate by it, and whether they tolerate the extra field
 * could not be checked from here (no network), which is why a client sends ids only with
 * `eventIds: true`.
 */

/** Random base-36 digits: ten from each 52-bit draw, so a prefix carries about 100 bits. */
function randomDigits(random: () => number): string {
  let digits = '';
  while (digits.length < 20)
    digits += Math.floor(random() * 2 ** 52)
      .toString(36)
      .padStart(10, '0')
      .slice(0, 10);
  return digits;
}

/**
 * A source of event ids: a random prefix drawn once, then a counter, so that an id costs one
 * integer-to-string conversion. Ids are unique across clients, pages and processes with
 * overwhelming probability, and short enough to cost a few bytes per event.
 *
 * @example
 * const nextId = eventIdSource();
 * nextId(); // 'k2f0x9q3c1m8z7a4b6d5.0'
 * nextId(); // 'k2f0x9q3c1m8z7a4b6d5.1'
 */
export function eventIdSource(random: () => number = Math.random): () => string {
  const prefix = `${randomDigits(random)}.`;
  let counter = 0;
  // `counter.toString(36)` on every call cost as much as the rest of an event's record: the
  // last digit is picked from a string, the ones before it converted once per 36 ids. The
  // shared part is joined into one block (`+` would leave a rope), so that a batch body
  // copies each id with one step less (batch-body.ts).
  let high = 0;
  let highText = prefix;
  return () => {
    const id = counter++;
    const upper = Math.floor(id / 36);
    if (upper !== high) {
      high = upper;
      highText = [prefix, upper.toString(36)].join('');
    }
    return highText + DIGITS[id % 36];
  };
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz';
