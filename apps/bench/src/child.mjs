// Runs one comparison or measure of `pnpm bench` and prints its rows as JSON on the last line.
import { COMPARISONS } from './comparisons.mjs';
import { MEASURES } from './measures.mjs';

const [kind, name] = process.argv.slice(2);
const quick = process.argv.includes('--quick');
const timing = quick ? { rounds: 3, roundMs: 100 } : { rounds: 7, roundMs: 300 };

let rows;
if (kind === 'comparison') {
  const prepare = COMPARISONS[name];
  if (!prepare) throw new Error(`unknown comparison ${name}`);
  const run = await prepare();
  rows = await run(timing);
} else {
  const measure = MEASURES[name];
  if (!measure) throw new Error(`unknown measure ${name}`);
  rows = await measure({ quick });
}
// Exit once the rows are written: vwo-fme-node-sdk 1.35.0 keeps timers (its polling) that no call stops.
process.stdout.write(`\n${JSON.stringify(rows)}\n`, () => process.exit(0));
