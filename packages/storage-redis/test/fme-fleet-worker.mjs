// One server of the fleet in fme-fleet.test.ts: `init` of @vwo/node with the Redis storage's FME
// connector, then JSON-line commands on stdin ({ id, method, args }) answered on stdout
// ({ id, result }). Every request the SDK addresses to VWO goes to the test's loopback server
// (SINK_URL) instead; anything else is refused, so nothing leaves the machine.
import { createInterface } from 'node:readline';
import { init } from '@vwo/node';
import { createRedisStorage } from '../dist/index.js';

const { FLEET_REDIS_URL, FLEET_PREFIX, ACCOUNT_ID, SDK_KEY, SINK_URL } = process.env;
const VWO = /^https:\/\/dev\.visualwebsiteoptimizer\.com(:443)?/;
const transport = {
  async send(request) {
    if (!VWO.test(request.url)) throw new Error(`refused: ${request.url}`);
    const response = await fetch(request.url.replace(VWO, SINK_URL), {
      method: request.method,
      headers: request.headers,
      body: request.body,
    });
    return { status: response.status, body: await response.text() };
  },
};
// A generous time-out: this test is about consistency across processes, not about slow Redis.
const storage = createRedisStorage({ url: FLEET_REDIS_URL, prefix: FLEET_PREFIX, timeoutMs: 2000 });
const vwo = await init({
  accountId: Number(ACCOUNT_ID),
  sdkKey: SDK_KEY,
  storage: storage.fme({ accountId: ACCOUNT_ID }),
  transport,
  shouldWaitForTrackingCalls: true, // each call answers once its impressions reached the sink
  logger: { level: 'WARN' },
});
process.stdout.write(`${JSON.stringify({ ready: true })}\n`);

for await (const line of createInterface({ input: process.stdin })) {
  const { id, method, args } = JSON.parse(line);
  let result;
  if (method === 'getFlag') {
    const flag = await vwo.getFlag(args[0], { id: args[1] });
    result = { enabled: flag.isEnabled(), variation: flag.getVariable('variation', null) };
  } else if (method === 'updateSettings') {
    result = await vwo.updateSettings(); // the webhook path: pull the changed file
  } else if (method === 'close') {
    await vwo.close();
    await storage.close();
    result = storage.stats();
  }
  process.stdout.write(`${JSON.stringify({ id, result: result ?? null })}\n`);
  if (method === 'close') break;
}
process.stdin.destroy(); // close() stopped the poll timer: nothing else keeps the process alive
