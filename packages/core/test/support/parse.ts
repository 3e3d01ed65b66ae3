import { parseSettings, type Settings } from '../../src/index.js';

/** Parses a file that the test expects to be valid, failing with the issues otherwise. */
export function parsed(file: unknown): Settings {
  const result = parseSettings(file);
  if (!result.ok) throw new Error(result.error.message);
  return result.settings;
}
