/**
 * The kit itself: a storage that keeps the contract passes it, and each broken storage fails the
 * very test that names its fault (run in a child vitest, whose failures are the expected outcome).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeUserStorageContract } from '../src/index.js';
import { referenceStorage } from './fixtures/storages.js';

describeUserStorageContract('a JSON-in-a-Map reference storage', () => ({ storage: referenceStorage() }));

let cleanedUp = 0;
describeUserStorageContract('a storage with a cleanup', () => ({
  storage: referenceStorage(),
  cleanup: async () => {
    cleanedUp++;
  },
}));

interface JsonReport {
  testResults: Array<{ assertionResults: Array<{ ancestorTitles: string[]; title: string; status: string }> }>;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Which tests of the kit each storage failed, by the storage's suite name. */
function runFixtures(): Map<string, string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'storage-contract-'));
  try {
    const out = join(dir, 'report.json');
    const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
    const child = spawnSync(
      process.execPath,
      [
        vitest,
        'run',
        '--config',
        join(here, 'fixtures/vitest.config.ts'),
        '--root',
        join(here, 'fixtures'),
        '--reporter=json',
        `--outputFile=${out}`,
      ],
      { encoding: 'utf8', timeout: 90_000, env: { ...process.env, CI: 'true' } },
    );
    expect(child.error).toBeUndefined();
    const report = JSON.parse(readFileSync(out, 'utf8')) as JsonReport;
    const failed = new Map<string, string[]>();
    for (const file of report.testResults) {
      for (const test of file.assertionResults) {
        const suite = test.ancestorTitles[0].replace(/ keeps the UserStorage contract$/, '');
        if (!failed.has(suite)) failed.set(suite, []);
        if (test.status === 'failed') failed.get(suite)!.push(test.title);
      }
    }
    return failed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the kit catches broken storages', () => {
  it('runs each cleanup once per test', () => {
    expect(cleanedUp).toBe(13);
  });

  it('fails each broken storage on the test that names its fault, and passes the reference', () => {
    const failed = runFixtures();
    expect(failed.get('reference')).toEqual([]);
    const fails = (storage: string) => failed.get(`broken: ${storage}`) ?? ['(suite missing)'];
    const has = (storage: string, fragment: string) =>
      expect(
        fails(storage).some((title) => title.includes(fragment)),
        `${storage} should fail "${fragment}", failed ${JSON.stringify(fails(storage))}`,
      ).toBe(true);
    has('joins the key naively with a colon', 'naive key join');
    has('merges a second set into the first', 'replaces the first');
    has('drops metaData', 'equal to what was stored');
    has('drops metaData', '100 KB of metaData');
    has('keys by UTF-8 bytes (lone surrogates collide)', 'unicode user ids');
    has('truncates values over 64 KB', '100 KB of metaData');
    has('lets an earlier write land after a later one', 'concurrent sets');
    has('never stores anything', 'equal to what was stored');
    has('never stores anything', 'same variation afterwards');
    has('never stores anything', 'goal is counted once');
  });
});
