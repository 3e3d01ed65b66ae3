/**
 * Runs vwo-fme-node-sdk 1.35.0 (its CommonJS Node build, the one the spec describes) with a
 * stub network client, an in-memory storage connector and an integrations callback, and
 * reports what one `getFlag` did: the flag, the impressions posted, the storage writes and the
 * integrations payload. One client serves every case: `updateSettings` swaps the settings and
 * the storage map is replaced, so no process-wide singleton carries anything between cases.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface ReferenceFlag {
  isEnabled(): boolean;
  getVariables(): unknown[];
}
export interface ReferenceClient {
  getFlag(featureKey: string, context: Record<string, unknown>): Promise<ReferenceFlag>;
  trackEvent(eventName: string, context: Record<string, unknown>, eventProperties?: unknown): Promise<Record<string, boolean>>;
  setAttribute(attributes: Record<string, unknown>, context: Record<string, unknown>): Promise<void>;
  updateSettings(settings: unknown, isViaWebhook?: boolean): Promise<void>;
}
interface ReferenceRequest {
  getOptions(): { path: string; body?: unknown; method: string };
}
interface ReferenceSdk {
  init(options: Record<string, unknown>): Promise<ReferenceClient>;
}

export interface ReferenceOutcome {
  readonly enabled: boolean;
  readonly variables: string;
  readonly impressions: readonly (readonly [unknown, unknown])[];
  /** The impression requests as 1.35.0 built them: hostname, path, headers, JSON body. */
  readonly impressionRequests: readonly { hostname: string; path: string; headers: unknown; body: string }[];
  readonly writes: readonly Record<string, unknown>[];
  readonly integrations: string | undefined;
  /** The decision-specific part of the `vwo_sdkDebug` "decision" event, if one was sent. */
  readonly debugEvent: string | undefined;
}

const response = {
  getStatusCode: () => 200,
  getData: () => ({}),
  getTotalAttempts: () => 0,
  getError: () => undefined,
  setStatusCode: () => {},
  setData: () => {},
  setError: () => {},
  setTotalAttempts: () => {},
};

export class Reference {
  private client: ReferenceClient | undefined;
  private posts: unknown[] = [];
  /** Custom events and attribute events posted (path, JSON body). */
  private userEvents: { path: string; body: string }[] = [];
  private requests: { hostname: string; path: string; headers: unknown; body: string }[] = [];
  private debugEvents: unknown[] = [];
  private writes: Record<string, unknown>[] = [];
  private payloads: unknown[] = [];
  /** `<featureKey>\u0000<userId>` → record; replaced per case. */
  store = new Map<string, Record<string, unknown>>();

  /**
   * Starts the 1.35.0 client. With `gateway`, the client is given a gateway service and every
   * GET to it (user details, attribute lists) is answered by `gateway(path)`.
   */
  async start(settings: unknown, gateway?: (path: string) => unknown): Promise<void> {
    const sdk = require('vwo-fme-node-sdk') as ReferenceSdk;
    const capture = async (request: ReferenceRequest) => {
      const options = request.getOptions();
      if (gateway && options.method === 'GET' && !options.path.includes('/server-side/')) {
        const data = gateway(options.path);
        return { ...response, getData: () => data };
      }
      if (options.method === 'POST' && options.path.includes('en=vwo_variationShown')) {
        this.posts.push(options.body);
        const { hostname, path, headers, body } = options as unknown as { hostname: string; path: string; headers: unknown; body: unknown };
        this.requests.push({ hostname, path, headers: { ...(headers as object) }, body: JSON.stringify(body) });
      }
      if (
        options.method === 'POST' &&
        options.path.includes('/events/t?') &&
        !options.path.includes('en=vwo_sdkDebug') &&
        !options.path.includes('en=vwo_variationShown')
      ) {
        this.userEvents.push({ path: options.path, body: JSON.stringify(options.body) });
      }
      if (options.method === 'POST' && options.path.includes('en=vwo_sdkDebug')) {
        const meta = (options.body as { d: { event: { props: { vwoMeta: Record<string, unknown> } } } }).d.event.props.vwoMeta;
        if (meta.cg === 'decision') {
          const { msg, rId, rvId, eId, evId } = meta;
          this.debugEvents.push(JSON.stringify({ msg, rId, rvId, eId, evId }));
        }
      }
      return response;
    };
    const storage = {
      get: async (key: string, userId: string) => this.store.get(`${key}\u0000${userId}`),
      set: async (record: Record<string, unknown>) => {
        this.writes.push({ ...record });
        this.store.set(`${String(record.featureKey)}\u0000${String(record.userId)}`, record);
      },
    };
    this.client = await sdk.init({
      sdkKey: 'abcdef0123456789abcdef0123456789',
      accountId: 123456,
      settings,
      network: { client: { GET: capture, POST: capture } },
      storage,
      logger: { level: 'ERROR', transport: { log: () => {} } },
      integrations: { callback: (payload: unknown) => this.payloads.push(JSON.stringify(payload)) },
      ...(gateway ? { gatewayService: { url: 'https://gateway.example.com' } } : {}),
    });
  }

  async useSettings(settings: unknown): Promise<void> {
    await this.client?.updateSettings(settings, false);
  }

  /** `trackEvent` or `setAttribute` on 1.35.0: its answer and the events it posted. */
  async userEvent(
    call: (client: ReferenceClient) => Promise<unknown>,
  ): Promise<{ result: unknown; requests: { path: string; body: string }[] }> {
    if (!this.client) throw new Error('start() first');
    this.userEvents = [];
    const result = await call(this.client);
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    return { result, requests: this.userEvents };
  }

  async getFlag(featureKey: string, context: Record<string, unknown>): Promise<ReferenceOutcome> {
    if (!this.client) throw new Error('start() first');
    this.posts = [];
    this.requests = [];
    this.debugEvents = [];
    this.writes = [];
    this.payloads = [];
    const flag = await this.client.getFlag(featureKey, structuredClone(context));
    // Impressions and storage writes are not awaited by getFlag: let them run.
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    const impressions = this.posts.map((body) => {
      const props = (body as { d: { event: { props: { id: unknown; variation: unknown } } } }).d.event.props;
      return [props.id, props.variation] as const;
    });
    return {
      enabled: flag.isEnabled(),
      variables: JSON.stringify(flag.getVariables()),
      impressions,
      impressionRequests: this.requests,
      writes: this.writes,
      integrations: this.payloads[0] as string | undefined,
      debugEvent: this.debugEvents[0] as string | undefined,
    };
  }
}
