#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { startCollector } from './collector.js';
import type { SettingsFile } from './types.js';

const USAGE = `Usage: vwo-collector [--port <n>] [--host <loopback address>] [--settings <file.json>]... [--settings-by-key <file.json>]

A local VWO-compatible collector. Prints its URL on the first line of stdout, then serves
until SIGINT/SIGTERM.

  --port, -p          TCP port (default 0: any free port)
  --host              127.0.0.1 (default), ::1, localhost or another 127.x.x.x address
  --settings, -s      a settings file, served for its own accountId and sdkKey (repeatable)
  --settings-by-key   a JSON object { "<accountId>:<sdkKey>" | "<sdkKey>": settings, ... }
  --help, -h          this text`;

function readJson(file: string, option: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${option} ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${option} ${file}: not valid JSON (${(error as Error).message})`);
  }
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', short: 'p' },
      host: { type: 'string' },
      settings: { type: 'string', short: 's', multiple: true },
      'settings-by-key': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!/^\d+$/.test(values.port ?? '0') || port > 65_535) throw new Error(`--port: expected 0–65535, got ${values.port}`);
  const settings = (values.settings ?? []).map((file) => readJson(file, '--settings') as SettingsFile);
  const byKeyFile = values['settings-by-key'];
  const settingsByKey = byKeyFile === undefined ? undefined : (readJson(byKeyFile, '--settings-by-key') as Record<string, SettingsFile>);

  const collector = await startCollector({ port, host: values.host, settings, settingsByKey });
  process.stdout.write(`${collector.url}\n`);
  const stop = (): void => {
    collector.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return -1;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`vwo-collector: ${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    process.exitCode = 2;
  },
);
