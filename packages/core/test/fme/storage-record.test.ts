/** The helpers storage adapters share to keep FME decisions. */
import { describe, expect, it } from 'vitest';
import { FME_STORAGE_RECORD_KEYS, fmeAccountScope, fmeRecordAddress, fmeRecordOf } from '../../src/index.js';

describe('FME storage records', () => {
  it('the address of a record stringifies a numeric userId (the client reads with String(context.id)) and refuses the rest', () => {
    expect(fmeRecordAddress({ featureKey: 'f', userId: 'u' })).toEqual({ featureKey: 'f', userId: 'u' });
    expect(fmeRecordAddress({ featureKey: '_vwo_meta_meg_7', userId: 42 })).toEqual({ featureKey: '_vwo_meta_meg_7', userId: '42' });
    for (const bad of [
      null,
      'f',
      {},
      { featureKey: 1, userId: 'u' },
      { featureKey: 'f', userId: Number.NaN },
      { featureKey: 'f', userId: null },
    ]) {
      expect(fmeRecordAddress(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });

  it('a stored value comes back as the eight keys in 1.35.0 order, only when it is the record of that feature and user', () => {
    const stored = JSON.parse(JSON.stringify({ experimentVariationId: 2, userId: 42, featureKey: 'f', experimentKey: 'f_ab', extra: 1 }));
    const record = fmeRecordOf(stored, 'f', '42');
    expect(Object.keys(record ?? {})).toEqual([...FME_STORAGE_RECORD_KEYS]);
    expect(record).toEqual({ featureKey: 'f', userId: 42, experimentKey: 'f_ab', experimentVariationId: 2 });
    expect(fmeRecordOf(stored, 'f', 'other')).toBeUndefined();
    expect(fmeRecordOf(stored, 'g', '42')).toBeUndefined();
    expect(fmeRecordOf([stored], 'f', '42')).toBeUndefined();
    expect(fmeRecordOf('text', 'f', '42')).toBeUndefined();
  });

  it('an account scope is the account id as text; anything that names no account throws a TypeError', () => {
    expect(fmeAccountScope(123456, 'x')).toBe('123456');
    expect(fmeAccountScope('abc', 'x')).toBe('abc');
    for (const bad of [undefined, null, '', Number.NaN, Number.POSITIVE_INFINITY, {}])
      expect(() => fmeAccountScope(bad, 'caller')).toThrow(/caller: accountId/);
  });
});
