/**
 * `npm run demo`: 20,000 simulated users through @vwo/node's `launch` and 2,000 through its FME
 * `init` into the local collector, then a per-campaign and per-rule report (terminal,
 * demo-report.html, demo-report.json). Exit 0 when every event arrived and the collector's
 * counts equal the SDK's answers, 1 otherwise, 2 for bad flags.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runDemo } from './demo.js';

const USAGE = `Usage: npm run demo -- [--users <n>] [--fme-users <n>] [--seed <s>] [--out <file.html>] [--json <file.json>] [--collector <url>]

Starts the local collector, launches @vwo/node on apps/demo/settings.json, runs a simulated
population through activate, isFeatureEnabled, getFeatureVariableValue and track; then starts
init on apps/demo/fme-settings.json (VWO FME) and runs a population through getFlag and
trackEvent; and reports what the collector received per campaign, FME rule and variation.

  --users <n>        users to simulate through launch (default 20,000)
  --fme-users <n>    users to simulate through init (default a tenth of --users; 0: no FME part)
  --seed <s>         seed of the population and its behaviour (default "vwo-demo"); same seed, same report
  --out <file>       the HTML report (default ./demo-report.html; "-" for none)
  --json <file>      the JSON report (default: the HTML path with .json; "-" for none)
  --collector <url>  send to a collector already running (it must serve the demo settings)
  -h, --help         this text`;

function fail(message: string): never {
  process.stderr.write(`demo: ${message}\n${USAGE.split('\n')[0]}\n`);
  process.exit(2);
}

function options() {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        users: { type: 'string', short: 'n' },
        'fme-users': { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        json: { type: 'string' },
        collector: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail((error as Error).message.split('\n')[0] as string);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const usersText = String(values.users ?? '20000').replaceAll(/[_,]/g, '');
  const users = Number(usersText);
  if (!Number.isInteger(users) || users < 1 || users > 5_000_000)
    fail(`--users expects a whole number from 1 to 5,000,000, got ${values.users}`);
  const fmeText = values['fme-users'] === undefined ? String(Math.ceil(users / 10)) : String(values['fme-users']).replaceAll(/[_,]/g, '');
  const fmeUsers = Number(fmeText);
  if (!Number.isInteger(fmeUsers) || fmeUsers < 0 || fmeUsers > 5_000_000)
    fail(`--fme-users expects a whole number from 0 to 5,000,000, got ${values['fme-users']}`);
  const out = values.out === '-' ? null : resolve(String(values.out ?? 'demo-report.html'));
  const json =
    values.json === '-'
      ? null
      : values.json !== undefined
        ? resolve(String(values.json))
        : out
          ? out.replace(/(\.html?)?$/i, '.json')
          : null;
  const collectorUrl = values.collector as string | undefined;
  if (collectorUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(collectorUrl))
    fail(`--collector expects an http(s) URL, got ${collectorUrl}`);
  return {
    users,
    fmeUsers,
    seed: String(values.seed ?? 'vwo-demo'),
    htmlPath: out,
    jsonPath: json,
    collectorUrl: collectorUrl?.replace(/\/+$/, ''),
  };
}

const report = await runDemo(options());
const ok = report.delivery.complete && report.campaigns.every((c) => c.agrees) && (report.fme?.agrees ?? true);
process.exitCode = ok ? 0 : 1;
