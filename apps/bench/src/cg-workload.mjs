/**
 * N awaited calls of one unbatched workload to a no-op transport, for instruction counts
 * (README, "Per call, by instructions"): run under `valgrind --tool=callgrind node
 * --single-threaded src/cg-workload.mjs <act|ife|op|pair> <N>` for two N and divide the
 * difference of the totals by the difference of N. `act`: activate; `ife`: isFeatureEnabled of a
 * feature test; `op`: activate behind every operator kind; `pair`: activate + track.
 */
import { launch } from '@vwo/node';
import * as w from './workloads.mjs';

const [kind, nStr] = process.argv.slice(2);
const n = Number(nStr);
const users = w.userIds(10_000);
const noopTransport = { send: async () => ({ status: 200, body: '' }) };
const file = kind === 'ife' ? w.featureTest : kind === 'op' ? w.behindEveryOperator : w.twoVariations;
const vwo = await launch({ settingsFile: file, transport: noopTransport, logLevel: 'silent' });
const options = { customVariables: w.EVERY_OPERATOR_VARIABLES };
let sink = 0;
for (let i = 0; i < n; i++) {
  const u = users[i % users.length];
  if (kind === 'ife') {
    if (await vwo.isFeatureEnabled('feature-1', u)) sink++;
  } else if (kind === 'op') {
    if (await vwo.activate('campaign-1', u, options)) sink++;
  } else if (kind === 'pair') {
    await vwo.activate('campaign-1', u);
    await vwo.track('campaign-1', u, 'purchase');
  } else {
    if (await vwo.activate('campaign-1', u)) sink++;
  }
}
await vwo.close();
const s = vwo.eventStats();
if (s.sent === 0 || s.dropped || s.failed) throw new Error(JSON.stringify(s));
console.log(kind, n, sink, s.sent);
