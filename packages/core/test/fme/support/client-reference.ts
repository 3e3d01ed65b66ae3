/**
 * Both clients side by side for the client-level differential test: vwo-fme-node-sdk 1.35.0
 * (CommonJS build, stub network client) and our `createFmeClient`, each with its own in-memory
 * storage and integrations callback. Every request either sends is captured in order and
 * masked the same way: only the random and clock values events.md lists are hidden.
 */
import { createRequire } from 'node:module';
import { createFmeClient, type EventRequest, type FmeClient, type FmeStorageConnector } from '../../../src/index.js';

const require = createRequire(import.meta.url);

export const SDK_KEY = 'abcdef0123456789abcdef0123456789';
export const ACCOUNT_ID = 123456;

/** What one API call did on one side. */
export interface Observed {
  answer: string;
  requests: string[];
  writes: string[];
  integrations: string[];
}

type AnyClient = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** Hides `eTime`, `random`, the `msgId` time, `event.time`, `sessionId`, `sId`, `eventId` and init timings. */
export function mask(request: {
  method: string;
  hostname: string;
  port?: unknown;
  path: string;
  headers: Record<string, unknown>;
  body: string | undefined;
}): string {
  const path = request.path
    .replace(/([?&])eTime=\d+/, '$1eTime=*')
    .replace(/([?&])random=[^&]*/, '$1random=*')
    .replace(/([?&])r=[^&]*/, '$1r=*');
  const headers = Object.fromEntries(
    Object.entries(request.headers)
      .filter(([name]) => name.toLowerCase() !== 'content-length')
      .map(([k, v]) => [k, String(v)]),
  );
  let body = request.body;
  if (body) {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const envelopes = Array.isArray(parsed.ev) ? (parsed.ev as Record<string, unknown>[]) : [parsed];
    for (const envelope of envelopes) {
      const d = envelope.d as Record<string, unknown> | undefined;
      if (!d) continue;
      if (typeof d.msgId === 'string') d.msgId = `${d.msgId.slice(0, d.msgId.lastIndexOf('-'))}-*`;
      d.sessionId = '*';
      const event = d.event as Record<string, unknown>;
      event.time = '*';
      const props = event.props as Record<string, unknown>;
      const meta = props.vwoMeta as Record<string, unknown> | undefined;
      if (meta && 'eventId' in meta) meta.eventId = '*';
      if (meta && 'sId' in meta) meta.sId = '*';
      const data = props.data as Record<string, unknown> | undefined;
      if (data && 'sdkInitTime' in data) data.sdkInitTime = '*';
    }
    body = JSON.stringify(parsed);
  }
  return `${request.method} ${request.hostname}:${String(request.port ?? '')} ${path} ${JSON.stringify(headers)} ${body ?? ''}`;
}

const RESPONSE = {
  getStatusCode: () => 200,
  getData: () => ({}),
  getTotalAttempts: () => 0,
  getError: () => undefined,
  setStatusCode: () => {},
  setData: () => {},
  setError: () => {},
  setTotalAttempts: () => {},
};

const ticks = async () => {
  for (let i = 0; i < 4; i++) await new Promise((resolve) => setImmediate(resolve));
};

abstract class Side {
  /** `plain`: no storage and no integrations callback (what most clients run with). */
  constructor(protected readonly plain = false) {}

  protected requests: string[] = [];
  protected writes: string[] = [];
  protected payloads: string[] = [];
  store = new Map<string, Record<string, unknown>>();

  protected storage = {
    get: async (key: string, userId: string) => this.store.get(`${key}\u0000${userId}`),
    set: async (record: Record<string, unknown>) => {
      this.writes.push(JSON.stringify(Object.entries(record)));
      this.store.set(`${String(record.featureKey)}\u0000${String(record.userId)}`, record);
    },
  };
  protected callback = (payload: unknown) => {
    this.payloads.push(JSON.stringify(payload));
  };

  protected abstract client(): AnyClient;

  async call(method: string, ...args: unknown[]): Promise<Observed> {
    this.requests = [];
    this.writes = [];
    this.payloads = [];
    const result = await this.client()[method]?.(...structuredClone(args));
    await ticks();
    let answer: string;
    if (result && typeof (result as { isEnabled?: unknown }).isEnabled === 'function') {
      const flag = result as { isEnabled(): boolean; getVariables(): unknown[]; getVariable(key: string, d?: unknown): unknown };
      answer = JSON.stringify([flag.isEnabled(), flag.getVariables(), flag.getVariable('plan', 'default'), flag.getVariable('nope', 'd')]);
    } else answer = JSON.stringify(result) ?? 'undefined';
    return { answer, requests: this.requests, writes: this.writes, integrations: this.payloads };
  }
}

export class ReferenceSide extends Side {
  private sdkClient: AnyClient | undefined;

  /** With `gateway`, 1.35.0 gets a gateway service whose GETs `gateway(path)` answers; those GETs are not recorded. */
  async start(settings: unknown, gateway?: (path: string) => unknown, aliasing = false): Promise<void> {
    const sdk = require('vwo-fme-node-sdk') as { init(options: Record<string, unknown>): Promise<AnyClient> };
    const capture = async (request: { getOptions(): Record<string, unknown> }) => {
      const o = request.getOptions() as {
        method: string;
        hostname: string;
        port?: unknown;
        path: string;
        headers: Record<string, unknown>;
        body?: unknown;
      };
      if (gateway && o.method === 'GET' && !o.path.includes('/server-side/')) {
        const data = gateway(o.path);
        return { ...RESPONSE, getData: () => data };
      }
      this.requests.push(mask({ ...o, body: o.body === undefined ? undefined : JSON.stringify(o.body) }));
      return RESPONSE;
    };
    this.sdkClient = await sdk.init({
      sdkKey: SDK_KEY,
      accountId: ACCOUNT_ID,
      settings,
      network: { client: { GET: capture, POST: capture } },
      ...(this.plain ? {} : { storage: this.storage, integrations: { callback: this.callback } }),
      logger: { level: 'ERROR', transport: { log: () => {} } },
      ...(gateway ? { gatewayService: { url: 'https://gateway.example.com' } } : {}),
      ...(aliasing ? { isAliasingEnabled: true } : {}),
    });
    await ticks();
  }

  async useSettings(settings: unknown): Promise<void> {
    await this.sdkClient?.updateSettings?.(settings, false);
    await ticks();
  }

  protected client(): AnyClient {
    if (!this.sdkClient) throw new Error('start() first');
    return this.sdkClient;
  }
}

export class OurSide extends Side {
  private ours: FmeClient | undefined;

  /** With `gateway`, the client gets a gateway service whose GETs `gateway(path)` answers; those GETs are not recorded. */
  start(settings: unknown, gateway?: (path: string) => unknown, aliasing = false): void {
    const transport = {
      send: async (request: EventRequest) => {
        const url = new URL(request.url);
        if (gateway && request.method === 'GET') return { status: 200, body: JSON.stringify(gateway(`${url.pathname}${url.search}`)) };
        this.requests.push(
          mask({
            method: request.method,
            hostname: url.hostname,
            // URL drops the scheme's default port; 1.35.0 names 443 explicitly on debug events.
            port: request.url.startsWith(`https://${url.hostname}:443/`) ? 443 : url.port || undefined,
            path: `${url.pathname}${url.search}`,
            headers: request.headers ?? {},
            body: request.body,
          }),
        );
        return { status: 200, body: '{}' };
      },
    };
    this.ours = createFmeClient({
      accountId: ACCOUNT_ID,
      sdkKey: SDK_KEY,
      settings,
      transport,
      storage: this.plain ? undefined : (this.storage as unknown as FmeStorageConnector),
      logger: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
      integrations: this.plain ? undefined : { callback: this.callback },
      gateway: gateway ? { scheme: 'https', hostname: 'gateway.example.com' } : undefined,
      isAliasingEnabled: aliasing,
    });
  }

  async close(): Promise<void> {
    await this.ours?.close();
  }

  protected client(): AnyClient {
    if (!this.ours) throw new Error('start() first');
    return this.ours as unknown as AnyClient;
  }
}
