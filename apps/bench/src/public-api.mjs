// The public, promise-based API of @vwo/node, awaited call by call, beside vwo-node-sdk 1.73.0's
// synchronous API and GrowthBook's server client on the same decision: 2 variations, 50/50,
// the same users.
import { GrowthBookClient } from '@growthbook/growthbook';
import { launch } from '@vwo/node';
import { measureAsync } from './harness.mjs';
import { launchReference } from './reference.mjs';
import { behindOneCondition, twoVariations } from './workloads.mjs';

const noopTransport = { send: async () => ({ status: 200, body: '' }) };
const experiment = { key: 'campaign-1', variations: ['Control', 'Variation-1'], weights: [0.5, 0.5], hashAttribute: 'id' };
const segmentedExperiment = { ...experiment, condition: { plan: 'Pro' } };
const attributes = { plan: 'Pro' };

export async function publicApiWorkloads(users, referenceUsers, timing) {
  const gb = new GrowthBookClient({});
  await gb.init({ payload: { features: {} } });
  const plain = await launch({ settingsFile: twoVariations, transport: noopTransport, logLevel: 'silent' });
  const segmented = await launch({ settingsFile: behindOneCondition, transport: noopTransport, logLevel: 'silent' });
  const batched = await launch({
    settingsFile: twoVariations,
    transport: noopTransport,
    logLevel: 'silent',
    batchEvents: { eventsPerRequest: 1000 },
  });
  const ref = launchReference(twoVariations);
  const refSegmented = launchReference(behindOneCondition);
  const refBatched = launchReference(twoVariations, { batchEvents: { eventsPerRequest: 1000 } });
  const exposures = [];
  const trackingCallback = () => {
    if (exposures.push(1) > 1000) exposures.length = 0;
  };
  const options = { customVariables: attributes };

  const workloads = [
    {
      name: 'getVariationName, 2 variations (public API)',
      contenders: [
        { name: '@vwo/node getVariationName', async: true, fn: (u) => plain.getVariationName('campaign-1', u), inputs: users },
        { name: 'vwo-node-sdk getVariationName', fn: (u) => ref.getVariationName('campaign-1', u), inputs: referenceUsers },
        {
          name: 'GrowthBook runInlineExperiment',
          fn: (u) => gb.runInlineExperiment(experiment, { attributes: { id: u } }).value,
          inputs: users,
        },
      ],
    },
    {
      name: 'getVariationName behind one attribute condition (public API)',
      contenders: [
        { name: '@vwo/node getVariationName', async: true, fn: (u) => segmented.getVariationName('campaign-1', u, options), inputs: users },
        {
          name: 'vwo-node-sdk getVariationName',
          fn: (u) => refSegmented.getVariationName('campaign-1', u, options),
          inputs: referenceUsers,
        },
        {
          name: 'GrowthBook runInlineExperiment',
          fn: (u) => gb.runInlineExperiment(segmentedExperiment, { attributes: { id: u, ...attributes } }).value,
          inputs: users,
        },
      ],
    },
    {
      name: 'activate + track, batched (public API)',
      contenders: [
        {
          name: '@vwo/node activate+track',
          async: true,
          fn: async (u) => {
            await batched.activate('campaign-1', u);
            return batched.track('campaign-1', u, 'purchase');
          },
          inputs: users,
        },
        {
          name: 'vwo-node-sdk activate+track',
          fn: (u) => {
            refBatched.activate('campaign-1', u);
            return refBatched.track('campaign-1', u, 'purchase');
          },
          inputs: referenceUsers,
        },
        {
          name: 'GrowthBook run with tracking callback',
          fn: (u) => gb.runInlineExperiment(experiment, { attributes: { id: u }, trackingCallback }).value,
          inputs: users,
        },
      ],
    },
  ];
  const results = [];
  for (const workload of workloads) results.push(...(await measureAsync(workload, timing)));
  await Promise.all([plain.close(), segmented.close(), batched.close()]);
  return results;
}
