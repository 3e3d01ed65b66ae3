#!/usr/bin/env node
// Package hygiene before a release, offline: each published package (packages/* not marked
// private) is packed as pnpm publishes it (workspace:* rewritten), then
//   1. its contents are checked: dist/, README, package.json, licence and changelog only; no tests,
//      no sources, no source maps unless `files` lists them on purpose; npm's `pack --dry-run`
//      must list the same files;
//   2. publint (every message, suggestions included) and @arethetypeswrong/cli (strict profile,
//      no @types look-up) must find nothing;
//   3. every entry point is required (CJS, with require(esm) turned off, as on Node 18) and
//      imported (ESM) from a scratch project outside the workspace, installed by npm --offline
//      from the tarballs, and both export the same names;
// then `changeset status` runs (skipped with a note where git has no main branch) and
// `changeset version` runs on a temporary copy of the workspace with the network blocked.
//
//   node scripts/check-packages.mjs [--skip-build] [--only @vwo/core,@vwo/node]
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TOOLS = join(ROOT, 'apps/docs/node_modules/.bin'); // publint and attw are devDependencies of @vwo/docs
const BIN = join(ROOT, 'node_modules/.bin');

/** Packages that `npm publish` would publish: `packages/*` without `"private": true`. */
export function publishedPackages(root = ROOT) {
  const dir = join(root, 'packages');
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'package.json')))
    .map((entry) => {
      const path = join(dir, entry.name);
      return { dir: path, manifest: JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) };
    })
    .filter(({ manifest }) => manifest.private !== true)
    .sort((a, b) => a.manifest.name.localeCompare(b.manifest.name));
}

const ALWAYS_SHIPPED = /^(package\.json|README(\.md)?|LICEN[CS]E(\.md|\.txt)?|CHANGELOG\.md)$/i;

/**
 * What is wrong with a package's file list (paths relative to the package root): anything
 * outside `dist/` but the usual top-level files, tests, fixtures, TypeScript sources, and maps
 * unless `files` names maps explicitly.
 */
export function contentProblems(manifest, files) {
  const problems = [];
  const mapsWanted = (manifest.files ?? []).some((entry) => entry.includes('.map'));
  for (const file of files) {
    if (ALWAYS_SHIPPED.test(file)) continue;
    if (!file.startsWith('dist/')) problems.push(`${file}: outside dist/`);
    else if (/(^|\/)(test|tests|__tests__|fixtures?)\//.test(file) || /\.(test|spec|bench)\.[cm]?[jt]sx?$/.test(file))
      problems.push(`${file}: a test file`);
    else if (/\.map$/.test(file) && !mapsWanted) problems.push(`${file}: a source map ("files" does not ask for maps)`);
    else if (/(?<!\.d)\.[cm]?tsx?$/.test(file)) problems.push(`${file}: a TypeScript source`);
  }
  for (const required of ['package.json', 'README.md']) {
    if (!files.includes(required)) problems.push(`${required}: missing`);
  }
  return problems;
}

/** Dependency specs that only mean something inside this workspace. */
export function manifestProblems(manifest) {
  const problems = [];
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|file|link|portal):/.test(spec)) problems.push(`${field}.${name}: "${spec}" left in the packed package.json`);
    }
  }
  if (!manifest.exports) problems.push('no "exports" field');
  return problems;
}

/** The import specifiers of a package: its name plus each subpath of `exports` (not `./package.json`). */
export function entrySpecifiers(manifest) {
  const exportsField = manifest.exports;
  if (!exportsField || typeof exportsField === 'string' || !Object.keys(exportsField).some((key) => key.startsWith('.')))
    return [manifest.name];
  return Object.keys(exportsField)
    .filter((key) => key !== './package.json' && !key.includes('*'))
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
}

/**
 * A package that offers no `require` condition is ESM only by declaration (e.g. the storage
 * contract kit: vitest refuses require()); it is checked as such: attw's esm-only profile, and
 * no require() probe.
 */
export function isEsmOnly(manifest) {
  return (
    manifest.type === 'module' && !JSON.stringify(manifest.exports ?? {}).includes('"require"') && !(manifest.main ?? '').endsWith('.cjs')
  );
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  return {
    status: result.status ?? 1,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    output: `${result.stdout ?? ''}${result.stderr ?? ''}`,
  };
}

function tarList(tarball) {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line && !line.endsWith('/'))
    .map((line) => line.replace(/^package\//, ''))
    .sort();
}

function packedManifest(tarball) {
  return JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
}

/** Finds `name` as Node would from `fromDir` (walking up node_modules folders), real path. */
function findInstalled(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name, 'package.json');
    if (existsSync(candidate)) return realpathSync(dirname(candidate));
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Tarballs of the third-party run-time dependencies of the packed packages and of theirs, made
 * from the copies pnpm installed: the scratch project then installs with npm --offline.
 */
function packThirdParty(packages, outDir) {
  const seen = new Map(); // real dir → tarball
  const queue = [];
  for (const { dir, packed } of packages) {
    for (const name of Object.keys(packed.dependencies ?? {})) if (!name.startsWith('@vwo/')) queue.push([name, dir, true]);
  }
  while (queue.length > 0) {
    const [name, fromDir, required] = queue.shift();
    const found = findInstalled(name, fromDir);
    if (!found) {
      if (required) throw new Error(`${name} (needed from ${relative(ROOT, fromDir)}) is not installed: run npm run setup`);
      continue;
    }
    if (seen.has(found)) continue;
    const manifest = JSON.parse(readFileSync(join(found, 'package.json'), 'utf8'));
    const tarball = join(outDir, `${manifest.name.replace('@', '').replace('/', '-')}-${manifest.version}.tgz`);
    execFileSync('tar', ['-czf', tarball, '--exclude=./node_modules', '--transform', 's,^\\.,package,', '-C', found, '.']);
    seen.set(found, tarball);
    for (const dep of Object.keys(manifest.dependencies ?? {})) queue.push([dep, found, true]);
    for (const dep of Object.keys(manifest.optionalDependencies ?? {})) queue.push([dep, found, false]);
  }
  return [...seen.values()];
}

/** Peer dependencies a user's project brings itself, linked from the workspace into the scratch project. */
function linkPeers(packages, scratch) {
  for (const { dir, packed } of packages) {
    for (const name of Object.keys(packed.peerDependencies ?? {})) {
      const target = join(scratch, 'node_modules', name);
      if (existsSync(target)) continue;
      const found = findInstalled(name, dir);
      if (!found) continue; // an optional peer nobody installed: the import check says if it was needed
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(found, target, 'dir');
      // The peer's own peers (e.g. @openfeature/core under @openfeature/server-sdk).
      const manifest = JSON.parse(readFileSync(join(found, 'package.json'), 'utf8'));
      for (const peer of Object.keys(manifest.peerDependencies ?? {})) {
        const peerTarget = join(scratch, 'node_modules', peer);
        const peerFound = findInstalled(peer, found) ?? findInstalled(peer, dir);
        if (!existsSync(peerTarget) && peerFound) {
          mkdirSync(dirname(peerTarget), { recursive: true });
          symlinkSync(peerFound, peerTarget, 'dir');
        }
      }
    }
  }
}

const CJS_PROBE = `
const out = {};
for (const spec of JSON.parse(process.argv[1])) {
  try { out[spec] = { names: Object.keys(require(spec)).sort() }; }
  catch (error) { out[spec] = { error: String(error && error.message || error).split('\\n')[0] }; }
}
process.stdout.write(JSON.stringify(out));`;

const ESM_PROBE = `
const out = {};
for (const spec of JSON.parse(process.argv[1])) {
  try { out[spec] = { names: Object.keys(await import(spec)).filter((k) => k !== 'default' && k !== 'module.exports').sort() }; }
  catch (error) { out[spec] = { error: String(error && error.message || error).split('\\n')[0] }; }
}
process.stdout.write(JSON.stringify(out));`;

function importCheck(packages, work) {
  const problems = [];
  const scratch = join(work, 'scratch');
  mkdirSync(scratch);
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, version: '0.0.0' }));
  const thirdParty = packThirdParty(packages, join(work, 'tarballs'));
  const install = run(
    'npm',
    [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      '--legacy-peer-deps',
      '--no-package-lock',
      '--loglevel=error',
      ...packages.map((p) => p.tarball),
      ...thirdParty,
    ],
    { cwd: scratch, env: { ...process.env, npm_config_engine_strict: 'false' } },
  );
  if (install.status !== 0) return [`npm install --offline of the tarballs failed:\n${install.output}`];
  linkPeers(packages, scratch);
  const specs = packages.flatMap((p) => entrySpecifiers(p.packed));
  const cjsSpecs = packages.filter((p) => !isEsmOnly(p.packed)).flatMap((p) => entrySpecifiers(p.packed));
  const cjs = run(process.execPath, ['--no-experimental-require-module', '-e', CJS_PROBE, JSON.stringify(cjsSpecs)], { cwd: scratch });
  const esm = run(process.execPath, ['--input-type=module', '-e', ESM_PROBE, JSON.stringify(specs)], { cwd: scratch });
  if (cjs.status !== 0 || esm.status !== 0) return [`the import probes crashed:\n${cjs.output}${esm.output}`];
  const fromCjs = JSON.parse(cjs.stdout);
  const fromEsm = JSON.parse(esm.stdout);
  for (const spec of specs) {
    const [c, e] = [fromCjs[spec], fromEsm[spec]];
    if (!c) {
      if (!e.error && e.names.length === 0) problems.push(`${spec}: exports nothing`);
      if (e.error) problems.push(`${spec}: import fails: ${e.error}`);
      continue;
    }
    if (c.error) problems.push(`${spec}: require() fails: ${c.error}`);
    if (e.error) problems.push(`${spec}: import fails: ${e.error}`);
    if (c.names && e.names && c.names.join() !== e.names.join())
      problems.push(`${spec}: CJS exports [${c.names}] but ESM exports [${e.names}]`);
    if (c.names && c.names.length === 0) problems.push(`${spec}: exports nothing`);
  }
  return problems;
}

function changesetStatus() {
  const git = (args) => run('git', args, { cwd: ROOT });
  if (git(['rev-parse', '--is-inside-work-tree']).status !== 0) return { note: 'changeset status: skipped (not a git repository)' };
  const base = ['main', 'origin/main'].find((ref) => git(['rev-parse', '--verify', '--quiet', ref]).status === 0);
  if (!base) return { note: 'changeset status: skipped (no main or origin/main branch to compare with)' };
  const args = ['status', ...(base === 'main' ? [] : [`--since=${base}`])];
  const result = run(join(BIN, 'changeset'), args, { cwd: ROOT });
  return result.status === 0
    ? { note: `changeset status (against ${base}): ok` }
    : { problem: `changeset ${args.join(' ')} failed:\n${result.output}` };
}

/** `changeset version` on a copy of the workspace's manifests and changesets, with the network blocked. */
export function changesetVersionOffline(root = ROOT) {
  const copy = mkdtempSync(join(tmpdir(), 'vwo-changeset-'));
  try {
    for (const file of ['package.json', 'pnpm-workspace.yaml']) cpSync(join(root, file), join(copy, file));
    cpSync(join(root, '.changeset'), join(copy, '.changeset'), { recursive: true });
    const before = new Map();
    for (const group of ['packages', 'apps']) {
      if (!existsSync(join(root, group))) continue;
      for (const name of readdirSync(join(root, group))) {
        const manifestPath = join(root, group, name, 'package.json');
        if (!existsSync(manifestPath)) continue;
        mkdirSync(join(copy, group, name), { recursive: true });
        for (const file of ['package.json', 'CHANGELOG.md']) {
          if (existsSync(join(root, group, name, file))) cpSync(join(root, group, name, file), join(copy, group, name, file));
        }
        const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
        before.set(`${group}/${name}`, manifest);
      }
    }
    symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'), 'dir');
    const pending = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    const blocked = {
      HTTP_PROXY: 'http://127.0.0.1:9',
      HTTPS_PROXY: 'http://127.0.0.1:9',
      npm_config_offline: 'true',
      GIT_DIR: join(copy, 'no-git'),
    };
    const result = run(process.execPath, [join(root, 'node_modules/@changesets/cli/bin.js'), 'version'], {
      cwd: copy,
      env: { ...process.env, ...blocked },
    });
    if (result.status !== 0) return { problems: [`changeset version failed offline:\n${result.output}`], bumped: [] };
    const problems = [];
    const bumped = [];
    for (const [where, old] of before) {
      const now = JSON.parse(readFileSync(join(copy, where, 'package.json'), 'utf8'));
      if (now.version !== old.version) {
        bumped.push(`${now.name} ${old.version} → ${now.version}`);
        if (old.private) problems.push(`${where}: private, yet bumped to ${now.version}`);
        if (!existsSync(join(copy, where, 'CHANGELOG.md'))) problems.push(`${where}: bumped without a CHANGELOG.md`);
      }
    }
    const left = readdirSync(join(copy, '.changeset')).filter((f) => f.endsWith('.md') && f !== 'README.md');
    if (pending.length > 0 && left.length > 0) problems.push(`changesets left after version: ${left.join(', ')}`);
    if (pending.length > 0 && bumped.length === 0) problems.push(`${pending.length} changesets, but no package was bumped`);
    return { problems, bumped };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function main(argv) {
  const skipBuild = argv.includes('--skip-build');
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? new Set(argv[onlyIndex + 1].split(',')) : null;
  const started = Date.now();
  const packages = publishedPackages().filter((p) => !only || only.has(p.manifest.name));
  const problems = [];
  const notes = [];
  const say = (line) => console.log(line);

  if (!skipBuild) {
    const build = run(
      join(BIN, 'turbo'),
      ['run', 'build', '--output-logs=errors-only', ...packages.map((p) => `--filter=${p.manifest.name}`)],
      {
        cwd: ROOT,
        env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
      },
    );
    if (build.status !== 0) {
      console.error(`build failed:\n${build.output}`);
      console.log('package hygiene: 0 passed, 1 failed');
      return 1;
    }
  }

  const work = mkdtempSync(join(tmpdir(), 'vwo-packages-'));
  mkdirSync(join(work, 'packed'));
  mkdirSync(join(work, 'tarballs'));
  try {
    for (const pkg of packages) {
      const name = pkg.manifest.name;
      const before = new Set(readdirSync(join(work, 'packed')));
      const pack = run(join(BIN, 'pnpm'), ['pack', '--pack-destination', join(work, 'packed')], { cwd: pkg.dir });
      const made = readdirSync(join(work, 'packed')).find((f) => !before.has(f));
      if (pack.status !== 0 || !made) {
        problems.push(`${name}: pnpm pack failed:\n${pack.output}`);
        continue;
      }
      pkg.tarball = join(work, 'packed', made);
      pkg.packed = packedManifest(pkg.tarball);
      const files = tarList(pkg.tarball);
      const own = [...contentProblems(pkg.packed, files), ...manifestProblems(pkg.packed)];

      const dry = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkg.dir });
      if (dry.status === 0) {
        const npmFiles = JSON.parse(dry.stdout)[0]
          .files.map((f) => f.path)
          .sort();
        if (npmFiles.join('\n') !== files.join('\n')) own.push(`npm pack --dry-run lists [${npmFiles}] but pnpm packed [${files}]`);
      } else own.push(`npm pack --dry-run failed:\n${dry.output}`);

      const lint = run(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { publint } from 'publint';
           import { formatMessage } from 'publint/utils';
           import { readFileSync } from 'node:fs';
           const data = readFileSync(process.argv[1]);
           const { messages, pkg } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, level: 'suggestion', strict: true });
           for (const m of messages) console.log(m.type + ': ' + formatMessage(m, pkg, { color: false }));`,
          pkg.tarball,
        ],
        { cwd: join(ROOT, 'apps/docs') }, // publint is a devDependency of @vwo/docs
      );
      if (lint.status !== 0) own.push(`publint crashed:\n${lint.output}`);
      else for (const line of lint.stdout.split('\n').filter(Boolean)) own.push(`publint ${line}`);

      const attw = run(
        join(TOOLS, 'attw'),
        [
          pkg.tarball,
          '--no-definitely-typed',
          '--profile',
          isEsmOnly(pkg.packed) ? 'esm-only' : 'strict',
          '--format',
          'ascii',
          '--no-emoji',
          '--no-color',
        ],
        {
          cwd: work,
          env: { ...process.env, HTTP_PROXY: 'http://127.0.0.1:9', HTTPS_PROXY: 'http://127.0.0.1:9' },
        },
      );
      if (attw.status !== 0) own.push(`@arethetypeswrong/cli:\n${attw.output.trim()}`);

      say(
        `${own.length === 0 ? 'ok  ' : 'FAIL'} ${name}: ${files.length} files packed; contents, publint, attw${own.length ? '' : ' clean'}`,
      );
      problems.push(...own.map((p) => `${name}: ${p}`));
    }

    const packedOk = packages.filter((p) => p.tarball);
    const importProblems = importCheck(packedOk, work);
    const specs = packedOk.flatMap((p) => entrySpecifiers(p.packed));
    const esmOnly = packedOk.filter((p) => isEsmOnly(p.packed)).map((p) => p.packed.name);
    say(
      `${importProblems.length === 0 ? 'ok  ' : 'FAIL'} ${specs.length} entry points require()d and import()ed from a scratch project (npm --offline): ${specs.join(', ')}` +
        (esmOnly.length ? ` (ESM only by declaration, import() alone: ${esmOnly.join(', ')})` : ''),
    );
    problems.push(...importProblems);

    const status = changesetStatus();
    if (status.problem) problems.push(status.problem);
    else notes.push(status.note);
    const version = changesetVersionOffline();
    problems.push(...version.problems);
    say(
      `${version.problems.length === 0 ? 'ok  ' : 'FAIL'} changeset version offline (temporary copy): ${version.bumped.join(', ') || 'nothing to bump'}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  for (const note of notes) say(note);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (problems.length > 0) {
    console.error(`\n${problems.length} package hygiene problem(s):\n${problems.map((p) => `- ${p}`).join('\n')}`);
    console.log(`package hygiene (${seconds} s): ${packages.length} packages, ${problems.length} problems`);
    return 1;
  }
  console.log(`package hygiene (${seconds} s): ${packages.length} packages, no problem`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
