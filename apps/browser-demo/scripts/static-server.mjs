/**
 * A static file server for the built page, on a loopback address, with Node built-ins only:
 * used by `npm start` (scripts/serve.mjs) and by the end-to-end tests.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.map': 'application/json; charset=utf-8',
};

/**
 * @typedef {object} StaticServer
 * @property {string} url  Base URL without a trailing slash, e.g. `http://127.0.0.1:4173`.
 * @property {number} port
 * @property {() => Promise<void>} close  Stops listening and ends every connection.
 */

/**
 * Serves the files under `root` (a directory's `index.html` for the directory) to GET and HEAD
 * requests; anything outside `root` or missing is a 404. `Cache-Control: no-store`, so a reload
 * always runs the page as built.
 *
 * @param {string} root
 * @param {{ port?: number, host?: string }} [options]  port 0 (default) picks a free one; host defaults to 127.0.0.1
 * @returns {Promise<StaticServer>}
 */
export async function serveStatic(root, options = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    /** @param {number} status @param {string} text */
    const send = (status, text) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      res.end(text);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'GET or HEAD only\n');
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
      let file = resolve(join(base, pathname));
      if (file !== base && !file.startsWith(base + sep)) return send(404, 'not found\n');
      let info = await stat(file).catch(() => undefined);
      if (info?.isDirectory()) {
        file = join(file, 'index.html');
        info = await stat(file).catch(() => undefined);
      }
      if (!info?.isFile()) return send(404, 'not found\n');
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': String(info.size),
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch {
      send(400, 'bad request\n'); // a malformed percent-encoding in the path
    }
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolveListen(undefined);
    });
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
