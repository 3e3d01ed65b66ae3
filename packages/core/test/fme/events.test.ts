import { describe, expect, it } from 'vitest';
import { fmeAttributeRequest, fmeCustomEventRequest, fmeImpressionRequest } from '../../src/index.js';
import cases from '../cases/fme/events.json' with { type: 'json' };

const clock = { eTime: 1, random: 0.5, msgTime: 2, eventTime: 3, sessionId: 4 };
const source = { accountId: 123456, sdkKey: 'abcdef0123456789abcdef0123456789' };

describe('the vwo_variationShown request (events.md §3–§4)', () => {
  it.each(cases.impressions)('$name', (example) => {
    expect(fmeImpressionRequest(example.source, example.context, example.impression, example.clock)).toEqual(example.request);
  });

  it('without a user agent or IP: visitor_ua=undefined in the query, empty strings in the body, no headers but the JSON ones', () => {
    const request = fmeImpressionRequest(source, { id: 'user-1' }, { campaignId: 10, variationId: 1 }, clock);
    expect(request.path).toContain('&visitor_ua=undefined&visitor_ip=&');
    expect(JSON.parse(request.body).d).toMatchObject({
      visitor_ua: '',
      visitor_ip: '',
      visitor: { props: { vwo_fs_environment: source.sdkKey } },
    });
    expect(Object.keys(request.headers)).toEqual(['Content-Type', 'Content-Length']);
  });

  it('puts the collection prefix in the path on VWO host only, never in the url parameter', () => {
    const request = fmeImpressionRequest({ ...source, collectionPrefix: 'eu01' }, { id: 'u1' }, { campaignId: 1, variationId: 2 }, clock);
    expect(request.path.startsWith('/eu01/events/t?en=vwo_variationShown&')).toBe(true);
    expect(request.path.endsWith('&url=httpsdev.visualwebsiteoptimizer.com/events/t')).toBe(true);
    const gateway = fmeImpressionRequest(
      { ...source, collectionPrefix: 'eu01', hostname: 'gw.example.com' },
      { id: 'u1' },
      { campaignId: 1, variationId: 2 },
      clock,
    );
    expect(gateway.path.startsWith('/events/t?')).toBe(true);
    expect(gateway.path.endsWith('&url=httpsgw.example.com/events/t')).toBe(true);
  });

  it('copies truthy post-segmentation variables, then the IP, into the visitor props', () => {
    const request = fmeImpressionRequest(
      source,
      {
        id: 'u1',
        ipAddress: '10.0.0.1',
        customVariables: { plan: 'pro', age: 0, _vwoUserId: 'u1' },
        postSegmentationVariables: ['age', 'plan', 'missing', '_vwoUserId'],
      },
      { campaignId: 1, variationId: 2 },
      clock,
    );
    expect(JSON.parse(request.body).d.visitor.props).toEqual({
      vwo_fs_environment: source.sdkKey,
      plan: 'pro',
      _vwoUserId: 'u1',
      ip: '10.0.0.1',
    });
  });

  it('counts Content-Length in UTF-8 bytes', () => {
    const request = fmeImpressionRequest(source, { id: 'José', userAgent: 'Ünïcode ✓' }, { campaignId: 1, variationId: 2 }, clock);
    expect(request.headers['Content-Length']).toBe(Buffer.byteLength(request.body));
  });

  // Two writers make this request: a hand-written one for the usual inputs (impression-writer.ts)
  // and the general one, taken whenever a post-segmentation variable has to be looked up. A name
  // missing from the variables copies nothing, so both must write the very same request.
  it('writes the same request by hand as the general writer, for awkward user agents, IPs, ids and clocks', () => {
    const agents = [
      undefined,
      null,
      '',
      'Mozilla/5.0 (X11; Linux x86_64)',
      'quote " back \\ slash',
      'Ünïcode ✓ 漢字 🚀',
      'tab\tnl\n\u0001',
      '\u2028\u2029',
    ];
    const ips = [undefined, null, '', '1.2.3.4', '::1', 'ip "x" ü'];
    const ids = [
      ['u1', 10, 1],
      [42, 'c"1', 'v\\2'],
      ['José', 0, -1.5],
    ] as const;
    const clocks = [
      clock,
      { eTime: 1700000000123, random: 0.123456789, msgTime: 1700000000124, eventTime: 1700000000125, sessionId: 1700000001 },
      { eTime: Number.NaN, random: Number.POSITIVE_INFINITY, msgTime: -0, eventTime: Number.NaN, sessionId: Number.NEGATIVE_INFINITY },
    ];
    const sources = [
      source,
      { ...source, accountId: '99', collectionPrefix: 'eu01' },
      { ...source, hostname: 'gw.example.com', collectionPrefix: 'eu01' },
    ];
    let compared = 0;
    for (const userAgent of agents)
      for (const ipAddress of ips)
        for (const [id, campaignId, variationId] of ids)
          for (const at of clocks)
            for (const from of sources) {
              const impression = { campaignId, variationId };
              const byHand = fmeImpressionRequest(from, { id, userAgent, ipAddress, customVariables: { a: 1 } }, impression, at);
              const general = fmeImpressionRequest(
                from,
                { id, userAgent, ipAddress, customVariables: { a: 1 }, postSegmentationVariables: ['missing'] },
                impression,
                at,
              );
              expect(byHand).toEqual(general);
              expect(Object.keys(byHand.headers)).toEqual(Object.keys(general.headers));
              compared++;
            }
    expect(compared).toBe(agents.length * ips.length * ids.length * clocks.length * sources.length);
  });

  it.each(cases.customEvents)('$name', (example) => {
    const request = fmeCustomEventRequest(example.source, example.context, example.eventName, example.eventProperties, example.clock);
    expect([request.path, request.body]).toEqual([example.path, example.body]);
  });

  it('lets event properties overwrite id, variation and even vwo_sdkName, in place', () => {
    const request = fmeCustomEventRequest(source, { id: 'u1' }, 'buy', { id: 9, vwo_sdkName: 'x', extra: [1] }, clock);
    expect(JSON.parse(request.body).d.event.props).toEqual({
      vwo_sdkName: 'x',
      vwo_sdkVersion: '1.35.0',
      vwo_envKey: source.sdkKey,
      isCustomEvent: true,
      variation: 1,
      id: 9,
      extra: [1],
    });
    expect(Object.keys(JSON.parse(request.body).d.event.props)[0]).toBe('vwo_sdkName');
  });

  it.each(cases.attributes)('$name', (example) => {
    const request = fmeAttributeRequest(example.source, example.settingsSdkKey, example.context, example.attributes, example.clock);
    expect([request.path, request.body]).toEqual([example.path, example.body]);
  });

  it('drops the settings sdkKey from an attribute event when the file has none', () => {
    const request = fmeAttributeRequest(source, undefined, { id: 'u1' }, { a: 1 }, clock);
    expect(JSON.parse(request.body).d.event.props).not.toHaveProperty('vwo_fs_environment');
  });
});
