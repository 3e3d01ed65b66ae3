/**
 * The configuration given to `launch`/`createClient` is unusable; `field` names the bad option
 * (or settings path), so the message can say exactly what to fix.
 */
export class VWOConfigError extends Error {
  /** Always `'VWOConfigError'`. */
  override readonly name = 'VWOConfigError';
  /** The option (`pollingInterval`) or settings path (`settingsFile.campaigns[0].percentTraffic`) at fault. */
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
