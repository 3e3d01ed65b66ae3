// Every comparison of `pnpm bench`. Each runs in processes of its own (see main.mjs) so that
// one comparison's JIT state and garbage cannot slow the next; contenders of one comparison
// run interleaved in each process, so machine drift hits them alike.
import { GrowthBookClient } from '@growthbook/growthbook';
import { decide, murmurhash3, parseSettings } from '@vwo/core';
import { init, launch } from '@vwo/node';
import { measure, measureAsync } from './harness.mjs';
import { optimizelyClient } from './optimizely.mjs';
import { launchReference, launchReferenceSending, referenceRequests } from './reference.mjs';
import { fmeReferenceRequests, initFmeReference } from './reference-fme.mjs';
import * as w from './workloads.mjs';

const users = w.userIds(10_000);
const referenceUsers = users.slice(0, 2_000); // the reference is slow: fewer inputs per pass
const noopTransport = { send: async () => ({ status: 200, body: '' }) };
const experiment = { key: 'campaign-1', variations: ['Control', 'Variation-1'], weights: [0.5, 0.5], hashAttribute: 'id' };
const pro = { plan: 'Pro' };

/** The reference's row counts only if it really built and "sent" its requests (reference.mjs). */
function assertReferenceSent(workload) {
  if (referenceRequests.sent === 0) throw new Error(`${workload}: vwo-node-sdk sent no request to the no-op network`);
}

function settingsOf(file) {
  const result = parseSettings(file);
  if (!result.ok) throw result.error;
  return result.settings;
}

async function growthBook() {
  const gb = new GrowthBookClient({});
  await gb.init({ payload: { features: {} } });
  return gb;
}

function decideComparison(name, file, key, options) {
  const settings = settingsOf(file);
  const sdk = launchReference(file);
  const campaign = settings.campaignsByKey.get(key);
  return (timing) =>
    measure(
      {
        name,
        contenders: [
          { name: 'decide', fn: (u) => decide(settings, campaign, u, options).variationName, inputs: users },
          { name: 'vwo-node-sdk getVariationName', fn: (u) => sdk.getVariationName(key, u, options), inputs: referenceUsers },
          { name: 'bare MurmurHash loop', fn: (u) => murmurhash3(u, 1), inputs: users },
        ],
      },
      timing,
    );
}

async function publicDecision(name, file, key, options, { gbExperiment, optimizelyAudience }) {
  const vwo = await launch({ settingsFile: file, transport: noopTransport, logLevel: 'silent' });
  const sdk = launchReference(file);
  const contenders = [
    { name: '@vwo/node getVariationName', async: true, fn: (u) => vwo.getVariationName(key, u, options), inputs: users },
    { name: 'vwo-node-sdk getVariationName', fn: (u) => sdk.getVariationName(key, u, options), inputs: referenceUsers },
  ];
  if (gbExperiment) {
    const gb = await growthBook();
    const attributes = options?.customVariables ?? {};
    contenders.push({
      name: 'GrowthBook runInlineExperiment',
      fn: (u) => gb.runInlineExperiment(gbExperiment, { attributes: { id: u, ...attributes } }).value,
      inputs: users,
    });
  }
  if (optimizelyAudience !== undefined) {
    const optimizely = await optimizelyClient(optimizelyAudience);
    const attributes = options?.customVariables ?? {};
    contenders.push({ name: 'Optimizely getVariation', fn: (u) => optimizely.getVariation('campaign-1', u, attributes), inputs: users });
  }
  return async (timing) => {
    const results = await measureAsync({ name, contenders }, timing);
    await vwo.close();
    return results;
  };
}

/**
 * A workload whose calls send events, each SDK in its default configuration unless `batchEvents`
 * is given: @vwo/node to the no-op transport, vwo-node-sdk to its no-op network (reference.mjs).
 * Batched, `eventsPerRequest` events go in one POST; unbatched (the default of both SDKs), every
 * impression, conversion and custom dimension is its own GET, and `track` over several campaigns
 * one POST. The row fails if the reference sent nothing, or if @vwo/node dropped or failed an
 * event (so every event it counted was handed to the transport).
 */
async function sendingComparison(name, file, batchEvents, contendersOf) {
  const vwo = await launch({ settingsFile: file, transport: noopTransport, logLevel: 'silent', ...(batchEvents ? { batchEvents } : {}) });
  const sdk = launchReferenceSending(file, batchEvents ? { batchEvents } : {});
  const contenders = await contendersOf(vwo, sdk);
  return async (timing) => {
    const results = await measureAsync({ name, contenders }, timing);
    await vwo.close();
    assertReferenceSent(name);
    const stats = vwo.eventStats();
    if (stats.sent === 0 || stats.dropped > 0 || stats.failed > 0) throw new Error(`${name}: @vwo/node events ${JSON.stringify(stats)}`);
    return results;
  };
}

const batchedComparison = (name, file, eventsPerRequest, contendersOf) => sendingComparison(name, file, { eventsPerRequest }, contendersOf);
const unbatchedComparison = (name, file, contendersOf) => sendingComparison(name, file, undefined, contendersOf);

/** `activate` then `track` of the same campaign and user, each awaited as a request handler writes it. */
const activateTrackPair = (vwo, sdk) => [
  {
    name: '@vwo/node activate+track',
    async: true,
    fn: async (u) => {
      // Each call awaited, as a request handler writes it (returning track's promise instead
      // added a promise-resolution step of ~1 % to every pair).
      await vwo.activate('campaign-1', u);
      await vwo.track('campaign-1', u, 'purchase');
    },
    inputs: users,
  },
  {
    name: 'vwo-node-sdk activate+track',
    fn: (u) => {
      sdk.activate('campaign-1', u);
      return sdk.track('campaign-1', u, 'purchase');
    },
    inputs: referenceUsers,
  },
];

/**
 * FME `getFlag` (issue 18): @vwo/node's `init` beside vwo-fme-node-sdk 1.35.0's, the same settings
 * file (a 100 % rollout rule, then an A/B rule at 50/50; workloads.mjs), default options
 * otherwise (no batching), so each call sends its two impressions as requests of their own: ours
 * to the no-op transport (counted), the reference to a stub network client that answers success
 * without I/O (reference-fme.mjs). Each call awaited, then the flag read as a user reads it. Both
 * must agree on a sample of users before measuring, and the row fails if either sent nothing.
 */
async function fmeGetFlag(name) {
  const sent = { count: 0 };
  const transport = {
    send: async () => {
      sent.count++;
      return { status: 200, body: '' };
    },
  };
  const silent = { level: 'ERROR', transport: { log() {} } };
  const vwo = await init({ ...w.FME_ACCOUNT, settings: w.fmeRolloutAndTest, transport, logger: silent });
  const sdk = await initFmeReference(w.fmeRolloutAndTest, w.FME_ACCOUNT);
  const settle = async () => {
    for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  const seen = new Set();
  for (const u of users.slice(0, 500)) {
    const ours = await vwo.getFlag('checkout', { id: u });
    const theirs = await sdk.getFlag('checkout', { id: u });
    const answer = [ours.isEnabled(), JSON.stringify(ours.getVariables())];
    const expected = [theirs.isEnabled(), JSON.stringify(theirs.getVariables())];
    if (answer[0] !== expected[0] || answer[1] !== expected[1])
      throw new Error(`${name}: user ${u}: @vwo/node ${JSON.stringify(answer)}, vwo-fme-node-sdk ${JSON.stringify(expected)}`);
    seen.add(answer.join(' '));
  }
  // Both variations of the A/B rule were seen, with the flag on: the sample exercised both paths.
  if (seen.size !== 2) throw new Error(`${name}: expected two answers over the sample, saw ${[...seen].join(' | ')}`);
  await settle();
  sent.count = 0;
  fmeReferenceRequests.sent = 0;
  fmeReferenceRequests.impressions = 0;
  const read = (flag) => flag.isEnabled() && flag.getVariables().length;
  const contenders = [
    { name: '@vwo/node getFlag', async: true, fn: async (u) => read(await vwo.getFlag('checkout', { id: u })), inputs: users },
    {
      name: 'vwo-fme-node-sdk getFlag',
      async: true,
      fn: async (u) => read(await sdk.getFlag('checkout', { id: u })),
      inputs: referenceUsers,
    },
  ];
  return async (timing) => {
    const results = await measureAsync({ name, contenders }, timing);
    await settle();
    await vwo.close();
    if (fmeReferenceRequests.impressions === 0) throw new Error(`${name}: vwo-fme-node-sdk built no impression request`);
    if (sent.count === 0) throw new Error(`${name}: @vwo/node sent nothing to the no-op transport`);
    process.stderr.write(
      `${name}: requests sent while measured: @vwo/node ${sent.count}, vwo-fme-node-sdk ${fmeReferenceRequests.sent} (${fmeReferenceRequests.impressions} impressions)\n`,
    );
    return results;
  };
}

export const COMPARISONS = {
  'decide: 2 variations, no segments': () => decideComparison('decide: 2 variations, no segments', w.twoVariations, 'campaign-1'),
  'decide: behind a 6-condition segment': () =>
    decideComparison('decide: behind a 6-condition segment', w.behindSegment, 'campaign-1', { customVariables: w.MATCHING_VARIABLES }),
  'decide: last of 200 campaigns': () => decideComparison('decide: last of 200 campaigns', w.twoHundred, 'campaign-200'),

  'API: getVariationName, 2 variations': () =>
    publicDecision('API: getVariationName, 2 variations', w.twoVariations, 'campaign-1', undefined, {
      gbExperiment: experiment,
      optimizelyAudience: false,
    }),
  'API: getVariationName, one attribute condition': () =>
    publicDecision(
      'API: getVariationName, one attribute condition',
      w.behindOneCondition,
      'campaign-1',
      { customVariables: pro },
      {
        gbExperiment: { ...experiment, condition: pro },
        optimizelyAudience: true,
      },
    ),
  'API: getVariationName, 6-condition segment': () =>
    publicDecision(
      'API: getVariationName, 6-condition segment',
      w.behindSegment,
      'campaign-1',
      { customVariables: w.MATCHING_VARIABLES },
      {},
    ),
  'API: getVariationName, last of 200 campaigns': () =>
    publicDecision('API: getVariationName, last of 200 campaigns', w.twoHundred, 'campaign-200', undefined, {}),

  'API: activate + track, batched': () =>
    batchedComparison('API: activate + track, batched', w.twoVariations, 1000, async (vwo, sdk) => {
      const gb = await growthBook();
      const exposures = [];
      const trackingCallback = () => {
        if (exposures.push(1) > 1000) exposures.length = 0;
      };
      return [
        ...activateTrackPair(vwo, sdk),
        {
          name: 'GrowthBook exposure with tracking callback',
          fn: (u) => gb.runInlineExperiment(experiment, { attributes: { id: u }, trackingCallback }).value,
          inputs: users,
        },
      ];
    }),

  // Each call decides and queues an impression, whether the feature is on or off for the user.
  'API: isFeatureEnabled, feature test, batched': () =>
    batchedComparison('API: isFeatureEnabled, feature test, batched', w.featureTest, 1000, (vwo, sdk) => [
      { name: '@vwo/node isFeatureEnabled', async: true, fn: (u) => vwo.isFeatureEnabled('feature-1', u), inputs: users },
      { name: 'vwo-node-sdk isFeatureEnabled', fn: (u) => sdk.isFeatureEnabled('feature-1', u), inputs: referenceUsers },
    ]),

  'API: track(null) across 50 campaigns, batched': () =>
    batchedComparison('API: track(null) across 50 campaigns, batched', w.fiftySharingAGoal, 5000, (vwo, sdk) => [
      { name: '@vwo/node track(null, …)', async: true, fn: (u) => vwo.track(null, u, 'purchase'), inputs: users.slice(0, 2000) },
      { name: 'vwo-node-sdk track(null, …)', fn: (u) => sdk.track(null, u, 'purchase'), inputs: referenceUsers.slice(0, 200) },
    ]),

  // The default configuration of both SDKs: no batch queue, so every event is one request
  // (events.md §4–§7), built in full and handed to the no-op transport / network.
  'API: isFeatureEnabled, feature test, unbatched': () =>
    unbatchedComparison('API: isFeatureEnabled, feature test, unbatched', w.featureTest, (vwo, sdk) => [
      { name: '@vwo/node isFeatureEnabled', async: true, fn: (u) => vwo.isFeatureEnabled('feature-1', u), inputs: users },
      { name: 'vwo-node-sdk isFeatureEnabled', fn: (u) => sdk.isFeatureEnabled('feature-1', u), inputs: referenceUsers },
    ]),
  'API: activate, unbatched': () =>
    unbatchedComparison('API: activate, unbatched', w.twoVariations, (vwo, sdk) => [
      { name: '@vwo/node activate', async: true, fn: (u) => vwo.activate('campaign-1', u), inputs: users },
      { name: 'vwo-node-sdk activate', fn: (u) => sdk.activate('campaign-1', u), inputs: referenceUsers },
    ]),
  'API: activate + track, unbatched': () => unbatchedComparison('API: activate + track, unbatched', w.twoVariations, activateTrackPair),
  // One POST a call in both SDKs: a conversion in each of the 50 campaigns (events.md §7).
  'API: track(null) across 50 campaigns, unbatched': () =>
    unbatchedComparison('API: track(null) across 50 campaigns, unbatched', w.fiftySharingAGoal, (vwo, sdk) => [
      { name: '@vwo/node track(null, …)', async: true, fn: (u) => vwo.track(null, u, 'purchase'), inputs: users.slice(0, 2000) },
      { name: 'vwo-node-sdk track(null, …)', fn: (u) => sdk.track(null, u, 'purchase'), inputs: referenceUsers.slice(0, 200) },
    ]),
  'API: push, unbatched': () =>
    unbatchedComparison('API: push, unbatched', w.twoVariations, (vwo, sdk) => [
      { name: '@vwo/node push', async: true, fn: (u) => vwo.push('browser', 'chrome', u), inputs: users },
      { name: 'vwo-node-sdk push', fn: (u) => sdk.push('browser', 'chrome', u), inputs: referenceUsers },
    ]),
  // Every operator kind of the segment DSL in one pre-segmentation (workloads.mjs).
  'API: getVariationName, every operator kind': () =>
    publicDecision(
      'API: getVariationName, every operator kind',
      w.behindEveryOperator,
      'campaign-1',
      { customVariables: w.EVERY_OPERATOR_VARIABLES },
      {},
    ),
  'API: activate, every operator kind, unbatched': () =>
    unbatchedComparison('API: activate, every operator kind, unbatched', w.behindEveryOperator, (vwo, sdk) => {
      const options = { customVariables: w.EVERY_OPERATOR_VARIABLES };
      return [
        { name: '@vwo/node activate', async: true, fn: (u) => vwo.activate('campaign-1', u, options), inputs: users },
        { name: 'vwo-node-sdk activate', fn: (u) => sdk.activate('campaign-1', u, options), inputs: referenceUsers },
      ];
    }),
  'API: getFlag, rollout + A/B rule': () => fmeGetFlag('API: getFlag, rollout + A/B rule'),
};
