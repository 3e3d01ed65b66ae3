// `pnpm bench`: every comparison in processes of its own (three; one with --quick), then one
// report (printed and written to bench-report.md at the repository root). `--quick` runs
// shorter rounds; `--only TEXT` runs the comparisons and measures whose names contain TEXT.
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

/**
 * Each comparison runs in this many processes; a contender's figure is the median of its
 * per-process medians. One process's JIT and heap can put a contender a few per cent off its
 * usual rate, the same for the whole run (apps/bench/README.md), which more rounds in one
 * process do not even out.
 */
const COMPARISON_PROCESSES = quick ? 1 : 3;

function median(values) {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The comparison's rows, each contender's rate the median over the processes; `samples` keeps them all. */
function runComparison(name) {
  const runs = Array.from({ length: COMPARISON_PROCESSES }, () => runChild('comparison', name));
  return runs[0].map((first) => {
    const samples = runs.map((rows) => rows.find((r) => r.contender === first.contender)?.opsPerSecond ?? Number.NaN);
    return { ...first, opsPerSecond: median(samples), samples };
  });
}

const selected = (names) => names.filter((name) => !only || name.includes(only));
const rateLines = [
  '| comparison | contender | per second | × vwo-node-sdk (FME: vwo-fme-node-sdk) | × GrowthBook | × Optimizely | ÷ bare hash |',
  '|---|---|---|---|---|---|---|',
];
for (const name of selected(Object.keys(COMPARISONS))) {
  process.stderr.write(`bench: ${name}\n`);
  const rows = runComparison(name);
  const contender = (prefix) => rows.find((r) => r.contender.startsWith(prefix));
  const rate = (prefix) => contender(prefix)?.opsPerSecond;
  const times = (x) => `${x.toFixed(x < 10 ? 2 : 1)}×`;
  const ratio = (value, base) => (base ? times(value / base) : '');
  // Beside the ratio to vwo-node-sdk, the lowest and highest of the per-process ratios.
  const referenceRatio = (r) => {
    const reference = contender('vwo-node-sdk') ?? contender('vwo-fme-node-sdk');
    if (!reference) return '';
    const perProcess = r.samples.map((value, i) => value / reference.samples[i]);
    const spread = perProcess.length > 1 && r !== reference ? ` (${times(Math.min(...perProcess))}–${times(Math.max(...perProcess))})` : '';
    return `${ratio(r.opsPerSecond, reference.opsPerSecond)}${spread}`;
  };
  for (const r of rows) {
    rateLines.push(
      `| ${r.workload} | ${r.contender} | ${formatRate(r.opsPerSecond)} | ${referenceRatio(r)} | ${ratio(r.opsPerSecond, rate('GrowthBook'))} | ${ratio(r.opsPerSecond, rate('Optimizely'))} | ${rate('bare') ? (r.opsPerSecond / rate('bare')).toFixed(2) : ''} |`,
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
  `Node ${process.version}, ${new Date().toISOString()}${quick ? ' (quick run)' : ''}. Each comparison runs in ${COMPARISON_PROCESSES} process(es) of its own;`,
  'its contenders run interleaved in each (median of the rounds, then median over the processes; in brackets, the lowest and',
  'highest per-process ratio to vwo-node-sdk). The same settings and users for every contender.',
  '@vwo/node is awaited call by call; vwo-node-sdk, GrowthBook and Optimizely are called synchronously (their natural API).',
  'GrowthBook has no conversion call: its activate+track row is the exposure with a tracking callback.',
  'In the batched workloads vwo-node-sdk builds and "sends" every request to a no-op network, as @vwo/node does to its',
  'no-op transport (apps/bench/src/reference.mjs). User ids are flat strings, as parsed from a request.',
  '',
  'Goals: `decide` ≥ 100× vwo-node-sdk and ≥ 1/3 of the bare hash loop (issue 2); the public API ≥ 50× vwo-node-sdk,',
  '≥ 2× GrowthBook and Optimizely on the shared A/B decision (issues 3 and 10); FME `getFlag` ≥ 100× vwo-fme-node-sdk 1.35.0 (issue 18).',
  '',
  ...rateLines,
  '',
  ...measureLines,
  '',
].join('\n');
console.log(report);
writeFileSync(new URL('../../../bench-report.md', import.meta.url), report);
