/**
 * The option checks of the browser build's `config.compact.ts` and `launch-options.compact.ts`:
 * rules in the order the server build checks them, so the same option is named, with one loop
 * to run them instead of a hand-written check per option.
 */
import { VWOConfigError } from './errors.js';

// biome-ignore lint/suspicious/noExplicitAny: each rule narrows the value itself.
export type OptionValue = any;

/** An option, whether its value (or the whole config) passes, and what it takes; `?` before the name: checked only when given. */
export type OptionRule = [field: string, ok: (value: OptionValue, config: OptionValue) => unknown, takes: string];

/** Throws a {@link VWOConfigError} naming the first option that breaks its rule. */
export function checkOptionRules(config: Record<string, unknown>, rules: readonly OptionRule[]): void {
  for (const [name, ok, takes] of rules) {
    const field = name.replace('?', '');
    const value = config[field];
    if ((value !== undefined || field === name) && !ok(value, config)) throw new VWOConfigError(field, takes);
  }
}

/** Has a function under each name. */
export function hasMethods(value: OptionValue, names: string): boolean {
  return typeof value === 'object' && value !== null && names.split(' ').every((name) => typeof value[name] === 'function');
}

/** A positive, finite number (of milliseconds). */
export function isPositiveNumber(value: unknown): boolean {
  return typeof value === 'number' && value > 0 && value < Infinity;
}
