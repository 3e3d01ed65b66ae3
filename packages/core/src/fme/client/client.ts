/**
 * vwo-fme-node-sdk 1.35.0's client over the pure FME engine: it reads user storage, decides with
 * `decideFlag`, and sends what 1.35.0 sends (impressions, custom events, attributes, debug,
 * init and usage events) through the shared delivery. State is per client: two clients share
 * no storage, logger, network or queue (1.35.0 keeps them process-wide).
 */
import type { Logger } from '../../client/types.js';
import { createDelivery } from '../../delivery/delivery.js';
import { classifyFmeResponse } from '../../delivery/retry.js';
import type { Delivery, RetriedRequestReport } from '../../delivery/types.js';
import type { EventContext, EventRequest } from '../../events/types.js';
import { visitorUuid } from '../../events/uuid.js';
import { callsInProgress } from '../../util/calls-in-progress.js';
import { DEFAULT_REQUEST_TIMEOUT_MS, positiveMs, withDeadline } from '../../util/deadline.js';
import { startTimer, stopTimer, type TimerHandle } from '../../util/timers.js';
import { isPlainObject } from '../../util/types.js';
import { decideFlag } from '../decision/decide.js';
import { fmeStorageKeysFor } from '../decision/storage-keys.js';
import type { FmeFlagDecision, FmeImpression, FmeStorageRecord } from '../decision/types.js';
import { writeImpression } from '../events/impression-writer.js';
import {
  FME_NODE_SDK,
  type FmeEventClock,
  type FmeEventRequest,
  type FmeEventSource,
  fmeAttributeRequest,
  fmeCustomEventRequest,
  fmeImpressionRequest,
} from '../events/requests.js';
import { fmeDebugEventRequest, fmeSdkInitRequest, fmeUsageStatsRequest } from '../events/sdk-events.js';
import type { FmeSettings, FmeVariable } from '../settings/model.js';
import { parseFmeSettings } from '../settings/parse.js';
import { type FmeTransportRequest, networkDebugMeta } from './network-debug.js';
import { fmeRetrySchedule } from './retry-config.js';
import type { FmeSettingsApi } from './settings-fetch.js';
import { rememberFmeSettingsText } from './settings-file.js';
import type {
  FmeBatchEventData,
  FmeClient,
  FmeClientConfig,
  FmeExplanation,
  FmeFlag,
  FmeFlushResult,
  FmeIntegrationsPayload,
  FmeUserContext,
} from './types.js';

const DEFAULT_CLOSE_TIMEOUT_MS = 2000;
const DEFAULT_POLL_INTERVAL_MS = 600_000;
/** 1.35.0's message templates (vwo-fme-sdk-log-messages 1.3.0) for the lines it reports to VWO. */
const MESSAGES = {
  EXECUTION_FAILED: 'API - {apiName} failed to execute. Error:{err}',
  FEATURE_NOT_FOUND: 'Feature not found for the key:{featureKey}',
  EVENT_NOT_FOUND: "Event:{eventName} not found in any of the features' metrics",
  BATCHING_NOT_ENABLED: 'Batching is not enabled. Pass batchEventData in the SDK configuration while invoking init API',
  ERROR_READING_STORED_DATA_IN_STORAGE: 'Error reading data from storage. Error:{err}',
  // 1.35.0 fills this template with `key`, so `{featureKey}` becomes ''.
  ERROR_STORING_DATA_IN_STORAGE: 'Key:{featureKey} is not valid. Unable to store data into storage',
  UPDATING_CLIENT_INSTANCE_FAILED_WHEN_WEBHOOK_TRIGGERED:
    "Failed to fetch settings. VWO client instance couldn't be updated. API:{apiName} called having isViaWebhook:{isViaWebhook}. Error: {err}",
  INVALID_SETTINGS_SCHEMA: 'Settings are not valid. Failed schema validation',
  INVALID_USER_AGENT_IN_CONTEXT_FOR_PRE_SEGMENTATION: 'userAgent is required in context to evaluate user-agent pre-segmentation',
  INVALID_IP_ADDRESS_IN_CONTEXT_FOR_PRE_SEGMENTATION: 'ipAddress is required in context to evaluate location pre-segmentation',
  INVALID_ATTRIBUTE_LIST_FORMAT: 'Invalid inList operand format',
  INVALID_GATEWAY_URL: 'Invalid URL for VWO Gateway Service while initializing the SDK',
  ERROR_FETCHING_DATA_FROM_GATEWAY: 'Failed to fetch data from gateway. Error: {err}',
  INVALID_POLLING_CONFIGURATION: 'Invalid key:{key} passed in options. Should be of type:{correctType} and greater than equal to 1000',
  INVALID_BATCH_EVENTS_CONFIG:
    'Invalid batch events config. Should be an object - eventsPerRequest and requestTimeInterval should be of type:number and > 0',
  ALIAS_CALLED_BUT_NOT_PASSED: 'Aliasing is not enabled. Set isAliasingEnabled:true in init to enable',
  ERROR_SETTING_SEGMENTATION_CONTEXT: 'Error in setting contextual data for segmentation. Error: {err}',
  GATEWAY_AND_BATCH_EVENTS_CONFIG_MISMATCH:
    'Batch Events config passed in SDK configuration will not work as the gatewayService is already configured. Please check the documentation for more details',
} as const;

type MessageKey = keyof typeof MESSAGES;

/** Who sends an event, which decides its retries and reports (see `send`). */
type SendChannel = 'user' | 'sdk' | 'debug';

/** 1.35.0's `buildMessage`: a placeholder without a value (or with `null`/`undefined`) becomes ''. */
function fill(template: string, data: Readonly<Record<string, unknown>>): string {
  return template.replace(/\{([^}]+)\}/g, (_whole, name: string) => {
    const value = data[name];
    return value === undefined || value === null ? '' : String(value);
  });
}

/** 1.35.0's `getType`: `Object.prototype.toString`'s tag. */
function typeName(value: unknown): string {
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** `String(value)`, or its type where converting throws (a hostile `toString`, a revoked proxy). */
function safeText(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `[${typeName(value)}]`;
  }
}

/**
 * trackEvent's answer, built by assignment as 1.35.0 builds it: `__proto__` then sets nothing
 * (the answer is `{}`), where a computed key would make it an own property.
 */
function eventAnswer(eventName: unknown, tracked: boolean): Record<string, boolean> {
  const answer: Record<string, boolean> = {};
  try {
    answer[eventName as string] = tracked;
  } catch {
    // A name that cannot become a key answers no event at all.
  }
  return answer;
}

/** A random UUID for `eventId`: only its uniqueness matters to VWO. */
function randomUuid(): string {
  const crypto = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (crypto?.randomUUID) return crypto.randomUUID();
  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
    const r = Math.floor(Math.random() * 16);
    return (c === 'x' ? r : (r & 3) | 8).toString(16);
  });
}

function clockNow(sessionId?: number): FmeEventClock {
  const now = Date.now();
  return { eTime: now, random: Math.random(), msgTime: now, eventTime: now, sessionId: sessionId ?? Math.ceil(now / 1000) };
}

/** What `getFlag` decided, with what its events need. */
interface Decided {
  readonly decision: FmeFlagDecision;
  readonly ctx: FmeUserContext;
  readonly uuid: string;
  readonly sessionId: number;
  readonly settings: FmeSettings;
}

class Flag implements FmeFlag {
  readonly #enabled: boolean;
  readonly #variables: readonly FmeVariable[];
  constructor(enabled: boolean, variables: readonly FmeVariable[]) {
    this.#enabled = enabled;
    this.#variables = variables;
  }
  isEnabled(): boolean {
    return this.#enabled;
  }
  getVariables(): FmeVariable[] {
    return this.#variables.map((variable) => ({ ...variable }));
  }
  getVariable(key: string, defaultValue?: unknown): unknown {
    const found = this.#variables.find((variable) => variable.key === key);
    return found?.value !== undefined ? found.value : defaultValue;
  }
}

// Pure: a page that imports only legacy `launch` bundles none of the FME modules.
const DISABLED = /* @__PURE__ */ new Flag(false, []);

/** A settings fetch that failed; the message is 1.35.0's text of it. */
class SettingsFetchRejected extends Error {
  override readonly name = 'SettingsFetchRejected';
}

/** An API call refused before deciding: logged, reported to VWO as 1.35.0 does, answered with the error value. */
class Refusal extends Error {
  override readonly name = 'Refusal';
}

interface SettingsState {
  /** The file as given: `updateSettings` and polling compare against it. */
  readonly text: string;
  readonly model: FmeSettings | undefined;
}

function settingsState(file: unknown): SettingsState {
  let text: string;
  try {
    text = JSON.stringify(file) ?? '';
  } catch {
    text = '';
  }
  const parsed = parseFmeSettings(file);
  if (!parsed.ok) return { text, model: undefined };
  rememberFmeSettingsText(parsed.settings, text);
  return { text, model: parsed.settings };
}

/** `retryConfig` as 1.35.0 validates it: any bad field → the defaults, logged (fme/events.md §10). */
function retryFor(config: FmeClientConfig, log: Logger): { retries: number; baseDelayMs: number; jitter: number; multiplier: number } {
  const { schedule, valid } = fmeRetrySchedule(config.retryConfig);
  if (!valid) log.error('Retry config is invalid. Should be of type:object');
  const retries = schedule.shouldRetry && !config.shouldWaitForTrackingCalls ? schedule.maxRetries : 0;
  // Waits of initialDelay · backoffMultiplier^k seconds, without jitter, as 1.35.0.
  return { retries, baseDelayMs: schedule.initialDelay * 1000, jitter: 0, multiplier: schedule.backoffMultiplier };
}

/**
 * Creates a client with vwo-fme-node-sdk 1.35.0's API and traffic over already-known settings.
 * Never throws; `init` of `@vwo/node` is the usual way in.
 *
 * @example
 * const vwo = createFmeClient({ accountId: 123456, sdkKey, settings, transport, logger: fmeLogger({}) });
 * const flag = await vwo.getFlag('checkout', { id: 'user-1' });
 * if (flag.isEnabled()) render(flag.getVariable('color', 'blue'));
 */
export function createFmeClient(config: FmeClientConfig): FmeClient {
  return buildFmeClient(config).client;
}

/**
 * {@link createFmeClient}, resolved once the start events had their attempt when
 * `shouldWaitForTrackingCalls` is set (1.35.0's `init` awaits them then); at once otherwise.
 * Never rejects.
 *
 * @example
 * const vwo = await startFmeClient({ accountId, sdkKey, settings, transport, logger, shouldWaitForTrackingCalls: true });
 */
export async function startFmeClient(config: FmeClientConfig): Promise<FmeClient> {
  const { client, started } = buildFmeClient(config);
  await started.catch(() => undefined);
  return client;
}

function buildFmeClient(config: FmeClientConfig): { client: FmeClient; started: Promise<void> } {
  const log = config.logger;
  const requestTimeout = positiveMs(config.requestTimeout) ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const closeTimeout = typeof config.closeTimeout === 'number' && config.closeTimeout >= 0 ? config.closeTimeout : DEFAULT_CLOSE_TIMEOUT_MS;
  const retry = retryFor(config, log);
  // The delivery reads an event context only to build legacy batches, which FME never asks for.
  const unusedContext: EventContext = {
    settings: { accountId: 0, sdkKey: '', isEventArchEnabled: true, collectionPrefix: undefined },
    now: Date.now,
    random: Math.random,
  };
  const eventContext = () => unusedContext;
  const delivery: Delivery = createDelivery({
    transport: config.transport,
    context: eventContext,
    logger: log,
    retry,
    requestTimeout,
    classifyResponse: config.anySuccessDelivers === true ? undefined : classifyFmeResponse,
    outbox: config.eventOutbox,
    onRetriedRequest: (request, report) => reportNetworkOutcome(request, report),
  });
  // 1.35.0 never retries its debug events.
  const debugDelivery: Delivery = createDelivery({
    transport: config.transport,
    context: eventContext,
    logger: log,
    retry: { retries: 0 },
    requestTimeout,
  });
  const waitForCalls = config.shouldWaitForTrackingCalls === true;
  const gateway = config.gateway;
  const gatewayBase = gateway
    ? `${gateway.scheme}://${gateway.hostname}${gateway.port === undefined ? '' : `:${gateway.port}`}`
    : (config.lookupOrigin ?? '');
  // 1.35.0's `isGatewayServiceProvided`: lookups are asked, batching is off.
  const gatewayBacked = gateway !== undefined || config.lookupOrigin !== undefined;
  let state = settingsState(config.settings);
  let closed: Promise<void> | undefined;
  let pollTimer: TimerHandle | undefined;

  const sdk = config.sdk ?? FME_NODE_SDK;
  const source = (): FmeEventSource => ({
    accountId: config.accountId,
    sdkKey: config.sdkKey,
    hostname: gateway?.hostname ?? config.eventHostname,
    collectionPrefix: state.model?.collectionPrefix,
    sdk,
  });

  // ---- batching (fme/events.md §8), per client -------------------------------------------
  // 1.35.0 reports bad polling and batching options to VWO once the client can send: queued here.
  const initReports: [MessageKey, Record<string, unknown>][] = [];
  let pollMs = DEFAULT_POLL_INTERVAL_MS;
  if (config.pollInterval !== undefined && !(typeof config.pollInterval === 'number' && config.pollInterval >= 1000)) {
    initReports.push(['INVALID_POLLING_CONFIGURATION', { key: 'pollInterval', correctType: 'number >= 1000' }]);
  }
  if (typeof config.pollInterval === 'number' && config.pollInterval >= 1000) pollMs = config.pollInterval;
  else {
    const fromSettings = isPlainObject(config.settings) ? config.settings.pollInterval : undefined;
    if (typeof fromSettings === 'number' && fromSettings > 0) pollMs = fromSettings;
  }
  const batchOptions = gatewayBacked ? undefined : config.batchEventData;
  const batch = batchOptions === undefined ? undefined : batchSettings(batchOptions);
  if (batchOptions !== undefined && !batch) initReports.push(['INVALID_BATCH_EVENTS_CONFIG', {}]);
  if (gatewayBacked && config.batchEventData !== undefined) log.info(MESSAGES.GATEWAY_AND_BATCH_EVENTS_CONFIG_MISMATCH);
  let queue: string[] = [];
  let batchTimer: TimerHandle | undefined;
  const armBatchTimer = () => {
    if (!batch || closed || config.batchTimer === false) return;
    batchTimer = startTimer(() => {
      void flushQueue().finally(armBatchTimer);
    }, batch.intervalMs);
  };
  armBatchTimer();

  async function flushQueue(): Promise<FmeFlushResult> {
    if (queue.length === 0) return { status: 'success', events: [] };
    const bodies = queue;
    queue = [];
    const text = `{"ev":[${bodies.join(',')}]}`;
    const ev = (JSON.parse(text) as { ev: unknown[] }).ev;
    const s = source();
    const prefix = s.collectionPrefix ? `/${s.collectionPrefix}` : '';
    const request: FmeTransportRequest = {
      method: 'POST',
      url:
        `https://dev.visualwebsiteoptimizer.com${prefix}/server-side/batch-events-v2?a=${String(config.accountId)}` +
        `&env=${config.sdkKey}&sn=${sdk.name}&sv=${sdk.version}`,
      headers: { Authorization: config.sdkKey, 'Content-Type': 'application/json' },
      body: text,
      featureKey: undefined,
      reportsNetworkFailure: true,
    };
    delivery.send(request, bodies.length);
    const outcome = await delivery.flush();
    const status = outcome.failed === 0 && outcome.sent >= bodies.length ? 'success' : 'error';
    const callback = batch?.flushCallback;
    if (typeof callback === 'function') {
      try {
        const returned = callback(status === 'success' ? null : new Error('the batch was not delivered'), { ev });
        Promise.resolve(returned).catch(() => undefined);
      } catch (error) {
        log.error(`batchEventData.flushCallback threw: ${String(error)}`);
      }
    }
    return { status, events: { ev } };
  }

  // ---- sending ---------------------------------------------------------------------------
  function toTransport(request: FmeEventRequest, channel: SendChannel, featureKey: string | undefined): FmeTransportRequest {
    const headers: Record<string, string> = {};
    // The transport computes Content-Length from the body it sends.
    for (const [name, value] of Object.entries(request.headers)) if (name !== 'Content-Length') headers[name] = String(value);
    const url =
      gateway && request.hostname === gateway.hostname && request.port === undefined
        ? `${gatewayBase}${request.path}`
        : `https://${request.hostname}${request.port === undefined ? '' : `:${request.port}`}${request.path}`;
    return { method: 'POST', url, headers, body: request.body, featureKey, reportsNetworkFailure: channel === 'user' };
  }

  /**
   * Sends (or, batching, queues) one event. `user` events are retried and their network failures
   * reported to VWO; the SDK's own events (`sdk`) are retried only; `debug` events are neither.
   * `featureKey` names the feature of an impression in that report.
   */
  function send(request: FmeEventRequest, channel: SendChannel = 'user', featureKey?: string): void {
    if (batch) {
      queue.push(request.body);
      if (queue.length >= batch.eventsPerRequest) void flushQueue();
      return;
    }
    (channel === 'debug' ? debugDelivery : delivery).send(toTransport(request, channel, featureKey), 1);
  }

  /** 1.35.0's `vwo_sdkDebug` after a user event or batch that needed a retry or failed for good. */
  function reportNetworkOutcome(request: EventRequest, report: RetriedRequestReport): void {
    const meta = networkDebugMeta(request, report, state.model, requestTimeout, Date.now());
    if (!meta) return;
    try {
      send(fmeDebugEventRequest(source(), meta, randomUuid(), clockNow(meta.sId as number)), 'debug');
    } catch (error) {
      log.error(`could not build the network debug event: ${String(error)}`);
    }
  }

  /** 1.35.0's `vwo_sdkDebug` after a settings fetch that needed a retry or failed. */
  function reportSettingsFetch(meta: Readonly<Record<string, unknown>>, atInit: boolean): void {
    try {
      // At init 1.35.0 builds the event before the fetched file sets the collection prefix.
      const from = atInit ? { ...source(), collectionPrefix: undefined } : source();
      send(fmeDebugEventRequest(from, meta, randomUuid(), clockNow(meta.sId as number)), 'debug');
    } catch (error) {
      log.error(`could not build the settings fetch debug event: ${String(error)}`);
    }
  }

  /** A settings fetch for polling or `updateSettings`; rejects with 1.35.0's error text. */
  async function fetchFile(endpoint: 'settings' | 'pull', apiName: FmeSettingsApi): Promise<unknown> {
    const reported = config.fetchSettingsReported;
    if (!reported) return await (config.fetchSettings as NonNullable<FmeClientConfig['fetchSettings']>)(endpoint);
    const outcome = await reported(endpoint, apiName);
    if (outcome.debugMeta) reportSettingsFetch(outcome.debugMeta, false);
    if (!outcome.ok) throw new SettingsFetchRejected(outcome.rejection ?? String(outcome.error));
    return outcome.file;
  }

  /** An impression: written by hand when its inputs allow (impression-writer.ts), else built as data. */
  function sendImpression(
    s: FmeEventSource,
    ctx: FmeUserContext,
    impression: FmeImpression,
    uuid: string,
    sessionId: number,
    featureKey: string,
  ): void {
    const clock = clockNow(sessionId);
    const written = batch
      ? undefined
      : writeImpression(s, ctx, impression.customVariables, impression.campaignId, impression.variationId, clock, uuid);
    if (!written) {
      send(fmeImpressionRequest(s, { ...ctx, customVariables: impression.customVariables }, impression, clock), 'user', featureKey);
      return;
    }
    // As `toTransport` addresses and tags a user event; the transport computes Content-Length from the body.
    const base = gateway && written.hostname === gateway.hostname ? gatewayBase : `https://${written.hostname}`;
    const request: FmeTransportRequest = {
      method: 'POST',
      url: base + written.path,
      headers: written.headers,
      body: written.body,
      featureKey,
      reportsNetworkFailure: true,
    };
    delivery.send(request, 1);
  }

  async function settled(): Promise<void> {
    if (waitForCalls) await Promise.all([delivery.flush(), debugDelivery.flush()]);
  }

  /** Logs an error line and reports it to VWO as a `vwo_sdkDebug` event, as 1.35.0's logger does. */
  function reportError(key: MessageKey, extra: Readonly<Record<string, unknown>>, data: Readonly<Record<string, unknown>>): void {
    const msg = fill(MESSAGES[key], data);
    log.error(msg);
    try {
      send(
        fmeDebugEventRequest(source(), { ...extra, ...data, msg_t: key, msg, lt: 'error', cg: 'error' }, randomUuid(), clockNow()),
        'debug',
      );
    } catch (error) {
      log.error(`could not build the debug event: ${String(error)}`);
    }
  }

  function refuse(apiName: string, err: string, line?: string): never {
    if (line) log.error(line);
    reportError('EXECUTION_FAILED', { an: apiName }, { apiName, err });
    throw new Refusal(err);
  }

  function requireSettings(apiName: string): FmeSettings {
    if (state.model) return state.model;
    log.error(MESSAGES.INVALID_SETTINGS_SCHEMA);
    return refuse(apiName, 'TypeError: Invalid Settings');
  }

  function requireContext(apiName: string, context: unknown): FmeUserContext {
    if (isPlainObject(context) && context.id) return context as unknown as FmeUserContext;
    return refuse(
      apiName,
      'TypeError: Invalid context',
      'Context should be of type:object and must contain a mandatory key: id, which is User ID',
    );
  }

  function invalidParam(apiName: string, key: string, value: unknown, correctType: string, err: string): never {
    return refuse(
      apiName,
      err,
      `Key:${key} passed to API:${apiName} is not of valid type. Got type:${typeName(value)}, should be:${correctType}`,
    );
  }

  // ---- storage ---------------------------------------------------------------------------
  /** The stored records of a feature for a user; a record that cannot be read is no data, and `unreadable` hears why. */
  async function readStorage(
    settings: FmeSettings,
    featureKey: string,
    userId: string,
    unreadable: (error: unknown) => void,
  ): Promise<Map<string, unknown>> {
    const records = new Map<string, unknown>();
    const storage = config.storage;
    if (!storage) return records;
    await Promise.all(
      fmeStorageKeysFor(settings, featureKey).map(async (key) => {
        try {
          records.set(key, await withDeadline(() => storage.get(key, userId), requestTimeout, `storage.get(${key})`));
        } catch (error) {
          unreadable(error);
        }
      }),
    );
    return records;
  }

  function writeStorage(record: FmeStorageRecord): void {
    const storage = config.storage;
    if (!storage) return;
    try {
      // Not awaited (1.35.0): a slow storage never delays the answer; a failing one is ignored.
      Promise.resolve(storage.set({ ...record })).catch((error: unknown) => log.error(`storage.set failed: ${String(error)}`));
    } catch (error) {
      log.error(`storage.set failed: ${String(error)}`);
    }
  }

  function callIntegrations(payload: FmeIntegrationsPayload): void {
    const callback = config.integrations?.callback;
    if (typeof callback !== 'function') return;
    try {
      // Deliberate difference: 1.35.0 never calls an async callback; ours calls it and ignores its promise.
      Promise.resolve(callback(payload)).catch((error: unknown) => log.error(`integrations.callback failed: ${String(error)}`));
    } catch (error) {
      log.error(`integrations.callback threw: ${String(error)}`);
    }
  }

  // ---- API -------------------------------------------------------------------------------
  /**
   * The decision of one call. Without aliasing, storage or a gateway nothing is awaited, so the
   * decision comes back in this tick: each `await` of a settled promise cost `getFlag` a
   * microtask and a promise (issue 18).
   */
  function decide(featureKey: unknown, context: unknown, trace: boolean): Decided | Promise<Decided> {
    const sessionId = Math.ceil(Date.now() / 1000);
    if (typeof featureKey !== 'string') {
      invalidParam('getFlag', 'featureKey', featureKey, 'string', `TypeError: featureKey should be a string, got ${typeName(featureKey)}`);
    }
    const settings = requireSettings('getFlag');
    const ctx = requireContext('getFlag', context);
    if (config.isAliasingEnabled || config.storage || gatewayBacked)
      return decideAwaiting(settings, featureKey as string, ctx, sessionId, trace);
    const uuid = visitorUuid(config.accountId, String(ctx.id));
    const decision = decideFlag(settings, featureKey as string, ctx, undefined, trace ? { trace: true } : undefined);
    return { decision, ctx, uuid, sessionId, settings };
  }

  async function decideAwaiting(
    settings: FmeSettings,
    featureKey: string,
    ctx: FmeUserContext,
    sessionId: number,
    trace: boolean,
  ): Promise<Decided> {
    await resolveAlias('getFlag', ctx);
    const userId = String(ctx.id);
    const uuid = visitorUuid(config.accountId, userId);
    const meta = { an: 'getFlag', uuid, sId: sessionId };
    const records = await readStorage(settings, featureKey, userId, (error) =>
      reportError('ERROR_READING_STORED_DATA_IN_STORAGE', meta, { err: String(error) }),
    );
    const decided = await decideWithGateway(settings, featureKey, ctx, records, trace, meta);
    return { decision: decided, ctx, uuid, sessionId, settings };
  }

  /** A GET to the gateway, bounded by `requestTimeout`: its JSON answer. */
  async function gatewayGet(path: string): Promise<unknown> {
    const transport = config.transport;
    if (!transport) throw new Error('no transport');
    const response = await withDeadline(
      () => transport.send({ method: 'GET', url: `${gatewayBase}${path}` }),
      requestTimeout,
      `GET ${path.split('?')[0]}`,
    );
    if (!response || typeof response.status !== 'number' || response.status < 200 || response.status >= 300) {
      throw new Error(`GET ${path.split('?')[0]} answered HTTP ${String(response?.status)}`);
    }
    return JSON.parse(typeof response.body === 'string' ? response.body : '');
  }

  /**
   * The decision, with the gateway's data when one is configured: the user's details first (when
   * the feature's segments need them), then every list `inlist(…)` nodes ask about. The engine is
   * synchronous, so lists are learnt by deciding again until no unknown list is asked about.
   * With `notes` (explain), each gateway answer and failure is written there instead of reported.
   */
  async function decideWithGateway(
    settings: FmeSettings,
    featureKey: string,
    ctx: FmeUserContext,
    records: Map<string, unknown>,
    trace: boolean,
    meta: Readonly<Record<string, unknown>>,
    notes?: string[],
  ): Promise<FmeFlagDecision> {
    const lookup = (key: string) => records.get(key);
    if (!gatewayBacked) return decideFlag(settings, featureKey, ctx, lookup, trace ? { trace: true } : undefined);
    let context = ctx;
    const feature = settings.featuresByKey.get(featureKey);
    if (feature?.needsGateway && !ctx._vwo && !(ctx.userAgent === null && ctx.ipAddress === null)) {
      const query: string[] = [];
      if (ctx.userAgent) query.push(`userAgent=${encodeURIComponent(ctx.userAgent)}`);
      if (ctx.ipAddress) query.push(`ipAddress=${encodeURIComponent(ctx.ipAddress)}`);
      query.push(`accountId=${String(config.accountId)}`);
      try {
        const details = await gatewayGet(`/get-user-details?${query.join('&')}`);
        if (isPlainObject(details)) context = { ...ctx, _vwo: details };
        notes?.push(gatewayNote(`user details (${query.join('&')})`, details));
      } catch (error) {
        if (notes) notes.push(`gateway: user details could not be fetched (${String(error)}): location and user-agent segments are false`);
        else reportError('ERROR_SETTING_SEGMENTATION_CONTEXT', meta, { err: String(error) });
      }
    }
    const lists = new Map<string, unknown>();
    const listKey = (listId: string, attribute: string | null) => `${listId}\u0000${String(attribute)}`;
    for (let pass = 0; ; pass++) {
      const unknown = new Map<string, [string, string | null]>();
      const decision = decideFlag(settings, featureKey, context, lookup, {
        trace,
        attributeList: (listId, attribute) => {
          const key = listKey(listId, attribute);
          if (!lists.has(key)) unknown.set(key, [listId, attribute]);
          return lists.get(key);
        },
      });
      if (unknown.size === 0 || pass >= 8) return decision;
      await Promise.all(
        [...unknown].map(async ([key, [listId, attribute]]) => {
          try {
            const answer = await gatewayGet(
              `/check-attribute?attribute=${String(attribute)}&listId=${listId}&accountId=${String(config.accountId)}`,
            );
            lists.set(key, answer);
            notes?.push(gatewayNote(`list ${listId} for ${String(attribute)}`, answer));
          } catch (error) {
            lists.set(key, false);
            if (notes)
              notes.push(`gateway: list ${listId} for ${String(attribute)} could not be checked (${String(error)}): not in the list`);
            else reportError('ERROR_FETCHING_DATA_FROM_GATEWAY', meta, { err: String(error) });
          }
        }),
      );
    }
  }

  /**
   * A decision without storage, gateway or aliasing is made and sent in the calling tick; one
   * that waits is a call in progress, which `close()` lets finish so that its impression is sent.
   */
  function getFlag(featureKey: string, context: FmeUserContext): Promise<FmeFlag> {
    let decided: Decided | Promise<Decided>;
    try {
      decided = decide(featureKey, context, false);
    } catch (error) {
      return getFlagFailed(error);
    }
    if (decided instanceof Promise) return whileInProgress(decided.then((answer) => flagFor(featureKey, answer), getFlagFailed));
    return flagFor(featureKey, decided);
  }

  async function getFlagFailed(error: unknown): Promise<FmeFlag> {
    if (!(error instanceof Refusal)) log.error(`getFlag failed: ${String(error)}`);
    await settled().catch(() => undefined);
    return DISABLED;
  }

  async function flagFor(featureKey: string, decided: Decided): Promise<FmeFlag> {
    try {
      const { decision, ctx, uuid, sessionId } = decided;
      if (decision.outcome === 'feature-not-found') {
        reportError('FEATURE_NOT_FOUND', { an: 'getFlag', uuid, sId: sessionId }, { featureKey });
        await settled();
        return DISABLED;
      }
      for (const record of decision.storageWrites) writeStorage(record);
      if (decision.integrations && typeof config.integrations?.callback === 'function') callIntegrations({ ...decision.integrations });
      const s = source();
      const meta = { an: 'getFlag', uuid, sId: sessionId };
      decision.impressions.forEach((impression, index) => {
        for (const error of decision.errorLogs) if (error.beforeImpression === index) reportError(error.messageKey, meta, error.data ?? {});
        if (impression.kind === 'impact' && decision.debugEvent) sendDecisionEvent(featureKey, decision, uuid, sessionId);
        sendImpression(s, ctx, impression, uuid, sessionId, featureKey);
      });
      const made = decision.impressions.length;
      for (const error of decision.errorLogs) if (error.beforeImpression >= made) reportError(error.messageKey, meta, error.data ?? {});
      if (decision.debugEvent && !decision.impressions.some((impression) => impression.kind === 'impact')) {
        sendDecisionEvent(featureKey, decision, uuid, sessionId);
      }
      if (waitForCalls) await settled();
      return decision.enabled ? new Flag(true, decision.variables) : DISABLED;
    } catch (error) {
      return getFlagFailed(error);
    }
  }

  /** Calls that wait (storage, gateway, aliasing) before they send: `close()` waits for them. */
  const callsWaiting = callsInProgress();
  const whileInProgress = <T>(call: Promise<T>): Promise<T> => callsWaiting.track(call);

  function sendDecisionEvent(featureKey: string, decision: FmeFlagDecision, uuid: string, sessionId: number): void {
    const debug = decision.debugEvent;
    if (!debug) return;
    const meta: Record<string, unknown> = {
      an: 'getFlag',
      uuid,
      fk: featureKey,
      sId: sessionId,
      cg: 'decision',
      lt: 'info',
      msg_t: 'FLAG_DECISION_GIVEN',
      msg: debug.msg,
    };
    for (const key of ['rId', 'rvId', 'eId', 'evId'] as const) if (debug[key]) meta[key] = debug[key];
    send(fmeDebugEventRequest(source(), meta, randomUuid(), clockNow(sessionId)), 'debug');
  }

  async function trackEvent(
    eventName: string,
    context: FmeUserContext,
    eventProperties: Record<string, unknown> = {},
  ): Promise<Record<string, boolean>> {
    try {
      const sessionId = Math.ceil(Date.now() / 1000);
      if (typeof eventName !== 'string') {
        invalidParam(
          'trackEvent',
          'eventName',
          eventName,
          'string',
          `TypeError: Event-name should be a string, got ${typeName(eventName)}`,
        );
      }
      if (!isPlainObject(eventProperties)) {
        invalidParam(
          'trackEvent',
          'eventProperties',
          eventProperties,
          'object',
          `TypeError: eventProperties should be an object, got ${typeName(eventProperties)}`,
        );
      }
      const settings = requireSettings('trackEvent');
      const ctx = requireContext('trackEvent', context);
      await resolveAlias('trackEvent', ctx);
      const uuid = visitorUuid(config.accountId, String(ctx.id));
      if (!settings.eventNames.has(eventName)) {
        reportError('EVENT_NOT_FOUND', { an: 'trackEvent', uuid, sId: sessionId }, { eventName });
        await settled();
        return eventAnswer(eventName, false);
      }
      send(fmeCustomEventRequest(source(), ctx, eventName, eventProperties, clockNow(sessionId)));
      callIntegrations({ eventName, api: 'trackEvent' });
      await settled();
      return eventAnswer(eventName, true);
    } catch (error) {
      if (!(error instanceof Refusal)) log.error(`trackEvent failed: ${safeText(error)}`);
      await settled().catch(() => undefined);
      return eventAnswer(eventName, false);
    }
  }

  async function setAttribute(first: unknown, second: unknown, third?: unknown): Promise<void> {
    try {
      const sessionId = Math.ceil(Date.now() / 1000);
      let attributes: Record<string, unknown>;
      let context: unknown;
      if (isPlainObject(first)) {
        context = third || second;
        if (Object.keys(first).length === 0) {
          refuse('setAttribute', 'TypeError: Attributes should be an object containing at least 1 key-value pair');
        }
        for (const [key, value] of Object.entries(first)) {
          if (typeof value !== 'boolean' && typeof value !== 'string' && typeof value !== 'number') {
            refuse(
              'setAttribute',
              `Invalid attribute type for key "${key}". Expected boolean, string or number, but got ${typeName(value)}`,
            );
          }
        }
        attributes = first;
      } else {
        context = third;
        if (typeof first !== 'string') refuse('setAttribute', 'attributeKey should be a string');
        if (typeof second !== 'boolean' && typeof second !== 'string' && typeof second !== 'number') {
          refuse('setAttribute', 'attributeValue should be a boolean, string, or number');
        }
        attributes = { [first as string]: second };
      }
      if (!isPlainObject(context) || !context.id) refuse('setAttribute', 'Invalid context');
      await resolveAlias('setAttribute', context as unknown as FmeUserContext);
      const ctx = context as unknown as FmeUserContext;
      send(fmeAttributeRequest(source(), state.model?.sdkKey, ctx, attributes, clockNow(sessionId)));
      await settled();
    } catch (error) {
      if (!(error instanceof Refusal)) log.error(`setAttribute failed: ${String(error)}`);
      await settled().catch(() => undefined);
    }
  }

  /** Applies a valid file; `false` (state unchanged) for an invalid one. */
  function apply(file: unknown): boolean {
    const next = settingsState(file);
    if (!next.model) return false;
    state = next;
    return true;
  }

  async function updateSettings(settings?: Record<string, unknown>, isViaWebhook = true): Promise<void> {
    const failed = (err: string) =>
      reportError(
        'UPDATING_CLIENT_INSTANCE_FAILED_WHEN_WEBHOOK_TRIGGERED',
        { an: 'updateSettings' },
        { apiName: 'updateSettings', isViaWebhook, err },
      );
    try {
      let file: unknown = settings;
      if (!isPlainObject(settings) || Object.keys(settings).length === 0) {
        if (!config.fetchSettings && !config.fetchSettingsReported) {
          failed('Error: no settings given and no way to fetch them');
          return;
        }
        file = await fetchFile(isViaWebhook ? 'pull' : 'settings', 'updateSettings');
      }
      if (!apply(file)) failed('TypeError: Invalid Settings schema');
    } catch (error) {
      failed(error instanceof SettingsFetchRejected ? error.message : String(error));
    } finally {
      await settled().catch(() => undefined);
    }
  }

  async function flushEvents(): Promise<FmeFlushResult> {
    try {
      if (!batch) {
        reportError('BATCHING_NOT_ENABLED', { an: 'flushEvents' }, {});
        await settled();
        return { status: 'error', events: [] };
      }
      const alongside = config.onFlushEvents;
      if (!alongside) return await flushQueue();
      const [result] = await Promise.all([
        flushQueue(),
        Promise.resolve()
          .then(alongside)
          .catch((error: unknown) => log.error(`flushEvents: ${String(error)}`)),
      ]);
      return result;
    } catch (error) {
      log.error(`flushEvents failed: ${String(error)}`);
      return { status: 'error', events: [] };
    }
  }

  async function explain(featureKey: string, context: FmeUserContext): Promise<FmeExplanation> {
    const refused = (outcome: FmeExplanation['outcome'], why: string): FmeExplanation => ({
      featureKey: safeText(featureKey),
      enabled: false,
      outcome,
      variables: [],
      rollout: undefined,
      experiment: undefined,
      impressions: [],
      trace: [why],
    });
    if (typeof featureKey !== 'string') return refused('invalid-input', 'featureKey is not a string');
    const settings = state.model;
    if (!settings) return refused('invalid-settings', 'the settings are not valid: getFlag answers a disabled flag');
    if (!isPlainObject(context) || !context.id) return refused('invalid-input', 'context.id is missing');
    try {
      // Unreadable storage is no data, as for getFlag, but explain reports nothing: it sends nothing.
      const records = await readStorage(settings, featureKey, String(context.id), () => undefined);
      // The gateway is asked as getFlag asks it; its answers open the trace.
      const notes: string[] = [];
      const decision = await decideWithGateway(settings, featureKey, context, records, true, {}, notes);
      return {
        featureKey,
        enabled: decision.enabled,
        outcome: decision.outcome,
        variables: decision.variables,
        rollout: decision.rollout,
        experiment: decision.experiment,
        impressions: decision.impressions.map((impression) => [impression.campaignId, impression.variationId] as const),
        trace: [...notes, ...(decision.trace ?? [])],
      };
    } catch (error) {
      return refused('error', String(error));
    }
  }

  /**
   * With aliasing, the id the gateway knows this alias by replaces `context.id`, in the caller's
   * object too (as 1.35.0). A failed lookup refuses the call.
   */
  async function resolveAlias(apiName: string, context: FmeUserContext): Promise<void> {
    if (!config.isAliasingEnabled) return;
    if (!gatewayBacked) {
      log.error(MESSAGES.INVALID_GATEWAY_URL);
      return;
    }
    const id = context.id;
    let answer: unknown;
    try {
      answer = await gatewayGet(
        `/user-alias/getAliasUserId?accountId=${String(config.accountId)}&sdkKey=${config.sdkKey}&userId=${JSON.stringify([id])}`,
      );
    } catch (error) {
      refuse(apiName, String(error));
    }
    if (!Array.isArray(answer)) refuse(apiName, 'TypeError: alias.find is not a function');
    const found = (answer as unknown[]).find((item) => isPlainObject(item) && item.aliasId === id) as Record<string, unknown> | undefined;
    if (found?.userId) context.id = found.userId as string;
  }

  async function setAlias(contextOrUserId: FmeUserContext | string, aliasId: string): Promise<boolean> {
    try {
      if (!config.isAliasingEnabled) {
        reportError('ALIAS_CALLED_BUT_NOT_PASSED', { an: 'setAlias' }, {});
        return false;
      }
      if (!gatewayBacked) {
        reportError('INVALID_GATEWAY_URL', { an: 'setAlias' }, {});
        return false;
      }
      const fail = (err: string): never => refuse('setAlias', err);
      if (!aliasId) fail('TypeError: Invalid aliasId');
      if (Array.isArray(aliasId)) fail('TypeError: aliasId cannot be an array');
      if (typeof aliasId !== 'string') fail('TypeError: aliasId.trim is not a function');
      const alias = aliasId.trim();
      let userId: string;
      if (typeof contextOrUserId === 'string') {
        userId = contextOrUserId.trim();
        if (userId === alias) fail('UserId and aliasId cannot be the same.');
        if (!userId) fail('TypeError: Invalid userId');
      } else {
        if (!isPlainObject(contextOrUserId) || !contextOrUserId.id) fail('TypeError: Invalid context');
        if (Array.isArray(contextOrUserId.id)) fail('TypeError: context.id cannot be an array');
        if (typeof contextOrUserId.id !== 'string') fail('TypeError: contextOrUserId.id.trim is not a function');
        contextOrUserId.id = (contextOrUserId.id as string).trim();
        if (contextOrUserId.id === alias) fail('UserId and aliasId cannot be the same.');
        userId = contextOrUserId.id;
      }
      const transport = config.transport;
      if (!transport) fail('no transport');
      const body = JSON.stringify({ userId: userId!, aliasId: alias });
      const path = `/user-alias/setUserAlias?accountId=${String(config.accountId)}&sdkKey=${config.sdkKey}&userId=${userId!}&aliasId=${alias}`;
      try {
        const response = await withDeadline(
          () =>
            (transport as NonNullable<typeof transport>).send({
              method: 'POST',
              url: `${gatewayBase}${path}`,
              headers: { 'Content-Type': 'application/json' },
              body,
            }),
          requestTimeout,
          'POST /user-alias/setUserAlias',
        );
        if (response?.status !== 200) fail(`POST /user-alias/setUserAlias answered HTTP ${String(response?.status)}`);
      } catch (error) {
        if (error instanceof Refusal) throw error;
        fail(String(error));
      }
      return true;
    } catch (error) {
      if (!(error instanceof Refusal)) log.error(`setAlias failed: ${String(error)}`);
      return false;
    } finally {
      await settled().catch(() => undefined);
    }
  }

  async function close(): Promise<void> {
    if (!closed) {
      closed = (async () => {
        stopTimer(pollTimer);
        stopTimer(batchTimer);
        try {
          config.onClose?.();
        } catch {
          // A failing hook must not keep the events from being flushed.
        }
        await callsWaiting.finished(closeTimeout);
        if (batch && queue.length > 0) void flushQueue().catch(() => undefined);
        await Promise.all([delivery.close(closeTimeout), debugDelivery.close(closeTimeout)]);
      })();
    }
    return closed;
  }

  // ---- polling: fetch, compare, apply when changed and valid (1.35.0 never applies) -------
  for (const [key, data] of initReports) reportError(key, { an: 'init' }, data);
  const pollInterval = pollMs;
  if ((config.fetchSettings || config.fetchSettingsReported) && config.polling !== false) {
    const poll = async () => {
      try {
        // 1.35.0's poll fetches through its init path: its debug event names `init`.
        const file = await fetchFile('settings', 'init');
        const next = settingsState(file);
        if (next.text === state.text) log.info('polling: no change in settings');
        else if (next.model) {
          state = next;
          log.info('polling: new settings applied');
        } else log.error('polling: the fetched settings are not valid; the current ones are kept');
      } catch (error) {
        log.error(`polling: ${String(error)}`);
      }
      if (!closed) pollTimer = startTimer(() => void poll(), pollInterval);
    };
    pollTimer = startTimer(() => void poll(), pollInterval);
  }

  // ---- start events (fme/events.md §7) ---------------------------------------------------
  const start = config.startEvents;
  if (start?.settingsFetchDebug) reportSettingsFetch(start.settingsFetchDebug, true);
  if (start) {
    const model = state.model;
    if (model) {
      const meta = (parsedRaw(config.settings) as { sdkMetaInfo?: { wasInitializedEarlier?: unknown } }).sdkMetaInfo;
      if (meta?.wasInitializedEarlier !== true && start.sendInitEvent !== false) {
        send(
          fmeSdkInitRequest(
            source(),
            { settingsFetchTime: start.settingsFetchTime, sdkInitTime: Date.now() - start.initStartedAt },
            clockNow(),
          ),
          'sdk',
        );
      }
      if (model.usageStatsAccountId) {
        send(fmeUsageStatsRequest(source(), model.usageStatsAccountId, start.usageStats, clockNow()), 'debug');
      }
    } else if (!start.settingsFetchFailed) {
      reportError('INVALID_SETTINGS_SCHEMA', { an: 'init' }, {});
    }
  }

  /**
   * The last guard of a public call: a value that throws wherever it is read (a hostile proxy, a
   * throwing getter or `toString`) must not turn into a rejection in the host.
   */
  function neverRejects<A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>, fallback: () => R) {
    return (...args: A): Promise<R> =>
      run(...args).catch((error: unknown) => {
        log.error(`${name} failed: ${safeText(error)}`);
        return fallback();
      });
  }

  const client: FmeClient = {
    get settings() {
      return state.model;
    },
    getFlag,
    // With aliasing, both wait for the gateway before they send.
    trackEvent: neverRejects(
      'trackEvent',
      config.isAliasingEnabled ? (...args) => whileInProgress(trackEvent(...args)) : trackEvent,
      () => ({}),
    ),
    setAttribute: neverRejects(
      'setAttribute',
      config.isAliasingEnabled ? (...args: Parameters<typeof setAttribute>) => whileInProgress(setAttribute(...args)) : setAttribute,
      () => undefined,
    ) as FmeClient['setAttribute'],
    updateSettings: neverRejects('updateSettings', updateSettings, () => undefined),
    flushEvents,
    setAlias,
    explain: neverRejects('explain', explain, () => ({
      featureKey: '',
      enabled: false,
      outcome: 'error' as const,
      variables: [],
      rollout: undefined,
      experiment: undefined,
      impressions: [],
      trace: ['explain failed on an unreadable argument'],
    })),
    close,
  };
  return { client, started: settled() };
}

/** One gateway answer for `explain`'s trace. */
function gatewayNote(what: string, answer: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(answer) ?? String(answer);
  } catch {
    text = String(answer);
  }
  return `gateway: ${what} → ${text}`;
}

function parsedRaw(file: unknown): Record<string, unknown> {
  return isPlainObject(file) ? file : {};
}

function batchSettings(
  options: FmeBatchEventData,
): { eventsPerRequest: number; intervalMs: number; flushCallback: FmeBatchEventData['flushCallback'] } | undefined {
  const positive = (value: unknown) => typeof value === 'number' && value > 0;
  if (!isPlainObject(options) || !(positive(options.eventsPerRequest) || positive(options.requestTimeInterval))) return undefined;
  const perRequest = options.eventsPerRequest;
  const interval = options.requestTimeInterval;
  const eventsPerRequest = typeof perRequest === 'number' && perRequest > 0 ? Math.min(perRequest, 5000) : 100;
  const seconds = typeof interval === 'number' && interval >= 1 ? interval : 600;
  return { eventsPerRequest, intervalMs: seconds * 1000, flushCallback: options.flushCallback as FmeBatchEventData['flushCallback'] };
}
