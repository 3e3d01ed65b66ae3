/**
 * `explain` answers what the API answers: every rule of a call that can turn a decision into a
 * different answer (or stop it before deciding) is applied by explain too, and shown as a step.
 * Users: 'Ashley' is in Control and 'José' in Variation-1 of a 50/50 campaign (bucketing.md §6).
 */
import { describe, expect, it } from 'vitest';
import {
  type CampaignApi,
  type ClientConfig,
  createClient,
  type DecisionTrace,
  type EventRequest,
  type ExplainOptions,
  type TransportResponse,
  type UserStorage,
  type VWOClient,
} from '../src/index.js';
import { campaign, settingsFile, variationsFor } from './support/files.js';
import * as generate from './support/generate.js';
import { parsed } from './support/parse.js';
import { Random } from './support/random.js';
import { MapStorage } from './support/reference.js';

function recorder() {
  const requests: EventRequest[] = [];
  return {
    requests,
    send(request: EventRequest): Promise<TransportResponse> {
      requests.push(request);
      return Promise.resolve({ status: 200 });
    },
  };
}

const silent = { debug() {}, info() {}, warn() {}, error() {} };

function clientFor(file: Record<string, unknown>, config: Partial<Omit<ClientConfig, 'userStorage'>> & { userStorage?: MapStorage } = {}) {
  const transport = recorder();
  // MapStorage returns whatever was stored (1.73.0's contract), typed unknown.
  const userStorage = config.userStorage as UserStorage | undefined;
  const client = createClient({ settings: parsed(file), transport, logger: silent, ...config, userStorage });
  return { client, requests: transport.requests };
}

const featureVariables = (label: unknown, count: unknown) => [
  { id: 1, key: 'label', type: 'string', value: label },
  { id: 2, key: 'count', type: 'integer', value: count },
];

const AB = campaign({ id: 230, key: 'AB' });
const BANDIT_AB = campaign({ id: 231, key: 'BANDIT', isMAB: true });
const BANDIT_ROLLOUT = campaign({
  id: 232,
  key: 'BANDIT_FR',
  type: 'FEATURE_ROLLOUT',
  isMAB: true,
  variables: [{ id: 1, key: 'results', type: 'integer', value: 25 }],
  variations: [{ id: 1, name: 'website', weight: 100 }],
});
const FT = campaign({
  id: 233,
  key: 'FT',
  type: 'FEATURE_TEST',
  variations: [
    { ...variationsFor([50])[0], isFeatureEnabled: false, variables: featureVariables('ctrl', 1) },
    { id: 2, name: 'Variation-1', weight: 50, isFeatureEnabled: true, variables: featureVariables('v1', 'many') },
  ],
});
const FR = campaign({
  id: 234,
  key: 'FR',
  type: 'FEATURE_ROLLOUT',
  variables: [{ id: 1, key: 'results', type: 'integer', value: '25' }],
  variations: [{ id: 1, name: 'website', weight: 100 }],
});
const UNNAMED = campaign({ id: 235, key: 'UNNAMED', variations: [{ id: 1, name: '', weight: 100 }] });

const file = settingsFile([AB, BANDIT_AB, BANDIT_ROLLOUT, FT, FR, UNNAMED]);

/** What the API itself answers for the call explain explains. */
function call(client: VWOClient, key: string, user: string, api: CampaignApi, options: ExplainOptions = {}) {
  const { api: _api, variableKey, ...rest } = options;
  switch (api) {
    case 'activate':
      return client.activate(key, user, rest);
    case 'getVariationName':
      return client.getVariationName(key, user, rest);
    case 'isFeatureEnabled':
      return client.isFeatureEnabled(key, user, rest);
    default:
      return client.getFeatureVariableValue(key, variableKey as string, user, rest);
  }
}

async function explained(client: VWOClient, key: string, user: string, options?: ExplainOptions): Promise<DecisionTrace> {
  const trace = await client.explain(key, user, options);
  if (trace === null) throw new Error(`explain(${key}, ${user}) gave no trace`);
  return trace;
}

const lastStep = (trace: DecisionTrace) => trace.steps[trace.steps.length - 1];

describe('a multi-armed bandit campaign without a user storage', () => {
  it('activate answers null, and explain says so with the bandit rule as a step, not the variation', async () => {
    const { client } = clientFor(file);
    const trace = await explained(client, 'BANDIT', 'José');
    expect(trace).toMatchObject({ api: 'activate', answer: null, variationName: null, outcome: 'bandit-without-storage' });
    expect(trace.steps).toEqual([{ step: 'api', passed: false, detail: expect.stringContaining('multi-armed bandit') }]);
    expect(await client.activate('BANDIT', 'José')).toBeNull();
  });

  it('isFeatureEnabled answers false, and explain says so; variables, which have no bandit rule, still answer', async () => {
    const { client } = clientFor(file);
    const trace = await explained(client, 'BANDIT_FR', 'José');
    expect(trace).toMatchObject({ api: 'isFeatureEnabled', answer: false, variationName: null, outcome: 'bandit-without-storage' });
    expect(await client.isFeatureEnabled('BANDIT_FR', 'José')).toBe(false);
    const variable = await explained(client, 'BANDIT_FR', 'José', { api: 'getFeatureVariableValue', variableKey: 'results' });
    expect(variable).toMatchObject({ answer: 25, variationName: 'website', outcome: 'bucketed' });
    expect(await client.getFeatureVariableValue('BANDIT_FR', 'results', 'José')).toBe(25);
  });

  it('getVariationName has no bandit rule: explain of it gives the variation, as the call does', async () => {
    const { client } = clientFor(file);
    const trace = await explained(client, 'BANDIT', 'José', { api: 'getVariationName' });
    expect(trace).toMatchObject({ answer: 'Variation-1', variationName: 'Variation-1', outcome: 'bucketed' });
    expect(await client.getVariationName('BANDIT', 'José')).toBe('Variation-1');
  });

  it('with a user storage the bandit is served, and explain gives the variation', async () => {
    const { client } = clientFor(file, { userStorage: new MapStorage() });
    expect(await explained(client, 'BANDIT', 'José')).toMatchObject({ answer: 'Variation-1', outcome: 'bucketed' });
    expect(await client.activate('BANDIT', 'José')).toBe('Variation-1');
  });
});

describe('the storage rule of getVariationName and getFeatureVariableValue', () => {
  it('with a storage, a user never activated gets null from both, and explain shows the storage step', async () => {
    const storage = new MapStorage();
    const { client } = clientFor(file, { userStorage: storage });
    for (const options of [{ api: 'getVariationName' }, { api: 'getFeatureVariableValue', variableKey: 'label' }] as const) {
      const key = options.api === 'getVariationName' ? 'AB' : 'FT';
      const trace = await explained(client, key, 'José', options);
      expect(trace).toMatchObject({ answer: null, variationName: null, outcome: 'not-stored' });
      expect(lastStep(trace)).toMatchObject({ step: 'storage', passed: false });
      expect(await call(client, key, 'José', options.api, options)).toBeNull();
    }
    // activate and isFeatureEnabled bucket and store; afterwards both answer.
    expect(await explained(client, 'AB', 'José')).toMatchObject({ answer: 'Variation-1', outcome: 'bucketed' });
    await client.activate('AB', 'José');
    await client.isFeatureEnabled('FT', 'José');
    expect(await explained(client, 'AB', 'José', { api: 'getVariationName' })).toMatchObject({ answer: 'Variation-1', outcome: 'stored' });
    const label = await explained(client, 'FT', 'José', { api: 'getFeatureVariableValue', variableKey: 'label' });
    expect(label).toMatchObject({ answer: 'v1', outcome: 'stored' });
    expect(await client.getFeatureVariableValue('FT', 'label', 'José')).toBe('v1');
  });
});

describe('the API/campaign-type matrix', () => {
  it.each([
    ['activate', 'FT', null],
    ['activate', 'FR', null],
    ['getVariationName', 'FR', null],
    ['isFeatureEnabled', 'AB', false],
    ['getFeatureVariableValue', 'AB', null],
  ] as const)('%s of %s answers %s, and explain names the rule', async (api, key, answer) => {
    const { client } = clientFor(file);
    const options: ExplainOptions = api === 'getFeatureVariableValue' ? { api, variableKey: 'label' } : { api };
    const trace = await explained(client, key, 'José', options);
    expect(trace).toMatchObject({ answer, variationName: null, outcome: 'campaign-type-not-served' });
    expect(trace.steps).toEqual([{ step: 'api', passed: false, detail: expect.stringContaining('does not serve') }]);
    expect(await call(client, key, 'José', api, options)).toBe(answer);
  });
});

describe('what the feature APIs read from the variation', () => {
  it('a feature test variation with the feature off: isFeatureEnabled false, shown as the feature step', async () => {
    const { client } = clientFor(file);
    const trace = await explained(client, 'FT', 'Ashley');
    expect(trace).toMatchObject({ api: 'isFeatureEnabled', answer: false, variationName: 'Control', outcome: 'bucketed' });
    expect(lastStep(trace)).toMatchObject({ step: 'feature', passed: false, detail: expect.stringContaining('feature off') });
    expect(await client.isFeatureEnabled('FT', 'Ashley')).toBe(false);
    const on = await explained(client, 'FT', 'José');
    expect(on).toMatchObject({ answer: true, variationName: 'Variation-1' });
    expect(lastStep(on)).toMatchObject({ step: 'feature', passed: true });
  });

  it("users of an off variation read the control's variables; a value not of its type is null; both shown as the variable step", async () => {
    const { client } = clientFor(file);
    const label = await explained(client, 'FT', 'Ashley', { api: 'getFeatureVariableValue', variableKey: 'label' });
    expect(label).toMatchObject({ answer: 'ctrl', variableKey: 'label' });
    expect(lastStep(label)).toMatchObject({ step: 'variable', passed: true, data: { found: true, type: 'string', value: 'ctrl' } });
    const count = await explained(client, 'FT', 'José', { api: 'getFeatureVariableValue', variableKey: 'count' });
    expect(count).toMatchObject({ answer: null, variationName: 'Variation-1' });
    expect(lastStep(count)).toMatchObject({ step: 'variable', passed: false, data: { found: true, value: 'many' } });
    expect(await client.getFeatureVariableValue('FT', 'count', 'José')).toBeNull();
    const missing = await explained(client, 'FR', 'José', { api: 'getFeatureVariableValue', variableKey: 'nope' });
    expect(missing).toMatchObject({ answer: null, variationName: 'website' });
    expect(lastStep(missing)).toMatchObject({ step: 'variable', passed: false, data: { found: false } });
  });

  it('a variation without a name is never answered, and explain says why', async () => {
    const { client } = clientFor(file);
    const trace = await explained(client, 'UNNAMED', 'José');
    expect(trace).toMatchObject({ answer: null, variationName: null });
    expect(lastStep(trace)).toMatchObject({ step: 'api', passed: false, detail: expect.stringContaining('no name') });
    expect(await client.activate('UNNAMED', 'José')).toBeNull();
  });
});

describe('opt-out', () => {
  it('after setOptOut every call answers null/false, and explain explains that instead of answering null', async () => {
    const { client } = clientFor(file);
    await client.setOptOut();
    const trace = await explained(client, 'FT', 'José');
    expect(trace).toMatchObject({ answer: false, variationName: null, outcome: 'opted-out' });
    expect(trace.steps).toEqual([{ step: 'api', passed: false, detail: expect.stringContaining('setOptOut') }]);
    expect(await client.isFeatureEnabled('FT', 'José')).toBe(false);
    expect(await explained(client, 'AB', 'José')).toMatchObject({ answer: null, outcome: 'opted-out' });
  });
});

describe('mutually exclusive groups', () => {
  it('a campaign mapped to a group that does not list it gets the variation of the one eligible member, in explain as in the API', async () => {
    const other = campaign({
      id: 240,
      key: 'OTHER',
      type: 'FEATURE_TEST',
      variations: [
        { id: 1, name: 'Off', weight: 50, isFeatureEnabled: false, variables: featureVariables('off', 0) },
        { id: 2, name: 'On', weight: 50, isFeatureEnabled: true, variables: featureVariables('on', 9) },
      ],
    });
    const called = { ...FT, id: 241, key: 'CALLED' };
    const grouped = settingsFile([other, called], { campaignGroups: { 240: 7, 241: 7 }, groups: { 7: { name: 'G', campaigns: [240] } } });
    const { client } = clientFor(grouped);
    for (const user of ['Ashley', 'José']) {
      for (const options of [
        { api: 'isFeatureEnabled' },
        { api: 'getVariationName' },
        { api: 'getFeatureVariableValue', variableKey: 'label' },
      ] as const) {
        const trace = await explained(client, 'CALLED', user, options);
        expect(trace.answer, `${user} ${options.api}`).toEqual(await call(client, 'CALLED', user, options.api, options));
      }
    }
  });

  it('a decision VWO cannot make (the group is missing) fails the call, and explain shows the failure', async () => {
    const { client } = clientFor(settingsFile([AB], { campaignGroups: { 230: 9 } }));
    const trace = await explained(client, 'AB', 'José');
    expect(trace).toMatchObject({ answer: null, variationName: null, outcome: 'error' });
    expect(lastStep(trace)).toMatchObject({ step: 'group', passed: false });
    expect(await client.activate('AB', 'José')).toBeNull();
  });
});

describe('bad arguments', () => {
  it('an unknown api, a variable key without getFeatureVariableValue, or none with it: null, as for any bad argument', async () => {
    const { client } = clientFor(file);
    expect(await client.explain('AB', 'José', { api: 'track' as CampaignApi })).toBeNull();
    expect(await client.explain('FT', 'José', { variableKey: 'label' })).toBeNull();
    expect(await client.explain('FT', 'José', { api: 'getFeatureVariableValue' })).toBeNull();
    expect(await client.explain('AB', 'José', { api: 'activate', shouldTrackReturningUser: 'yes' as unknown as boolean })).toBeNull();
  });
});

describe('explain agrees with every API on generated settings files', () => {
  const FILES = Number(process.env.DIFF_CASES ?? 2000) / 20;
  const APIS: CampaignApi[] = ['activate', 'getVariationName', 'isFeatureEnabled', 'getFeatureVariableValue'];
  const VARIABLE_KEYS = ['str', 'int', 'dbl', 'bool', 'json', 'nope'];

  it('its answer is the call’s answer, it stores and sends nothing, for every campaign, API and user, with and without storage', async () => {
    let compared = 0;
    for (let seed = 1; seed <= FILES; seed++) {
      const rng = new Random(seed);
      const raw = generate.settingsFile(rng);
      for (const c of raw.campaigns as Record<string, unknown>[]) if (rng.chance(0.2)) c.isMAB = true;
      const storage = rng.chance(0.5) ? new MapStorage() : undefined;
      const { client } = clientFor(raw, { userStorage: storage });
      for (let u = 0; u < 5; u++) {
        const user = generate.userId(rng);
        const options: ExplainOptions = { customVariables: generate.variables(rng), variationTargetingVariables: generate.variables(rng) };
        for (const c of raw.campaigns as Record<string, unknown>[]) {
          for (const api of rng.chance(0.5) ? APIS : [...APIS].reverse()) {
            const explainOptions =
              api === 'getFeatureVariableValue' ? { ...options, api, variableKey: rng.pick(VARIABLE_KEYS) } : { ...options, api };
            const before = { stored: JSON.stringify([...(storage?.records ?? [])]), events: client.eventStats().enqueued };
            const trace = await explained(client, c.key as string, user, explainOptions);
            expect(
              { stored: JSON.stringify([...(storage?.records ?? [])]), events: client.eventStats().enqueued },
              'explain has no side effects',
            ).toEqual(before);
            const answer = await call(client, c.key as string, user, api, explainOptions);
            expect(trace.answer, `seed ${seed} ${String(c.key)} ${api} ${user} (${trace.outcome})`).toEqual(answer);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(FILES * 5 * 4);
  });
});
