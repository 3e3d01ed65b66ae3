import type { Settings } from '../../src/index.js';
import { core } from './core-build.js';

/** Parses a file that the test expects to be valid, failing with the issues otherwise. */
export function parsed(file: unknown): Settings {
  const result = core.parseSettings(file);
  if (!result.ok) throw new Error(result.error.message);
  return result.settings;
}
