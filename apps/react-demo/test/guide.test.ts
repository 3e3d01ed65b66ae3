/**
 * The React guide (docs/guides/react.md) shows the demo's own code: each code block names the
 * demo file it comes from, and its lines are lines of that file, in the same order. `// …` marks
 * lines left out; nothing may be added, so the guide cannot drift from the code the end-to-end
 * tests run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const GUIDE = new URL('../../../docs/guides/react.md', import.meta.url);
const REPO = new URL('../../../', import.meta.url);
const ELIDED = '// …';

interface Block {
  readonly language: string;
  readonly source: string | null;
  readonly lines: readonly string[];
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const pattern = /(?:<!-- from (\S+) -->\n)?```(\w*)\n([\s\S]*?)```/g;
  for (const match of markdown.matchAll(pattern)) {
    found.push({ source: match[1] ?? null, language: match[2] ?? '', lines: (match[3] ?? '').split('\n') });
  }
  return found;
}

/** The first line of `wanted` (trimmed, elisions and blank lines skipped) not found in order in `file`, or null. */
function firstMissingLine(wanted: readonly string[], file: string): string | null {
  const lines = file.split('\n').map((line) => line.trim());
  let at = 0;
  for (const line of wanted.map((l) => l.trim()).filter((l) => l !== '' && l !== ELIDED)) {
    const index = lines.indexOf(line, at);
    if (index === -1) return line;
    at = index + 1;
  }
  return null;
}

describe('the React guide', () => {
  const guide = readFileSync(GUIDE, 'utf8');
  const code = blocks(guide).filter((b) => b.language !== 'sh');

  it('shows code, every block taken from a file of the demo', () => {
    expect(code.length).toBeGreaterThanOrEqual(6);
    for (const block of code) expect(block.source, block.lines.join('\n')).toMatch(/^apps\/react-demo\/src\//);
  });

  it.each(code.map((b, i) => [i + 1, b.source, b] as const))('block %i (%s) is the demo code, in order', (_, source, block) => {
    const file = readFileSync(new URL(source as string, REPO), 'utf8');
    expect(firstMissingLine(block.lines, file)).toBeNull();
  });

  it('installs the packages the demo depends on', () => {
    const install =
      blocks(guide)
        .find((b) => b.language === 'sh')
        ?.lines.join(' ') ?? '';
    const { dependencies } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const named = install.split(/\s+/).filter((word) => /^(@[\w-]+\/)?[\w-]+$/.test(word) && word !== 'npm' && word !== 'install');
    expect(named.length).toBeGreaterThan(0);
    for (const name of named) expect(Object.keys(dependencies)).toContain(name);
  });

  it('the check fails on a line the demo does not have', () => {
    expect(firstMissingLine(['const a = 1;'], 'const b = 2;\n')).toBe('const a = 1;');
    expect(firstMissingLine(['b', ELIDED, 'a'], 'a\nb\n')).toBe('a');
  });
});
