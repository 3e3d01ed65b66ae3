/**
 * The SDK identity is a per-client part of the event source: every request names the source's
 * SDK, the Node build's when none is given, and the impression writer's cached pieces follow a
 * change of identity (they are cached per source).
 */
import { describe, expect, it } from 'vitest';
import {
  FME_BROWSER_SDK,
  FME_NODE_SDK,
  fmeAttributeRequest,
  fmeCustomEventRequest,
  fmeDebugEventRequest,
  fmeImpressionRequest,
  fmeSdkInitRequest,
  fmeSettingsUrl,
  fmeUsageStatsRequest,
} from '../../src/index.js';

const clock = { eTime: 1, random: 0.5, msgTime: 2, eventTime: 3, sessionId: 4 };
const node = { accountId: 123456, sdkKey: 'abcdef0123456789abcdef0123456789' };
const browser = { ...node, sdk: FME_BROWSER_SDK };

/** Every request kind for `source`. */
function requestsOf(source: typeof node | typeof browser) {
  return [
    fmeImpressionRequest(source, { id: 'u1', userAgent: 'ua' }, { campaignId: 1, variationId: 2 }, clock),
    // A post-segmentation variable takes the general writer instead of the hand-written one.
    fmeImpressionRequest(
      source,
      { id: 'u1', customVariables: { plan: 'pro' }, postSegmentationVariables: ['plan'] },
      { campaignId: 1, variationId: 2 },
      clock,
    ),
    fmeCustomEventRequest(source, { id: 'u1' }, 'purchase', { revenue: 5 }, clock),
    fmeAttributeRequest(source, source.sdkKey, { id: 'u1' }, { plan: 'pro' }, clock),
    fmeSdkInitRequest(source, { settingsFetchTime: 1, sdkInitTime: 2 }, clock),
    fmeUsageStatsRequest(source, 42, { a: 1 }, clock),
  ];
}

describe('the SDK identity of the FME event source', () => {
  it('is the Node build’s by default, and the given one in every query and body', () => {
    for (const [source, sdk] of [
      [node, FME_NODE_SDK],
      [browser, FME_BROWSER_SDK],
      [node, FME_NODE_SDK],
    ] as const) {
      for (const request of requestsOf(source)) {
        expect(request.path).toContain(`&sn=${sdk.name}&sv=${sdk.version}&`);
        const props = (JSON.parse(request.body) as { d: { event: { props: Record<string, unknown> } } }).d.event.props;
        expect([props.vwo_sdkName, props.vwo_sdkVersion]).toEqual([sdk.name, sdk.version]);
      }
    }
  });

  it('names the source’s SDK in a debug event’s vwoMeta', () => {
    const meta = (source: typeof node) =>
      (
        JSON.parse(fmeDebugEventRequest(source, { msg: 'm' }, 'id', clock).body) as {
          d: { event: { props: { vwoMeta: Record<string, unknown> } } };
        }
      ).d.event.props.vwoMeta;
    expect(meta(browser)).toMatchObject({ sn: 'vwo-fme-javascript-sdk', sv: '1.35.0' });
    expect(meta(node)).toMatchObject({ sn: 'vwo-fme-node-sdk', sv: '1.35.0' });
  });

  it('gives the settings URL its platform, name and version', () => {
    const url = (sdk?: typeof FME_BROWSER_SDK) => fmeSettingsUrl({ accountId: 1, sdkKey: 'k', endpoint: 'settings', random: 0.5, sdk });
    expect(url()).toContain('&platform=server&sn=vwo-fme-node-sdk&sv=1.35.0&');
    expect(url(FME_BROWSER_SDK)).toContain('&platform=client&sn=vwo-fme-javascript-sdk&sv=1.35.0&');
  });
});
