/**
 * A loopback stand-in for VWO's FME endpoints, for the examples that call `init`: the local
 * collector (apps/collector) answers the legacy endpoints only, so `offline.mjs` sends every
 * request carrying `sn=vwo-fme-node-sdk` here. It serves one FME settings file for the examples'
 * account and key, and accepts the events of 1.35.0's wire format (`POST /events/t`, one
 * envelope; `POST /server-side/batch-events-v2`, `{ ev: [...] }`), refusing anything else.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FME_SETTINGS: Record<string, unknown> = JSON.parse(readFileSync(new URL('./fme-settings.json', import.meta.url), 'utf8'));

export interface FmeStandIn {
  readonly url: string;
  /** Events accepted, by name (`vwo_variationShown`, `purchase`, `vwo_syncVisitorProp`…). */
  readonly events: Map<string, number>;
  /** Requests refused, with the reason: each is an example that sent what VWO would not accept. */
  readonly rejected: string[];
  close(): Promise<void>;
}

/** The event names of the envelopes of one request body, or the reason it is not VWO's format. */
function eventNamesOf(path: string, query: URLSearchParams, body: string): string[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  const envelopes = path.endsWith('/server-side/batch-events-v2') ? (parsed as { ev?: unknown }).ev : [parsed];
  if (!Array.isArray(envelopes) || envelopes.length === 0) return 'no events in the body';
  const names: string[] = [];
  for (const envelope of envelopes) {
    const name = (envelope as { d?: { event?: { name?: unknown } } })?.d?.event?.name;
    if (typeof name !== 'string') return 'an envelope without d.event.name';
    names.push(name);
  }
  if (path.endsWith('/events/t') && query.get('en') !== names[0]) return `en=${query.get('en')} but the event is ${names[0]}`;
  return names;
}

export async function startFmeStandIn(): Promise<FmeStandIn> {
  const events = new Map<string, number>();
  const rejected: string[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const query = url.searchParams;
      const refuse = (reason: string) => {
        rejected.push(`${request.method} ${url.pathname}: ${reason}`);
        response.writeHead(400).end();
      };
      if (query.get('sn') !== 'vwo-fme-node-sdk') return refuse('not sent by the FME client (sn)');
      if (request.method === 'GET' && /\/server-side\/v2-(settings|pull)$/.test(url.pathname)) {
        if (query.get('a') !== '123456' || query.get('i') !== 'your-sdk-key') return refuse('no settings for this account and key');
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(FME_SETTINGS));
        return;
      }
      if (request.method !== 'POST' || !/\/(events\/t|server-side\/batch-events-v2)$/.test(url.pathname)) return refuse('unknown endpoint');
      if (query.get('a') === null) return refuse('no account (a)');
      const names = eventNamesOf(url.pathname, query, body);
      if (typeof names === 'string') return refuse(names);
      for (const name of names) events.set(name, (events.get(name) ?? 0) + 1);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    events,
    rejected,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
