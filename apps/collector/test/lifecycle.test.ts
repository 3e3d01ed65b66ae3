import { Agent, request } from 'node:http';
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { isLoopbackHost, startCollector } from '../src/index.js';

describe('binding', () => {
  test.each(['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'example.com', '128.0.0.1', '127.0.0.256'])(
    'refuses the non-loopback host %s',
    async (host) => {
      await expect(startCollector({ host })).rejects.toThrow(/binds only to loopback addresses/);
    },
  );

  test.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('treats %s as loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  test('port 0 picks a free port and the url names it', async () => {
    const collector = await startCollector();
    try {
      expect(collector.url).toBe(`http://127.0.0.1:${collector.port}`);
      expect(collector.port).toBeGreaterThan(0);
      expect((await fetch(`${collector.url}/_collector/health`)).status).toBe(200);
    } finally {
      await collector.close();
    }
  });

  test('binding to localhost gives a url with the address actually bound', async () => {
    const collector = await startCollector({ host: 'localhost' });
    try {
      expect(collector.url).toMatch(/^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/);
      expect((await fetch(`${collector.url}/_collector/health`)).status).toBe(200);
    } finally {
      await collector.close();
    }
  });

  test('a port already in use rejects with EADDRINUSE', async () => {
    const first = await startCollector();
    try {
      await expect(startCollector({ port: first.port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await first.close();
    }
  });

  test.each([-1, 70_000, 1.5])('refuses the port %s', async (port) => {
    await expect(startCollector({ port })).rejects.toThrow(/^port: expected 0–65535/);
  });
});

describe('close', () => {
  test('resolves promptly while a keep-alive connection is open', async () => {
    const collector = await startCollector();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const { port } = collector;
    await new Promise<void>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/_collector/health', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      })
        .on('error', reject)
        .end();
    });
    const started = Date.now();
    await collector.close();
    expect(Date.now() - started).toBeLessThan(1000);
    agent.destroy();
  });

  test('is idempotent and frees the port', async () => {
    const collector = await startCollector();
    await Promise.all([collector.close(), collector.close()]);
    await collector.close();
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(collector.port, '127.0.0.1', resolve);
    });
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });
});
