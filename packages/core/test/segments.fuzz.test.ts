/**
 * The segment evaluator against vwo-node-sdk 1.73.0's own SegmentEvaluator on random DSL trees
 * and variables (every operand form and its tricky spellings, numeric texts, all JSON value
 * types, nested and/or/not, user lists, unknown keys, malformed nodes), and its totality on
 * arbitrary input. FUZZ_RUNS sets the number of random segments (default 20,000).
 */
import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSegment, compileSegmentRaw, evaluateSegment, evaluateSegmentRaw, type SegmentVariables } from '../src/segments/index.js';
import { parseNumber } from '../src/segments/normalise.js';

type ReferenceEvaluator = (
  dsl: unknown,
  variables: unknown,
  campaignKey: string,
  userId: string,
  variation: string,
  disableLogs: boolean,
) => boolean | undefined;

const require = createRequire(import.meta.url);
// 1.73.0 logs regex and segmentation errors through its global handler even with disableLogs.
require('vwo-node-sdk/lib/services/logging').setLogHandler({ log: () => undefined });
const referenceEvaluator: ReferenceEvaluator = require('vwo-node-sdk/lib/core/SegmentEvaluator');

/**
 * The reference's result. When an evaluation throws, 1.73.0 builds its error log with
 * `JSON.stringify(customVariables)` before looking at disableLogs, which itself throws for a
 * BigInt or a cycle: that is a failed evaluation too (false). The decision flow of 1.73.0 then
 * stringifies the variables anyway, which is the decision layer's business, not the evaluator's.
 */
function reference(dsl: unknown, variables: unknown): boolean | undefined {
  try {
    return referenceEvaluator(dsl, variables, 'campaign', 'user', '', true);
  } catch {
    return false;
  }
}

const RUNS = Number(process.env.FUZZ_RUNS ?? 20_000);

const TRICKY_TEXTS = [
  '0',
  '0.0',
  '-0',
  '00',
  '1',
  '12',
  '123',
  '123.0',
  '123.40',
  '0012',
  ' 12',
  '12 ',
  '\n12',
  '123abc',
  '10abc',
  '1e3',
  '1E3',
  '1e21',
  '1e+21',
  '2e21',
  '-1e21',
  '1.5e300',
  '1e-7',
  'Infinity',
  '-Infinity',
  'NaN',
  '.5',
  '5.',
  '10',
  '10.',
  '-5',
  '-5.0',
  '0x10',
  '1.0000000000000001',
  '9'.repeat(25),
  '9'.repeat(400),
  '1,2',
  'true',
  'True',
  'false',
  'null',
  'undefined',
  '',
  ' ',
  'abc',
  'ABC',
  'aBc',
  'a*c',
  '*',
  '**',
  '[object Object]',
  'Bill',
  'Ashley',
  ' Bill ',
  'İ',
  'ß',
  'ǅ',
  'ΣΑΣ',
  'K',
  '\u00a012',
  '\ufeff12',
  '\u300012.5',
  '\u2028-3',
];
const UNITS = [
  'a',
  'A',
  'b',
  'B',
  'c',
  '0',
  '1',
  '2',
  '5',
  '9',
  '.',
  '*',
  '(',
  ')',
  '-',
  '+',
  ' ',
  'e',
  'E',
  '[',
  ']',
  '^',
  '$',
  '\n',
  '\\',
  '|',
  ',',
  '?',
  // Beyond ASCII: lower-casing that changes the length or reads the context, and white space
  // that parseFloat skips before a number.
  'İ',
  'Σ',
  'K',
  '\u00a0',
  '\ufeff',
];

const text = fc.oneof(fc.constantFrom(...TRICKY_TEXTS), fc.string({ unit: fc.constantFrom(...UNITS), maxLength: 7 }));

const prefixedOperand = fc
  .tuple(
    fc.constantFrom('lower', 'wildcard', 'regex', 'gt', 'gte', 'lt', 'lte', 'Lower', 'gt '),
    text,
    fc.constantFrom('', '', ')', 'x', ')x'),
  )
  .map(([name, inner, tail]) => `${name}(${inner})${tail}`);

const TRICKY_OPERANDS = [
  'lower(a)b)',
  'lower(ABC)xyz',
  'lower()',
  'wildcard(**a**)',
  'wildcard(*)',
  'wildcard(**)',
  'wildcard()',
  'wildcard(*5*)',
  'wildcard(*1*)',
  'wildcard(1*)',
  'wildcard(*2)',
  'gt(-5)',
  'gt(.5)',
  'gt(5.)',
  'gt(1e3)',
  'gt(0)',
  'gte(0.0)',
  'lt(.)',
  'gt(99999999999999999999999)',
  'lte(1.0000000000000001)',
  'regex([)',
  'regex(^1.5$)',
  'regex(^12$)',
  'regex(nu)',
  'regex(.*)',
  'regex(1)',
  'regex(1[)',
  'regex()',
  'regex(^$)',
  'regex(^-?\\d+$)',
  'lower(TRUE)',
  'lower(123abc)',
  'lower(NaN)',
];

const jsonScalar = fc.oneof(
  fc.integer({ min: -20, max: 20 }),
  fc.constantFrom(0, -0, 0.5, 12.5, 123, 1000, -5, 1e21, 1.5e300),
  fc.boolean(),
  fc.constant(null),
);
const jsonValue = fc.oneof(jsonScalar, fc.constantFrom({}, { x: 1 }, [], [1, 2], [5], ['a'], [null], [[12]]));

const operand = fc.oneof(
  { weight: 4, arbitrary: text },
  { weight: 4, arbitrary: prefixedOperand },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_OPERANDS) },
  { weight: 1, arbitrary: jsonValue },
);

const NAMES = ['a', 'b', 'c', '0', '_vwoUserId'];
const name = fc.constantFrom(...NAMES);

const customVariable = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(name, operand).map(([k, op]) => ({ custom_variable: { [k]: op } })) },
  { weight: 1, arbitrary: fc.tuple(name, operand, name, operand).map(([k, op, k2, op2]) => ({ custom_variable: { [k]: op, [k2]: op2 } })) },
);

const user = fc
  .array(fc.constantFrom('Ashley', ' Bill ', 'Bill', 'bill', 'Chris ', '', ' ', '5'), { maxLength: 3 })
  .map((ids) => ({ user: ids.join(',') }));

const MALFORMED = [
  {},
  [],
  null,
  'x',
  'xy',
  '',
  5,
  0,
  true,
  { and: {} },
  { or: {} },
  { and: null },
  { or: null },
  { not: null },
  { not: [] },
  { not: {} },
  { not: 'x' },
  { and: 'ab' },
  { or: 'ab' },
  { and: 3 },
  { or: true },
  { custom_variable: 'x' },
  { custom_variable: {} },
  { custom_variable: null },
  { custom_variable: 5 },
  { custom_variable: ['lower(a)'] },
  { user: 5 },
  { user: null },
  { user: ['a'] },
  { user: '' },
  { xyz: 1 },
  { AND: [] },
  { 0: { and: [] } },
  { and: { length: 1, 0: { custom_variable: { a: 'x' } } } },
  { and: { length: 2, 0: { or: [] } } },
  { or: { length: '1', 0: { custom_variable: { b: '1' } } } },
  [{ custom_variable: { a: 'x' } }],
];

const { node } = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { maxDepth: 5, depthIdentifier: 'dsl' },
    { weight: 6, arbitrary: customVariable },
    { weight: 1, arbitrary: user },
    { weight: 1, arbitrary: fc.constantFrom(...MALFORMED) },
    { weight: 2, arbitrary: fc.array(tie('node'), { maxLength: 4, depthIdentifier: 'dsl' }).map((children) => ({ and: children })) },
    { weight: 2, arbitrary: fc.array(tie('node'), { maxLength: 4, depthIdentifier: 'dsl' }).map((children) => ({ or: children })) },
    { weight: 2, arbitrary: tie('node').map((child) => ({ not: child })) },
    {
      // Extra keys are ignored; an integer-like key is enumerated first and so becomes the operator.
      weight: 1,
      arbitrary: fc
        .tuple(tie('node'), fc.constantFrom('or', 'and', 'not', 'custom_variable', 'user', 'xyz', '1'), tie('node'))
        .map(([first, key, extra]) =>
          typeof first === 'object' && first !== null && !Array.isArray(first) ? { ...first, [key]: extra } : first,
        ),
    },
  ),
}));

const dsl = fc.oneof({ weight: 20, arbitrary: node }, { weight: 1, arbitrary: fc.constantFrom({}, [], null, 'abc', 5) });

const variableValue = fc.oneof(
  { weight: 6, arbitrary: text },
  { weight: 3, arbitrary: jsonValue },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.constantFrom(undefined, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY) },
);

// Keys besides the segment's, before or after them: more than the server build's walk over the
// keys takes before it looks the rest up by name (readings.ts).
const FILLER = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`filler${i}`, i]));
const variables = fc.oneof(
  { weight: 30, arbitrary: fc.dictionary(name, variableValue, { maxKeys: 5 }) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.dictionary(name, variableValue, { maxKeys: 5 }), fc.boolean())
      .map(([own, fillerFirst]) => (fillerFirst ? { ...FILLER, ...own } : { ...own, ...FILLER })),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(undefined, null, 'abc', '', 5, true, [], ['x', 'y'], { hasOwnProperty: 1, a: 'x' }, Object.create(null)),
  },
);

const withNames = fc.constantFrom(...NAMES, 'toString', 'length', 'hasOwnProperty', '__proto__');
const anyVariables = fc.oneof(
  fc.dictionary(
    withNames,
    fc.anything({
      withBoxedValues: true,
      withNullPrototype: true,
      withObjectString: true,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withSparseArray: true,
      maxDepth: 2,
    }),
    { maxKeys: 5 },
  ),
  fc.anything({ withBoxedValues: true, withNullPrototype: true, maxDepth: 2 }),
);

/** Our raw result, our decision and our compiled predicate, all checked against the reference. */
function agreesWithReference(segments: unknown, variableSets: readonly unknown[]): void {
  const compiled = compileSegmentRaw(segments);
  const predicate = compileSegment(segments);
  for (const v of variableSets) {
    const expected = reference(segments, v);
    expect(evaluateSegmentRaw(segments, v)).toBe(expected);
    expect(compiled(v as SegmentVariables)).toBe(expected);
    expect(evaluateSegment(segments, v)).toBe(!!expected);
    expect(predicate(v as SegmentVariables)).toBe(!!expected);
  }
}

describe('agreement with vwo-node-sdk 1.73.0 SegmentEvaluator', () => {
  it(`random segments and variables give the reference's raw result and truthiness (${RUNS} segments)`, () => {
    fc.assert(fc.property(dsl, fc.array(variables, { minLength: 1, maxLength: 4 }), agreesWithReference), { numRuns: RUNS });
  });

  it('variables of any JavaScript type give the reference result', () => {
    fc.assert(fc.property(dsl, fc.array(anyVariables, { minLength: 1, maxLength: 3 }), agreesWithReference), {
      numRuns: Math.ceil(RUNS / 4),
    });
  });
});

describe("the server build reads a tag's number as parseFloat does", () => {
  const numberish = fc.string({
    unit: fc.constantFrom('0', '1', '5', '9', '.', 'e', 'E', '+', '-', ' ', 'x', 'I', '\u00a0'),
    maxLength: 20,
  });
  it('on texts of digits, dots, exponents, signs and white space', () => {
    fc.assert(
      fc.property(fc.oneof(numberish, fc.string(), fc.constantFrom(...TRICKY_TEXTS)), (text) => {
        expect(Object.is(parseNumber(text), Number.parseFloat(text))).toBe(true);
      }),
      { numRuns: RUNS * 5 },
    );
  });
});

describe('totality', () => {
  const variablesOfAnyKind = fc.anything({ withBoxedValues: true, withNullPrototype: true, withBigInt: true, withSparseArray: true });

  it('evaluateSegment never throws on arbitrary JSON and arbitrary variables', () => {
    fc.assert(
      fc.property(fc.jsonValue(), variablesOfAnyKind, (segments, v) => {
        expect(typeof evaluateSegment(segments, v)).toBe('boolean');
        const raw = evaluateSegmentRaw(segments, v);
        expect(raw === undefined || typeof raw === 'boolean').toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });

  it('a compiled segment never throws on arbitrary variables', () => {
    fc.assert(
      fc.property(dsl, variablesOfAnyKind, (segments, v) => {
        expect(typeof compileSegment(segments)(v as SegmentVariables)).toBe('boolean');
      }),
      { numRuns: 10_000 },
    );
  });
});
