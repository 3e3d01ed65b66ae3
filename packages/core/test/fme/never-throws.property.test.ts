/**
 * Parsing and evaluation never throw on arbitrary JSON: a valid file with arbitrary JSON put into
 * any one of its fields is either refused by `parseFmeSettings` or, when accepted, decided by
 * `decideFlag` for every feature and arbitrary contexts and stored records without a throw
 * (1.35.0's internal errors become a disabled flag with outcome `error`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideFlag, parseFmeSettings } from '../../src/index.js';
import cases from '../cases/fme/settings.json' with { type: 'json' };

/** Every (object, key) slot of `node`, depth first. */
function slots(node: unknown, found: [Record<string, unknown>, string][] = []): [Record<string, unknown>, string][] {
  if (typeof node !== 'object' || node === null) return found;
  for (const key of Object.keys(node)) {
    found.push([node as Record<string, unknown>, key]);
    slots((node as Record<string, unknown>)[key], found);
  }
  return found;
}

describe('FME parsing and evaluation on arbitrary JSON', () => {
  it('an accepted file with junk in any field is decided without a throw, for any context and stored record', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 3 }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 2 }),
        fc.jsonValue({ maxDepth: 2 }),
        (junk, at, context, record) => {
          const file = structuredClone(cases.base) as unknown as Record<string, unknown>;
          const all = slots(file);
          const [owner, key] = all[at % all.length] as [Record<string, unknown>, string];
          owner[key] = junk;
          const parsed = parseFmeSettings(file);
          if (!parsed.ok) return;
          accepted++;
          const ctx = typeof context === 'object' && context !== null && !Array.isArray(context) ? { id: 'u1', ...context } : { id: 'u1' };
          for (const feature of parsed.settings.features) {
            const decision = decideFlag(parsed.settings, feature.key, ctx as never, () => record, { trace: true });
            expect(typeof decision.enabled).toBe('boolean');
            expect(Array.isArray(decision.impressions)).toBe(true);
          }
        },
      ),
      { numRuns: 1500, seed: 1818 },
    );
    console.log(`FME never-throws: 1500 junk files, ${accepted} accepted and decided`);
    expect(accepted).toBeGreaterThan(100);
  });
});
