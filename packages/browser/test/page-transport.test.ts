/**
 * Which transport a request takes and what counts as its answer, with recording transports
 * (the choice is pure logic; the real beacon and keepalive paths run in chromium.test.ts and in
 * @vwo/transport-beacon's own Chromium tests).
 */
import type { EventRequest, Transport, TransportResponse } from '@vwo/core';
import { describe, expect, it } from 'vitest';
import { pageAwareTransport } from '../src/page-transport.js';

function recording(answer: () => Promise<TransportResponse>) {
  const sent: EventRequest[] = [];
  const transport: Transport = {
    send(request) {
      sent.push(request);
      return answer();
    },
  };
  return { sent, transport };
}

const request = (n: number): EventRequest => ({ method: 'GET', url: `http://127.0.0.1/server-side/track-user?eid=${n}&` });
const never = () => new Promise<TransportResponse>(() => undefined);

describe('pageAwareTransport', () => {
  it('sends with the visible transport while the page is shown, and with the hidden one once hidden', async () => {
    const visible = recording(() => Promise.resolve({ status: 200 }));
    const hidden = recording(() => Promise.resolve({ status: 204 }));
    const state = { hidden: false, leaving: false };
    const transport = pageAwareTransport(visible.transport, hidden.transport, { hidden: () => state.hidden, leaving: () => state.leaving });
    expect(await transport.send(request(1))).toEqual({ status: 200 });
    state.hidden = true;
    // Merely hidden: the page is alive, the real answer counts.
    expect(await transport.send(request(2))).toEqual({ status: 204 });
    expect(visible.sent.map((r) => r.url)).toEqual([request(1).url]);
    expect(hidden.sent.map((r) => r.url)).toEqual([request(2).url]);
  });

  it('while the page is left, a first attempt counts as delivered once the browser has it', async () => {
    const hidden = recording(never);
    const transport = pageAwareTransport(recording(never).transport, hidden.transport, { hidden: () => true, leaving: () => true });
    expect(await transport.send(request(1))).toEqual({ status: 202 });
    expect(hidden.sent).toHaveLength(1);
  });

  it('while the page is left, a request that failed before is sent again but not counted as delivered', async () => {
    const state = { hidden: false, leaving: false };
    const visible = recording(() => Promise.resolve({ status: 503 }));
    const hidden = recording(never);
    const transport = pageAwareTransport(visible.transport, hidden.transport, { hidden: () => state.hidden, leaving: () => state.leaving });
    const failing = request(1);
    expect(await transport.send(failing)).toEqual({ status: 503 });
    state.hidden = true;
    state.leaving = true;
    let settled = false;
    void transport.send(failing).then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(hidden.sent).toEqual([failing]);
    expect(settled).toBe(false);
    // A different request (a first attempt) is still handed over.
    expect(await transport.send(request(2))).toEqual({ status: 202 });
  });

  it('a network error also marks the request as failed, and a handed-over failure is never unhandled', async () => {
    const state = { hidden: false, leaving: false };
    let calls = 0;
    const flaky: Transport = {
      send: () => (calls++ === 0 ? Promise.reject(new Error('ECONNREFUSED')) : never()),
    };
    const rejecting = recording(() => Promise.reject(new Error('gone')));
    const transport = pageAwareTransport(flaky, rejecting.transport, { hidden: () => state.hidden, leaving: () => state.leaving });
    const failing = request(1);
    await expect(transport.send(failing)).rejects.toThrow('ECONNREFUSED');
    state.hidden = true;
    state.leaving = true;
    await expect(transport.send(failing)).rejects.toThrow('gone');
    // First attempt while leaving: 202, and the rejection behind it is swallowed.
    expect(await transport.send(request(2))).toEqual({ status: 202 });
  });
});
