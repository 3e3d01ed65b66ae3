/** The four commands on an FME settings file (the format `vwo` detected, or `--format fme`). */
import { formatIssues, parseFmeSettings } from '@vwo/core';
import { type CommandLine, requiredString } from '../args.js';
import { CliError, EXIT_INVALID, EXIT_OK } from '../errors.js';
import { count } from '../format.js';
import { jsonObjectOption } from '../input.js';
import type { CliOutput } from '../run.js';
import { decideFeatures } from './decide.js';
import { explainFeature, explainFeatureLines } from './explain.js';
import { type FmeUser, featureOf, fmeWarnings, loadFme } from './load.js';
import { featureSplitLines, simulateFeatures } from './simulate.js';

/** `vwo validate` of an FME file: every bad field path (exit 1), or `valid` and what 1.35.0 would quietly skip. */
export function validateFme(file: string, raw: unknown, json: boolean, out: CliOutput): number {
  const result = parseFmeSettings(raw);
  const warnings = result.ok ? fmeWarnings(result.settings) : [];
  if (json) {
    const body = result.ok
      ? { format: 'fme', valid: true, issues: [], warnings }
      : { format: 'fme', valid: false, issues: result.issues, warnings };
    out.stdout(JSON.stringify(body, null, 2));
    return result.ok ? EXIT_OK : EXIT_INVALID;
  }
  if (!result.ok) {
    const n = result.issues.length;
    out.stdout(`${file}: invalid FME settings, ${n} problem${n === 1 ? '' : 's'} (vwo-fme-node-sdk 1.35.0 would refuse it):`);
    for (const issue of formatIssues(result.issues).split('\n')) out.stdout(`  ${issue}`);
    return EXIT_INVALID;
  }
  const { settings } = result;
  const features = settings.features.length;
  const summary = `FME: ${count(features)} feature${features === 1 ? '' : 's'}, ${count(settings.campaigns.length)} campaign${settings.campaigns.length === 1 ? '' : 's'}, account ${settings.accountId}`;
  if (warnings.length === 0) out.stdout(`${file}: valid (${summary}; no warnings)`);
  else {
    out.stdout(`${file}: valid (${summary}), with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}:`);
    for (const warning of warnings) out.stdout(`  warning: ${warning.path}: ${warning.message}`);
  }
  return EXIT_OK;
}

/** The user of an FME command from `--user`, `--vars`, `--targeting`, `--user-agent` and `--ip`. */
export function fmeUserOf(command: string, line: CommandLine): FmeUser {
  const id = requiredString(command, line, 'user', '--user <id>');
  return { id, ...fmeContextOptions(line) };
}

/** What every simulated user has besides its id. */
export function fmeContextOptions(line: CommandLine): Omit<FmeUser, 'id'> {
  const customVariables = jsonObjectOption('--vars', line.values.vars as string | undefined);
  const variationTargetingVariables = jsonObjectOption('--targeting', line.values.targeting as string | undefined);
  const userAgent = line.values['user-agent'];
  const ipAddress = line.values.ip;
  return {
    ...(customVariables ? { customVariables } : {}),
    ...(variationTargetingVariables ? { variationTargetingVariables } : {}),
    ...(typeof userAgent === 'string' ? { userAgent } : {}),
    ...(typeof ipAddress === 'string' ? { ipAddress } : {}),
  };
}

/** Options that belong to the other format: one clear line instead of a silent ignore. */
export function refuseOptions(command: string, line: CommandLine, names: readonly string[], why: string): void {
  for (const name of names) if (line.values[name] !== undefined) throw new CliError(`vwo ${command}: --${name} ${why}`);
}

/** `vwo decide` of an FME file: every feature's (or each `--feature`'s) answer and variables, and `trackEvent` per event, as JSON. */
export async function decideFme(line: CommandLine, file: string, raw: unknown, out: CliOutput): Promise<number> {
  refuseOptions('decide', line, ['campaign', 'revenue'], 'is for FullStack files; an FME file has features (--feature <key>)');
  const user = fmeUserOf('decide', line);
  const loaded = loadFme(file, raw);
  const keys = line.values.feature as string[] | undefined;
  for (const key of keys ?? []) featureOf(loaded, key);
  out.stdout(JSON.stringify(await decideFeatures(loaded, user, keys), null, 2));
  return EXIT_OK;
}

/** `vwo explain` of an FME file: one feature's decision steps, ✔/✘. */
export async function explainFme(line: CommandLine, file: string, raw: unknown, out: CliOutput): Promise<number> {
  refuseOptions('explain', line, ['campaign', 'api', 'variable'], 'is for FullStack files; an FME file has features (--feature <key>)');
  const keys = line.values.feature as string[] | undefined;
  const key = keys?.length === 1 ? keys[0] : undefined;
  if (key === undefined) throw new CliError('vwo explain: --feature <key> is required, once (an FME file decides features)');
  const user = fmeUserOf('explain', line);
  const loaded = loadFme(file, raw);
  const feature = featureOf(loaded, key);
  const explanation = await explainFeature(loaded, feature, user);
  if (line.values.json) out.stdout(JSON.stringify(explanation, null, 2));
  else for (const text of explainFeatureLines(loaded, feature, user, explanation)) out.stdout(text);
  return EXIT_OK;
}

/** `vwo simulate` of an FME file: each rule's split against its weights, with a chi-square p-value. */
export function simulateFme(line: CommandLine, file: string, raw: unknown, users: number, out: CliOutput): number {
  refuseOptions('simulate', line, ['campaign'], 'is for FullStack files; an FME file has features (--feature <key>)');
  const loaded = loadFme(file, raw);
  const keys = line.values.feature as string[] | undefined;
  for (const key of keys ?? []) featureOf(loaded, key);
  const context = fmeContextOptions(line);
  const splits = simulateFeatures(loaded.settings, { users, features: keys, context });
  if (line.values.json) {
    out.stdout(JSON.stringify({ users, features: splits }, null, 2));
    return EXIT_OK;
  }
  out.stdout(
    `Simulated ${count(users)} users (user-1 … user-${users}) in ${splits.length} feature${splits.length === 1 ? '' : 's'} of ${file}`,
  );
  if (Object.keys(context).length > 0) out.stdout(`context ${JSON.stringify(context)}`);
  for (const text of featureSplitLines(splits)) out.stdout(text);
  return EXIT_OK;
}
