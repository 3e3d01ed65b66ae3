// `pnpm bench`: decisions per second of @vwo/core's `decide` beside vwo-node-sdk 1.73.0's
// getVariationName on the same settings and users, and beside a bare MurmurHash loop over the
// same ids (the floor of any decision). Prints a table and writes bench-report.md.
import { writeFileSync } from 'node:fs';
import { decide, murmurhash3, parseSettings } from '@vwo/core';
import { formatRate, measure } from './harness.mjs';
import { publicApiWorkloads } from './public-api.mjs';
import { launchReference } from './reference.mjs';
import { behindSegment, MATCHING_VARIABLES, twoHundred, twoVariations, userIds } from './workloads.mjs';

const quick = process.argv.includes('--quick');
const timing = quick ? { rounds: 3, roundMs: 100 } : { rounds: 7, roundMs: 300 };

function settingsOf(file) {
  const result = parseSettings(file);
  if (!result.ok) throw result.error;
  return result.settings;
}

const users = userIds(10_000);
const referenceUsers = users.slice(0, 2_000); // the reference is slow: fewer inputs per pass

function decisionWorkload(name, file, key, options) {
  const settings = settingsOf(file);
  const sdk = launchReference(file);
  const campaign = settings.campaignsByKey.get(key);
  return {
    name,
    contenders: [
      { name: 'decide', fn: (user) => decide(settings, campaign, user, options).variationName, inputs: users },
      { name: 'decide (by key)', fn: (user) => decide(settings, key, user, options).variationName, inputs: users },
      { name: 'vwo-node-sdk getVariationName', fn: (user) => sdk.getVariationName(key, user, options), inputs: referenceUsers },
      { name: 'bare MurmurHash loop', fn: (user) => murmurhash3(user, 1), inputs: users },
    ],
  };
}

const workloads = [
  decisionWorkload('2 variations, no segments', twoVariations, 'campaign-1', undefined),
  decisionWorkload('behind a 6-condition segment', behindSegment, 'campaign-1', { customVariables: MATCHING_VARIABLES }),
  decisionWorkload('last of 200 campaigns', twoHundred, 'campaign-200', undefined),
];

const lines = ['| workload | contender | decisions/s | × vwo-node-sdk | ÷ bare hash |', '|---|---|---|---|---|'];
for (const workload of workloads) {
  const results = measure(workload, timing);
  const ref = results.find((r) => r.contender.startsWith('vwo-node-sdk')).opsPerSecond;
  const floor = results.find((r) => r.contender === 'bare MurmurHash loop').opsPerSecond;
  for (const r of results) {
    lines.push(
      `| ${r.workload} | ${r.contender} | ${formatRate(r.opsPerSecond)} | ${(r.opsPerSecond / ref).toFixed(1)}× | ${(r.opsPerSecond / floor).toFixed(2)} |`,
    );
  }
}
const apiTable = ['| workload | contender | calls/s | × vwo-node-sdk | × GrowthBook |', '|---|---|---|---|---|'];
const byWorkload = new Map();
for (const r of await publicApiWorkloads(users, referenceUsers, timing))
  byWorkload.set(r.workload, [...(byWorkload.get(r.workload) ?? []), r]);
for (const [, rows] of byWorkload) {
  const ref = rows.find((r) => r.contender.startsWith('vwo-node-sdk')).opsPerSecond;
  const gb = rows.find((r) => r.contender.startsWith('GrowthBook')).opsPerSecond;
  for (const r of rows) {
    apiTable.push(
      `| ${r.workload} | ${r.contender} | ${formatRate(r.opsPerSecond)} | ${(r.opsPerSecond / ref).toFixed(1)}× | ${(r.opsPerSecond / gb).toFixed(2)}× |`,
    );
  }
}

const report = [
  '# Benchmark report',
  '',
  `Node ${process.version}, ${new Date().toISOString()}${quick ? ' (quick run)' : ''}. Median of interleaved rounds; same settings and users for every contender.`,
  '',
  '## `decide` (pure, synchronous)',
  '',
  'Goals (issue 2): `decide` ≥ 100× vwo-node-sdk and ≥ 1/3 of the bare hash loop.',
  '',
  ...lines,
  '',
  '## The public API, awaited call by call',
  '',
  'Goals (issue 3): ≥ 50× vwo-node-sdk and ≥ 2× GrowthBook on every decision workload. vwo-node-sdk and GrowthBook are',
  'called synchronously (their natural API); @vwo/node is awaited. activate+track is batched to a no-op transport;',
  'GrowthBook has no conversion call, so its row is the exposure with a tracking callback.',
  '',
  ...apiTable,
  '',
].join('\n');
console.log(report);
writeFileSync(new URL('../../../bench-report.md', import.meta.url), report);
