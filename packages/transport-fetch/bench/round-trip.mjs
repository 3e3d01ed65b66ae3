// Round trip of one `send` to a node:http server on loopback, sequential requests (the figure in
// the README). Run: `npx pnpm --filter @vwo/transport-fetch bench` (a few seconds).
import { createServer } from 'node:http';
import { createFetchTransport } from '../dist/index.js';

const WARM_UP = 200;
const REQUESTS = 2_000;

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const transport = createFetchTransport({ timeoutMs: 5_000 });

const get = {
  method: 'GET',
  url: `${origin}/server-side/track-user?experiment_id=230&combination=1&sId=1700000000&u=0123456789ABCDEF&env=key&ed={"p":"server"}&`,
};
const events = Array.from({ length: 50 }, (_, i) => ({ eT: 1, e: 230, c: 1, u: `0123456789ABCDEF${i}`, sId: 1700000000 }));
const post = {
  method: 'POST',
  url: `${origin}/server-side/batch-events?a=1&env=key`,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ev: events }),
};

async function measure(name, request) {
  for (let i = 0; i < WARM_UP; i++) await transport.send(request);
  const times = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const response = await transport.send(request);
    times.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`status ${response.status}`);
  }
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(3);
  console.log(`${name.padEnd(34)} median ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms (${REQUESTS} sequential requests)`);
}

try {
  await measure('GET track-user', get);
  await measure(`POST batch-events (${post.body.length} B)`, post);
} finally {
  server.closeAllConnections();
  server.close();
}
