/**
 * parseFmeSettings accepts exactly the files vwo-fme-node-sdk 1.35.0 accepts: generated valid
 * files with one to three fields replaced by odd JSON (or removed), each given to a fresh
 * 1.35.0 client (`init({ settings })`, then `isSettingsValid`).
 * FME_ACCEPT_CASES=<n> runs more (default 400).
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseFmeSettings } from '../../src/index.js';
import { Random, settingsFile } from './support/generate.js';

const require = createRequire(import.meta.url);
const CASES = Number(process.env.FME_ACCEPT_CASES ?? 400);

const ODD_VALUES: readonly unknown[] = [null, [], {}, '5', 5, 0, true, '', [1], { a: 1 }, 'DELETE'];

function slots(node: unknown, out: [Record<string, unknown>, string][] = []): [Record<string, unknown>, string][] {
  if (typeof node !== 'object' || node === null) return out;
  for (const key of Object.keys(node)) {
    out.push([node as Record<string, unknown>, key]);
    slots((node as Record<string, unknown>)[key], out);
  }
  return out;
}

describe('parseFmeSettings agrees with 1.35.0 on which files are valid', () => {
  it(`on ${CASES} mutated settings files`, async () => {
    const sdk = require('vwo-fme-node-sdk') as {
      init(options: Record<string, unknown>): Promise<{ isSettingsValid: boolean }>;
    };
    const response = { getStatusCode: () => 200, getData: () => ({}), getTotalAttempts: () => 0, getError: () => undefined };
    const client = { GET: async () => response, POST: async () => response };
    const rng = new Random(4242);
    const differences: string[] = [];
    let accepted = 0;
    for (let i = 0; i < CASES; i++) {
      const file = settingsFile(rng).settings;
      const edits: string[] = [];
      for (let n = rng.int(1, 3); n > 0; n--) {
        const all = slots(file);
        const [owner, key] = rng.pick(all);
        const value = rng.pick(ODD_VALUES);
        if (value === 'DELETE') delete owner[key];
        else owner[key] = structuredClone(value);
        edits.push(`${key}=${JSON.stringify(value)}`);
      }
      const ours = parseFmeSettings(file);
      const reference = await sdk.init({
        sdkKey: 'abcdef0123456789abcdef0123456789',
        accountId: 123456,
        settings: structuredClone(file),
        network: { client },
        logger: { level: 'ERROR', transport: { log: () => {} } },
      });
      if (ours.ok) accepted++;
      if (ours.ok !== reference.isSettingsValid) {
        differences.push(
          `case ${i} (${edits.join(', ')}): ours ${ours.ok} vs 1.35.0 ${reference.isSettingsValid}: ${JSON.stringify(file)}`,
        );
      }
    }
    console.log(`FME acceptance: ${CASES} mutated files, ${accepted} accepted by both; ${differences.length} differences`);
    expect(differences.slice(0, 5)).toEqual([]);
  });
});
