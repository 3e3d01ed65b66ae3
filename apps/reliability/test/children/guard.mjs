// Imported first by every child process of the suite: fetch refuses any host but loopback, so a
// child can never reach the network (the parent reports the refusals, which must be 0).
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const original = globalThis.fetch;
export const offLoopback = { refused: 0 };
globalThis.fetch = (input, init) => {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (!LOOPBACK.has(url.hostname)) {
    offLoopback.refused += 1;
    return Promise.reject(new Error(`refused a request off loopback: ${url.origin}`));
  }
  return original(input, init);
};

/** Counts log lines and keeps the ones that report lost events. */
export function countingLogger() {
  const lost = [];
  let lines = 0;
  const at = (level) => (message) => {
    lines += 1;
    if (/dropped|gave up|refused/.test(message) && lost.length < 10_000) lost.push({ level, message });
  };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lost, lines: () => lines };
}
