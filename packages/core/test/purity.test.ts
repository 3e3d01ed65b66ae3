import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const script = new URL('../../../scripts/check-core-purity.mjs', import.meta.url).pathname;

function check(dir?: string) {
  return spawnSync(process.execPath, dir ? [script, dir] : [script], { encoding: 'utf8' });
}

describe('the core purity check', () => {
  it('passes on the sources of @vwo/core', () => {
    const result = check();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it.each([
    ["import { readFileSync } from 'node:fs';", 'Node built-in "node:fs"'],
    ["import { createHash } from 'crypto';", 'Node built-in "crypto"'],
    ["import murmur from 'murmurhash';", 'the package "murmurhash"'],
    ['export const w = window.innerWidth;', 'platform global "window"'],
    ['export const ua = () => navigator.userAgent;', 'platform global "navigator"'],
    ['export const d = document;', 'platform global "document"'],
  ])('fails on %s', (code, reason) => {
    const dir = mkdtempSync(join(tmpdir(), 'purity-'));
    try {
      writeFileSync(join(dir, 'bad.ts'), `${code}\n`);
      const result = check(dir);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(reason);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ignores the words in comments and strings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'purity-'));
    try {
      writeFileSync(join(dir, 'ok.ts'), "// no window here\nexport const m = 'document';\n");
      expect(check(dir).status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
