import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on a free port of 127.0.0.1 (never another interface) and resolves with the origin, `http://127.0.0.1:<port>`. */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops listening and resolves once the open connections are done; a server never started resolves at once. */
export function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server?.listening ? server.close(() => resolve()) : resolve()));
}

/** A port of 127.0.0.1 free a moment ago, for a server started by another process (`next start --port`). */
export async function freeLoopbackPort(): Promise<number> {
  const probe = createServer();
  await listenOnLoopback(probe);
  const { port } = probe.address() as AddressInfo;
  await closeServer(probe);
  return port;
}

/** A page served from loopback by {@link servePage}. */
export interface ServedPage {
  /** `http://127.0.0.1:<port>`: the page is at `${origin}/page`. */
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves `html` at `/page` (and any path below it) and each of `scripts` (path → JavaScript) at
 * its path; anything else is a 404. A page of one origin, so the scripts load without CORS.
 */
export async function servePage(html: string, scripts: Readonly<Record<string, string>>): Promise<ServedPage> {
  const server = createServer((request, response) => {
    const url = request.url ?? '/';
    const script = Object.hasOwn(scripts, url) ? scripts[url] : undefined;
    if (script !== undefined) response.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else if (url.startsWith('/page')) response.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else response.writeHead(404, { 'content-type': 'text/html' }).end();
  });
  const origin = await listenOnLoopback(server);
  return { origin, close: () => closeServer(server) };
}
