/**
 * The segment evaluator on the cases of segmentation.md (§8 observed results, §5 degenerate
 * segments, §2 malformed nodes), each also checked against vwo-node-sdk 1.73.0 itself, plus the
 * behaviours that JSON cannot express (exotic variables, reuse of a compiled predicate).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import {
  compileSegment,
  compileSegmentRaw,
  evaluateSegment,
  evaluateSegmentRaw,
  hasSegmentConditions,
  type SegmentVariables,
} from '../src/segments/index.js';
import file from './cases/segments.json' with { type: 'json' };

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
const reference = (dsl: unknown, variables: unknown) => referenceEvaluator(dsl, variables, 'campaign', 'user', '', true);

interface Case {
  readonly section: string;
  readonly name: string;
  readonly segments: unknown;
  readonly variables: unknown;
  readonly expected: boolean | 'undefined';
}

/** Turns `{"$undefined": true}` back into `undefined`, at any depth. */
function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (entries.length === 1 && entries[0][0] === '$undefined' && entries[0][1] === true) return undefined;
  return Object.fromEntries(entries.map(([key, inner]) => [key, decode(inner)]));
}

const cases = (file.cases as Case[]).map((c) => ({
  ...c,
  variables: decode(c.variables),
  expected: c.expected === 'undefined' ? undefined : c.expected,
}));

describe('segment cases of segmentation.md', () => {
  it('holds every §8 case, and the §5 and §2 tables', () => {
    expect(cases.filter((c) => c.section === '8')).toHaveLength(78);
    expect(cases.filter((c) => c.section === '5').length).toBeGreaterThanOrEqual(8);
    expect(cases.filter((c) => c.section === '2').length).toBeGreaterThanOrEqual(15);
  });

  it.each(cases)('$name: the raw result is $expected', ({ segments, variables, expected }) => {
    expect(evaluateSegmentRaw(segments, variables)).toBe(expected);
  });

  it.each(cases)('$name: the decision is the truthiness of $expected', ({ segments, variables, expected }) => {
    expect(evaluateSegment(segments, variables)).toBe(!!expected);
    expect(compileSegment(segments)(variables as SegmentVariables)).toBe(!!expected);
  });

  it.each(cases)('$name: vwo-node-sdk 1.73.0 agrees with the table', ({ segments, variables, expected }) => {
    expect(reference(segments, variables)).toBe(expected);
  });
});

const cv = (name: string, operand: unknown) => ({ custom_variable: { [name]: operand } });

describe('hasSegmentConditions', () => {
  it('is true only for a plain object with at least one key', () => {
    expect(hasSegmentConditions({ or: [] })).toBe(true);
    expect(hasSegmentConditions(Object.assign(Object.create(null), { or: [] }))).toBe(true);
    for (const empty of [{}, [], [cv('a', 'x')], null, undefined, 'x', 5, true]) {
      expect(hasSegmentConditions(empty)).toBe(false);
    }
  });

  it('a segment without conditions compiles to a predicate that passes', () => {
    for (const empty of [{}, [], null, 'x']) expect(compileSegment(empty)({})).toBe(true);
  });
});

describe('variables that are not a plain object', () => {
  it('missing variables are an empty object, as 1.73.0 defaults them', () => {
    const notA = { not: cv('a', 'x') };
    expect(compileSegment(notA)(undefined as unknown as SegmentVariables)).toBe(true);
    expect(evaluateSegmentRaw(notA, undefined)).toBe(true);
  });

  it('null variables fail every segment that reads them, even under not', () => {
    expect(evaluateSegmentRaw({ not: cv('a', 'x') }, null)).toBe(false);
    expect(evaluateSegmentRaw({ not: { user: 'Bill' } }, null)).toBe(false);
    expect(evaluateSegmentRaw({ xyz: 1 }, null)).toBe(undefined);
    expect(evaluateSegmentRaw({ not: { or: [] } }, null)).toBe(true);
  });

  it('a string is read by index, an array by index and length', () => {
    expect(evaluateSegmentRaw(cv('0', 'a'), 'abc')).toBe(true);
    expect(evaluateSegmentRaw(cv('length', '3'), 'abc')).toBe(true);
    expect(evaluateSegmentRaw(cv('length', '2'), [5, 6])).toBe(true);
    expect(evaluateSegmentRaw(cv('1', '6'), [5, 6])).toBe(true);
  });

  it('a null prototype or an own hasOwnProperty key fails the evaluation, as in 1.73.0', () => {
    const bare = Object.assign(Object.create(null), { a: 'x' });
    expect(evaluateSegmentRaw({ not: cv('a', 'y') }, bare)).toBe(false);
    expect(evaluateSegmentRaw({ not: cv('a', 'y') }, { a: 'x', hasOwnProperty: 1 })).toBe(false);
    expect(reference({ not: cv('a', 'y') }, bare)).toBe(false);
  });
});

describe('variable values that are not data', () => {
  const exotic: Array<[string, unknown]> = [
    ['a boxed false reads as "true"', new Boolean(false)],
    ['a boxed number', new Number(12.5)],
    ['a Date', new Date(0)],
    ['an object without toString', Object.create(null)],
    ['an array holding an object without toString', [Object.create(null)]],
    ['an own toString that is not callable', { toString: 5 }],
    ['an own toString returning a number', { toString: () => 12 }],
    ['an own toString returning null', { toString: () => null }],
    ['an own toString returning undefined', { toString: () => undefined }],
    ['an own toString returning an object', { toString: () => ({}) }],
    ['a symbol', Symbol('s')],
    ['a bigint', 12n],
  ];
  const operands = [
    'true',
    '12',
    '12.5',
    'lower(x)',
    'wildcard(*1*)',
    'wildcard(1*)',
    'wildcard(*2)',
    'regex(1)',
    'regex(nu)',
    'gt(5)',
    'lte(20)',
    '',
  ];

  it.each(exotic)('%s compares as in 1.73.0', (_, value) => {
    for (const operand of operands) {
      for (const dsl of [cv('a', operand), { not: cv('a', operand) }]) {
        expect(evaluateSegmentRaw(dsl, { a: value }), `${JSON.stringify(dsl)}`).toBe(reference(dsl, { a: value }));
      }
    }
  });
});

describe('operands that are not data', () => {
  it('an operand that cannot be stringified fails only when the variable exists', () => {
    const operand = { toString: 5 };
    expect(evaluateSegmentRaw({ not: cv('a', operand) }, {})).toBe(true);
    expect(evaluateSegmentRaw({ not: cv('a', operand) }, { a: 'x' })).toBe(false);
    expect(reference({ not: cv('a', operand) }, {})).toBe(true);
    expect(reference({ not: cv('a', operand) }, { a: 'x' })).toBe(false);
  });

  it('an array operand nested too deep to stringify fails only when the variable exists', () => {
    let operand: unknown = [1];
    for (let i = 0; i < 200_000; i++) operand = [operand];
    const dsl = { not: cv('a', operand) };
    expect(evaluateSegmentRaw(dsl, {})).toBe(true);
    expect(evaluateSegmentRaw(dsl, { a: '1' })).toBe(false);
    expect([reference(dsl, {}), reference(dsl, { a: '1' })]).toEqual([true, false]);
  });

  it('an and/or value with a length key is walked by index', () => {
    const listLike = { length: '2', 0: cv('a', 'x'), 1: cv('b', 'y') };
    for (const variables of [
      { a: 'x', b: 'y' },
      { a: 'x', b: 'z' },
    ]) {
      expect(evaluateSegmentRaw({ and: listLike }, variables)).toBe(reference({ and: listLike }, variables));
    }
    expect(evaluateSegmentRaw({ and: { length: 3, 0: cv('a', 'x') } }, { a: 'x' })).toBe(false);
  });
});

describe('a compiled predicate', () => {
  it('gives the same answers however often and in whatever order it is called', () => {
    const predicate = compileSegmentRaw({
      or: [cv('a', 'regex(b+)'), { and: [cv('n', 'gte(10)'), { not: cv('c', 'lower(X)') }] }, { user: 'Ann, Bob' }],
    });
    const inputs: SegmentVariables[] = [{ a: 'abbb' }, { a: 'ac', n: 10 }, { n: 10, c: 'x' }, { _vwoUserId: 'Bob' }, { a: 'xbx' }];
    const first = inputs.map((v) => predicate(v));
    expect(first).toEqual([true, true, false, true, true]);
    for (let round = 0; round < 3; round++) expect(inputs.map((v) => predicate(v)).reverse()).toEqual([...first].reverse());
  });

  it('a node that always throws fails the segment from any position', () => {
    expect(evaluateSegmentRaw({ or: [{ and: [] }, { not: { not: { user: ['x'] } } }] }, {})).toBe(false);
    expect(evaluateSegmentRaw({ or: [{ and: [] }, cv('a', 'x'), { and: { length: 1 } }] }, { a: 'x' })).toBe(false);
  });

  it('never throws on a DSL nested deeper than the stack', () => {
    let dsl: unknown = cv('a', 'x');
    for (let i = 0; i < 200_000; i++) dsl = { not: dsl };
    expect(evaluateSegment(dsl, { a: 'x' })).toBe(false);
  });
});

/**
 * How the server build combines outcomes (segments/program.ts runs the tree as a flat list of
 * steps, `not` folded into the step it negates, the open combinators' outcomes saved level by
 * level): the raw outcome, nesting, and constant children, each against 1.73.0.
 */
describe('combining the conditions', () => {
  const agrees = (dsl: unknown, variables: unknown) => expect(evaluateSegmentRaw(dsl, variables)).toBe(reference(dsl, variables));

  it("keeps a condition's undefined only at the root: not and the combinators answer booleans", () => {
    const leaf = cv('a', 'lower(x)');
    const shapes = [leaf, { not: leaf }, { not: { not: leaf } }, { not: { not: { not: leaf } } }, { and: [leaf] }, { or: [leaf] }];
    for (const dsl of shapes) for (const a of [null, 'X', 'y']) agrees(dsl, { a });
    expect(evaluateSegmentRaw(leaf, { a: null })).toBeUndefined();
    expect(evaluateSegmentRaw({ not: { not: leaf } }, { a: null })).toBe(false);
  });

  it('gives 1.73.0 answers for and/or/not nested hundreds of levels deep', () => {
    // A fixed pseudo-random tree: each level an and or an or of a condition, the level below
    // (negated every third level) and another condition.
    let seed = 7;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    const operands = ['x', 'lower(X)', 'gt(3)', 'lte(5)', 'wildcard(*y*)', 'regex(^[xy])'];
    const leaf = () => cv(`v${next() % 4}`, operands[next() % operands.length]);
    let dsl: unknown = leaf();
    for (let level = 0; level < 300; level++) {
      const inner = level % 3 === 0 ? { not: dsl } : dsl;
      dsl = { [next() % 2 === 0 ? 'and' : 'or']: [leaf(), inner, leaf()] };
    }
    const values = ['x', 'X', 'y', '4', '5', '6', 'zy', null];
    for (let round = 0; round < 40; round++) {
      const variables = Object.fromEntries(
        [0, 1, 2, 3].filter(() => next() % 5 !== 0).map((i) => [`v${i}`, values[next() % values.length]]),
      );
      agrees(dsl, variables);
    }
  });

  it('a constant child decides and/or while the other children still run, and may still fail it', () => {
    const throwing = { a: { toString: null } };
    for (const dsl of [
      { or: [{ and: [] }, cv('a', 'x')] },
      { and: [{ or: [] }, cv('a', 'x')] },
      { not: { or: [{ not: { and: [] } }, cv('a', 'x'), { not: cv('a', 'y') }] } },
    ]) {
      for (const variables of [{ a: 'x' }, { a: 'y' }, {}, throwing]) agrees(dsl, variables);
    }
    expect(evaluateSegmentRaw({ or: [{ and: [] }, cv('a', 'x')] }, { a: 'y' })).toBe(true);
    expect(evaluateSegmentRaw({ or: [{ and: [] }, cv('a', 'x')] }, throwing)).toBe(false);
  });

  it('reads a segment of more variables than the walk keeps track of by name, each once', () => {
    const names = Array.from({ length: 40 }, (_, i) => `k${i}`);
    const dsl = { and: names.map((name, i) => cv(name, i % 2 === 0 ? `gte(${i})` : `wildcard(*${i})`)) };
    const matching = Object.fromEntries(names.map((name, i) => [name, i % 2 === 0 ? i + 1 : `n${i}`]));
    agrees(dsl, matching);
    expect(evaluateSegmentRaw(dsl, matching)).toBe(true);
    agrees(dsl, { ...matching, k7: 'n8' });
    let reads = 0;
    const counted = { ...matching };
    Object.defineProperty(counted, 'k39', {
      enumerable: true,
      get: () => {
        reads++;
        return 'n39';
      },
    });
    expect(compileSegmentRaw({ and: [dsl, cv('k39', 'wildcard(n*)')] })(counted)).toBe(true);
    expect(reads).toBe(process.env.VWO_CORE_BUILD === 'browser' ? 2 : 1);
  });
});

/**
 * How the server build reads variables (segments/readings.ts): each once per evaluation, by a
 * walk over the object's own keys with the previous walk's key order remembered, and by name
 * for what the walk does not meet. Every answer is checked against 1.73.0.
 */
describe('reading the variables', () => {
  const segment = {
    and: [cv('a', 'lower(X)'), cv('b', 'gte(10)'), { or: [cv('a', 'wildcard(x*)'), cv('c', 'regex(^z)')] }, { not: cv('d', 'y') }],
  };
  const predicate = compileSegmentRaw(segment);
  const agrees = (variables: unknown) => expect(predicate(variables as SegmentVariables)).toBe(reference(segment, variables));

  it('gives 1.73.0 answers whatever the order of the keys, from one call to the next', () => {
    const values = { a: 'x', b: 12, c: 'zz', d: 'q' };
    const keys = Object.keys(values) as Array<keyof typeof values>;
    for (let turn = 0; turn < 12; turn++) {
      const order = keys.map((_, i) => keys[(i + turn) % keys.length]);
      if (turn % 2 === 1) order.reverse();
      const variables = Object.fromEntries(order.map((key) => [key, turn % 3 === 2 && key === 'b' ? 9 : values[key]]));
      agrees(variables);
    }
  });

  it('reads variables among many other keys, before or after them', () => {
    const others = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`other${i}`, i]));
    agrees({ ...others, a: 'X', b: '10', c: 'z', d: 'y' });
    agrees({ a: 'X', b: '10', ...others, c: 'z', d: 'n' });
    agrees({ a: 'X', b: '10', c: 'z', d: 'n', ...others });
    expect(predicate({ ...others, a: 'X', b: '10', c: 'z', d: 'n' })).toBe(true);
  });

  it('finds own properties that are not enumerable, and ignores inherited ones', () => {
    const hidden = Object.defineProperty({ a: 'x', c: 'z' }, 'b', { value: 11, enumerable: false });
    agrees(hidden);
    expect(predicate(hidden)).toBe(true);
    const inheriting = Object.assign(Object.create({ b: 11, d: 'n' }), { a: 'x', c: 'z' });
    agrees(inheriting);
    expect(predicate(inheriting)).toBe(false);
  });

  it('reads arrays, boxed strings and class instances by their own keys', () => {
    const byIndex = compileSegmentRaw({ and: [cv('0', 'a'), cv('1', 'gt(5)'), cv('length', '2')] });
    for (const variables of [['a', 6], ['a', 5], new String('ab'), Object.assign(new (class Holder {})(), { 0: 'a', 1: '7' })]) {
      expect(byIndex(variables as unknown as SegmentVariables)).toBe(
        reference({ and: [cv('0', 'a'), cv('1', 'gt(5)'), cv('length', '2')] }, variables),
      );
    }
  });

  // The one difference from 1.73.0 (COMPATIBILITY.md): it reads a variable again for every
  // condition that names it, as the browser build does; the server build reads it once.
  it('reads each variable once per evaluation in the server build, however many conditions name it', () => {
    let reads = 0;
    const variables = { b: 10, c: 'z', d: 'n' };
    Object.defineProperty(variables, 'a', {
      enumerable: true,
      get: () => {
        reads++;
        return 'x';
      },
    });
    expect(predicate(variables)).toBe(true);
    expect(reads).toBe(process.env.VWO_CORE_BUILD === 'browser' ? 2 : 1);
  });

  it('a getter that evaluates the same segment meanwhile gets its own readings', () => {
    const variables = { b: 10, c: 'z', d: 'n' };
    const inner: unknown[] = [];
    Object.defineProperty(variables, 'a', {
      enumerable: true,
      get: () => {
        if (inner.length === 0) inner.push(predicate({ a: 'q', b: 1, c: 'a', d: 'y' }));
        return 'x';
      },
    });
    expect(predicate(variables)).toBe(true);
    expect(inner).toEqual([false]);
  });
});

describe('numbers and booleans as variables', () => {
  // The server build writes small integers from a table and booleans without a call: the texts
  // must be String()'s, on every side of the table's bounds, and 1.73.0 must agree.
  const values = [0, -0, 1, 7, 33, 1023, 1024, 1025, -1, 12.5, 1e21, Number.NaN, Number.POSITIVE_INFINITY, true, false];
  const operands = ['0', '1', '33', '1023', '1024', '12.5', 'true', 'false', 'NaN', 'regex(^10)', 'wildcard(*3)', 'gte(33)', 'lt(1024)'];
  it.each(values.map((value) => [String(value), value]))('%s compares as 1.73.0 compares it, twice in a row', (_, value) => {
    for (const operand of operands) {
      const dsl = { or: [{ custom_variable: { n: operand } }] };
      const evaluate = compileSegment(dsl);
      const expected = reference(dsl, { n: value }) === true;
      expect([evaluate({ n: value }), evaluate({ n: value })], operand).toEqual([expected, expected]);
    }
  });
});
