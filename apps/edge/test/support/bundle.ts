/**
 * The two build steps the proof rests on, both with esbuild: listing what a module imports
 * (its real parser, not a regular expression, so comments and strings cannot fool it), and
 * bundling the app for a platform that is neither Node nor a browser.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile } from 'esbuild';

/** The app's folder, `apps/edge`. */
export const APP_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** The repository's root. */
export const REPO_DIR = resolve(APP_DIR, '../..');

/** The built ESM files a user's bundler picks (`exports["."].import`): turbo builds them before `test`. */
export const BUILT_ESM = {
  core: resolve(REPO_DIR, 'packages/core/dist/index.js'),
  transportFetch: resolve(REPO_DIR, 'packages/transport-fetch/dist/index.js'),
} as const;

/** The name the bundle's exports get in the VM's global scope. */
export const GLOBAL_NAME = '__vwoEdge';

/** One import of a module: the specifier as written and how it is imported. */
export interface ImportSpecifier {
  readonly path: string;
  /** esbuild's kind: `import-statement`, `dynamic-import`, `require-call`, `require-resolve`, … */
  readonly kind: string;
}

/** Whether a specifier names a Node built-in: `node:…`, or a bare name such as `fs`, `fs/promises`, `crypto`. */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return builtinModules.includes(specifier) || builtinModules.includes(specifier.split('/')[0] ?? '');
}

/** Every import, re-export, dynamic `import()` and `require()` of one module, as written. */
export async function importsOf(contents: string, sourcefile: string): Promise<ImportSpecifier[]> {
  const found: ImportSpecifier[] = [];
  await build({
    stdin: { contents, sourcefile, loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    logLevel: 'silent',
    plugins: [
      {
        name: 'record-imports',
        setup(builder) {
          builder.onResolve({ filter: /.*/ }, (args) => {
            found.push({ path: args.path, kind: args.kind });
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return found;
}

/** The imports of a file on disk that name Node built-ins (none, for a module that runs at the edge). */
export async function nodeBuiltinImportsOfFile(file: string): Promise<ImportSpecifier[]> {
  const imports = await importsOf(readFileSync(file, 'utf8'), file);
  return imports.filter((specifier) => isNodeBuiltin(specifier.path));
}

/** A bundle: one classic script that defines the global {@link GLOBAL_NAME}, and the files it holds. */
export interface Bundle {
  readonly code: string;
  /** Absolute paths of every file that went into the bundle. */
  readonly inputs: readonly string[];
}

/**
 * Bundles an entry as an edge platform's deploy step would: every import resolved and inlined
 * (nothing external), `platform: 'neutral'` so that no Node built-in is assumed and no Node
 * polyfill or `process.env` replacement is added, one IIFE script for `EdgeVM.evaluate`.
 */
export async function bundleForEdge(entry: string, options: { stdin?: string; external?: string[] } = {}): Promise<Bundle> {
  const result = await build({
    ...(options.stdin === undefined
      ? { entryPoints: [entry] }
      : { stdin: { contents: options.stdin, sourcefile: entry, resolveDir: APP_DIR, loader: 'ts' } }),
    absWorkingDir: APP_DIR,
    bundle: true,
    write: false,
    format: 'iife',
    globalName: GLOBAL_NAME,
    platform: 'neutral',
    target: 'es2022',
    external: options.external ?? [],
    metafile: true,
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error(`esbuild produced no output for ${entry}`);
  return { code: output.text, inputs: inputsOf(result.metafile) };
}

function inputsOf(metafile: Metafile): string[] {
  return Object.keys(metafile.inputs)
    .filter((input) => input !== '<stdin>')
    .map((input) => resolve(APP_DIR, input))
    .sort();
}
