import { type CampaignApi, formatIssues, parseSettings } from '@vwo/core';
import { type CommandLine, type OptionSpecs, parseCommandLine, positiveInteger, requiredString } from './args.js';
import { decideAll } from './commands/decide.js';
import { explainLines, traceOf } from './commands/explain.js';
import { simulateSplits, splitLines } from './commands/simulate.js';
import { CliError, EXIT_INVALID, EXIT_OK, EXIT_USAGE } from './errors.js';
import { decideFme, explainFme, refuseOptions, simulateFme, validateFme } from './fme/commands.js';
import { count } from './format.js';
import { campaignOf, jsonObjectOption, loadSettings, readJsonFile } from './input.js';
import { formatOf, type SettingsFormat } from './settings-format.js';
import { closestNames } from './suggest.js';

declare const __VWO_CLI_VERSION__: string;

/** The version of `@vwo/cli` (injected at build time). */
export const VERSION: string = typeof __VWO_CLI_VERSION__ === 'string' ? __VWO_CLI_VERSION__ : '0.0.0-dev';

/** Where the CLI writes; the bin passes the process streams, tests may collect lines. */
export interface CliOutput {
  /** Writes one line of the command's output. */
  stdout(text: string): void;
  /** Writes one line of an error or a diagnostic. */
  stderr(text: string): void;
}

const MAX_USERS = 10_000_000;

const EXPLAINED_APIS: readonly CampaignApi[] = ['activate', 'getVariationName', 'isFeatureEnabled', 'getFeatureVariableValue'];

const HELP = `vwo ${VERSION} — check and try VWO FullStack and FME settings files, offline

Usage:
  vwo validate <settings.json> [--json]
  vwo decide   <settings.json> --campaign <key> --user <id> [--vars <json>] [--targeting <json>] [--revenue <n>]
  vwo explain  <settings.json> --campaign <key> --user <id> [--vars <json>] [--targeting <json>] [--json]
  vwo simulate <settings.json> [--users <n>] [--campaign <key>]... [--vars <json>] [--targeting <json>] [--json]
  FME files: --feature <key> instead of --campaign (optional for decide and simulate), and
  --user-agent <ua>, --ip <address> for the user

Commands:
  validate   check a settings file as vwo-node-sdk 1.73.0 (FME: vwo-fme-node-sdk 1.35.0) does:
             every bad field (exit 1), and warnings
  decide     every API's answer for one user, as JSON (nothing is stored or sent)
  explain    the steps of one decision, one line each, ✔ or ✘
  simulate   bucket N users and compare each campaign's (FME: each rule's) split with its weights
             (chi-square test)

The format is detected (an FME file has features, or FLAG_* campaigns); --format fme|fullstack
overrides it.

Options:
  -h, --help      this text; vwo <command> --help for one command
  -v, --version   the version

<settings.json> may be - for standard input. Exit codes: 0 done, 1 invalid settings file,
2 bad usage or unreadable input. vwo never uses the network.`;

const FME_OPTIONS: OptionSpecs = {
  feature: { type: 'string', short: 'f', multiple: true },
  'user-agent': { type: 'string' },
  ip: { type: 'string' },
  format: { type: 'string' },
};

const USER_OPTIONS: OptionSpecs = {
  campaign: { type: 'string', short: 'c' },
  user: { type: 'string', short: 'u' },
  vars: { type: 'string' },
  targeting: { type: 'string' },
  ...FME_OPTIONS,
};

const FME_HELP = `  FME files (detected, or --format fme):
  -f, --feature <key>  the feature (FME files have features, not campaigns)
  --user-agent <ua>    context.userAgent (user-agent segments)
  --ip <address>       context.ipAddress (location and IP segments)
  --format <name>      fme or fullstack, instead of the detected format`;

const FME_ONLY = ['feature', 'user-agent', 'ip'] as const;

/** Reads the file once and tells its format; options of the other format are refused. */
function readFile(command: string, line: CommandLine, file: string): { raw: unknown; format: SettingsFormat } {
  const option = line.values.format;
  if (option !== undefined && option !== 'fme' && option !== 'fullstack') {
    throw new CliError(`vwo ${command}: --format expects fme or fullstack, got ${JSON.stringify(option)}`);
  }
  const raw = readJsonFile(file);
  const format = formatOf(raw, option);
  if (format === 'fullstack')
    refuseOptions(command, line, FME_ONLY, 'is for FME files; this is a FullStack file (--format fme to read it as FME)');
  return { raw, format };
}

interface Command {
  readonly options: OptionSpecs;
  readonly help: string;
  run(line: CommandLine, file: string, out: CliOutput): Promise<number> | number;
}

const VARS_HELP = `  --vars <json>        customVariables for pre-segmentation, e.g. '{"plan":"pro","country":"US"}'
  --targeting <json>   variationTargetingVariables for whitelisting, e.g. '{"role":"qa"}'`;

const COMMANDS: Record<string, Command> = {
  validate: {
    options: { json: { type: 'boolean' }, format: { type: 'string' } },
    help: `Usage: vwo validate <settings.json> [--json] [--format fme|fullstack]

Checks a settings file exactly as vwo-node-sdk 1.73.0 (an FME file: vwo-fme-node-sdk 1.35.0)
accepts or refuses it. Prints "valid" and any warnings (odd but accepted content; FME: what
1.35.0 quietly skips) and exits 0, or lists every bad field path and exits 1.

  --json     print { valid, issues, warnings } as JSON (FME: with format "fme")
  --format   fme or fullstack, instead of the detected format`,
    run(line, file, out) {
      const { raw, format } = readFile('validate', line, file);
      if (format === 'fme') return validateFme(file, raw, line.values.json === true, out);
      const result = parseSettings(raw);
      if (line.values.json) {
        const body = result.ok
          ? { valid: true, issues: [], warnings: result.warnings }
          : { valid: false, issues: result.error.issues, warnings: [] };
        out.stdout(JSON.stringify(body, null, 2));
        return result.ok ? EXIT_OK : EXIT_INVALID;
      }
      if (!result.ok) {
        const n = result.error.issues.length;
        out.stdout(`${file}: invalid, ${n} problem${n === 1 ? '' : 's'} (vwo-node-sdk 1.73.0 would refuse it):`);
        for (const issue of formatIssues(result.error.issues).split('\n')) out.stdout(`  ${issue}`);
        return EXIT_INVALID;
      }
      const { settings, warnings } = result;
      const running = settings.campaigns.filter((c) => c.isRunning).length;
      const summary = `${count(settings.campaigns.length)} campaign${settings.campaigns.length === 1 ? '' : 's'}, ${running} running, account ${settings.accountId}`;
      if (warnings.length === 0) {
        out.stdout(`${file}: valid (${summary}; no warnings)`);
      } else {
        out.stdout(`${file}: valid (${summary}), with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}:`);
        for (const warning of warnings) out.stdout(`  warning: ${warning.path || '(settings file)'}: ${warning.message}`);
      }
      return EXIT_OK;
    },
  },
  decide: {
    options: { ...USER_OPTIONS, revenue: { type: 'string' } },
    help: `Usage: vwo decide <settings.json> --campaign <key> --user <id> [--vars <json>] [--targeting <json>] [--revenue <n>]

Prints, as JSON, what every API answers for this user: activate, getVariationName,
isFeatureEnabled, getFeatureVariableValue for each variable, and for each goal whether track
would count a conversion. Computed by the SDK in development mode, without user storage:
nothing is stored or sent.

  -c, --campaign <key>   the campaign key
  -u, --user <id>        the user id
${VARS_HELP}
  --revenue <n>        revenueValue passed to track for revenue goals (default 1)
${FME_HELP}
  An FME file: getFlag of every feature (or each --feature, repeatable): isEnabled(), the
  variables, the rules served and the impressions it sends; and trackEvent of every event.`,
    async run(line, file, out) {
      const { raw, format } = readFile('decide', line, file);
      if (format === 'fme') return decideFme(line, file, raw, out);
      const { loaded, campaign, userId, context } = userCommand('decide', line, file, raw);
      const revenueText = line.values.revenue;
      let revenueValue: number | undefined;
      if (revenueText !== undefined) {
        revenueValue = Number(revenueText);
        if (!Number.isFinite(revenueValue))
          throw new CliError(`vwo decide: --revenue expects a number, got ${JSON.stringify(revenueText)}`);
      }
      const report = await decideAll(loaded.settings, campaign, userId, { ...context, revenueValue });
      out.stdout(JSON.stringify(report, null, 2));
      return EXIT_OK;
    },
  },
  explain: {
    options: { ...USER_OPTIONS, api: { type: 'string' }, variable: { type: 'string' }, json: { type: 'boolean' } },
    help: `Usage: vwo explain <settings.json> --campaign <key> --user <id> [--vars <json>] [--targeting <json>] [--api <name>] [--variable <key>] [--json]

Prints the steps of one API call (the API's own rules, whitelisting, pre-segmentation, traffic,
mutually exclusive group, variation, what the API reads from it), one line each with ✔ or ✘,
how it ended and what the call answers. Without user storage, as vwo decide.

  -c, --campaign <key>   the campaign key
  -u, --user <id>        the user id
${VARS_HELP}
  --api <name>         activate, getVariationName, isFeatureEnabled or getFeatureVariableValue
                       (default: activate for an A/B campaign, else isFeatureEnabled)
  --variable <key>     the variable of getFeatureVariableValue (implies that API)
  --json               print the trace as JSON
${FME_HELP}
  An FME file: the getFlag decision of --feature, step by step (rollout rules, experiment rules,
  groups), the rules served, the variables and the impressions.`,
    async run(line, file, out) {
      const { raw, format } = readFile('explain', line, file);
      if (format === 'fme') return explainFme(line, file, raw, out);
      const { loaded, campaign, userId, context } = userCommand('explain', line, file, raw);
      const variableKey = line.values.variable as string | undefined;
      const api = (line.values.api as string | undefined) ?? (variableKey === undefined ? undefined : 'getFeatureVariableValue');
      if (api !== undefined && !EXPLAINED_APIS.includes(api as CampaignApi)) {
        throw new CliError(`vwo explain: --api expects one of ${EXPLAINED_APIS.join(', ')}, got ${JSON.stringify(api)}`);
      }
      if (api === 'getFeatureVariableValue' && variableKey === undefined) {
        throw new CliError('vwo explain: --api getFeatureVariableValue needs --variable <key>');
      }
      if (api !== 'getFeatureVariableValue' && variableKey !== undefined) {
        throw new CliError('vwo explain: --variable goes with --api getFeatureVariableValue');
      }
      const trace = await traceOf(loaded.settings, campaign, userId, { ...context, api: api as CampaignApi | undefined, variableKey });
      if (line.values.json) out.stdout(JSON.stringify(trace, null, 2));
      else for (const text of explainLines(campaign, trace)) out.stdout(text);
      return EXIT_OK;
    },
  },
  simulate: {
    options: {
      users: { type: 'string', short: 'n' },
      campaign: { type: 'string', short: 'c', multiple: true },
      vars: { type: 'string' },
      targeting: { type: 'string' },
      json: { type: 'boolean' },
      ...FME_OPTIONS,
    },
    help: `Usage: vwo simulate <settings.json> [--users <n>] [--campaign <key>]... [--vars <json>] [--targeting <json>] [--json]

Decides users user-1 … user-<n> for each campaign (no storage, nothing sent) and prints each
campaign's split beside its weights, with Pearson's chi-square goodness-of-fit test: a p-value
below 0.001 means the split departs from the weights.

  -n, --users <n>        how many users (default 10,000)
  -c, --campaign <key>   only this campaign (repeatable; default every campaign)
${VARS_HELP}
  --json               print the splits as JSON
${FME_HELP}
  An FME file: per feature (or each --feature), each rule's split: a rollout or personalise
  rule's traffic share, an A/B rule's variations against their weights.`,
    run(line, file, out) {
      const users = positiveInteger('simulate', 'users', line.values.users, 10_000, MAX_USERS);
      const { raw, format } = readFile('simulate', line, file);
      if (format === 'fme') return simulateFme(line, file, raw, users, out);
      const loaded = loadSettings(file, raw);
      const keys = (line.values.campaign as string[] | undefined) ?? undefined;
      for (const key of keys ?? []) campaignOf(loaded, key);
      const context = {
        customVariables: jsonObjectOption('--vars', line.values.vars as string | undefined),
        variationTargetingVariables: jsonObjectOption('--targeting', line.values.targeting as string | undefined),
      };
      const splits = simulateSplits(loaded.settings, { users, campaigns: keys, ...context });
      if (line.values.json) {
        out.stdout(JSON.stringify({ users, campaigns: splits }, null, 2));
        return EXIT_OK;
      }
      out.stdout(
        `Simulated ${count(users)} users (user-1 … user-${users}) in ${splits.length} campaign${splits.length === 1 ? '' : 's'} of ${file}`,
      );
      if (context.customVariables) out.stdout(`customVariables ${JSON.stringify(context.customVariables)}`);
      if (context.variationTargetingVariables)
        out.stdout(`variationTargetingVariables ${JSON.stringify(context.variationTargetingVariables)}`);
      for (const text of splitLines(splits)) out.stdout(text);
      return EXIT_OK;
    },
  },
};

function userCommand(command: string, line: CommandLine, file: string, raw: unknown) {
  const key = requiredString(command, line, 'campaign', '--campaign <key>');
  const userId = requiredString(command, line, 'user', '--user <id>');
  const loaded = loadSettings(file, raw);
  const campaign = campaignOf(loaded, key);
  const context = {
    customVariables: jsonObjectOption('--vars', line.values.vars as string | undefined),
    variationTargetingVariables: jsonObjectOption('--targeting', line.values.targeting as string | undefined),
  };
  return { loaded, campaign, userId, context };
}

/**
 * Runs `vwo` with the given arguments (without `node` and the script) and resolves the exit
 * code. Never throws: problems are one line on stderr (exit 2), invalid settings exit 1.
 *
 * @example
 * const code = await runCli(['validate', 'settings.json'], { stdout: console.log, stderr: console.error });
 */
export async function runCli(argv: readonly string[], out: CliOutput): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === undefined) {
      out.stderr(HELP);
      return EXIT_USAGE;
    }
    if (first === '--help' || first === '-h') {
      out.stdout(HELP);
      return EXIT_OK;
    }
    if (first === '--version' || first === '-v') {
      out.stdout(VERSION);
      return EXIT_OK;
    }
    if (first === 'help') {
      const topic = rest[0];
      const command = topic === undefined ? undefined : COMMANDS[topic];
      if (topic !== undefined && !command) throw unknownCommand(topic);
      out.stdout(command ? command.help : HELP);
      return EXIT_OK;
    }
    const command = COMMANDS[first];
    if (!command) throw unknownCommand(first);
    const line = parseCommandLine(first, rest, command.options);
    if (line.values.help) {
      out.stdout(command.help);
      return EXIT_OK;
    }
    if (line.file === undefined)
      throw new CliError(`vwo ${first}: which settings file? (vwo ${first} <settings.json> …; see vwo ${first} --help)`);
    return await command.run(line, line.file, out);
  } catch (error) {
    if (error instanceof CliError) {
      out.stderr(error.message.startsWith('vwo') ? error.message : `vwo: ${error.message}`);
      for (const detail of error.details) out.stderr(detail);
      return error.exitCode;
    }
    out.stderr(`vwo: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 70;
  }
}

function unknownCommand(name: string): CliError {
  if (name.startsWith('-')) return new CliError(`vwo: unknown option ${name} (see vwo --help)`);
  const close = closestNames(name, Object.keys(COMMANDS));
  const hint = close.length > 0 ? `; did you mean ${close.join(' or ')}?` : `; commands are ${Object.keys(COMMANDS).join(', ')}`;
  return new CliError(`vwo: unknown command ${JSON.stringify(name)}${hint}`);
}
