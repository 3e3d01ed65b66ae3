import { fail, isPlainObject } from './events/fields.js';
import type { ActiveFault, Endpoint, FaultRule } from './types.js';

export const ALL_ENDPOINTS: readonly Endpoint[] = [
  'settings',
  'pull',
  'track-user',
  'track-goal',
  'push',
  'batch-events',
  'event-arch',
  'v2-settings',
  'v2-pull',
  'batch-events-v2',
];
const EVENT_ENDPOINTS: readonly Endpoint[] = ['track-user', 'track-goal', 'push', 'batch-events', 'event-arch', 'batch-events-v2'];

/** Faults are for tests: nothing may outlive an hour, nor hold an answer past a minute. */
export const MAX_WINDOW_MS = 3_600_000;
export const MAX_DELAY_MS = 60_000;
const MAX_COUNT = 1_000_000;

const KINDS = new Set(['status', 'delay', 'drop', 'truncate', 'invalid-json']);

function targets(value: unknown, field: string): Endpoint[] {
  if (value === undefined) return [...ALL_ENDPOINTS];
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) fail(field, 'expected at least one endpoint');
  const endpoints = new Set<Endpoint>();
  for (const target of list as unknown[]) {
    if (target === '*' || target === 'events') {
      for (const endpoint of target === '*' ? ALL_ENDPOINTS : EVENT_ENDPOINTS) endpoints.add(endpoint);
    } else if (typeof target === 'string' && (ALL_ENDPOINTS as readonly string[]).includes(target)) {
      endpoints.add(target as Endpoint);
    } else {
      fail(field, `expected ${[...ALL_ENDPOINTS, 'events', '*'].map((t) => `"${t}"`).join(', ')}`, target);
    }
  }
  return [...endpoints];
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(field, `expected an integer from ${min} to ${max}`, value);
  }
  return value;
}

function optionalBoolean(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== 'boolean') fail(field, 'expected a boolean', value);
}

function parseRule(value: unknown, field: string, now: number): ActiveFault {
  if (!isPlainObject(value)) fail(field, 'expected a fault rule object', value);
  const { kind } = value;
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    fail(`${field}.kind`, 'expected "status", "delay", "drop", "truncate" or "invalid-json"', kind);
  }
  if (kind === 'status') {
    integer(value.status, `${field}.status`, 200, 599);
    const { retryAfter, body, contentType } = value;
    if (retryAfter !== undefined && !(typeof retryAfter === 'string' && retryAfter !== '')) {
      integer(retryAfter, `${field}.retryAfter`, 0, 86_400);
    }
    if (body !== undefined && typeof body !== 'string') fail(`${field}.body`, 'expected a string', body);
    if (contentType !== undefined && (typeof contentType !== 'string' || contentType === '')) {
      fail(`${field}.contentType`, 'expected a non-empty string', contentType);
    }
  }
  if (kind === 'delay') integer(value.ms, `${field}.ms`, 0, MAX_DELAY_MS);
  optionalBoolean(value.processed, `${field}.processed`);
  optionalBoolean(value.windowFromFirstHit, `${field}.windowFromFirstHit`);

  const endpoints = targets(value.endpoints, `${field}.endpoints`);
  const count = value.count === undefined ? null : integer(value.count, `${field}.count`, 1, MAX_COUNT);
  const skip = value.skip === undefined ? 0 : integer(value.skip, `${field}.skip`, 0, MAX_COUNT);
  let until: number | null = null;
  if (value.until !== undefined) {
    until = integer(value.until, `${field}.until`, 0, now + MAX_WINDOW_MS);
  }
  let windowMs: number | null = null;
  if (value.forMs !== undefined) {
    const forMs = integer(value.forMs, `${field}.forMs`, 1, MAX_WINDOW_MS);
    if (value.windowFromFirstHit === true) {
      if (until !== null) fail(`${field}.windowFromFirstHit`, 'cannot be combined with until');
      windowMs = forMs;
    } else {
      until = until === null ? now + forMs : Math.min(until, now + forMs);
    }
  } else if (value.windowFromFirstHit === true) {
    fail(`${field}.windowFromFirstHit`, 'needs forMs');
  }
  // Bounded by construction: no count and no window means "the next matching request".
  const remaining = count ?? (until === null && windowMs === null ? 1 : null);
  const rule = JSON.parse(JSON.stringify(value)) as FaultRule;
  return { rule, endpoints, remaining, skip, until, windowMs };
}

/** Validates a plan (`[rule, …]` or `{ faults: [rule, …] }`); throws `InvalidRequest` naming the bad field. */
export function parseFaultPlan(plan: unknown, now: number): ActiveFault[] {
  const rules = isPlainObject(plan) ? plan.faults : plan;
  const field = isPlainObject(plan) ? 'faults' : 'plan';
  if (!Array.isArray(rules)) fail(field, 'expected an array of fault rules', rules);
  return rules.map((rule, index) => parseRule(rule, `${field}[${index}]`, now));
}

/**
 * The rule to apply to this request, if any: the first live rule for the endpoint that is
 * done skipping (a rule still skipping counts the request and lets later rules decide).
 * Spent and expired rules are removed.
 */
export function takeFault(plan: ActiveFault[], endpoint: Endpoint, now: number): FaultRule | null {
  for (let index = 0; index < plan.length; ) {
    const fault = plan[index] as ActiveFault;
    if ((fault.until !== null && now > fault.until) || fault.remaining === 0) {
      plan.splice(index, 1);
      continue;
    }
    if (!fault.endpoints.includes(endpoint)) {
      index += 1;
      continue;
    }
    if (fault.skip > 0) {
      fault.skip -= 1;
      index += 1;
      continue;
    }
    if (fault.windowMs !== null) {
      fault.until = now + fault.windowMs;
      fault.windowMs = null;
    }
    if (fault.remaining !== null) fault.remaining -= 1;
    if (fault.remaining === 0) plan.splice(index, 1);
    return fault.rule;
  }
  return null;
}

/** A copy of the live rules, for `GET /_collector/faults`. */
export function describePlan(plan: readonly ActiveFault[], now: number): ActiveFault[] {
  return plan
    .filter((fault) => (fault.until === null || now <= fault.until) && fault.remaining !== 0)
    .map((fault) => ({ ...fault, endpoints: [...fault.endpoints] }));
}
