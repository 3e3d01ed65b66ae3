/** One problem found in a settings file, at a field path such as `campaigns[3].variations[1].weight`. */
export interface SettingsIssue {
  /** The field path, e.g. `campaigns[3].variations[1].weight`; empty for the file itself. */
  readonly path: string;
  /** What is wrong, e.g. `expected a number, got "50"`. */
  readonly message: string;
}

/** Renders issues one per line: `campaigns[3].percentTraffic: expected a number, got "50"`. */
export function formatIssues(issues: readonly SettingsIssue[]): string {
  return issues.map((issue) => `${issue.path || '(settings file)'}: ${issue.message}`).join('\n');
}

/**
 * The settings file is not one that vwo-node-sdk 1.73.0 would accept. `issues` lists every
 * bad field, so a user can fix the file in one pass.
 */
export class SettingsValidationError extends Error {
  /** Always `'SettingsValidationError'`. */
  override readonly name = 'SettingsValidationError';
  /** Every bad field of the file. */
  readonly issues: readonly SettingsIssue[];

  constructor(issues: readonly SettingsIssue[]) {
    super(`Invalid VWO settings file (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${formatIssues(issues)}`);
    this.issues = issues;
  }
}
