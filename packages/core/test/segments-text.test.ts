/**
 * The segment's text search against the builtin it stands in for, on generated texts around the
 * length from which it hands over to the builtin (32), with repeats, empty texts and non-ASCII.
 */
import { describe, expect, it } from 'vitest';
import { includesText } from '../src/segments/text.js';

// A small alphabet so that partial matches and repeats are frequent.
const ALPHABET = ['a', 'b', 'A', '.', 'é', '😀'];

function generatedText(random: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += ALPHABET[Math.floor(random() * ALPHABET.length)];
  return text;
}

// Deterministic, so a failure repeats (mulberry32).
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('includesText', () => {
  it('answers as String.prototype.includes on 20,000 generated pairs', () => {
    const random = seeded(17);
    let found = 0;
    for (let i = 0; i < 20_000; i++) {
      const tag = generatedText(random, Math.floor(random() * 40));
      // Half the texts are cut from the tag, so that about half the searches find theirs.
      const start = Math.floor(random() * (tag.length + 1));
      const text = random() < 0.5 ? tag.slice(start, start + Math.floor(random() * 5)) : generatedText(random, Math.floor(random() * 5));
      const expected = tag.includes(text);
      if (expected) found++;
      expect(includesText(tag, text), JSON.stringify([tag, text])).toBe(expected);
    }
    expect(found).toBeGreaterThan(5_000);
    expect(found).toBeLessThan(19_000);
  });

  it('answers at the edges: empty texts, a text longer than the tag, a match at the very end', () => {
    expect(includesText('', '')).toBe(true);
    expect(includesText('abc', '')).toBe(true);
    expect(includesText('', 'a')).toBe(false);
    expect(includesText('ab', 'abc')).toBe(false);
    expect(includesText('aaab', 'ab')).toBe(true);
    expect(includesText(`${'a'.repeat(32)}b`, 'ab')).toBe(true);
    expect(includesText(`${'a'.repeat(31)}b`, 'ab')).toBe(true);
  });
});
