/**
 * A redis-server the suite owns, on a free loopback port and a temporary directory: started,
 * paused (SIGSTOP: it holds connections but answers nothing), resumed, killed and started again
 * on the same port. Only this process is ever signalled, by its pid. Needs redis-server on the
 * PATH (`apt-get install -y redis-server`); without it the test fails naming the cause.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep } from './helpers.js';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  start(): Promise<void>;
  /** Signals the server and, for SIGKILL/SIGTERM, waits until it is gone. */
  signal(signal: 'SIGKILL' | 'SIGTERM' | 'SIGSTOP' | 'SIGCONT'): Promise<void>;
  dispose(): Promise<void>;
}

const owned = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of owned) child.kill('SIGKILL');
});

export async function redisServer(): Promise<RedisServer> {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('redis-server is not on the PATH: install it (apt-get install -y redis-server) to run the storage section');
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), `reliability-redis-${port}-`));
  let child: ChildProcess | undefined;
  let output = '';
  const server: RedisServer = {
    port,
    url: `redis://127.0.0.1:${port}`,
    async start() {
      if (child) throw new Error('redis-server is already running');
      const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir];
      const started = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = started;
      owned.add(started);
      started.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      started.stderr!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      started.once('exit', () => {
        owned.delete(started);
        if (child === started) child = undefined;
      });
      const deadline = Date.now() + 10_000;
      while (!(await answersPing(port))) {
        if (!child || Date.now() > deadline) {
          started.kill('SIGKILL');
          throw new Error(`redis-server did not start on 127.0.0.1:${port}:\n${output}`);
        }
        await sleep(25);
      }
    },
    async signal(signal) {
      const current = child;
      if (!current) return;
      if (signal === 'SIGSTOP' || signal === 'SIGCONT') {
        current.kill(signal);
        return;
      }
      const gone = new Promise<void>((resolve) => current.once('exit', () => resolve()));
      current.kill('SIGCONT');
      current.kill(signal);
      await gone;
    },
    async dispose() {
      await server.signal('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}
