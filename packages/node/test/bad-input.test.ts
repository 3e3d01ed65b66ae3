/**
 * No public method throws into the host application: bad input, unknown or paused campaigns,
 * campaigns of the wrong type and opted-out clients get the documented value and one log line.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, type VWOClient } from '../src/index.js';
import { recordingLogger } from './fixtures/collector.js';
import { abCampaign, featureTest, rollout, settingsFile } from './fixtures/settings.js';

type Call = [name: string, call: (vwo: VWOClient) => Promise<unknown>, expected: unknown];

const file = settingsFile([abCampaign(), featureTest(), rollout(), abCampaign({ id: 240, key: 'PAUSED', status: 'PAUSED' })]);
const anyClient = (vwo: VWOClient) => vwo as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;

const CALLS: Call[] = [
  ['activate with a numeric user id', (v) => anyClient(v).activate('K', 123), null],
  ['activate with an empty user id', (v) => v.activate('K', ''), null],
  ['activate with a null campaign key', (v) => anyClient(v).activate(null, 'u'), null],
  ['activate with null options', (v) => anyClient(v).activate('K', 'u', null), null],
  ['activate with options as an array', (v) => anyClient(v).activate('K', 'u', []), null],
  ['activate with customVariables null', (v) => anyClient(v).activate('K', 'u', { customVariables: null }), null],
  ['activate with shouldTrackReturningUser "true"', (v) => anyClient(v).activate('K', 'u', { shouldTrackReturningUser: 'true' }), null],
  ['activate on an unknown campaign', (v) => v.activate('NOPE', 'u'), null],
  ['activate on a paused campaign', (v) => v.activate('PAUSED', 'u'), null],
  ['activate on a feature test', (v) => v.activate('FT', 'u'), null],
  ['getVariationName with an empty key', (v) => v.getVariationName('', 'u'), null],
  ['getVariationName with options as a string', (v) => anyClient(v).getVariationName('K', 'u', 'x'), null],
  ['getVariationName on a rollout', (v) => v.getVariationName('FR', 'u'), null],
  ['getVariationName on a paused campaign', (v) => v.getVariationName('PAUSED', 'u'), null],
  ['isFeatureEnabled with an undefined user', (v) => anyClient(v).isFeatureEnabled('FT', undefined), false],
  ['isFeatureEnabled on an A/B campaign', (v) => v.isFeatureEnabled('K', 'u'), false],
  ['isFeatureEnabled on an unknown campaign', (v) => v.isFeatureEnabled('NOPE', 'u'), false],
  ['getFeatureVariableValue with an empty variable key', (v) => v.getFeatureVariableValue('FT', '', 'u'), null],
  ['getFeatureVariableValue on an A/B campaign', (v) => v.getFeatureVariableValue('K', 'label', 'u'), null],
  [
    'getFeatureVariableValue with variationTargetingVariables 5',
    (v) => anyClient(v).getFeatureVariableValue('FT', 'label', 'u', { variationTargetingVariables: 5 }),
    null,
  ],
  ['track with a numeric specifier', (v) => anyClient(v).track(5, 'u', 'CUSTOM'), null],
  ['track with an empty specifier', (v) => v.track('', 'u', 'CUSTOM'), null],
  ['track with an empty goal', (v) => v.track('K', 'u', ''), null],
  ['track with goalTypeToTrack FOO', (v) => anyClient(v).track('K', 'u', 'CUSTOM', { goalTypeToTrack: 'FOO' }), null],
  ['track with an empty array', (v) => v.track([], 'u', 'CUSTOM'), null],
  ['track a goal no campaign has', (v) => v.track(null, 'u', 'nogoal'), null],
  ['push with one argument', (v) => anyClient(v).push('k'), null],
  ['push with four arguments', (v) => anyClient(v).push('k', 'v', 'u', 'x'), null],
  ['push with an empty value', (v) => v.push('k', '', 'u'), null],
  ['push with a number value', (v) => anyClient(v).push('k', 5, 'u'), null],
  ['push with a 256-character key', (v) => v.push('k'.repeat(256), 'v', 'u'), null],
  ['push with an empty map', (v) => v.push({}, 'u'), null],
  ['push a map with a numeric user', (v) => anyClient(v).push({ a: 'b' }, 5), null],
  ['explain with a null user', (v) => anyClient(v).explain('K', null), null],
  ['updateSettings with a raw settings file', async (v) => anyClient(v).updateSettings({ accountId: 1 }), undefined],
];

describe('bad input', () => {
  let vwo: VWOClient;
  const { logger, lines } = recordingLogger();

  beforeAll(async () => {
    vwo = await launch({ settingsFile: file, isDevelopmentMode: true, logger, logLevel: 'warn' });
  });
  afterAll(() => vwo.close());

  it.each(CALLS)('%s → documented value, one log line', async (_name, call, expected) => {
    lines.length = 0;
    await expect(call(vwo)).resolves.toEqual(expected);
    expect(lines, JSON.stringify(lines)).toHaveLength(1);
  });

  it('after setOptOut every method answers null/false (explain: why) with one line each', async () => {
    const { logger: optLogger, lines: optLines } = recordingLogger();
    const opted = await launch({ settingsFile: file, isDevelopmentMode: true, logger: optLogger, logLevel: 'info' });
    await opted.setOptOut();
    const calls: [() => Promise<unknown>, unknown][] = [
      [() => opted.activate('K', 'u'), null],
      [() => opted.getVariationName('K', 'u'), null],
      [() => opted.isFeatureEnabled('FT', 'u'), false],
      [() => opted.getFeatureVariableValue('FT', 'label', 'u'), null],
      [() => opted.track('K', 'u', 'CUSTOM'), null],
      [() => opted.push('k', 'v', 'u'), null],
      // explain still explains: every call now answers null/false because of the opt-out.
      [() => opted.explain('K', 'u'), expect.objectContaining({ answer: null, variationName: null, outcome: 'opted-out' })],
    ];
    for (const [call, expected] of calls) {
      optLines.length = 0;
      await expect(call()).resolves.toEqual(expected);
      expect(optLines).toHaveLength(1);
    }
    await opted.close();
  });

  it('never throws or rejects on 2,000 calls with arbitrary arguments', async () => {
    const methods = [
      'activate',
      'getVariationName',
      'isFeatureEnabled',
      'getFeatureVariableValue',
      'track',
      'push',
      'explain',
      'updateSettings',
    ];
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...methods), fc.array(fc.anything(), { maxLength: 5 }), async (method, args) => {
          const client = anyClient(vwo);
          const result = await client[method]?.(...args);
          if (method === 'isFeatureEnabled') expect(typeof result).toBe('boolean');
        }),
        { numRuns: 2_000 },
      );
      // The client still answers after all of it (no garbage settings were swapped in).
      expect(await vwo.getVariationName('K', 'Ashley')).toBe('Control');
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
  });
});
