import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DemoReport } from '../src/report.js';

export const DEMO_BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
export const SETTINGS_PATH = fileURLToPath(new URL('../settings.json', import.meta.url));
export const FME_SETTINGS_PATH = fileURLToPath(new URL('../fme-settings.json', import.meta.url));

export interface DemoRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A fresh temporary directory for one run's reports. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'vwo-demo-'));
}

/** Runs the built demo as `npm run demo` does (after the build), bounded in time. */
export function runDemo(args: string[], cwd: string, timeoutMs = 60_000): Promise<DemoRun> {
  if (!existsSync(DEMO_BIN)) throw new Error(`build @vwo/demo first: ${DEMO_BIN} is missing`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [DEMO_BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not finish within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, ms: performance.now() - started });
    });
  });
}

export function readReport(path: string): DemoReport {
  return JSON.parse(readFileSync(path, 'utf8')) as DemoReport;
}

/** The numbers of a report without what changes from run to run (times, URLs). */
export function numbersOf(report: DemoReport) {
  return {
    campaigns: report.campaigns.map((c) => ({
      key: c.key,
      users: c.users,
      impressions: c.impressions,
      variations: c.variations.map((v) => ({
        name: v.name,
        users: v.users,
        impressions: v.impressions,
        goals: v.goals,
        revenue: v.revenue,
      })),
    })),
    fme: report.fme?.features.map((f) => ({
      key: f.key,
      rules: f.rules.map((r) => ({
        key: r.key,
        users: r.users,
        impressions: r.impressions,
        variations: r.variations.map((v) => [v.users, v.impressions, v.metrics]),
      })),
    })),
  };
}
