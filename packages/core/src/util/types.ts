/** Type tests in the style 1.73.0 uses (`Object.prototype.toString`), so edge cases agree. */
const objectTag = Object.prototype.toString;

/** A plain object: not `null`, not an array, not a boxed primitive. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return objectTag.call(value) === '[object Object]';
}

/** A string that is not empty: 1.73.0's parameter rule for ids and keys. */
export function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** Own-property test that works on objects without a prototype. */
export function hasOwn(target: object, key: string): boolean {
  return Object.hasOwn(target, key);
}

/** A short, single-line rendering of a value for messages (`"50"`, `null`, `an array`). */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (isPlainObject(value)) return 'an object';
  return typeof value;
}

/** The message of an error, or the text of whatever else was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
