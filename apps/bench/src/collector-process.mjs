// apps/collector in a process of its own, for the real-HTTP measures (http.mjs): the SDK's
// process then pays only for its own side of every request, and the collector's CPU time is read
// here, apart. Forked with an IPC channel; it exits when the channel closes (its parent ended).
import { startCollector } from '@vwo/collector';

const collector = await startCollector({ host: '127.0.0.1', port: 0 });
let mark = process.cpuUsage();

process.on('message', async (message) => {
  if (message === 'mark') {
    // CPU time from here on is what `stats` reports.
    mark = process.cpuUsage();
    process.send({ ok: true });
  } else if (message === 'stats') {
    const cpu = process.cpuUsage(mark);
    process.send({ stats: collector.stats(), cpuMicros: cpu.user + cpu.system });
  } else if (message === 'sample') {
    // The last request accepted, as the client sent it (the floor of http.mjs replays it).
    const last = collector.received().at(-1);
    process.send({ target: last ? `${last.path}?${last.rawQuery}` : null });
  } else if (message === 'close') {
    await collector.close();
    process.send({ closed: true });
    process.disconnect();
  }
});
process.on('disconnect', () => {
  collector.close().then(() => process.exit(0));
});
process.send({ url: collector.url });
