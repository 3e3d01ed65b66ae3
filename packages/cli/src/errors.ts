/** Exit codes of `vwo`. */
export const EXIT_OK = 0;
/** The settings file is not one vwo-node-sdk 1.73.0 accepts. */
export const EXIT_INVALID = 1;
/** Bad usage or unreadable input: a missing file, bad JSON, an unknown campaign or flag. */
export const EXIT_USAGE = 2;

/** A problem the user can fix, reported as one line on stderr with its exit code. */
export class CliError extends Error {
  /** Always `'CliError'`. */
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** The exit code: {@link EXIT_USAGE} or {@link EXIT_INVALID}. */
    readonly exitCode: number = EXIT_USAGE,
    /** Lines printed after the message (e.g. every bad field of a settings file). */
    readonly details: readonly string[] = [],
  ) {
    super(message);
  }
}
