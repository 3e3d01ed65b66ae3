/** Runs the built `vwo` bin as a user would, with every socket and fetch made fatal (exit 99). */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

/** The path of a file in test/fixtures. */
export const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
const noNetwork = fixture('no-network.cjs');

/** What one run of the bin did. */
export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function vwo(args: string[], input?: string): Run {
  if (!existsSync(bin)) throw new Error(`build @vwo/cli first: ${bin} is missing`);
  const run = spawnSync(process.execPath, ['--require', noNetwork, bin, ...args], { encoding: 'utf8', input, timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export const json = (run: Run) => JSON.parse(run.stdout) as Record<string, unknown>;
