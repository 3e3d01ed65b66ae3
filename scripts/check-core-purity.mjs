#!/usr/bin/env node
// Fails when @vwo/core reaches for I/O or a platform API: a `node:` (or bare Node built-in)
// import, or the browser globals window/document/navigator. The core must run unchanged in
// Node, browsers and edge runtimes (ARCHITECTURE.md).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = process.argv[2] ?? new URL('../packages/core/src/', import.meta.url).pathname;
const builtins = new Set(builtinModules.filter((name) => !name.startsWith('_')));
const importPattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm;
const globalPattern = /\b(window|document|navigator|localStorage|sessionStorage|XMLHttpRequest|process|Buffer|__dirname|require)\b/g;

function* sourceFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.(ts|mts|cts|js|mjs)$/.test(name)) yield path;
  }
}

/** Removes comments and string contents so that prose and messages do not count. */
function codeOnly(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1')
    .replace(/`(?:\\[\s\S]|[^`\\])*`/g, '``')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""');
}

const problems = [];
for (const file of sourceFiles(root)) {
  const text = readFileSync(file, 'utf8');
  const where = relative(process.cwd(), file);
  for (const match of text.matchAll(importPattern)) {
    const specifier = match[1];
    if (specifier.startsWith('node:') || builtins.has(specifier.split('/')[0])) {
      problems.push(`${where}: imports the Node built-in "${specifier}"`);
    } else if (!specifier.startsWith('.')) {
      problems.push(`${where}: imports the package "${specifier}" (the core has no run-time dependencies)`);
    }
  }
  for (const match of codeOnly(text).matchAll(globalPattern)) {
    problems.push(`${where}: uses the platform global "${match[1]}"`);
  }
}

if (problems.length > 0) {
  console.error(`@vwo/core must stay free of I/O and platform APIs:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('@vwo/core purity: no Node built-ins, no platform globals, no run-time dependencies');
