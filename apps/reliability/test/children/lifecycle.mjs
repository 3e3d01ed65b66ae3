// A small service around the SDK, for the lifecycle section. MODE=close: send the events, await
// close() and return — the process must then exit by itself. MODE=sigterm: send the events, stay
// alive like a server, and shut down with the pattern of packages/node's README ("Shutting down").

import { launch } from '@vwo/node';
import { countingLogger } from './guard.mjs';

const CONFIG = JSON.parse(process.env.LIFECYCLE ?? '{}');
const { logger, lost } = countingLogger();
const vwo = await launch({
  settingsFile: CONFIG.settings,
  sdkKey: CONFIG.settings.sdkKey,
  collectorUrl: CONFIG.collectorUrl,
  pollingInterval: 60_000, // a polling timer is running, as in production
  // A server's shutdown grace, as the README advises. 2,000 unbatched events in flight at once,
  // each on its own connection as 1.73.0 opens them, took 1.7 s to be answered on a loaded 2-core
  // machine with no fault, and more than the 2 s default with answers 300 ms late (611 dropped,
  // counted and logged, in one full run of four).
  closeTimeout: 10_000,
  logger,
  logLevel: 'warn',
  ...(CONFIG.batching ? { batchEvents: { eventsPerRequest: 5000, requestTimeInterval: 600 } } : {}),
});

if (CONFIG.mode === 'sigterm') {
  // The README's pattern, as written there.
  process.on('SIGTERM', async () => {
    await vwo.close(); // flushes within closeTimeout
    process.exit(0);
  });
  setInterval(() => undefined, 1000); // a server's handles keep the process alive until SIGTERM
}

for (let i = 0; i < CONFIG.events / 2; i++) {
  await vwo.activate('K', `user-${i}`);
  await vwo.track('K', `user-${i}`, 'CUSTOM');
}
const before = vwo.eventStats();
if (CONFIG.mode === 'close') {
  await vwo.close();
  process.stdout.write(`${JSON.stringify({ state: 'closed', before, after: vwo.eventStats(), lost })}\n`);
} else {
  process.on('exit', () => process.stdout.write(`${JSON.stringify({ state: 'exiting', before, after: vwo.eventStats(), lost })}\n`));
  process.stdout.write(`${JSON.stringify({ state: 'ready', before })}\n`);
}
