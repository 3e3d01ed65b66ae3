/**
 * The transport the FME part of the demo gives `init`: what the SDK addresses to VWO's host goes
 * to the local collector over real HTTP, anything else is refused before it leaves the machine.
 */
import { type Collector, startCollector } from '@vwo/collector';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollectorTransport } from '../src/fme/transport.js';

let collector: Collector;
beforeAll(async () => {
  collector = await startCollector({ settings: { accountId: 1, sdkKey: 'k', version: 1, campaigns: [], features: [] } });
});
afterAll(() => collector.close());

describe('the demo’s FME transport', () => {
  it('sends VWO-addressed requests (port 443 too) to the collector, path and query unchanged, and counts them', async () => {
    const { transport, count } = createCollectorTransport(`${collector.url}/`);
    const settings = await transport.send({ method: 'GET', url: 'https://dev.visualwebsiteoptimizer.com/server-side/v2-settings?i=k&a=1' });
    expect(settings.status).toBe(200);
    expect(JSON.parse(settings.body ?? '')).toMatchObject({ accountId: 1 });
    const batch = await transport.send({
      method: 'POST',
      url: 'https://dev.visualwebsiteoptimizer.com:443/server-side/batch-events-v2?a=1&env=k',
      headers: { Authorization: 'k', 'Content-Type': 'application/json' },
      body: JSON.stringify({ ev: [] }),
    });
    expect(batch.status).toBe(200);
    const refused = await transport.send({ method: 'POST', url: 'https://dev.visualwebsiteoptimizer.com/events/t?en=x', body: '{}' });
    expect(refused.status).toBe(400);
    expect(count).toEqual({ delivered: 2, deliveredEvents: 0, failed: 1, batches: 1, settingsFetches: 1 });
    expect(collector.received().map((request) => request.path)).toEqual(['/server-side/v2-settings', '/server-side/batch-events-v2']);
  });

  it('refuses every other host without sending anything', async () => {
    const { transport, count } = createCollectorTransport(collector.url);
    const before = collector.stats().requests.total;
    await expect(transport.send({ method: 'GET', url: 'https://example.com/server-side/v2-settings?i=k' })).rejects.toThrow(
      'the demo sends only to the local collector, not to https://example.com/server-side/v2-settings',
    );
    await expect(transport.send({ method: 'GET', url: 'https://dev.visualwebsiteoptimizer.com.example.com/x' })).rejects.toThrow();
    expect(count.failed).toBe(2);
    expect(collector.stats().requests.total).toBe(before);
  });
});
