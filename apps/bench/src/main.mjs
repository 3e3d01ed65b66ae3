// `pnpm bench`: every comparison in a process of its own, then one report (printed and written
// to bench-report.md at the repository root). `--quick` runs shorter rounds; `--only TEXT` runs
// the comparisons and measures whose names contain TEXT.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { COMPARISONS } from './comparisons.mjs';
import { formatRate } from './harness.mjs';
import { MEASURES } from './measures.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const child = new URL('./child.mjs', import.meta.url).pathname;

function runChild(kind, name) {
  const run = spawnSync(process.execPath, ['--expose-gc', child, kind, name, ...(quick ? ['--quick'] : [])], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (run.status !== 0) throw new Error(`${name} failed with exit code ${run.status}`);
  const lines = run.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

const selected = (names) => names.filter((name) => !only || name.includes(only));
const rateLines = [
  '| comparison | contender | per second | × vwo-node-sdk | × GrowthBook | × Optimizely | ÷ bare hash |',
  '|---|---|---|---|---|---|---|',
];
for (const name of selected(Object.keys(COMPARISONS))) {
  process.stderr.write(`bench: ${name}\n`);
  const rows = runChild('comparison', name);
  const rate = (prefix) => rows.find((r) => r.contender.startsWith(prefix))?.opsPerSecond;
  const ratio = (value, base) => (base ? `${(value / base).toFixed(value / base < 10 ? 2 : 1)}×` : '');
  for (const r of rows) {
    rateLines.push(
      `| ${r.workload} | ${r.contender} | ${formatRate(r.opsPerSecond)} | ${ratio(r.opsPerSecond, rate('vwo-node-sdk'))} | ${ratio(r.opsPerSecond, rate('GrowthBook'))} | ${ratio(r.opsPerSecond, rate('Optimizely'))} | ${rate('bare') ? (r.opsPerSecond / rate('bare')).toFixed(2) : ''} |`,
    );
  }
}
const measureLines = ['| measure | value | detail |', '|---|---|---|'];
for (const name of selected(Object.keys(MEASURES))) {
  process.stderr.write(`bench: ${name}\n`);
  for (const r of runChild('measure', name)) measureLines.push(`| ${r.measure} | ${r.value} | ${r.detail} |`);
}

const report = [
  '# Benchmark report',
  '',
  `Node ${process.version}, ${new Date().toISOString()}${quick ? ' (quick run)' : ''}. Each comparison runs in a process of its own;`,
  'its contenders run interleaved in that process (median of the rounds). The same settings and users for every contender.',
  '@vwo/node is awaited call by call; vwo-node-sdk, GrowthBook and Optimizely are called synchronously (their natural API).',
  'GrowthBook has no conversion call: its activate+track row is the exposure with a tracking callback.',
  'In the batched workloads vwo-node-sdk builds and "sends" every request to a no-op network, as @vwo/node does to its',
  'no-op transport (apps/bench/src/reference.mjs). User ids are flat strings, as parsed from a request.',
  '',
  'Goals: `decide` ≥ 100× vwo-node-sdk and ≥ 1/3 of the bare hash loop (issue 2); the public API ≥ 50× vwo-node-sdk,',
  '≥ 2× GrowthBook and Optimizely on the shared A/B decision (issues 3 and 10).',
  '',
  ...rateLines,
  '',
  ...measureLines,
  '',
].join('\n');
console.log(report);
writeFileSync(new URL('../../../bench-report.md', import.meta.url), report);
