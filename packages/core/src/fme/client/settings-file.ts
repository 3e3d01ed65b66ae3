/**
 * The settings file behind a client's parsed FME settings, for a server that hands it to a page
 * (`createFmeBootstrap`). The client already keeps the file's JSON text (polling compares it), so
 * this keeps nothing more until a bootstrap asks: then the file is parsed once per settings
 * version and shared, frozen, by every bootstrap made from it. `getFlag` never reads any of it.
 */
import type { FmeSettings } from '../settings/model.js';
import { deepFreeze } from '../settings/parse.js';

type FmeSettingsFile = Readonly<Record<string, unknown>>;

// Keyed weakly by the model: a replaced settings version takes its text and file with it.
const texts = /* @__PURE__ */ new WeakMap<FmeSettings, string>();
const files = /* @__PURE__ */ new WeakMap<FmeSettings, FmeSettingsFile>();

/** Records the JSON text a client parsed `settings` from (the very string it keeps, not a copy). */
export function rememberFmeSettingsText(settings: FmeSettings, text: string): void {
  texts.set(settings, text);
}

/**
 * The settings file a client's `settings` were parsed from, deeply frozen, or `undefined` for a
 * model no client made (one from `parseFmeSettings` directly).
 */
export function fmeSettingsFileOf(settings: FmeSettings): FmeSettingsFile | undefined {
  const known = files.get(settings);
  if (known) return known;
  const text = texts.get(settings);
  if (text === undefined) return undefined;
  const file = deepFreeze(JSON.parse(text) as FmeSettingsFile);
  files.set(settings, file);
  return file;
}
