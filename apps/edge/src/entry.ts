/**
 * The bundle the test evaluates inside the edge VM (as the global `__vwoEdge`): the scenarios,
 * the README's edge functions (FullStack and FME), and a way to call that function as the platform would.
 */
import fmeWorker, { type FmeEnv } from './fme/worker.js';
import worker, { type Env } from './worker.js';

export { runFmeScenario } from './fme/scenario.js';
export { runScenario } from './scenario.js';
export { fmeWorker, worker };

/** What one request to the edge function answered, once every `waitUntil` promise settled. */
export interface Served {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
  /** How many promises the function handed to `waitUntil`. */
  readonly waited: number;
}

type Handler<E> = (request: Request, env: E, ctx: { waitUntil(promise: Promise<unknown>): void }) => Promise<Response>;

/** Calls the edge function with a `Request`, as the platform does, and waits for its `waitUntil` work. */
export function serve(url: string, env: Env): Promise<Served> {
  return serveWith(worker.fetch, url, env);
}

/** {@link serve} for the FME edge function. */
export function serveFme(url: string, env: FmeEnv): Promise<Served> {
  return serveWith(fmeWorker.fetch, url, env);
}

async function serveWith<E>(handler: Handler<E>, url: string, env: E): Promise<Served> {
  const pending: Promise<unknown>[] = [];
  const response = await handler(new Request(url), env, { waitUntil: (promise) => pending.push(promise) });
  const body = await response.text();
  await Promise.all(pending);
  return { status: response.status, contentType: response.headers.get('content-type'), body, waited: pending.length };
}
