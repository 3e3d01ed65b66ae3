/**
 * Finds the code examples the docs promise will run: the first ```ts/```js block of every
 * published package's README (and of the root README), and every block of a guide that follows
 * a `<!-- runnable -->` marker (`<!-- runnable: browser -->`, `<!-- runnable: edge -->` for the
 * other runtimes).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = new URL('../../../../', import.meta.url).pathname.replace(/\/$/, '');

export type Runtime = 'node' | 'browser' | 'edge';

export interface Example {
  /** A file-name-safe id: `packages-core-README` or `docs-guides-edge-1`. */
  readonly id: string;
  /** Where it comes from, relative to the repository root, with its line. */
  readonly source: string;
  readonly language: 'ts' | 'js';
  readonly code: string;
  readonly runtime: Runtime;
}

const FENCE = /^```(\w+)?[^\n]*\n([\s\S]*?)^```\s*$/gm;
const LANGUAGES: Record<string, 'ts' | 'js'> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', mjs: 'js' };

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** The first TypeScript or JavaScript block of a README, if any. */
export function firstExample(path: string): Example | undefined {
  const text = readFileSync(path, 'utf8');
  for (const match of text.matchAll(FENCE)) {
    const language = LANGUAGES[match[1] ?? ''];
    if (!language) continue;
    const where = relative(ROOT, path);
    return {
      id: where.replace(/\.md$/, '').replace(/[^\w]+/g, '-'),
      source: `${where}:${lineOf(text, match.index)}`,
      language,
      code: match[2],
      runtime: 'node',
    };
  }
  return undefined;
}

/** Every block marked `<!-- runnable -->` (optionally `: browser` or `: edge`) in a Markdown file. */
export function markedExamples(path: string): Example[] {
  const text = readFileSync(path, 'utf8');
  const where = relative(ROOT, path);
  const found: Example[] = [];
  for (const marker of text.matchAll(/<!--\s*runnable(?::\s*(\w+))?\s*-->\s*\n/g)) {
    FENCE.lastIndex = marker.index + marker[0].length;
    const block = FENCE.exec(text);
    if (!block || block.index !== marker.index + marker[0].length)
      throw new Error(`${where}:${lineOf(text, marker.index)}: a runnable marker must be followed by a code block`);
    const language = LANGUAGES[block[1] ?? ''];
    if (!language) throw new Error(`${where}:${lineOf(text, block.index)}: a runnable block must be ts or js`);
    const runtime = (marker[1] ?? 'node') as Runtime;
    if (!['node', 'browser', 'edge'].includes(runtime)) throw new Error(`${where}: unknown runtime ${runtime}`);
    found.push({
      id: `${where.replace(/\.md$/, '').replace(/[^\w]+/g, '-')}-${found.length + 1}`,
      source: `${where}:${lineOf(text, block.index)}`,
      language,
      code: block[2],
      runtime,
    });
  }
  FENCE.lastIndex = 0;
  return found;
}

/** Directories of the packages `npm publish` would publish (not `"private": true`). */
export function publishedPackageDirs(): string[] {
  const dir = join(ROOT, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter(
      (path) => existsSync(join(path, 'package.json')) && JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')).private !== true,
    )
    .sort();
}

export function guideFiles(): string[] {
  const dir = join(ROOT, 'docs/guides');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(dir, name));
}
