/**
 * The bundle the test evaluates inside the edge VM (as the global `__vwoEdge`): the scenario,
 * the README's edge function, and a way to call that function as the platform would.
 */
import worker, { type Env } from './worker.js';

export { runScenario } from './scenario.js';
export { worker };

/** What one request to the edge function answered, once every `waitUntil` promise settled. */
export interface Served {
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
  /** How many promises the function handed to `waitUntil`. */
  readonly waited: number;
}

/** Calls the edge function with a `Request`, as the platform does, and waits for its `waitUntil` work. */
export async function serve(url: string, env: Env): Promise<Served> {
  const pending: Promise<unknown>[] = [];
  const response = await worker.fetch(new Request(url), env, { waitUntil: (promise) => pending.push(promise) });
  const body = await response.text();
  await Promise.all(pending);
  return { status: response.status, contentType: response.headers.get('content-type'), body, waited: pending.length };
}
