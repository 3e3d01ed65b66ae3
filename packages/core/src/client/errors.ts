/**
 * The configuration given to `launch`/`createClient` is unusable; `field` names the bad option
 * (or settings path), so the message can say exactly what to fix.
 */
export class VWOConfigError extends Error {
  override readonly name = 'VWOConfigError';
  readonly field: string;

  constructor(field: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.field = field;
  }
}

/** A decision 1.73.0 fails with an exception (a missing group, a bucket in a group's gap). */
export class DecisionFailure extends Error {
  override readonly name = 'DecisionFailure';
}
