/**
 * Every request of the suite stays on this machine: `fetch` (which the SDK's transport looks up
 * at each request) refuses any host but a loopback address, and counts the refusals, which the
 * report shows (they must be 0). Loaded in every test worker (`setupFiles`).
 */
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const original = globalThis.fetch;
const counter = { refused: 0, allowed: 0 };

globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (!LOOPBACK.has(url.hostname)) {
    counter.refused += 1;
    return Promise.reject(new Error(`the reliability suite refused a request off loopback: ${url.origin}`));
  }
  counter.allowed += 1;
  return original(input, init);
}) as typeof fetch;

/** Requests the guard refused (to a host that is not loopback) and let through, in this worker. */
export function offLoopbackRequests(): { refused: number; allowed: number } {
  return { ...counter };
}
