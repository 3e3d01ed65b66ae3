/**
 * What the server-rendering Chromium tests (`launch` and FME `init`) share: a Node server on
 * loopback that renders a visitor's page (the server's answer in the heading, the bootstrap, the
 * SDK, the page script), a page script that starts from the bootstrap and shows the client's
 * answer, one visit of such a page in Chromium, and the interleaved timing of both kinds of page.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { bundleForPage, closeServer, launchChromium, listenOnLoopback } from '@vwo/test-support';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';

/** `/ssr` renders the server's answer and a bootstrap; `/plain` renders neither, and its page starts as usual. */
export type SsrPath = '/ssr' | '/plain';

/** One page the server renders. */
export interface RenderedPage {
  /** The heading's text: the server's answer, or `''` on `/plain`. */
  readonly hero: string;
  /** The bootstrap's `<script>` element, or `''` on `/plain`. */
  readonly bootstrap: string;
  /** The page script, from {@link bootstrapPageScript}. */
  readonly pageScript: string;
}

/** Serves `sdk` at `/sdk.js` and every other path as the page `render` gives for `?user=`; resolves with the origin. */
export async function serveRenderedPages(
  sdk: string,
  render: (path: SsrPath, userId: string) => Promise<RenderedPage>,
): Promise<{ readonly server: Server; readonly origin: string }> {
  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://page');
    if (url.pathname === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(sdk);
      return;
    }
    const withBootstrap = url.pathname === '/ssr';
    const page = await render(withBootstrap ? '/ssr' : '/plain', url.searchParams.get('user') ?? 'nobody');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      // The SDK loads after the heading, as a page would place it: the server-rendered answer is on screen before it.
      `<!doctype html><meta charset="utf-8"><title>hero</title><h1 id="hero">${page.hero}</h1>` +
        (withBootstrap ? '<script>window.shownAt = performance.now();</script>' : '') +
        page.bootstrap +
        '<script src="/sdk.js"></script>' +
        page.pageScript,
    );
  }
  const server = createServer((req, res) => void respond(req, res));
  return { server, origin: await listenOnLoopback(server) };
}

/** How a page script starts its client and reads its answer (page JavaScript, as text). */
export interface PageScriptParts {
  /** The configuration, a JSON value the script reads as `config`. */
  readonly config: Readonly<Record<string, unknown>>;
  /** `VWO`'s function that starts from a bootstrap (`launchFromBootstrap`, `initFromBootstrap`). */
  readonly start: string;
  /** An expression of `vwo` and `config` giving the text the heading shows. */
  readonly answer: string;
  /** An expression of `vwo` that sends the visit's events before the page is left. */
  readonly finish: string;
}

/** The page script: start (from the bootstrap when there is one), then show the client's answer in the heading. */
export function bootstrapPageScript(parts: PageScriptParts): string {
  return `<script>
const config = ${JSON.stringify(parts.config)};
const started = VWO.${parts.start}({ ...config, bootstrap: VWO.readBootstrap() });
window.source = started.source;
window.clientAtOnce = started.client !== null;
started.ready.then(async (vwo) => {
  const answer = ${parts.answer};
  const hero = document.getElementById('hero');
  if (hero.textContent !== answer) hero.textContent = answer;
  window.shownAt ??= performance.now();
  window.clientAnswer = answer;
  window.finishVisit = () => ${parts.finish};
});
</script>`;
}

/** What one visit saw. */
export interface SsrVisit {
  /** The HTML as the server sent it. */
  readonly html: string;
  /** `'bootstrap'`, or how the page started without one. */
  readonly source: string;
  /** Whether the client existed synchronously, before any network wait. */
  readonly clientAtOnce: boolean;
  /** The client's answer. */
  readonly clientAnswer: string | null | undefined;
  /** The heading's text once the client answered. */
  readonly shown: string | null | undefined;
  /** When the answer was first on screen (ms since navigation): the server's render, else the client's. */
  readonly shownAt: number | undefined;
}

/** Where a visit's page errors and console lines go. */
export interface VisitLog {
  readonly pageErrors: string[];
  readonly consoleLines: string[];
}

/**
 * Visits `path` as `userId` in a fresh browser context (no localStorage from an earlier visit:
 * no cached settings, no stored decision), waits for the client's answer, and lets the page send
 * its events before the context closes.
 */
export async function visitRenderedPage(
  site: { readonly browser: Browser; readonly origin: string; readonly log: VisitLog },
  path: SsrPath,
  userId: string,
): Promise<SsrVisit> {
  const { browser, log } = site;
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('pageerror', (error) => log.pageErrors.push(error.message));
  page.on('console', (message) => log.consoleLines.push(message.text()));
  const response = await page.goto(`${site.origin}${path}?user=${encodeURIComponent(userId)}`, { waitUntil: 'load' });
  const html = (await response?.text()) ?? '';
  await page.waitForFunction(() => window.clientAnswer !== undefined, undefined, { timeout: 15_000 });
  const seen = await page.evaluate(() => ({
    source: window.source,
    clientAtOnce: window.clientAtOnce,
    clientAnswer: window.clientAnswer,
    shown: document.getElementById('hero')?.textContent,
    shownAt: window.shownAt,
  }));
  await page.evaluate(() => window.finishVisit());
  await context.close();
  return { html, ...seen };
}

/** The pages of {@link useRenderedPages}, and what the browser said while showing them. */
export interface RenderedPages {
  /** The page errors and console lines of the current test's visits. */
  readonly log: VisitLog;
  /** One visit of `path` as `userId` (see {@link visitRenderedPage}). */
  visit(path: SsrPath, userId: string): Promise<SsrVisit>;
}

/**
 * For a describe block: before its tests, bundles this package (built) for the page, serves the
 * pages `render` gives and launches Chromium; after them, closes both. The log is emptied before
 * each test. `render` runs only on a visit, so it may use what the block's own `beforeAll` made.
 */
export function useRenderedPages(render: (path: SsrPath, userId: string) => Promise<RenderedPage>): RenderedPages {
  let browser: Browser | undefined;
  let server: Server | undefined;
  let origin = '';
  const log: VisitLog = { pageErrors: [], consoleLines: [] };
  beforeAll(async () => {
    const sdk = await bundleForPage(new URL('../dist/index.js', import.meta.url), { globalName: 'VWO', minify: true });
    ({ server, origin } = await serveRenderedPages(sdk, render));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await closeServer(server);
  });
  beforeEach(() => {
    log.pageErrors.length = 0;
    log.consoleLines.length = 0;
  });
  return { log, visit: (path, userId) => visitRenderedPage({ browser: browser as Browser, origin, log }, path, userId) };
}

/** A bootstrapped visit: the first HTML already held the server's answer, and the client, there at once, showed the same. */
export function expectBootstrappedVisit(seen: SsrVisit, expected: string | null): void {
  expect(seen.html).toContain(`<h1 id="hero">${expected}</h1>`);
  expect(seen.source).toBe('bootstrap');
  expect(seen.clientAtOnce).toBe(true);
  expect(seen.clientAnswer).toBe(expected);
  expect(seen.shown).toBe(expected);
}

/** The time each visit's answer was on screen, `runs` times each kind of page, interleaved. */
export async function timeBothPages(
  runs: number,
  visit: (path: SsrPath, run: number) => Promise<SsrVisit>,
): Promise<Record<SsrPath, number[]>> {
  const times: Record<SsrPath, number[]> = { '/ssr': [], '/plain': [] };
  for (let run = 0; run < runs; run++) {
    for (const path of ['/ssr', '/plain'] as const) times[path].push((await visit(path, run)).shownAt as number);
  }
  return times;
}

/** `median … ms (runs: …)` of some times. */
export function medianLine(times: readonly number[]): string {
  const median = [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
  return `median ${median.toFixed(1)} ms (runs: ${times.map((t) => t.toFixed(1)).join(', ')})`;
}

declare global {
  interface Window {
    source: string;
    clientAtOnce: boolean;
    clientAnswer: string | null | undefined;
    shownAt: number | undefined;
    finishVisit: () => Promise<unknown>;
  }
}
