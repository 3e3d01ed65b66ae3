/**
 * The package hygiene check (scripts/check-packages.mjs, run by CI) catches what it claims to:
 * its rules on hand-made manifests and file lists. The full run (pack, publint, attw, scratch
 * install) is CI's `npm run check:packages`.
 */
import { describe, expect, it } from 'vitest';
import {
  changesetVersionOffline,
  contentProblems,
  entrySpecifiers,
  isEsmOnly,
  manifestProblems,
  publishedPackages,
} from '../../../scripts/check-packages.mjs';

const manifest = {
  name: '@vwo/x',
  type: 'module',
  files: ['dist', 'README.md'],
  exports: { '.': { import: './dist/index.js', require: './dist/index.cjs' } },
};

describe('package contents', () => {
  it('a package of dist/, README and package.json passes', () => {
    expect(
      contentProblems(manifest, ['README.md', 'dist/index.cjs', 'dist/index.d.cts', 'dist/index.d.ts', 'dist/index.js', 'package.json']),
    ).toEqual([]);
  });

  it('tests, sources, fixtures and stray files are each named', () => {
    expect(
      contentProblems(manifest, [
        'README.md',
        'package.json',
        'dist/index.test.js',
        'dist/test/helper.js',
        'dist/index.ts',
        'src/index.ts',
        'dist/fixtures/a.json',
      ]),
    ).toEqual([
      'dist/index.test.js: a test file',
      'dist/test/helper.js: a test file',
      'dist/index.ts: a TypeScript source',
      'src/index.ts: outside dist/',
      'dist/fixtures/a.json: a test file',
    ]);
  });

  it('source maps fail unless "files" asks for them', () => {
    expect(contentProblems(manifest, ['README.md', 'package.json', 'dist/index.js.map'])).toEqual([
      'dist/index.js.map: a source map ("files" does not ask for maps)',
    ]);
    expect(contentProblems({ ...manifest, files: ['dist', 'dist/*.map'] }, ['README.md', 'package.json', 'dist/index.js.map'])).toEqual([]);
  });

  it('a package without a README fails', () => {
    expect(contentProblems(manifest, ['package.json', 'dist/index.js'])).toEqual(['README.md: missing']);
  });
});

describe('packed manifests', () => {
  it('workspace:, file: and link: dependencies left in a tarball are caught', () => {
    expect(
      manifestProblems({ ...manifest, dependencies: { '@vwo/core': 'workspace:*', a: 'file:../a' }, peerDependencies: { b: 'link:../b' } }),
    ).toEqual([
      'dependencies.@vwo/core: "workspace:*" left in the packed package.json',
      'dependencies.a: "file:../a" left in the packed package.json',
      'peerDependencies.b: "link:../b" left in the packed package.json',
    ]);
    expect(manifestProblems({ ...manifest, dependencies: { '@vwo/core': '0.1.0' } })).toEqual([]);
  });

  it('entry points come from exports, subpaths included', () => {
    expect(entrySpecifiers(manifest)).toEqual(['@vwo/x']);
    expect(entrySpecifiers({ name: '@vwo/of', exports: { './server': {}, './web': {}, './package.json': './package.json' } })).toEqual([
      '@vwo/of/server',
      '@vwo/of/web',
    ]);
  });

  it('a package without a require condition is ESM only', () => {
    expect(isEsmOnly(manifest)).toBe(false);
    expect(isEsmOnly({ ...manifest, exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } })).toBe(true);
  });

  it('every package in packages/ but a private one is published', () => {
    const names = publishedPackages().map((p: { manifest: { name: string } }) => p.manifest.name);
    expect(names).toContain('@vwo/core');
    expect(names).not.toContain('@vwo/collector');
  });
});

describe('releases', () => {
  it('changeset version works offline on a copy of the workspace, bumping only published packages', () => {
    const { problems, bumped } = changesetVersionOffline();
    expect(problems).toEqual([]);
    for (const line of bumped) expect(line).toMatch(/^@vwo\/[\w-]+ \d+\.\d+\.\d+ → \d+\.\d+\.\d+$/);
  });
});
