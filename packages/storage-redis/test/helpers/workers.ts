/**
 * Worker processes for the fleet tests: one Node process per server of a fleet, answering
 * JSON-line commands (`{ id, method, args }` on stdin, `{ id, result }` on stdout, `{ ready: true }`
 * once started). Every child is killed after 90 s at the latest, and by `killWorkers()`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** One running worker. */
export interface Worker {
  /** Sends a command and resolves its result; rejects if the process exits first. */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
  /** The exit code, once the process has exited. */
  exited: Promise<number | null>;
  /** What the process wrote to stderr so far. */
  stderr: () => string;
}

const children: ChildProcess[] = [];

/** Starts `script` (a worker .mjs) with `env` added, and resolves once it said it is ready. */
export function startWorker(script: URL, name: string, env: Record<string, string>): Promise<Worker> {
  const child = spawn(process.execPath, [script.pathname], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const killer = setTimeout(() => child.kill('SIGKILL'), 90_000); // every child is bounded
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const pending = new Map<number, { done: (result: unknown) => void; fail: (error: Error) => void }>();
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(killer);
      for (const call of pending.values()) call.fail(new Error(`${name} exited ${code} during a call:\n${stderr}`));
      resolve(code);
    }),
  );
  let nextId = 0;
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} exited ${code} before it was ready:\n${stderr}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const message = JSON.parse(line) as { ready?: boolean; id?: number; result?: unknown };
      if (message.ready) {
        resolve({
          call: (method, ...args) =>
            new Promise((done, fail) => {
              const id = nextId++;
              pending.set(id, { done: done as (result: unknown) => void, fail });
              child.stdin!.write(`${JSON.stringify({ id, method, args })}\n`);
            }),
          exited,
          stderr: () => stderr,
        });
      } else if (message.id !== undefined) {
        pending.get(message.id)?.done(message.result);
        pending.delete(message.id);
      }
    });
  });
}

/** Kills every worker still running. */
export function killWorkers(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
}
