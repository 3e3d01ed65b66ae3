/**
 * Real redis-server processes for the tests, on 127.0.0.1 only: the shared one that
 * scripts/with-redis.sh starts (REDIS_PORT), and servers a test starts, kills and restarts itself.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';

const HOW =
  'run the tests through scripts/with-redis.sh (`npm test` at the repository root does), which needs redis-server: apt-get install -y redis-server';

/** The URL of the Redis that scripts/with-redis.sh started; throws (the test fails, never skips) without it. */
export function sharedRedisUrl(): string {
  const port = process.env.REDIS_PORT;
  if (!port) throw new Error(`REDIS_PORT is not set: ${HOW}`);
  return `redis://127.0.0.1:${port}`;
}

/** A prefix no other test or run uses, so tests share the one Redis without flushing it. */
export function uniquePrefix(name: string): string {
  return `test:${name}:${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}:`;
}

/** A connection for looking at what the storage wrote (closed by the caller). */
export function inspector(url = sharedRedisUrl()): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1 });
}

function redisServerBinary(): string {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(`redis-server is not on the PATH: ${HOW}`);
  }
  return 'redis-server';
}

/** A TCP port that was free on 127.0.0.1 a moment ago (and, with `plus`, so was `port + plus`). */
export async function freePort(plus?: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = plus === undefined ? 0 : 20_000 + Math.floor(Math.random() * 20_000);
    const got = await listenOnce(port);
    if (got === undefined) continue;
    if (plus === undefined || (await listenOnce(got + plus)) !== undefined) return got;
  }
  throw new Error('no free port found on 127.0.0.1');
}

function listenOnce(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: got } = server.address() as { port: number };
      server.close(() => resolve(got));
    });
  });
}

/** One redis-server process owned by a test. */
export interface RedisServer {
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  /** Starts it (again) on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** SIGKILL (a crash) or SIGTERM, and waits for the process to be gone. */
  stop(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  /** Stops it if running and removes its directory. */
  dispose(): Promise<void>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A redis-server on its own loopback port and temporary directory, not started yet. */
export async function redisServer(options: { port?: number; args?: string[] } = {}): Promise<RedisServer> {
  const binary = redisServerBinary();
  const port = options.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), `redis-${port}-`));
  let child: ChildProcess | undefined;
  let log = '';
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async start() {
      if (child) throw new Error(`redis-server on ${port} is already running`);
      log = '';
      const args = [
        '--bind',
        '127.0.0.1',
        '--port',
        String(port),
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
        ...(options.args ?? []),
      ];
      const started = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      running.add(started);
      started.stdout!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
      });
      started.stderr!.on('data', (chunk: Buffer) => {
        log += chunk.toString();
      });
      started.once('exit', () => {
        running.delete(started);
        if (child === started) child = undefined;
      });
      const deadline = Date.now() + 10_000;
      while (!(await answersPing(port))) {
        if (!child || Date.now() > deadline) {
          started.kill('SIGKILL');
          throw new Error(`redis-server did not start on 127.0.0.1:${port}:\n${log}`);
        }
        await sleep(50);
      }
    },
    async stop(signal = 'SIGTERM') {
      const current = child;
      if (!current) return;
      const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      current.kill(signal);
      const timer = setTimeout(() => current.kill('SIGKILL'), 5000);
      await gone;
      clearTimeout(timer);
    },
    async dispose() {
      await server.stop('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

async function answersPing(port: number): Promise<boolean> {
  const probe = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout: 500,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** A three-master Redis Cluster on loopback ports (no replicas), created with `redis-cli --cluster create`. */
export async function redisCluster(): Promise<{ ports: number[]; dispose(): Promise<void> }> {
  const servers: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      // The cluster bus listens on port + 10000: both must be free.
      const port = await freePort(10_000);
      const server = await redisServer({
        port,
        args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '3000'],
      });
      servers.push(server);
      await server.start();
    }
    const ports = servers.map((s) => s.port);
    execFileSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      stdio: 'pipe',
      timeout: 30_000,
    });
    const deadline = Date.now() + 20_000;
    for (const port of ports) {
      while (
        !execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'cluster', 'info'], { encoding: 'utf8' }).includes(
          'cluster_state:ok',
        )
      ) {
        if (Date.now() > deadline) throw new Error(`the cluster on ${ports.join(', ')} did not reach cluster_state:ok within 20 s`);
        await sleep(100);
      }
    }
    return { ports, dispose: () => Promise.all(servers.map((s) => s.dispose())).then(() => undefined) };
  } catch (error) {
    await Promise.all(servers.map((s) => s.dispose()));
    throw error;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `check` holds, for at most `ms`. */
export async function eventually(check: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await sleep(20);
  }
}

/** A logger that keeps its lines. */
export function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const at = (level: string) => (message: string) => {
    lines.push({ level, message });
  };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}
