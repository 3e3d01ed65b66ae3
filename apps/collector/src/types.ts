/** The VWO endpoints the collector answers (a leading collection prefix such as `/eu` is allowed). */
export type Endpoint =
  | 'settings' // GET /server-side/settings
  | 'pull' // GET /server-side/pull
  | 'track-user' // GET /server-side/track-user
  | 'track-goal' // GET /server-side/track-goal
  | 'push' // GET /server-side/push
  | 'batch-events' // POST /server-side/batch-events
  | 'event-arch' // POST /events/t (legacy event architecture and VWO FME)
  | 'v2-settings' // GET /server-side/v2-settings (FME)
  | 'v2-pull' // GET /server-side/v2-pull (FME)
  | 'batch-events-v2'; // POST /server-side/batch-events-v2 (FME)

/**
 * `sdk` is an FME SDK's own report (`vwo_fmeSdkInit`, `vwo_sdkUsageStats`, `vwo_sdkDebug`): no
 * visitor did anything. FME attribute events (`vwo_syncVisitorProp`) are pushes.
 */
export type EventKind = 'impression' | 'conversion' | 'push' | 'sdk';

/** Which SDK family sent an event: vwo-node-sdk 1.73.0's wire (legacy) or vwo-fme-node-sdk 1.35.0's. */
export type EventFormat = 'legacy' | 'fme';

/** How an event reached the collector: a classic GET, an event of a batch, or an event-architecture POST. */
export type EventVia = 'get' | 'batch' | 'event-arch';

/** A settings file as served; the collector only reads `accountId`, `sdkKey` and goal `revenueProp`s. */
export type SettingsFile = Record<string, unknown>;

/** One event as the collector understood it, whatever the wire format it came in. */
export interface CollectedEvent {
  /** Position among all accepted events, from 1. */
  readonly seq: number;
  /** Arrival time, ms since the epoch. */
  readonly time: number;
  readonly kind: EventKind;
  readonly format: EventFormat;
  readonly via: EventVia;
  readonly endpoint: Endpoint;
  /** The collection-prefix path segment the request carried (`"eu"`), or null. */
  readonly prefix: string | null;
  /** `account_id` (GET) or `a` (batch, event architecture). */
  readonly accountId: string;
  /** `env`: the SDK key, `"undefined"` when the settings file has none. */
  readonly env: string;
  /** Campaign (experiment) id; null for pushes, FME conversions and FME SDK events. */
  readonly campaignId: number | null;
  /**
   * Variation (combination) id; null for pushes. Event-architecture conversions carry no
   * variation: it is taken from the visitor's latest impression in that campaign (see
   * `variationInferred`), null when the collector saw none.
   */
  readonly variationId: number | null;
  /** True when `variationId` was inferred from an earlier impression (event-architecture conversions). */
  readonly variationInferred: boolean;
  /** Goal id for conversions, else null. */
  readonly goalId: number | null;
  /** Revenue as a number when it is one (`r`, or `vwoMeta[revenueProp]`), else null. */
  readonly revenue: number | null;
  /** Revenue exactly as sent (`"abc"` stays `"abc"`), null when none was sent. */
  readonly revenueRaw: string | number | null;
  /** Visitor UUID (`u`, `visId`): 32 hex characters. */
  readonly uuid: string;
  /** Custom dimensions of a push, decoded (`{ "a key&": "v=1 ü" }`); null for other kinds. */
  readonly tags: Readonly<Record<string, string>> | null;
  /** Event-architecture and FME event name (`vwo_variationShown`, a goal identifier or FME metric, `vwo_syncVisitorProp`, …), else null. */
  readonly eventName: string | null;
  /** The sender's clock for the event (FME `d.event.time`, ms), null for legacy events. */
  readonly sentAt: number | null;
  /** The deduplication id (`eid`, or `d.msgId` for event architecture), null when none was sent. */
  readonly eid: string | null;
  /** What was sent: the decoded query parameters (GET), the batch event object, or the event-architecture `d` object. */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** One request the collector accepted (answered 2xx), parsed. */
export interface ReceivedRequest {
  /** Position among all accepted requests, from 1. */
  readonly seq: number;
  readonly time: number;
  readonly method: string;
  readonly endpoint: Endpoint;
  readonly prefix: string | null;
  /** The request path without the query string, as sent. */
  readonly path: string;
  /** The query string as sent, without `?`. */
  readonly rawQuery: string;
  /** Query parameters in the order sent, values decoded where valid (see README, "Query strings"). */
  readonly query: ReadonlyArray<readonly [string, string]>;
  /** First value of each query parameter. */
  readonly params: Readonly<Record<string, string>>;
  /** Request headers, lower-case names, as Node parsed them. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Parsed JSON body for POSTs, null for GETs. */
  readonly body: unknown;
  /** The events this request carried that were new. */
  readonly events: readonly CollectedEvent[];
  /** How many of the request's events (or the request itself) had been received before. */
  readonly duplicates: number;
}

/**
 * Impressions and conversions of a legacy campaign or variation, or of a variation of an FME rule
 * ({@link FmeVariationStats}): conversions keyed by goal id (legacy) or metric, the FME event name.
 */
export interface VariationStats {
  impressions: number;
  /** Distinct visitor UUIDs with at least one impression. */
  uniqueVisitors: number;
  /** Conversions per goal id (FME: per metric, those attributed to this variation). */
  conversions: Record<string, number>;
  /** Distinct visitors that converted, per goal id (FME: with an attributed conversion, per metric). */
  uniqueConversions: Record<string, number>;
  /** Sum of numeric revenues per goal id (goals without numeric revenue are absent; FME: metrics with a `revenueProp` only). */
  revenue: Record<string, number>;
}

export interface CampaignStats extends VariationStats {
  /** Per variation id; event-architecture conversions of visitors never seen in an impression go under `"unknown"`. */
  variations: Record<string, VariationStats>;
}

export interface CollectorStats {
  requests: {
    /** Every request to a VWO endpoint or an unknown path (control requests under `/_collector` excluded). */
    total: number;
    accepted: number;
    rejected: number;
    /** Requests answered by an injected fault. */
    faulted: number;
    /** Requests per VWO endpoint, whatever their outcome. */
    byEndpoint: Record<Endpoint, number>;
  };
  /** Legacy (vwo-node-sdk 1.73.0 wire) events; FME events are counted under `fme`. */
  events: {
    total: number;
    impressions: number;
    conversions: number;
    pushes: number;
    byVia: Record<EventVia, number>;
  };
  /** Per campaign id (legacy events). */
  campaigns: Record<string, CampaignStats>;
  /** Legacy pushes (custom dimensions). */
  pushes: {
    total: number;
    /** How many pushes set each custom-dimension key. */
    byKey: Record<string, number>;
  };
  /** VWO FME events (vwo-fme-node-sdk 1.35.0's `/events/t` envelopes and `batch-events-v2` bodies). */
  fme: FmeStats;
  /** Requests or events acknowledged but not counted because their id had been received already. */
  duplicates: number;
  /**
   * TCP connections the HTTP server accepted since the start or the last `reset()`, whatever they
   * carried (control requests too). Far fewer than `requests.total` when clients keep
   * connections alive and reuse them.
   */
  connections: number;
  rejected: {
    total: number;
    /** Count per reason (`"experiment_id: expected a positive integer"`; `"not found"`, `"body too large"`, …). */
    byReason: Record<string, number>;
    /** The last 50 rejections, newest last. */
    recent: Array<{ time: number; method: string; path: string; status: number; error: string }>;
  };
}

export type FaultTarget = Endpoint | 'events' | '*';

interface FaultRuleBase {
  /** Which endpoints the rule applies to: names, `'events'` (the five event endpoints) or `'*'` (default). */
  endpoints?: FaultTarget | FaultTarget[];
  /** How many matching requests to affect. Default 1 when neither `until` nor `forMs` is given. */
  count?: number;
  /** Let this many matching requests through before the rule starts applying. */
  skip?: number;
  /** Stop applying at this time (ms since the epoch, at most one hour ahead). */
  until?: number;
  /** Stop applying this many ms after the plan was injected (at most one hour), or after the first hit with `windowFromFirstHit`. */
  forMs?: number;
  /**
   * Start the `forMs` window at the first request the rule applies to, not at injection: an
   * outage of exactly `forMs` as the client sees it, however late its first request arrives.
   */
  windowFromFirstHit?: boolean;
}

export type FaultRule = FaultRuleBase &
  (
    | {
        /** Answer with this status (200–599) instead of handling the request. */
        kind: 'status';
        status: number;
        /** Seconds or an HTTP date for a `Retry-After` header; 429 gets `1` when not given. */
        retryAfter?: number | string;
        /** Response body (default `{"error":"injected fault: <status>"}`). */
        body?: string;
        /** Response content type (default `application/json`). */
        contentType?: string;
        /** Record the request before answering with the fault (the server processed it, the answer failed). */
        processed?: boolean;
      }
    | {
        /** Wait `ms` (at most 60 000) before handling the request normally. */
        kind: 'delay';
        ms: number;
      }
    | {
        /** Destroy the socket without answering. */
        kind: 'drop';
        processed?: boolean;
      }
    | {
        /** Answer the normal status with the first half of the normal JSON body (settings: half the file). */
        kind: 'truncate';
        processed?: boolean;
      }
    | {
        /** Answer the normal status with a body that is not JSON, still labelled `application/json`. */
        kind: 'invalid-json';
        processed?: boolean;
      }
  );

export type FaultKind = FaultRule['kind'];

/** A list of rules (the first active matching rule applies), or `{ faults: [...] }`. */
export type FaultPlan = FaultRule[] | { faults: FaultRule[] };

/** A rule as the collector holds it: bounds resolved. */
export interface ActiveFault {
  readonly rule: FaultRule;
  readonly endpoints: readonly Endpoint[];
  /** Matching requests still to affect; null when bounded by time only. */
  remaining: number | null;
  /** Matching requests still to let through first. */
  skip: number;
  /** Expiry time (ms since the epoch), null when bounded by count only (or until the first hit opens the window). */
  until: number | null;
  /** The `forMs` window still to open at the first hit (`windowFromFirstHit`), else null. */
  windowMs: number | null;
}

export interface CollectorOptions {
  /** TCP port; 0 (default) picks a free one. */
  port?: number;
  /** Loopback address to bind: `127.0.0.1` (default), `::1`, `localhost` or any `127.x.x.x`. */
  host?: string;
  /** Settings file(s) served for their own `accountId` and `sdkKey`. */
  settings?: SettingsFile | SettingsFile[];
  /** Settings files by `"<accountId>:<sdkKey>"` or by `"<sdkKey>"` alone (any account). */
  settingsByKey?: Record<string, SettingsFile>;
  /** Request bodies above this many bytes are answered 413 (default 5 MiB). */
  maxBodyBytes?: number;
  /** Keep at most this many requests in `received()` (oldest dropped first; stats stay exact). Default 100 000. */
  maxRecords?: number;
}

export interface Collector {
  /** Base URL, e.g. `http://127.0.0.1:54321` — use it as the SDK's collector URL. */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** Stops listening and closes every connection, keep-alive or busy. Idempotent. */
  close(): Promise<void>;
  /** Every request accepted (2xx), parsed, oldest first. */
  received(): ReceivedRequest[];
  /** Every new event accepted, normalised, oldest first. */
  events(): CollectedEvent[];
  stats(): CollectorStats;
  /** Forgets received requests, events, stats, deduplication ids and the fault plan; settings stay. */
  reset(): void;
  /**
   * Replaces the settings served by account/key matching (`settings` option), or with a
   * `key`, sets (or with `null` removes) one `settingsByKey` entry.
   */
  setSettings(settings: SettingsFile | SettingsFile[] | null, key?: string): void;
  /** Replaces the fault plan (an empty list clears it); returns the active rules. Throws on an invalid plan. */
  injectFaults(plan: FaultPlan): ActiveFault[];
}

/** Impressions and conversions of one variation of an FME rule, in the legacy variation's shape, keyed by metric. */
export type FmeVariationStats = VariationStats;

/** One rule of an FME feature: the campaign it links and its variations. */
export interface FmeRuleStats {
  campaignId: number;
  /** The linked campaign's type (`FLAG_ROLLOUT`, `FLAG_TESTING`, `FLAG_PERSONALIZE`), else the rule's. */
  type: string;
  impressions: number;
  uniqueVisitors: number;
  /** Per variation id. */
  variations: Record<string, FmeVariationStats>;
}

/** A metric (an FME custom event name), however many features list it. */
export interface FmeMetricStats {
  conversions: number;
  uniqueVisitors: number;
  /** Sum of numeric `props[revenueProp]` (the metric's `revenueProp` in the served settings); null when no conversion carried one. */
  revenue: number | null;
  /** Conversions of visitors with no earlier impression in any rule of a feature that lists the metric. */
  unattributed: number;
}

/** What the collector received from VWO FME SDKs. */
export interface FmeStats {
  events: {
    total: number;
    impressions: number;
    conversions: number;
    /** `vwo_syncVisitorProp` events. */
    attributes: number;
    /** `vwo_fmeSdkInit`, `vwo_sdkUsageStats`, `vwo_sdkDebug`. */
    sdk: number;
    /** Per event name (`en`). */
    byName: Record<string, number>;
    /** Through `/events/t` or inside `batch-events-v2` bodies. */
    byVia: { 'event-arch': number; batch: number };
  };
  /** Impressions per campaign id and variation id, whatever the settings say. */
  campaigns: Record<
    string,
    { impressions: number; uniqueVisitors: number; variations: Record<string, { impressions: number; uniqueVisitors: number }> }
  >;
  /**
   * Per feature key, then rule key, from the FME settings the collector serves for the events'
   * account and SDK key: impressions of the rule's campaign (and variation, for rules that name
   * one), and conversions of each metric the feature lists, attributed to the variation of the
   * visitor's latest impression in that campaign sent no later than the conversion (by the
   * SDK's event times, so the order the requests arrive in does not matter).
   */
  features: Record<string, { rules: Record<string, FmeRuleStats> }>;
  /** Per metric (custom event name). */
  metrics: Record<string, FmeMetricStats>;
  /** Attribute keys set by `vwo_syncVisitorProp`, counted per key. */
  attributes: { total: number; byKey: Record<string, number> };
  /** Debug events per message template (`vwoMeta.msg_t`). */
  debugMessages: Record<string, number>;
}
