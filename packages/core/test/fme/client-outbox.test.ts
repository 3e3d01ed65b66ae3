/**
 * `FmeClientConfig.eventOutbox`: every event request is saved before it is sent, removed once
 * delivered, kept when every attempt failed, and what an earlier client left is sent by the next
 * one. The transport fails on demand here (a network that is down), which a real one cannot;
 * the browser's localStorage outbox over real HTTP runs in Chromium (packages/browser).
 */
import { describe, expect, it } from 'vitest';
import { createFmeClient, type EventOutbox, type EventRequest, type OutboxEntry } from '../../src/index.js';
import { rolloutSettings } from './support/rollout-settings.js';

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

const settings = rolloutSettings();

function memoryOutbox(): EventOutbox & { readonly entries: Map<string, OutboxEntry> } {
  const entries = new Map<string, OutboxEntry>();
  return {
    entries,
    restore() {
      const all = [...entries.values()];
      entries.clear();
      return all;
    },
    save: (key, entry) => void entries.set(key, entry),
    remove: (key) => void entries.delete(key),
  };
}

const bodyNames = (requests: EventRequest[]) => requests.map((r) => JSON.parse(r.body ?? '{}').d?.event?.name);

describe('createFmeClient with an eventOutbox', () => {
  it('keeps a request no attempt delivered, and the next client sends it; delivered ones leave nothing', async () => {
    const outbox = memoryOutbox();
    const down = createFmeClient({
      accountId: 1,
      sdkKey: 'k',
      settings,
      logger: silent,
      eventOutbox: outbox,
      retryConfig: { shouldRetry: false },
      transport: { send: () => Promise.reject(new Error('network down')) },
    });
    expect(await down.trackEvent('buy', { id: 'u1' })).toEqual({ buy: true });
    await down.flushEvents();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const kept = [...outbox.entries.values()].map((entry) => entry.request);
    expect(bodyNames(kept)).toEqual(['buy']);
    await down.close();

    const sent: EventRequest[] = [];
    const up = createFmeClient({
      accountId: 1,
      sdkKey: 'k',
      settings,
      logger: silent,
      eventOutbox: outbox,
      transport: {
        send: async (request) => {
          sent.push(request);
          return { status: 200 };
        },
      },
    });
    await up.trackEvent('buy', { id: 'u2' });
    await up.close();
    expect(sent[0]).toEqual(kept[0]);
    expect(bodyNames(sent)).toEqual(['buy', 'buy']);
    expect(outbox.entries.size).toBe(0);
  });
});
