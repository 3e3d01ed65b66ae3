import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareVersions, evaluateFmeSegment, type FmeSegmentEnvironment } from '../../src/index.js';
import cases from '../cases/fme/segments.json' with { type: 'json' };

interface CaseEnv {
  ipAddress?: string;
  userAgent?: string;
  vwo?: { location?: unknown; userAgent?: unknown };
  stored?: Record<string, unknown>;
  lists?: Record<string, unknown>;
}

function environment(env: CaseEnv | undefined): FmeSegmentEnvironment {
  const features: Record<number, string> = { 1: 'f1', 2: 'f2' };
  return {
    ipAddress: env?.ipAddress,
    userAgent: env?.userAgent,
    vwo: env?.vwo,
    featureKeyById: (id) => features[id],
    stored: (key) => env?.stored?.[key],
    attributeList: env?.lists ? (listId, attribute) => env.lists?.[`${listId}:${attribute}`] : undefined,
  };
}

function variablesOf(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, value === '__undefined__' ? undefined : value]));
}

describe('FME segment evaluator (segmentation.md)', () => {
  it.each(cases.cases)('$name', (example) => {
    const run = () => evaluateFmeSegment(example.dsl, variablesOf(example.variables), environment((example as { env?: CaseEnv }).env));
    if (example.expected === 'throws') expect(run).toThrow();
    else expect(run()).toBe(example.expected);
  });

  it('compares versions part by part, not as decimals', () => {
    expect(compareVersions('10.49', '10.5')).toBe(1);
    expect(compareVersions('1.2', '1.2.0')).toBe(0);
    expect(compareVersions('abc', '5')).toBe(-1);
  });

  it('answers a boolean or throws, for any JSON segment and variables', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })), (dsl, variables) => {
        try {
          expect(typeof evaluateFmeSegment(dsl, variables, environment({ ipAddress: '1.2.3.4', userAgent: 'UA' }))).toBe('boolean');
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
