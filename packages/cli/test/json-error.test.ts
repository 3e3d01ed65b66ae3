import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findJsonError, parseJson } from '../src/index.js';

describe('finding where a JSON text goes wrong', () => {
  it.each([
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}' after a property value, found '\"'"],
    ['{"a": 1,}', 1, 9, 'a trailing comma before } is not allowed'],
    ['[1, 2,]', 1, 7, 'a trailing comma before ] is not allowed'],
    ['{"a" 1}', 1, 6, "expected ':' after a property name, found '1'"],
    ["{'a': 1}", 1, 2, "expected a property name in double quotes, found '''"],
    ['{"a": "x', 1, 7, 'this string is never closed (missing ")'],
    ['', 1, 1, 'the text is empty: expected a JSON value'],
    ['{"a": tru}', 1, 10, "expected true, found '}'"],
    ['{"a": 01}', 1, 8, 'a number cannot have leading zeros'],
    ['{} x', 1, 4, "unexpected 'x' after the end of the JSON value"],
    ['{"a": "\\q"}', 1, 8, 'invalid escape \\q in a string'],
    ['{"a": [1, 2}', 1, 12, "expected ',' or ']' after an array element, found '}'"],
    ['{"a": 1', 1, 8, "expected ',' or '}' after a property value, found the end of the text"],
  ])('%j → line %i, column %i: %s', (text, line, column, message) => {
    expect(findJsonError(text)).toMatchObject({ line, column, message });
  });

  it('says nothing about any valid JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(0, 2), (value, indent) => {
        expect(findJsonError(JSON.stringify(value, null, indent))).toBeNull();
      }),
    );
  });

  it('finds an error exactly when JSON.parse rejects the text', () => {
    const nearJson = fc.oneof(
      fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', ' ', '1', '0', '-', '.', 'e', 'a', 't', 'n', '\\', '\n') }),
      fc.tuple(fc.jsonValue(), fc.nat(), fc.string({ maxLength: 2 })).map(([value, at, junk]) => {
        const text = JSON.stringify(value);
        const cut = at % (text.length + 1);
        return text.slice(0, cut) + junk + text.slice(cut + 1);
      }),
    );
    fc.assert(
      fc.property(nearJson, (text) => {
        let valid = true;
        try {
          JSON.parse(text);
        } catch {
          valid = false;
        }
        expect(findJsonError(text) === null).toBe(valid);
      }),
      { numRuns: 3000 },
    );
  });

  it('parseJson skips a byte-order mark and reports the position of an error', () => {
    expect(parseJson('\ufeff{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    const bad = parseJson('{\n"a":}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatchObject({ line: 2, column: 5, offset: 6 });
  });
});
