/**
 * The documentation site, built as `npm run docs` builds it (typedoc.json at the root, warnings
 * are errors), opened in headless Chromium: the home page, every guide and every package's API
 * page render, no internal link or anchor is broken, and the browser quick start runs in a real
 * page against the local collector.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { type Collector, startCollector } from '@vwo/collector';
import { CHROMIUM_ARGS, chromiumPath } from '@vwo/test-support';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstExample, guideFiles, markedExamples, publishedPackageDirs, ROOT } from './support/examples.js';

const MAX_PAGES = 1000;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};

let site: string;
let server: Server;
let base: string;
let browser: Browser;
let context: BrowserContext;
let collector: Collector;

/** Runs typedoc exactly as `npm run docs` does, into a temporary folder; rejects with its output. */
function buildSite(out: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/typedoc/bin/typedoc'), '--out', out], { cwd: ROOT });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`typedoc exited ${code}:\n${output}`))));
  });
}

/** Files of the site, plus the built packages under /pkg/<folder>/ for the browser example. */
function serve(request: string): { status: number; type?: string; body?: Buffer } {
  const path = decodeURIComponent(new URL(request, 'http://x').pathname);
  let file: string;
  if (path.startsWith('/pkg/')) {
    const [, , folder, ...rest] = path.split('/');
    file = join(ROOT, 'packages', folder, normalize(`/${rest.join('/')}`));
  } else if (path.startsWith('/example/')) {
    return { status: 200, type: TYPES['.html'], body: Buffer.from(examplePage(path.slice('/example/'.length))) };
  } else if (path.startsWith('/example-code/')) {
    const example = browserExamples.find((e) => `/example-code/${e.id}.js` === path);
    return example ? { status: 200, type: TYPES['.js'], body: Buffer.from(example.code) } : { status: 404 };
  } else {
    file = join(site, normalize(path.endsWith('/') ? `${path}index.html` : path));
  }
  if (!existsSync(file) || !statSync(file).isFile()) return { status: 404 };
  return { status: 200, type: TYPES[extname(file)] ?? 'application/octet-stream', body: readFileSync(file) };
}

const browserExamples = guideFiles()
  .flatMap((file) => markedExamples(file))
  .filter((example) => example.runtime === 'browser');

/**
 * A page for a `<!-- runnable: browser -->` example (JavaScript, as a page runs it): an import map
 * to the built packages, the elements it uses, and the example as a module of its own.
 */
function examplePage(id: string): string {
  const example = browserExamples.find((e) => e.id === id);
  if (!example) return '<!doctype html><title>no such example</title>';
  const imports = Object.fromEntries(
    publishedPackageDirs().map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      return [manifest.name, `/pkg/${dir.split('/').pop()}/dist/index.js`];
    }),
  );
  return `<!doctype html><meta charset="utf-8"><title>${id}</title>
<button id="buy">Buy</button>
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
import('/example-code/${id}.js').then(
  () => { window.__exampleDone = true; },
  (error) => { window.__exampleError = String((error && error.stack) || error); },
);
</script>`;
}

beforeAll(async () => {
  site = mkdtempSync(join(tmpdir(), 'vwo-docs-site-'));
  await buildSite(site);
  server = createServer((request, response) => {
    const { status, type, body } = serve(request.url ?? '/');
    response.writeHead(status, type ? { 'content-type': type } : {}).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const settings = JSON.parse(readFileSync(join(ROOT, 'apps/example/settings.json'), 'utf8'));
  collector = await startCollector({ settings: { ...settings, accountId: 123456, sdkKey: 'your-sdk-key' } });
  browser = await chromium.launch({ executablePath: chromiumPath, args: [...CHROMIUM_ARGS] });
  context = await browser.newContext();
  // VWO's hosts are answered by the local collector (with CORS headers, as a CDN would add);
  // anything else outside 127.0.0.1 is refused, so the tests never reach the internet.
  await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, async (route) => {
    const url = new URL(route.request().url());
    if (!/(^|\.)visualwebsiteoptimizer\.com$/.test(url.hostname)) return route.abort('addressunreachable');
    const answer = await fetch(`${collector.url}${url.pathname}${url.search}`, {
      method: route.request().method(),
      headers: { 'content-type': route.request().headers()['content-type'] ?? 'text/plain' },
      body: route.request().postData() ?? undefined,
    });
    await route.fulfill({
      status: answer.status,
      headers: { 'content-type': answer.headers.get('content-type') ?? 'application/json', 'access-control-allow-origin': '*' },
      body: await answer.text(),
    });
  });
}, 180_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await collector?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  if (site) rmSync(site, { recursive: true, force: true });
});

/** Opens a page and fails on any page error or failed request of the site itself. */
async function open(path: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`${path}: script error: ${error.message}`));
  page.on('requestfailed', (request) => {
    if (request.url().startsWith(base)) problems.push(`${path}: ${request.url()} failed: ${request.failure()?.errorText}`);
  });
  page.on('response', (response) => {
    if (response.url().startsWith(base) && response.status() >= 400)
      problems.push(`${path}: ${response.url()} answered ${response.status()}`);
  });
  const response = await page.goto(new URL(path, base).href, { waitUntil: 'load' });
  if (response?.status() !== 200) problems.push(`${path}: answered ${response?.status()}`);
  return { page, problems };
}

describe('the documentation site in Chromium', () => {
  it('the home page lists the guides and every published package', async () => {
    const { page, problems } = await open('index.html');
    expect(await page.title()).toContain('VWO FullStack SDK for TypeScript');
    const text = await page.locator('.col-content').textContent();
    for (const dir of publishedPackageDirs()) {
      expect(text).toContain(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name);
    }
    expect(text).toContain('Node quick start');
    expect(text).toContain('FME quick start');
    expect(text).toContain('Moving from vwo-fme-node-sdk');
    // The FME settings model is reachable from the home page, as a page of its own.
    const model = page.locator('.col-content a', { hasText: 'FmeSettings' }).first();
    expect(await model.getAttribute('href')).toMatch(/FmeSettings\.html$/);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('every guide renders as a page of the site, with its title and its code', async () => {
    const { page } = await open('index.html');
    // The navigation is rendered by script: take the guide links from it, as a reader would.
    await page.locator('.tsd-navigation a').first().waitFor();
    const links = await page.$$eval('.tsd-navigation a', (anchors) =>
      anchors.map((a) => ({ href: (a as HTMLAnchorElement).href, text: a.textContent?.trim() ?? '' })),
    );
    await page.close();
    for (const file of guideFiles()) {
      const title = /^title:\s*(.+)$/m.exec(readFileSync(file, 'utf8'))?.[1].trim();
      const link = links.find((l) => l.text === title);
      expect(link, `the navigation has no link to "${title}" (${file})`).toBeDefined();
      const { page: guide, problems } = await open(link!.href);
      expect(await guide.locator('h1').first().textContent()).toBe(title);
      expect(await guide.locator('pre code').count(), `${title} shows no code`).toBeGreaterThan(0);
      expect(problems).toEqual([]);
      await guide.close();
    }
  });

  it("every published package has an API page listing its exports, with the README's example", async () => {
    for (const dir of publishedPackageDirs()) {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const slug = manifest.name.replace(/[@/]/g, '_').replace(/^_/, '_');
      const { page, problems } = await open(`modules/${slug}.html`);
      expect(await page.locator('h1').first().textContent()).toContain(manifest.name);
      const members = await page.locator('.tsd-member-summary, .tsd-index-link, dl.tsd-member-summaries a').count();
      expect(members, `${manifest.name} lists no export`).toBeGreaterThan(0);
      const example = existsSync(join(dir, 'README.md')) ? firstExample(join(dir, 'README.md')) : undefined;
      const firstLine = example?.code.split('\n').find((line) => line.trim() !== '' && !line.trim().startsWith('//'));
      expect(firstLine, `${manifest.name} has no README example`).toBeDefined();
      expect(await page.locator('.col-content').textContent()).toContain(firstLine!.trim());
      expect(problems).toEqual([]);
      await page.close();
    }
  });

  it('no internal link or anchor is broken (every page of the site crawled once)', async () => {
    const seen = new Set<string>();
    const queue = ['index.html'];
    const ids = new Map<string, Set<string>>();
    const wanted: Array<{ from: string; page: string; anchor: string }> = [];
    const problems: string[] = [];
    // One tab for the whole crawl: a page load is what costs, not the checks.
    const page = await context.newPage();
    let current = '';
    page.on('pageerror', (error) => problems.push(`${current}: script error: ${error.message}`));
    page.on('requestfailed', (request) => {
      if (request.url().startsWith(base)) problems.push(`${current}: ${request.url()} failed: ${request.failure()?.errorText}`);
    });
    while (queue.length > 0 && seen.size < MAX_PAGES) {
      const path = queue.shift()!;
      if (seen.has(path)) continue;
      seen.add(path);
      current = path;
      const response = await page.goto(new URL(path, base).href, { waitUntil: 'load' });
      if (response?.status() !== 200) {
        problems.push(`${path}: answered ${response?.status()}`);
        continue;
      }
      if (!path.endsWith('.html')) continue;
      const found = await page.evaluate(() => ({
        ids: [...document.querySelectorAll('[id], a[name]')].map((e) => e.id || (e as HTMLAnchorElement).name),
        hrefs: [...document.querySelectorAll('a[href], link[href]')].map((e) => (e as HTMLAnchorElement).href),
      }));
      ids.set(path, new Set(found.ids));
      for (const href of found.hrefs) {
        if (!href.startsWith(base)) continue;
        const url = new URL(href);
        const target = url.pathname.slice(1) || 'index.html';
        if (url.hash.length > 1 && target.endsWith('.html'))
          wanted.push({ from: path, page: target, anchor: decodeURIComponent(url.hash.slice(1)) });
        if (!seen.has(target)) queue.push(target);
      }
    }
    await page.close();
    expect(seen.size, 'the crawl hit its bound: raise MAX_PAGES or look for a link loop').toBeLessThan(MAX_PAGES);
    expect(seen.size).toBeGreaterThan(20);
    for (const { from, page, anchor } of wanted) {
      if (!ids.get(page)?.has(anchor)) problems.push(`${from} links to ${page}#${anchor}, which has no such anchor`);
    }
    expect([...new Set(problems)]).toEqual([]);
  }, 300_000);
});

describe('guide examples marked runnable in a browser', () => {
  it('the browser quick start is marked runnable', () => {
    expect(browserExamples.length).toBeGreaterThan(0);
  });
  for (const example of browserExamples) {
    it(`${example.source} runs in Chromium against the built packages`, async () => {
      const before = collector.stats().events.impressions;
      const { page, problems } = await open(`example/${example.id}`);
      await page.waitForFunction(
        () =>
          (window as { __exampleDone?: boolean; __exampleError?: string }).__exampleDone ||
          (window as { __exampleError?: string }).__exampleError,
        null,
        {
          timeout: 20_000,
        },
      );
      expect(await page.evaluate(() => (window as { __exampleError?: string }).__exampleError)).toBeUndefined();
      expect(await page.locator('#buy').getAttribute('class')).toMatch(/^(green|control)$/);
      await page.locator('#buy').click();
      await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 500)));
      await expect.poll(() => collector.stats().events.impressions).toBeGreaterThan(before);
      await expect.poll(() => collector.stats().events.conversions).toBeGreaterThan(0);
      expect(collector.stats().rejected.total).toBe(0);
      expect(problems).toEqual([]);
      await page.close();
    });
  }
});
