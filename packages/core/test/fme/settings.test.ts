import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFmeSettings } from '../../src/index.js';
import cases from '../cases/fme/settings.json' with { type: 'json' };

type Path = (string | number)[];
interface Edit {
  op: string;
  path: Path;
  value?: unknown;
}

function edited(edits: Edit[]): unknown {
  let file: unknown = structuredClone(cases.base);
  for (const edit of edits) {
    if (edit.op === 'replace') {
      file = edit.value;
      continue;
    }
    const parent = edit.path.slice(0, -1).reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], file) as Record<
      string | number,
      unknown
    >;
    const last = edit.path.at(-1) as string | number;
    if (edit.op === 'set') parent[last] = edit.value;
    else if (edit.op === 'delete') delete parent[last];
    else if (edit.op === 'push') (parent[last] as unknown[]).push(edit.value);
  }
  return file;
}

describe('parseFmeSettings accepts what 1.35.0 accepts (settings.md §7)', () => {
  it.each(cases.cases)('$name', (example) => {
    const result = parseFmeSettings(edited(example.edits as Edit[]));
    expect(result.ok).toBe(example.valid);
    if (!result.ok) expect(result.issues.map((issue) => issue.path).sort()).toEqual([...example.issuePaths].sort());
  });

  it('links rules to campaigns in order, keeps only the rule variation, and drops rules to missing campaigns', () => {
    const file = structuredClone(cases.base) as Record<string, unknown> & {
      campaigns: Record<string, unknown>[];
      features: Record<string, unknown>[];
    };
    file.campaigns.push({
      id: 6,
      key: 'checkout_ab',
      name: 'ab',
      type: 'FLAG_TESTING',
      status: 'RUNNING',
      segments: { custom_variable: { city: 'x' } },
      variations: [
        { id: 1, name: 'a', weight: 33.33 },
        { id: 2, name: 'b', weight: 33.33 },
        { id: 3, name: 'c', weight: 33.34 },
      ],
    });
    (file.features[0] as { rules: unknown[] }).rules = [
      { type: 'FLAG_TESTING', ruleKey: 'ab', campaignId: 6 },
      { type: 'FLAG_ROLLOUT', ruleKey: 'gone', campaignId: 77 },
      { type: 'FLAG_ROLLOUT', ruleKey: 'rollout', campaignId: 5, variationId: 1 },
    ];
    const result = parseFmeSettings(file);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const feature = result.settings.featuresByKey.get('checkout');
    expect(feature?.rules.map((rule) => rule.ruleKey)).toEqual(['ab', 'rollout']);
    expect(feature?.rolloutRules.map((rule) => rule.ruleKey)).toEqual(['rollout']);
    expect(feature?.experimentRules[0]?.variations.map((v) => [v.range.start, v.range.end])).toEqual([
      [1, 3333],
      [3334, 6666],
      [6667, 10001],
    ]);
    // A custom variable named `city` is enough: the gateway check is a word match on the JSON text.
    expect(feature?.needsGateway).toBe(true);
    expect(result.settings.eventNames.has('purchase')).toBe(true);
  });

  it('returns a frozen model that shares nothing with the caller', () => {
    const file = structuredClone(cases.base);
    const result = parseFmeSettings(file);
    if (!result.ok) throw new Error('valid');
    const variable = result.settings.features[0]?.rules[0]?.variations[0]?.variables[0];
    expect(variable).toEqual({ value: 'Buy', type: 'string', key: 'title', id: 1 });
    expect(Object.isFrozen(variable)).toBe(true);
    file.campaigns[0]!.variations[0]!.variables[0]!.value = 'changed';
    expect(variable?.value).toBe('Buy');
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = parseFmeSettings(input);
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(parseFmeSettings(cyclic).ok).toBe(false);
    expect(parseFmeSettings(undefined).ok).toBe(false);
  });

  it('never throws on valid-looking files with arbitrary JSON in any field', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.integer({ min: 0, max: 40 }), (junk, at) => {
        const file = structuredClone(cases.base) as unknown as Record<string, unknown>;
        const slots: [Record<string, unknown>, string][] = [];
        const walk = (node: unknown) => {
          if (typeof node !== 'object' || node === null) return;
          for (const key of Object.keys(node)) {
            slots.push([node as Record<string, unknown>, key]);
            walk((node as Record<string, unknown>)[key]);
          }
        };
        walk(file);
        const [owner, key] = slots[at % slots.length] as [Record<string, unknown>, string];
        owner[key] = junk;
        expect(typeof parseFmeSettings(file).ok).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
