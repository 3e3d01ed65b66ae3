/**
 * The examples the docs show run as written: the first example of every published package's
 * README (and of the root README), and every guide block marked `<!-- runnable -->` for Node or
 * an edge runtime, against the built packages. VWO's URLs in them are answered by a local
 * collector (test/support/offline.mjs); nothing leaves 127.0.0.1. They also type-check.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { type AddressInfo, connect, createServer } from 'node:net';
import { basename, join } from 'node:path';
import { type Collector, startCollector } from '@vwo/collector';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Example, firstExample, guideFiles, markedExamples, publishedPackageDirs, ROOT } from './support/examples.js';
import { type FmeStandIn, startFmeStandIn } from './support/fme-standin.js';

const DOCS = join(ROOT, 'apps/docs');
const WORK = join(DOCS, '.examples');
const OFFLINE = join(DOCS, 'test/support/offline.mjs');

/** The settings the examples' account (123456, `your-sdk-key`) gets: apps/example's file. */
function exampleSettings(): Record<string, unknown> {
  const settings = JSON.parse(readFileSync(join(ROOT, 'apps/example/settings.json'), 'utf8'));
  return { ...settings, accountId: 123456, sdkKey: 'your-sdk-key' };
}

const readmeExamples = [ROOT, ...publishedPackageDirs()].map((dir) => {
  const readme = join(dir, 'README.md');
  const name = dir === ROOT ? 'the root README' : JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  return { name, readme, example: existsSync(readme) ? firstExample(readme) : undefined };
});
// Blocks after a `<!-- runnable -->` marker run too: in the guides, and in READMEs beyond their first block.
const guideExamples = [...guideFiles(), ...readmeExamples.filter((r) => existsSync(r.readme)).map((r) => r.readme)].flatMap((file) =>
  markedExamples(file),
);

function toJavaScript(example: Example): string {
  if (example.language === 'js') return example.code;
  return ts.transpileModule(example.code, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
  }).outputText;
}

/** A vitest suite (the storage contract kit) runs under vitest; anything else under plain Node. */
function usesVitest(code: string): boolean {
  return /from ['"](vitest|@vwo\/storage-contract)['"]/.test(code);
}

let collector: Collector;
/** Answers the FME client (`init`): the collector knows the legacy endpoints only. */
let fme: FmeStandIn;
/** Answers for every host that is not VWO's (an example's `https://example.com/`). */
let elsewhere: Server;
let elsewhereUrl: string;
let redis: { url: string; stop: () => Promise<void> } | undefined;

/**
 * The Redis the examples reach through `REDIS_URL`: the one `npm test` started
 * (scripts/with-redis.sh), else a throw-away redis-server on a free loopback port.
 */
async function redisUrl(): Promise<string> {
  if (process.env.REDIS_URL) return process.env.REDIS_URL;
  if (redis) return redis.url;
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
  const child = spawn('redis-server', ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  const failed = new Promise<never>((_, reject) =>
    child.on('error', (error) => reject(new Error(`redis-server could not start (apt-get install -y redis-server): ${error.message}`))),
  );
  const url = `redis://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  redis = { url, stop };
  for (let attempt = 0; attempt < 50; attempt++) {
    const up = await Promise.race([
      failed,
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        }).on('error', () => resolve(false));
      }),
    ]);
    if (up) return url;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`redis-server did not listen on ${url}`);
}

beforeAll(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const settings = exampleSettings();
  collector = await startCollector({ settings, settingsByKey: { 'your-sdk-key': settings } });
  fme = await startFmeStandIn();
  elsewhere = createHttpServer((request, response) => {
    request.resume();
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Example Domain</title>');
  });
  await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  elsewhereUrl = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await collector?.close();
  await fme?.close();
  await new Promise((resolve) => (elsewhere ? elsewhere.close(resolve) : resolve(undefined)));
  await redis?.stop();
  rmSync(WORK, { recursive: true, force: true });
});

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command without blocking this process: the collector answering the example lives here. */
function run(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeout: number }): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      stderr += `\n(killed after ${options.timeout} ms)`;
    }, options.timeout);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

async function runExample(example: Example): Promise<Run> {
  // What a reader's shell would hold: their SDK key, their Redis.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    VWO_DOCS_COLLECTOR_URL: collector.url,
    VWO_DOCS_ELSEWHERE_URL: elsewhereUrl,
    VWO_DOCS_FME_URL: fme.url,
    VWO_SDK_KEY: 'your-sdk-key',
    NODE_OPTIONS: '',
  };
  if (example.code.includes('REDIS_URL')) env.REDIS_URL = await redisUrl();
  if (usesVitest(example.code)) {
    const file = join(WORK, `${example.id}.test.mjs`);
    writeFileSync(file, toJavaScript(example));
    const config = join(WORK, 'vitest.config.mjs');
    writeFileSync(config, "export default { test: { include: ['*.test.mjs'], reporters: ['dot'] } };\n");
    const vitest = join(DOCS, 'node_modules/vitest/vitest.mjs');
    return run([vitest, 'run', '--config', config, '--root', WORK, basename(file)], {
      cwd: WORK,
      env: { ...env, NODE_OPTIONS: `--import ${OFFLINE}`, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
      timeout: 90_000,
    });
  }
  let file = join(WORK, `${example.id}.mjs`);
  writeFileSync(file, toJavaScript(example));
  if (example.runtime === 'edge') {
    // A Worker-style module: call its fetch handler as the runtime would, and await waitUntil work.
    const driver = join(WORK, `${example.id}.driver.mjs`);
    writeFileSync(
      driver,
      `import worker from './${basename(file)}';
const pending = [];
const response = await worker.fetch(new Request('https://shop.example/checkout?user=user-42'), { VWO_ACCOUNT_ID: '123456', VWO_SDK_KEY: 'your-sdk-key' }, { waitUntil: (p) => pending.push(p) });
console.log(response.status, await response.text());
await Promise.all(pending);
if (response.status !== 200) process.exit(1);
`,
    );
    file = driver;
  }
  return run(['--import', OFFLINE, file], { cwd: WORK, env, timeout: 60_000 });
}

describe('README examples', () => {
  for (const { name, readme, example } of readmeExamples) {
    it(`${name} opens with an example that runs as written`, async () => {
      expect(existsSync(readme), `${readme} is missing`).toBe(true);
      expect(example, `${readme} has no ts/js code block`).toBeDefined();
      const result = await runExample(example!);
      expect(result.stderr, `${example!.source} wrote to stderr`).toBe('');
      expect(result.status, `${example!.source} exited with ${result.status}\n${result.stdout}`).toBe(0);
    });
  }
});

describe('guide examples marked runnable', () => {
  it('the guides mark examples to run', () => {
    expect(guideExamples.length).toBeGreaterThan(0);
  });
  for (const example of guideExamples.filter((e) => e.runtime !== 'browser')) {
    it(`${example.source} (${example.runtime}) runs`, async () => {
      const result = await runExample(example);
      expect(result.stderr, `${example.source} wrote to stderr`).toBe('');
      expect(result.status, `${example.source} exited with ${result.status}\n${result.stdout}`).toBe(0);
    });
  }
});

describe('after the examples', () => {
  it('every event they sent was valid for VWO (the collector rejected none)', () => {
    const stats = collector.stats();
    expect(stats.rejected.total, JSON.stringify(stats.rejected.recent, null, 2)).toBe(0);
    expect(stats.events.impressions).toBeGreaterThan(0);
    expect(stats.events.conversions).toBeGreaterThan(0);
  });

  it("every FME event they sent was in vwo-fme-node-sdk 1.35.0's format (the stand-in refused none)", () => {
    expect(fme.rejected).toEqual([]);
    // The FME guides flag, track and set an attribute: each reached the stand-in at least once.
    for (const name of ['vwo_fmeSdkInit', 'vwo_variationShown', 'purchase', 'vwo_syncVisitorProp']) {
      expect(fme.events.get(name) ?? 0, `no ${name} event arrived`).toBeGreaterThan(0);
    }
  });

  it('every example type-checks against the published types', () => {
    const examples = [...readmeExamples.flatMap((r) => (r.example ? [r.example] : [])), ...guideExamples];
    const dir = join(WORK, 'typecheck');
    mkdirSync(dir, { recursive: true });
    const files = examples.map((example) => {
      const file = join(dir, `${example.id}.${example.language === 'ts' ? 'ts' : 'js'}`);
      writeFileSync(file, `${example.code}\nexport {};\n`);
      return file;
    });
    // TypeScript examples under `strict`, as a TypeScript reader compiles them; JavaScript ones
    // with checkJs but not strict, as an editor checks plain JavaScript.
    const diagnostics = [true, false].flatMap((strict) => {
      const program = ts.createProgram(
        files.filter((file) => file.endsWith('.ts') === strict),
        {
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          target: ts.ScriptTarget.ES2022,
          lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
          types: ['node'],
          typeRoots: [join(DOCS, 'node_modules/@types')],
          strict,
          allowJs: true,
          checkJs: true,
          noEmit: true,
          skipLibCheck: true,
        },
      );
      return ts.getPreEmitDiagnostics(program).map((d) => {
        const where = d.file ? `${basename(d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : '';
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    });
    expect(diagnostics).toEqual([]);
  });
});
