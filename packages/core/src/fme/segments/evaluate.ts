/**
 * The FME segment evaluator (fme/segmentation.md), synchronous: gateway data (`_vwo`) and
 * attribute-list answers are looked up before the decision, storage through a lookup function.
 *
 * Where 1.35.0 throws (a non-object node, a non-string operand, a malformed `%` in the user
 * agent…) we throw {@link FmeSegmentError}; `decideFlag` turns it into a disabled flag as 1.35.0
 * does. Lists are walked by `length` and index, as 1.35.0's CommonJS build does: `{"and": {}}`
 * is an empty list there (the ESM build throws instead; the CommonJS build is the reference).
 */
import { isPlainObject } from '../../util/types.js';
import { compareOperand, normalise, parseOperand, tagOf } from './operand.js';

/** A segment could not be evaluated; 1.35.0 fails the whole `getFlag` then. */
export class FmeSegmentError extends Error {
  /** Always `FmeSegmentError`. */
  override readonly name = 'FmeSegmentError';
}

/** What the evaluator may read besides the variables. */
export interface FmeSegmentEnvironment {
  /** `context.userAgent`: the `ua` node's tag; user-agent nodes are false (and logged) without it. */
  readonly userAgent?: unknown;
  /** `context.ipAddress`: the `ip_address` node's tag; location nodes are false (and logged) without it. */
  readonly ipAddress?: unknown;
  /** Gateway data: `context._vwo`, given by the caller or fetched by the client. */
  readonly vwo?:
    | {
        /** The user's location (`country`, `region`, `city`…), for location nodes. */
        readonly location?: unknown;
        /** The parsed user agent (`os`, `browser_string`, `device_type`, `browser_version`, `os_version`…). */
        readonly userAgent?: unknown;
      }
    | undefined;
  /** Feature ids → keys, for `featureId` nodes (first feature with `id === parseInt(key)`). */
  readonly featureKeyById: (id: number) => string | undefined;
  /** The stored record for a feature key, for `featureId` nodes. */
  readonly stored: (featureKey: string) => unknown;
  /**
   * The gateway's answer to `check-attribute?attribute=<tag>&listId=<id>`, looked up by the
   * client beforehand; absent when no gateway is configured (the node is then false).
   */
  readonly attributeList?: ((listId: string, attribute: string | null) => unknown) | undefined;
  /**
   * Receives the template key of each error 1.35.0's evaluator logs (and reports to VWO) on the
   * way, e.g. `INVALID_USER_AGENT_IN_CONTEXT_FOR_PRE_SEGMENTATION`.
   */
  readonly report?: ((messageKey: FmeSegmentMessage) => void) | undefined;
}

/** The error logs of 1.35.0's segment evaluator, by template key. */
export type FmeSegmentMessage =
  | 'INVALID_USER_AGENT_IN_CONTEXT_FOR_PRE_SEGMENTATION'
  | 'INVALID_IP_ADDRESS_IN_CONTEXT_FOR_PRE_SEGMENTATION'
  | 'INVALID_ATTRIBUTE_LIST_FORMAT'
  | 'INVALID_GATEWAY_URL';

const UA_KEYS: ReadonlySet<string> = new Set(['os', 'browser_string', 'device_type', 'device']);
const INLIST = /inlist\(([^)]+)\)/;

/** The variables a segment is evaluated against: `customVariables` or `variationTargetingVariables`, with `_vwoUserId`. */
export type Variables = Readonly<Record<string, unknown>>;

/**
 * Evaluates a segment node against `variables`. The result is truthy or falsy, not always a
 * boolean (an `or` with a missing `featureId` feature answers `null`, as 1.35.0 does).
 *
 * @throws FmeSegmentError (or a `TypeError`/`URIError` on hostile input) where 1.35.0 throws.
 */
export function evaluateFmeSegment(dsl: unknown, variables: Variables, env: FmeSegmentEnvironment): boolean {
  return Boolean(evaluateNode(dsl, variables, env));
}

function evaluateNode(dsl: unknown, variables: Variables, env: FmeSegmentEnvironment): unknown {
  if (!isPlainObject(dsl)) throw new FmeSegmentError(`a segment node must be an object, got ${describe(dsl)}`);
  const key = Object.keys(dsl)[0];
  const value = key === undefined ? undefined : dsl[key];
  switch (key) {
    case 'not':
      return !evaluateNode(value, variables, env);
    case 'and':
      return every(value, variables, env);
    case 'or':
      return some(value, variables, env);
    case 'custom_variable':
      return customVariable(value, variables, env);
    case 'user':
      return user(value, variables);
    case 'ua':
      return userAgentNode(value, env);
    case 'ip_address':
    case 'browser_version':
    case 'os_version':
      return stringOperand(value, env, key);
    default:
      return false;
  }
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** `length` of a list as 1.35.0's compiled loops read it (throws on null/undefined). */
function lengthOf(list: unknown): number {
  if (list === null || list === undefined) throw new FmeSegmentError(`and/or needs a list, got ${describe(list)}`);
  return (list as { length?: number }).length as number;
}

function itemAt(list: unknown, index: number): unknown {
  return (list as Record<number, unknown>)[index];
}

/** `in` as JavaScript does it: a TypeError on primitives, which 1.35.0 lets through. */
function has(node: unknown, key: string): boolean {
  if (typeof node !== 'object' || node === null) throw new FmeSegmentError(`cannot look for "${key}" in ${describe(node)}`);
  return key in node;
}

function every(list: unknown, variables: Variables, env: FmeSegmentEnvironment): unknown {
  const length = lengthOf(list);
  const location: Record<string, unknown> = {};
  for (let i = 0; i < length; i++) {
    const node = itemAt(list, i);
    const isCountry = has(node, 'country');
    if (isCountry || has(node, 'region') || has(node, 'city')) {
      const entry = node as Record<string, unknown>;
      for (const field of ['country', 'region', 'city']) if (field in entry) location[field] = entry[field];
      // Location nodes count only when every node of the list is one (trap 16).
      if (Object.keys(location).length === length) return checkLocation(location, env);
      continue;
    }
    if (!evaluateNode(node, variables, env)) return false;
  }
  return true;
}

function some(list: unknown, variables: Variables, env: FmeSegmentEnvironment): unknown {
  const length = lengthOf(list);
  const uaExpected: Record<string, string[]> = {};
  let uaKeyCount = 0;
  let isUaParser = false;
  for (let i = 0; i < length; i++) {
    const node = itemAt(list, i);
    // for…in: every enumerable key of the node, not just the first one.
    for (const key in node as object) {
      if (UA_KEYS.has(key)) {
        isUaParser = true;
        const value = (node as Record<string, unknown>)[key];
        if (!uaExpected[key]) uaExpected[key] = [];
        for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') uaExpected[key].push(item);
        uaKeyCount++;
      }
      if (key === 'featureId') {
        const answer = featureIdNode((node as Record<string, unknown>)[key], env);
        if (answer !== undefined) return answer;
      }
    }
    if (isUaParser && uaKeyCount === length) {
      try {
        return checkUserAgentInfo(uaExpected, env);
      } catch {
        // 1.35.0 logs USER_AGENT_VALIDATION_ERROR and goes on with the node itself.
      }
    }
    if (evaluateNode(node, variables, env)) return true;
  }
  return false;
}

/** `undefined` when the node is not an on/off node (it is then evaluated like any other). */
function featureIdNode(value: unknown, env: FmeSegmentEnvironment): boolean | null | undefined {
  if (value === null || value === undefined) throw new FmeSegmentError('featureId needs an object');
  const ids = Object.keys(value);
  const id = ids[0] as string;
  const state = (value as Record<string, unknown>)[id];
  if (state !== 'on' && state !== 'off') return undefined;
  // biome-ignore lint/correctness/useParseIntRadix: 1.35.0 calls parseInt without a radix ("0x1F" is 31).
  const featureKey = env.featureKeyById(Number.parseInt(id));
  if (featureKey === undefined) return null;
  const record = env.stored(featureKey);
  const present = isPlainObject(record) && Object.keys(record).length > 0;
  return state === 'off' ? !present : present;
}

function checkLocation(expected: Record<string, unknown>, env: FmeSegmentEnvironment): boolean {
  if (env.ipAddress === undefined) {
    env.report?.('INVALID_IP_ADDRESS_IN_CONTEXT_FOR_PRE_SEGMENTATION');
    return false;
  }
  const location = env.vwo?.location;
  if (!location) return false;
  for (const [key, value] of Object.entries(expected)) {
    if (!has(location, key)) return false;
    if (normaliseLocation(value) !== normaliseLocation((location as Record<string, unknown>)[key])) return false;
  }
  return true;
}

function normaliseLocation(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value).replace(/^"|"$/g, '').trim();
}

function checkUserAgentInfo(expected: Record<string, string[]>, env: FmeSegmentEnvironment): boolean {
  if (!env.userAgent) {
    env.report?.('INVALID_USER_AGENT_IN_CONTEXT_FOR_PRE_SEGMENTATION');
    return false;
  }
  const actual = env.vwo?.userAgent;
  if (!actual) return false;
  for (const key in actual as object) {
    if (!Object.hasOwn(expected, key)) continue;
    const values = (expected[key] as string[]).map((value) => value.toLowerCase());
    expected[key] = values;
    const actualValue = (actual as Record<string, unknown>)[key];
    for (const value of values) {
      if (value.startsWith('wildcard(') && value.endsWith(')')) {
        const pattern = new RegExp(value.slice(9, -1).replace(/\*/g, '.*'), 'i');
        if (pattern.test(actualValue as string)) return true;
      }
    }
    if (actualValue !== null && actualValue !== undefined) {
      const lower = (actualValue as { toLowerCase?: unknown }).toLowerCase;
      if (typeof lower !== 'function') throw new FmeSegmentError('user-agent value is not a string');
      if (values.includes((actualValue as string).toLowerCase())) return true;
    }
  }
  return false;
}

function customVariable(value: unknown, variables: Variables, env: FmeSegmentEnvironment): unknown {
  if (!isPlainObject(value)) throw new FmeSegmentError(`custom_variable needs an object, got ${describe(value)}`);
  const name = Object.keys(value)[0];
  // hasOwnProperty(undefined) looks for the key "undefined", as in 1.35.0.
  const variableName = String(name);
  if (!Object.hasOwn(variables, variableName)) return false;
  const operand = name === undefined ? undefined : value[name];
  if (typeof operand !== 'string' && !Array.isArray(operand)) {
    throw new FmeSegmentError(`a custom_variable operand must be a string, got ${describe(operand)}`);
  }
  if (operand.includes('inlist')) {
    if (typeof operand !== 'string') throw new FmeSegmentError('an inlist operand must be a string');
    const found = operand.match(INLIST);
    if (!found) {
      env.report?.('INVALID_ATTRIBUTE_LIST_FORMAT');
      return false;
    }
    if (!env.attributeList) {
      env.report?.('INVALID_GATEWAY_URL');
      return false;
    }
    const answer = env.attributeList(found[1] as string, tagOf(variables[variableName]));
    if (!answer || answer === 'false' || (answer as { status?: unknown }).status === 0) return false;
    return answer;
  }
  const parsed = parseOperand(operand);
  const normalised = normalise(parsed.value, tagOf(variables[variableName]));
  return compareOperand(parsed.type, normalised.operandValue, normalised.tag);
}

function user(value: unknown, variables: Variables): boolean {
  if (typeof value !== 'string') throw new FmeSegmentError(`a user node needs a string, got ${describe(value)}`);
  const id = variables._vwoUserId;
  // biome-ignore lint/suspicious/noDoubleEquals: 1.35.0 compares user ids loosely ("2" matches 2).
  return value.split(',').some((entry) => entry.trim() == id);
}

function userAgentNode(operand: unknown, env: FmeSegmentEnvironment): boolean {
  if (!env.userAgent) {
    env.report?.('INVALID_USER_AGENT_IN_CONTEXT_FOR_PRE_SEGMENTATION');
    return false;
  }
  // A malformed escape throws URIError, which fails the getFlag in 1.35.0 too.
  const tag = decodeURIComponent(String(env.userAgent));
  const parsed = parseOperand(operand);
  const normalised = normalise(parsed.value, tag);
  return compareOperand(parsed.type, normalised.operandValue, normalised.tag);
}

function stringOperand(operand: unknown, env: FmeSegmentEnvironment, key: 'ip_address' | 'browser_version' | 'os_version'): boolean {
  const tag = key === 'ip_address' ? (env.ipAddress ? String(env.ipAddress) : null) : userAgentField(env, key);
  if (tag === null) return false;
  const parsed = parseOperand(String(operand));
  return compareOperand(parsed.type, String(parsed.value).trim().replace(/"/g, ''), tag);
}

function userAgentField(env: FmeSegmentEnvironment, key: 'browser_version' | 'os_version'): string | null {
  const info = env.vwo?.userAgent;
  if (!info || typeof info !== 'object' || Object.keys(info).length === 0) return null;
  if (!(key in info)) return null;
  const value = (info as Record<string, unknown>)[key];
  return value !== null ? String(value) : null;
}
