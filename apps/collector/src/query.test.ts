import { describe, expect, test } from 'vitest';
import { decodeTolerant, parseJsonParam, parseQuery } from './query.js';

describe('parseQuery', () => {
  test('keeps the order sent and skips the trailing & of 1.73.0', () => {
    const { pairs } = parseQuery('b=2&a=1&c=3&');
    expect(pairs).toEqual([
      ['b', '2'],
      ['a', '1'],
      ['c', '3'],
    ]);
  });

  test('reads unencoded JSON values as sent by 1.73.0 and encoded ones alike', () => {
    expect(parseQuery('ed={"p":"server"}&').params.ed).toBe('{"p":"server"}');
    expect(parseQuery('ed=%7B%22p%22%3A%22server%22%7D').params.ed).toBe('{"p":"server"}');
    expect(parseQuery('ed={%22p%22:%22server%22}').params.ed).toBe('{"p":"server"}');
  });

  test('keeps a value whose percent-encoding is invalid as sent', () => {
    expect(parseQuery('r=100%&x=%E0%A4%A').params).toEqual({ r: '100%', x: '%E0%A4%A' });
  });

  test('keeps + as a plus sign, as 1.73.0 sends a revenue of 1e21', () => {
    expect(parseQuery('r=1e+21').params.r).toBe('1e+21');
  });

  test('a key without = has an empty value; the first of repeated keys is the param', () => {
    const parsed = parseQuery('flag&a=1&a=2');
    expect(parsed.params).toEqual({ flag: '', a: '1' });
    expect(parsed.pairs).toHaveLength(3);
  });

  test('splits on the first = only', () => {
    expect(parseQuery('t=a=b').params.t).toBe('a=b');
  });

  test('decodes keys too', () => {
    expect(parseQuery('sdk%2Dv=1.73.0').params['sdk-v']).toBe('1.73.0');
  });
});

describe('decodeTolerant', () => {
  test('decodes valid percent-encoding, including UTF-8', () => {
    expect(decodeTolerant('Mozilla%2F5.0%20(Mac)%20%C3%BC')).toBe('Mozilla/5.0 (Mac) ü');
  });

  test('returns text without escapes untouched', () => {
    expect(decodeTolerant('{"u":{"k":"v"}}')).toBe('{"u":{"k":"v"}}');
  });
});

describe('parseJsonParam', () => {
  test('reads the raw text first, so an encoded quote inside a string stays inside it', () => {
    // push('k', 'say "hi"') in 1.73.0: the value is percent-encoded inside raw JSON.
    expect(parseJsonParam('{"u":{"k":"say%20%22hi%22"}}')).toEqual({ ok: true, value: { u: { k: 'say%20%22hi%22' } } });
  });

  test('falls back to the decoded text for a fully encoded value', () => {
    expect(parseJsonParam('%7B%22u%22%3A%7B%7D%7D')).toEqual({ ok: true, value: { u: {} } });
  });

  test('reports text that is JSON neither way', () => {
    expect(parseJsonParam('{u:1}')).toEqual({ ok: false });
  });
});
