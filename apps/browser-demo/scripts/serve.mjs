#!/usr/bin/env node
/**
 * `npm start`: the local collector (serving settings.json) and the built page, both on
 * 127.0.0.1. Prints the URL to open first, then a line each time the collector's counts
 * change; Ctrl-C stops both.
 *
 *   node scripts/serve.mjs [--port 4173] [--collector-port 8080] [--dist dist]
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCollector } from '@vwo/collector';
import { serveStatic } from './static-server.mjs';

const APP = join(dirname(fileURLToPath(import.meta.url)), '..');
const USAGE = 'usage: node scripts/serve.mjs [--port 4173] [--collector-port 8080] [--dist dist]   (0 picks a free port)';

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(message);
  process.exit(2);
}

/** @param {string} name @param {string} text */
function portOption(name, text) {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > 65_535) fail(`--${name}: expected a port number 0–65535, got ${text}`);
  return value;
}

function readOptions() {
  try {
    // `pnpm start -- --port 0` passes the `--` along.
    const args = process.argv.slice(2);
    const { values } = parseArgs({
      args: args[0] === '--' ? args.slice(1) : args,
      options: {
        port: { type: 'string', default: '4173' },
        'collector-port': { type: 'string', default: '8080' },
        dist: { type: 'string', default: join(APP, 'dist') },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    return {
      help: values.help,
      port: portOption('port', values.port),
      collectorPort: portOption('collector-port', values['collector-port']),
      dist: resolve(values.dist),
    };
  } catch (error) {
    return fail(`${/** @type {Error} */ (error).message}\n${USAGE}`);
  }
}

async function main() {
  const options = readOptions();
  if (options.help) {
    console.log(USAGE);
    return;
  }
  if (!existsSync(join(options.dist, 'index.html'))) {
    fail(`${options.dist}/index.html is missing: build the page first (npx pnpm --filter @vwo/browser-demo build)`);
  }
  const settings = JSON.parse(readFileSync(join(APP, 'settings.json'), 'utf8'));
  const fmeSettings = JSON.parse(readFileSync(join(APP, 'fme-settings.json'), 'utf8'));

  /** @type {import('@vwo/collector').Collector | undefined} */
  let started;
  /** @type {import('./static-server.mjs').StaticServer} */
  let site;
  try {
    started = await startCollector({ settings: [settings, fmeSettings], port: options.collectorPort });
    site = await serveStatic(options.dist, { port: options.port });
  } catch (error) {
    await started?.close();
    const { message, code } = /** @type {NodeJS.ErrnoException} */ (error);
    return fail(`could not start: ${message}${code === 'EADDRINUSE' ? ' (pick another port, or 0 for a free one)' : ''}`);
  }
  const collector = started;

  console.log(`${site.url}/?collector=${collector.url}&account=${settings.accountId}&sdkKey=${encodeURIComponent(settings.sdkKey)}`);
  console.log(`${site.url}/fme.html?collector=${collector.url}   (the FME page: init, getFlag, trackEvent)`);
  console.log(`collector ${collector.url} (stats: ${collector.url}/_collector/stats); add &batch=1 to batch events. Ctrl-C stops.`);

  let last = '';
  const report = setInterval(() => {
    const { events, duplicates, fme } = collector.stats();
    const line =
      `collector: ${events.impressions} impression(s), ${events.conversions} conversion(s), ${duplicates} duplicate(s) dropped; ` +
      `FME ${fme.events.impressions} impression(s), ${fme.events.conversions} conversion(s)`;
    if (line !== last) console.log(line);
    last = line;
  }, 1000);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    clearInterval(report);
    await Promise.all([site.close(), collector.close()]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await main();
