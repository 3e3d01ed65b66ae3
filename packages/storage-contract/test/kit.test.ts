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
import { describeFmeStorageContract, describeUserStorageContract } from '../src/index.js';
import { referenceFmeStorage, referenceStorage } from './fixtures/storages.js';

describeUserStorageContract('a JSON-in-a-Map reference storage', () => ({ storage: referenceStorage() }));

let cleanedUp = 0;
describeUserStorageContract('a storage with a cleanup', () => ({
  storage: referenceStorage(),
  cleanup: async () => {
    cleanedUp++;
  },
}));

describeFmeStorageContract('a JSON-in-a-Map reference FME storage', () => {
  const map = new Map<string, string>();
  const legacy = referenceStorage();
  return { storage: referenceFmeStorage(map, '1'), otherAccount: referenceFmeStorage(map, '2'), legacy };
});

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
        const suite = test.ancestorTitles[0].replace(/ keeps the (UserStorage|FME storage) contract$/, '');
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
    const failsIn = (suite: string, fragment: string) => {
      const titles = failed.get(suite) ?? ['(suite missing)'];
      expect(
        titles.some((title) => title.includes(fragment)),
        `${suite} should fail "${fragment}", failed ${JSON.stringify(titles)}`,
      ).toBe(true);
    };
    const has = (storage: string, fragment: string) => failsIn(`broken: ${storage}`, fragment);
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

    expect(failed.get('fme reference')).toEqual([]);
    const fmeHas = (storage: string, fragment: string) => failsIn(`fme broken: ${storage}`, fragment);
    fmeHas('joins the key naively with a colon', 'naive key join');
    fmeHas('keys by the userId as written (a numeric id is never found)', 'numeric userId');
    fmeHas('writes only the defined fields over the old ones (as HSET would)', 'replaces the first');
    fmeHas('answers synchronously', 'answer with promises');
    fmeHas('shares one key space between accounts', 'two accounts');
    fmeHas('shares its keys with its legacy face', 'legacy (launch) face');
    fmeHas('never stores anything', 'equal to what was stored');
    fmeHas('never stores anything', 'keeps the variation decided earlier');
    fmeHas('never stores anything', 'mutually exclusive group');
  });
});
