/**
 * `networkDebugMeta` on what the differential test cannot drive 1.35.0 to: batch requests, time-outs,
 * network errors, and requests 1.35.0 never reports (its own init, usage and debug events).
 */
import { describe, expect, it } from 'vitest';
import type { RetriedRequestReport } from '../../src/delivery/types.js';
import { type FmeTransportRequest, networkDebugMeta, nodeHttpErrorText } from '../../src/fme/client/network-debug.js';

const NOW = 1_796_575_397_053;

function request(body: unknown, reportsNetworkFailure = true): FmeTransportRequest {
  return { method: 'POST', url: 'https://x/', body: JSON.stringify(body), featureKey: undefined, reportsNetworkFailure };
}

function report(lastFailure: Partial<RetriedRequestReport['lastFailure']>, delivered = false, retries = 3): RetriedRequestReport {
  return { delivered, retries, lastFailure: { problem: 'p', response: undefined, error: undefined, timedOut: false, ...lastFailure } };
}

const event = (name: string) => ({ d: { event: { name } } });

describe('networkDebugMeta', () => {
  it('names a batch by the kinds of events it carries, with the clock’s session and no uuid (1.35.0’s batch dispatcher)', () => {
    const batch = request({
      ev: [
        event('vwo_variationShown'),
        event('purchase'),
        event('vwo_variationShown'),
        event('vwo_syncVisitorProp'),
        event('vwo_sdkDebug'),
      ],
    });
    expect(networkDebugMeta(batch, report({ response: { status: 503, body: '' } }), undefined, 10_000, NOW)).toEqual({
      cg: 'network',
      msg_t: 'NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES',
      msg: 'Network call for batch-events having getFlag events: 2, conversion events: 1, setAttribute events: 1,  failed after 3 retry attempt(s). Got Error: Raw Data: , Status Code: 503',
      lt: 'error',
      an: 'batch-events',
      sId: Math.ceil(NOW / 1000),
    });
  });

  it('words a time-out and a network error as 1.35.0 reports them', () => {
    const custom = request({ d: { sessionId: 7, visId: 'V', event: { name: 'purchase' } } });
    expect(networkDebugMeta(custom, report({ timedOut: true }, true, 1), undefined, 2500, NOW)?.msg).toBe(
      'Network call for event: purchase succeeded after 1 retry attempt(s). Previous attempts failed with error: Timeout: 2500',
    );
    expect(networkDebugMeta(custom, report({ error: new Error('connect ECONNREFUSED') }), undefined, 2500, NOW)).toMatchObject({
      msg: 'Network call for event: purchase failed after 3 retry attempt(s). Got Error: connect ECONNREFUSED',
      sId: 7,
      uuid: 'V',
    });
  });

  it('reports nothing for requests 1.35.0 does not report, and survives an unreadable body', () => {
    expect(networkDebugMeta(request(event('vwo_fmeSdkInit'), false), report({}), undefined, 1, NOW)).toBeUndefined();
    const broken = { ...request({}), body: '{not json' };
    expect(networkDebugMeta(broken, report({ error: 'boom' }), undefined, 1, NOW)).toMatchObject({
      an: 'trackEvent',
      msg_t: 'NETWORK_CALL_FAILURE_AFTER_MAX_RETRIES',
    });
  });
});

describe('nodeHttpErrorText: what fetch threw, in the words of node http (1.35.0)', () => {
  const systemError = (message: string, code: string) => Object.assign(new Error(message), { code, syscall: 'connect' });
  it('names the socket error found among the causes, a closed connection as "socket hang up", anything else by its message', () => {
    const refused = new Error('POST x failed: network error', {
      cause: new TypeError('fetch failed', { cause: systemError('connect ECONNREFUSED 127.0.0.1:9', 'ECONNREFUSED') }),
    });
    expect(nodeHttpErrorText(refused)).toBe('connect ECONNREFUSED 127.0.0.1:9');
    const closed = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(nodeHttpErrorText(closed)).toBe('socket hang up');
    expect(nodeHttpErrorText(new Error('custom transport says no'))).toBe('custom transport says no');
    expect(nodeHttpErrorText('plain')).toBe('plain');
    expect(nodeHttpErrorText({ why: 1 })).toBe('{"why":1}');
  });
});
