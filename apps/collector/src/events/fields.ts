/** Why a request was refused: the field (a parameter name or a body path) and what was wrong. */
export interface Invalid {
  readonly field: string;
  readonly problem: string;
  /** The offending value, when there was one; shown in the error text, left out of the stats reason. */
  readonly got?: unknown;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; invalid: Invalid };

export class InvalidRequest extends Error {
  constructor(readonly invalid: Invalid) {
    super(formatInvalid(invalid));
  }
}

/** Throws the refusal; pass `got` (even `undefined`, shown as "nothing") to name the offending value. */
export function fail(field: string, problem: string, ...got: [] | [unknown]): never {
  throw new InvalidRequest(got.length === 0 ? { field, problem } : { field, problem, got: got[0] });
}

/** `"u: expected a 32-character hex visitor UUID, got \"abc\""`. */
export function formatInvalid(invalid: Invalid): string {
  const base = reasonOf(invalid);
  return 'got' in invalid ? `${base}, got ${describe(invalid.got)}` : base;
}

/** The error without the offending value, so that the stats group rejections by cause. */
export function reasonOf(invalid: Invalid): string {
  return `${invalid.field}: ${invalid.problem}`;
}

export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}

const POSITIVE_INTEGER = /^[1-9][0-9]{0,15}$/;
const NON_NEGATIVE_INTEGER = /^(0|[1-9][0-9]{0,15})$/;
const UUID = /^[0-9A-Fa-f]{32}$/;

/** A required query parameter, present (it may be empty only if `allowEmpty`). */
export function requireParam(params: Readonly<Record<string, string>>, name: string, allowEmpty = false): string {
  if (!Object.hasOwn(params, name)) fail(name, 'required');
  const value = params[name] as string;
  if (!allowEmpty && value === '') fail(name, 'must not be empty');
  return value;
}

/**
 * VWO campaign, variation and goal ids are positive integers. Accepts a JSON number or a
 * string of digits (1.73.0 sends numbers in batch bodies and digits in query strings).
 */
export function toId(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  if (typeof value === 'string' && POSITIVE_INTEGER.test(value)) return Number(value);
  fail(field, 'expected a positive integer', value);
}

/** `sId`/`sessionId`: Unix seconds, an integer. */
export function toSessionId(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && NON_NEGATIVE_INTEGER.test(value)) return Number(value);
  fail(field, 'expected an integer (Unix seconds)', value);
}

/** The visitor UUID: 32 hex characters (1.73.0 sends upper case; either case is accepted). */
export function toUuid(value: unknown, field: string): string {
  if (typeof value === 'string' && UUID.test(value)) return value.toUpperCase();
  fail(field, 'expected a 32-character hex visitor UUID', value);
}

/** Revenue sent as a number or a string; numeric only when it reads as a finite number. */
export function toRevenue(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** An optional deduplication id: a non-empty string or a number. */
export function toEventId(value: unknown, field: string): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string' && value !== '' && value.length <= 200) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  fail(field, 'expected a non-empty string of at most 200 characters', value);
}

/** Assigns an own property even for keys such as `__proto__`, which come from senders. */
export function setOwn<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
