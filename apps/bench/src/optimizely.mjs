// An Optimizely datafile that expresses the same decisions as the VWO workloads: one experiment
// with two variations at 50/50, optionally behind a one-attribute audience (plan is "Pro").
import { createInstance, createStaticProjectConfigManager } from '@optimizely/optimizely-sdk';

function datafile(withAudience) {
  return {
    version: '4',
    projectId: '1',
    accountId: '1',
    revision: '1',
    anonymizeIP: true,
    botFiltering: false,
    attributes: [{ id: '10', key: 'plan' }],
    audiences: [
      {
        id: '20',
        name: 'pro',
        conditions: JSON.stringify(['and', ['or', ['or', { name: 'plan', type: 'custom_attribute', match: 'exact', value: 'Pro' }]]]),
      },
    ],
    typedAudiences: [],
    events: [{ id: '30', key: 'purchase', experimentIds: ['40'] }],
    groups: [],
    featureFlags: [],
    rollouts: [],
    experiments: [
      {
        id: '40',
        key: 'campaign-1',
        layerId: '50',
        status: 'Running',
        audienceIds: withAudience ? ['20'] : [],
        audienceConditions: withAudience ? ['or', '20'] : [],
        forcedVariations: {},
        variations: [
          { id: '41', key: 'Control' },
          { id: '42', key: 'Variation-1' },
        ],
        trafficAllocation: [
          { entityId: '41', endOfRange: 5000 },
          { entityId: '42', endOfRange: 10000 },
        ],
      },
    ],
  };
}

/** A ready Optimizely client without event processing (the equivalent of getVariationName). */
export async function optimizelyClient(withAudience) {
  const client = createInstance({
    projectConfigManager: createStaticProjectConfigManager({ datafile: JSON.stringify(datafile(withAudience)) }),
  });
  await client.onReady();
  return client;
}
