/**
 * `@vwo/cli`: the `vwo` command (validate, decide, explain, simulate; FullStack and FME settings
 * files) and the pieces it is made of, for scripts and other tools.
 *
 * @packageDocumentation
 */
export { type DecideReport, decideAll, goalIdentifiers, type UserContext, variableKeys } from './commands/decide.js';
export { type ExplainedCall, explainLines, traceOf } from './commands/explain.js';
export {
  type CampaignSplit,
  type SimulateOptions,
  SPLIT_ALPHA,
  simulateSplits,
  splitLines,
  type VariationSplit,
  verdictLine,
} from './commands/simulate.js';
export { CliError, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './errors.js';
export { decideFeatures, type FmeDecideReport, type FmeFeatureReport } from './fme/decide.js';
export { explainFeature, explainFeatureLines } from './fme/explain.js';
export { type FmeUser, type LoadedFme, loadFme } from './fme/load.js';
export { type FmeFeatureSplit, type FmeRuleSplit, type FmeSimulateOptions, featureSplitLines, simulateFeatures } from './fme/simulate.js';
export { findJsonError, type JsonParseResult, type JsonSyntaxError, lineAndColumn, parseJson } from './json-error.js';
export { type CliOutput, runCli, VERSION } from './run.js';
export { detectFormat, type SettingsFormat } from './settings-format.js';
export { chiSquareCdf, chiSquarePValue, type GoodnessOfFit, goodnessOfFit } from './stats/chi-square.js';
export { logGamma, regularizedGammaP, regularizedGammaQ } from './stats/gamma.js';
export { closestNames, editDistance } from './suggest.js';
