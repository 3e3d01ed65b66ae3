/**
 * The client (`createClient`) against the real vwo-node-sdk 1.73.0, launched for real (not in
 * development mode) with Node's `https` stubbed and its clock and randomness pinned: the same
 * sequence of calls on both — activate, getVariationName, isFeatureEnabled,
 * getFeatureVariableValue, track in every specifier form, push in both forms, flushEvents,
 * setOptOut and calls after it, and time passing for the batch timer — on generated settings
 * files, with and without a user storage (ours sometimes answering through promises, records
 * sometimes left by an earlier run), launch-level `shouldTrackReturningUser` and
 * `goalTypeToTrack`, a batch queue, integrations, event architecture and a collection prefix.
 *
 * Our client runs on its default options, as a user who moves from 1.73.0 gets it: in
 * particular without event ids (`eventIds` is opt-in), so its wire must be 1.73.0's exactly.
 * After every call we compare: the result, the user storage (contents and the records written),
 * the requests sent (method, endpoint, decoded query parameters in order, the headers that
 * matter, the JSON body, and then the URL and body text byte for byte), the integrations
 * callback payloads and the batch flush callbacks.
 * Deliberate differences (spec README, COMPATIBILITY.md) are applied to the expectation
 * explicitly, each after checking that ours does what we promise instead:
 *  - global-goal batches: ours carries user agent and IP in their own fields, 1.73.0 puts the
 *    IP into `visitor_ua` and leaves `visitor_ip` empty;
 *  - `push` with invalid arguments: ours answers `null` where 1.73.0 answers `false`;
 *  - `flushEvents`: ours adds `sent`/`failed`/`pending` counts to `{ status, message }`.
 *
 * The default run compares 50,000+ calls over 500+ files; DIFF_CASES sets the number of calls,
 * DIFF_SEED replays one file. `VWO_CORE_BUILD=browser` runs it on the browser build (dist/browser.js).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientConfig, DecisionProperties, Transport, TransportResponse, VWOClient } from '../src/client/index.js';
import type { EventRequest } from '../src/events/index.js';
import { core } from './support/core-build.js';
import * as generate from './support/generate.js';
import {
  type CapturedRequest,
  contentLengthOk,
  interceptHttps,
  launchLive,
  pinReferenceClock,
  unpinReferenceClock,
  type WireRequest,
  wireRequest,
} from './support/live-reference.js';
import { parsed } from './support/parse.js';
import { Random } from './support/random.js';
import { MapStorage } from './support/reference.js';

const REPLAY_SEED = process.env.DIFF_SEED === undefined ? undefined : Number(process.env.DIFF_SEED);
const TARGET_CASES = REPLAY_SEED !== undefined ? 0 : Number(process.env.DIFF_CASES ?? 50_000);
const MIN_FILES = REPLAY_SEED !== undefined || process.env.DIFF_CASES !== undefined ? 1 : 500;
const FIRST_SEED = REPLAY_SEED ?? 1;
const USERS_PER_FILE = 10;

type Json = Record<string, unknown>;

// --- plug-ins ---------------------------------------------------------------------------------

/** A map storage that also remembers each record written, as text at the time of writing. */
class RecordingStorage extends MapStorage {
  writes: string[] = [];

  override set(record: { userId: string; campaignKey: string }): void {
    this.writes.push(JSON.stringify(record));
    super.set(record);
  }

  /** Contents in insertion order, records as JSON (key order included). */
  snapshot(): string {
    return JSON.stringify([...this.records.entries()]);
  }

  takeWrites(): string[] {
    const taken = this.writes;
    this.writes = [];
    return taken;
  }
}

/** The same storage answering through promises, as a remote one would: ours accepts both. */
class AsyncRecordingStorage extends RecordingStorage {
  override get(userId: string, campaignKey: string): Promise<unknown> {
    return Promise.resolve(super.get(userId, campaignKey));
  }

  override set(record: { userId: string; campaignKey: string }): Promise<void> {
    super.set(record);
    return Promise.resolve();
  }
}

/** Answers every request 200 and records it. */
class RecordingTransport implements Transport {
  private requests: CapturedRequest[] = [];

  send(request: EventRequest): Promise<TransportResponse> {
    this.requests.push({ method: request.method, url: request.url, headers: { ...request.headers }, body: request.body });
    return Promise.resolve({ status: 200, body: '{}' });
  }

  take(): CapturedRequest[] {
    const taken = this.requests;
    this.requests = [];
    return taken;
  }
}

const silentLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

// --- generated launches and calls ----------------------------------------------------------------

interface Launch {
  storage: boolean;
  /** Our storage answers through promises (1.73.0's is synchronous, as it must be here). */
  asyncStorage: boolean;
  shouldTrackReturningUser: boolean | undefined;
  goalTypeToTrack: 'ALL' | 'CUSTOM_GOAL' | 'REVENUE_TRACKING' | undefined;
  batchEvents: { eventsPerRequest: number; requestTimeInterval: number } | undefined;
  /** The file ends with setOptOut and a few calls after it, instead of flushEvents. */
  optOut: boolean;
  integrations: boolean;
  logLevel: number;
  now: number;
  random: number;
}

interface Call {
  /** `wait` is no API: it moves both SDKs' clocks for timers (the batch queue's) on by `args[0]` ms. */
  api:
    | 'activate'
    | 'getVariationName'
    | 'isFeatureEnabled'
    | 'getFeatureVariableValue'
    | 'track'
    | 'push'
    | 'flushEvents'
    | 'setOptOut'
    | 'wait';
  args: unknown[];
}

/** generate.settingsFile plus what this test needs besides: event architecture, prefix, `mca`, MAB. */
function settingsFile(rng: Random): Json {
  const file = generate.settingsFile(rng);
  if (rng.chance(0.3)) file.isEventArchEnabled = true;
  if (rng.chance(0.1)) file.collectionPrefix = 'eu';
  for (const campaign of file.campaigns as Json[]) {
    // More users get a variation than generate.ts alone gives: the client's paths need them.
    if (rng.chance(0.5)) {
      campaign.percentTraffic = 100;
      campaign.segments = {};
    }
    if (rng.chance(0.04)) campaign.isMAB = true;
    for (const goal of campaign.goals as Json[]) {
      if (rng.chance(0.12)) goal.mca = -1;
      if (goal.type === 'REVENUE_TRACKING' && rng.chance(0.1)) delete goal.revenueProp;
    }
  }
  return file;
}

function launchFor(rng: Random): Launch {
  return {
    storage: rng.chance(0.5),
    asyncStorage: rng.chance(0.5),
    shouldTrackReturningUser: rng.pick([undefined, undefined, true, false]),
    goalTypeToTrack: rng.pick([undefined, undefined, undefined, 'ALL', 'CUSTOM_GOAL', 'REVENUE_TRACKING'] as const),
    batchEvents: rng.chance(0.2) ? { eventsPerRequest: rng.pick([3, 7, 5000]), requestTimeInterval: rng.pick([60, 3600]) } : undefined,
    optOut: rng.chance(0.15),
    integrations: rng.chance(0.3),
    logLevel: rng.pick([4, 4, 3]),
    now: 1_700_000_000_000 + rng.int(0, 1_000_000_000),
    random: rng.next(),
  };
}

const STORED_NAMES = ['Control', 'Variation-1', 'Variation-2', 'Gone'];
const STORED_GOALS = [undefined, 'buy', 'rev', 'rev_vwo_buy', 'x_vwo_rev'];
const VARIABLE_KEYS = ['str', 'int', 'dbl', 'bool', 'json', 'nope'];
const USER_AGENTS = ['Mozilla/5.0 (X11; Linux) ü', 'UA 1', 'a&b=c'];
const IPS = ['1.2.3.4', '::1', '10.0.0.1'];
const REVENUES: unknown[] = [undefined, undefined, 0, '0', 12.5, 'abc', 3, '', null];
const EVENT_PROPERTIES: Json[] = [{ amount: 7 }, { p: 'x', n: 2 }, { amount: 0, q: true }];
// `__proto__` sets no key on 1.73.0's map (an empty push), `constructor` an own one.
const TAG_KEYS: unknown[] = ['browser', 'a key&', 'k'.repeat(256), ' ', 'plan', '', '__proto__', 'constructor'];
const TAG_VALUES: unknown[] = ['chrome', 'v=1 ü', ' ', 'v'.repeat(256), 5, 'gold'];
const MAPS: Json[] = [
  { browser: 'chrome' },
  { n: 5 },
  { browser: 'chrome', n: 5, b: true, o: { x: 1 } },
  { a: 'x', z: null },
  { 'k y&': 'v=ü', long: 'w'.repeat(300) },
  {},
  { u: undefined },
];

/** The per-user options every decision call starts from. */
function baseOptions(rng: Random, user: User, eventArch: boolean, api: Call['api']): Json | undefined {
  if (rng.chance(0.08)) return undefined;
  const options: Json = { customVariables: user.vars, variationTargetingVariables: user.vtv };
  if (rng.chance(0.15)) options.customVariables = generate.variables(rng);
  if (rng.chance(0.25)) options.userAgent = rng.pick(USER_AGENTS);
  if (rng.chance(0.25)) options.userIpAddress = rng.pick(IPS);
  if (rng.chance(0.1)) options.metaData = { m: rng.int(0, 3) };
  // Overrides the stored record's fields (used only with a storage).
  if (rng.chance(0.05)) options.userStorageData = { campaignKey: rng.pick(user.favourites), variationName: rng.pick(STORED_NAMES) };
  if ((api === 'activate' || api === 'isFeatureEnabled' || api === 'track') && rng.chance(0.25)) {
    options.shouldTrackReturningUser = rng.chance(0.5);
  }
  if (api === 'track') {
    const revenue = rng.pick(REVENUES);
    if (revenue !== undefined || rng.chance(0.3)) options.revenueValue = revenue;
    if (rng.chance(0.25)) options.goalTypeToTrack = rng.pick(['ALL', 'CUSTOM_GOAL', 'REVENUE_TRACKING']);
    if (eventArch && rng.chance(0.4)) options.eventProperties = rng.pick(EVENT_PROPERTIES);
  }
  return options;
}

interface User {
  readonly id: string;
  readonly vars: Json;
  readonly vtv: Json;
  /** The campaigns most of this user's calls are about, so that they come back to them. */
  readonly favourites: readonly string[];
}

/** Which campaign types each API serves (decision-flow.md §3), to aim most calls at one it serves. */
const SERVES: Record<Call['api'], (type: string) => boolean> = {
  activate: (type) => type === 'VISUAL_AB',
  getVariationName: (type) => type !== 'FEATURE_ROLLOUT',
  isFeatureEnabled: (type) => type !== 'VISUAL_AB',
  getFeatureVariableValue: (type) => type !== 'VISUAL_AB',
  track: (type) => type !== 'FEATURE_ROLLOUT',
  push: () => true,
  flushEvents: () => true,
  setOptOut: () => true,
  wait: () => true,
};

function nextCall(rng: Random, types: ReadonlyMap<string, string>, user: User, eventArch: boolean, launch: Launch): Call {
  const userId = user.id;
  const keys = [...types.keys()];
  let api: Call['api'] = 'push';
  const key = () => {
    if (rng.chance(0.04)) return 'nope';
    const serves = (k: string) => SERVES[api](types.get(k) as string);
    if (rng.chance(0.15)) return rng.pick(keys);
    const favourites = user.favourites.filter(serves);
    const served = favourites.length > 0 && rng.chance(0.8) ? favourites : keys.filter(serves);
    return rng.pick(served.length > 0 ? served : keys);
  };
  const withOptions = (args: unknown[]): Call => {
    const options = baseOptions(rng, user, eventArch, api);
    return { api, args: options === undefined ? args : [...args, options] };
  };
  const roll = rng.next();
  const batch = launch.batchEvents;
  if (batch && roll < 0.02) return { api: 'flushEvents', args: [] };
  // Half the interval, or all of it: the batch goes out when both SDKs started their timer alike.
  if (batch && roll < 0.05) return { api: 'wait', args: [(batch.requestTimeInterval * 1000) / rng.pick([1, 2])] };
  api =
    roll < 0.2
      ? 'activate'
      : roll < 0.3
        ? 'getVariationName'
        : roll < 0.45
          ? 'isFeatureEnabled'
          : roll < 0.58
            ? 'getFeatureVariableValue'
            : roll < 0.88
              ? 'track'
              : 'push';
  if (api === 'activate' || api === 'getVariationName' || api === 'isFeatureEnabled') return withOptions([key(), userId]);
  if (api === 'getFeatureVariableValue') return withOptions([key(), rng.pick(VARIABLE_KEYS), userId]);
  if (api === 'track') {
    const form = rng.next();
    const specifier = form < 0.35 ? key() : form < 0.6 ? Array.from({ length: rng.int(0, 3) }, key) : form < 0.95 ? null : undefined;
    const goal = rng.chance(0.04) ? 'nogoal' : rng.pick(['buy', 'rev']);
    return withOptions([specifier, userId, goal]);
  }
  if (rng.chance(0.5)) return { api: 'push', args: [rng.pick(TAG_KEYS), rng.pick(TAG_VALUES), userId] };
  return { api: 'push', args: [rng.pick(MAPS), userId] };
}

// --- comparison ----------------------------------------------------------------------------------

/** Type- and key-order-preserving text of a value (`5` ≠ `"5"`, `NaN` and `undefined` kept). */
function canon(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? String(value);
  if (Array.isArray(value)) return `[${value.map(canon).join(',')}]`;
  const object = value as Json;
  return `{${Object.keys(object)
    .map((k) => `${JSON.stringify(k)}:${canon(object[k])}`)
    .join(',')}}`;
}

/** A call as text for reports: JSON with `undefined` kept. */
function describeCall(call: Call): string {
  return `${call.api}(${call.args.map(canon).join(', ')})`;
}

interface Mismatch {
  seed: number;
  launch: Omit<Launch, 'now' | 'random'>;
  step: string;
  call: string;
  aspect: string;
  ours: unknown;
  reference: unknown;
}

const BATCH_ENDPOINT = '/server-side/batch-events';

/**
 * Our requests as 1.73.0 would send them where a listed difference applies: a track batch
 * (several campaigns, no batch queue) carries `visitor_ua`/`visitor_ip` as given in ours; 1.73.0
 * shifts the IP into `visitor_ua`. Returns a problem if ours does not carry them as given.
 */
function expectedFromOurs(ours: WireRequest[], call: Call, batching: boolean): { wire: WireRequest[]; problem?: string } {
  if (batching || call.api !== 'track') return { wire: ours };
  const options = (call.args[3] ?? {}) as Json;
  const ua = (options.userAgent as string | undefined) ?? '';
  const ip = (options.userIpAddress as string | undefined) ?? '';
  let problem: string | undefined;
  const wire = ours.map((request) => {
    if (request.method !== 'POST' || !request.endpoint.endsWith(BATCH_ENDPOINT)) return request;
    const body = request.body as { ev?: Json[] };
    const ev = (body.ev ?? []).map((event) => {
      if (event.eT !== 2) return event;
      if (event.visitor_ua !== ua || event.visitor_ip !== ip) {
        problem = `global-goal batch event carries visitor_ua ${canon(event.visitor_ua)} / visitor_ip ${canon(event.visitor_ip)}, expected ${canon(ua)} / ${canon(ip)}`;
      }
      return { ...event, visitor_ua: ip, visitor_ip: '' };
    });
    return { ...request, body: { ...body, ev } };
  });
  return { wire, problem };
}

/** Our result as 1.73.0 would answer where a listed difference applies. */
function comparableResult(call: Call, ours: unknown, reference: unknown): { ours: string; reference: string } {
  // 1.73.0's push answers false to invalid arguments; ours answers null (listed).
  if (call.api === 'push' && reference === false && ours === null) return { ours: 'false', reference: 'false' };
  if (call.api === 'flushEvents' && ours !== null && typeof ours === 'object') {
    const { status, message, sent, failed, pending } = ours as Json;
    const counts = [sent, failed, pending].every((n) => Number.isInteger(n) && (n as number) >= 0);
    return { ours: canon(counts ? { status, message } : ours), reference: canon(reference) };
  }
  return { ours: canon(ours), reference: canon(reference) };
}

// --- the run -------------------------------------------------------------------------------------

interface Side {
  storage: RecordingStorage | undefined;
  hooks: string[];
  flushed: string[];
}

function flushCallbackInto(side: Side) {
  return (error: unknown, payload: string) => {
    side.flushed.push(`${error === null ? 'ok' : `error ${String(error)}`} ${canon(JSON.parse(payload))}`);
  };
}

async function settle(client: VWOClient, batching: boolean): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (i >= 1 && (batching || client.eventStats().pending === 0)) return;
  }
}

let https: ReturnType<typeof interceptHttps>;
beforeAll(() => {
  https = interceptHttps();
  // The batch queues' timers of both SDKs run on one fake clock that `wait` calls move on.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterAll(() => {
  vi.useRealTimers();
  https.restore();
  unpinReferenceClock();
});

describe('the client agrees with vwo-node-sdk 1.73.0 launched for real', () => {
  it(`call by call: results, storage, requests, callbacks (${TARGET_CASES}+ calls over ${MIN_FILES}+ files)`, async () => {
    const mismatches: Mismatch[] = [];
    const counts = { cases: 0, files: 0, requests: 0, batchFiles: 0, eventArchFiles: 0, storageFiles: 0, optOutFiles: 0 };
    const seen = new Map<string, number>();
    const note = (what: string, times = 1) => seen.set(what, (seen.get(what) ?? 0) + times);
    /** What this call exercised, as seen on the reference's side. */
    const noteCoverage = (call: Call, result: unknown, requests: CapturedRequest[], side: Side, batching: boolean) => {
      const answered =
        call.api !== 'wait' &&
        result !== null &&
        result !== false &&
        !(typeof result === 'object' && Object.values(result as Json).every((v) => v !== true));
      if (answered) note(`${call.api} answered`);
      if (call.api === 'push' && result === false) note('push false (ours null)');
      if (call.api === 'wait' && requests.length > 0) note('batch sent by the timer');
      for (const request of requests) {
        const wire = wireRequest(request);
        note(`${request.method} ${new URL(wire.endpoint).pathname.replace(/^\/eu\//, '/')}`);
        if (wire.endpoint.includes('/eu/')) note('collection prefix');
        if (!batching && call.api === 'track' && request.method === 'POST' && wire.endpoint.endsWith(BATCH_ENDPOINT)) {
          const options = (call.args[3] ?? {}) as Json;
          note(options.userIpAddress || options.userAgent ? 'global-goal batch with UA/IP (listed difference)' : 'global-goal batch');
        }
      }
      note('storage writes', side.storage?.writes.length ?? 0);
      note('integrations payloads', side.hooks.length);
      note('flushCallback calls', side.flushed.length);
    };

    for (let seed = FIRST_SEED; counts.files < MIN_FILES || counts.cases < TARGET_CASES; seed++) {
      const rng = new Random(seed);
      const file = settingsFile(rng);
      const launch = launchFor(rng);
      const eventArch = file.isEventArchEnabled === true;
      const batching = launch.batchEvents !== undefined;
      counts.files++;
      if (batching) counts.batchFiles++;
      if (eventArch) counts.eventArchFiles++;
      if (launch.storage) counts.storageFiles++;
      if (launch.optOut) counts.optOutFiles++;

      const ourStorage = launch.asyncStorage ? new AsyncRecordingStorage() : new RecordingStorage();
      const ourSide: Side = { storage: launch.storage ? ourStorage : undefined, hooks: [], flushed: [] };
      const refSide: Side = { storage: launch.storage ? new RecordingStorage() : undefined, hooks: [], flushed: [] };
      const transport = new RecordingTransport();

      const common = {
        ...(launch.shouldTrackReturningUser === undefined ? {} : { shouldTrackReturningUser: launch.shouldTrackReturningUser }),
        ...(launch.goalTypeToTrack === undefined ? {} : { goalTypeToTrack: launch.goalTypeToTrack }),
      };
      const config: ClientConfig = {
        settings: parsed(file),
        transport,
        logger: silentLogger,
        logLevel: 'silent',
        usage: { logLevel: launch.logLevel },
        now: () => launch.now,
        random: () => launch.random,
        ...common,
        ...(ourSide.storage ? { userStorage: ourSide.storage as never } : {}),
        ...(launch.batchEvents ? { batchEvents: { ...launch.batchEvents, flushCallback: flushCallbackInto(ourSide) } } : {}),
        ...(launch.integrations ? { integrations: { callback: (p: DecisionProperties) => ourSide.hooks.push(canon(p)) } } : {}),
      };
      const ours = core.createClient(config);

      pinReferenceClock(launch.now, launch.random);
      const ref = launchLive(
        file,
        {
          ...common,
          ...(refSide.storage ? { userStorageService: refSide.storage } : {}),
          ...(launch.batchEvents ? { batchEvents: { ...launch.batchEvents, flushCallback: flushCallbackInto(refSide) } } : {}),
          ...(launch.integrations ? { integrations: { callback: (p: unknown) => refSide.hooks.push(canon(p)) } } : {}),
        },
        launch.logLevel,
      );
      https.take();

      const { now: _now, random: _random, ...launchReport } = launch;
      const types = new Map((file.campaigns as { key: string; type: string }[]).map((c) => [c.key, c.type]));
      const keys = [...types.keys()];
      const compare = (step: string, call: Call, aspect: string, a: unknown, b: unknown) => {
        if (a !== b) mismatches.push({ seed, launch: launchReport, step, call: describeCall(call), aspect, ours: a, reference: b });
      };

      const runCall = async (step: string, call: Call) => {
        counts.cases++;
        let refResult: unknown;
        let ourResult: unknown;
        if (call.api === 'wait') vi.advanceTimersByTime(call.args[0] as number);
        else refResult = await (ref[call.api] as (...args: unknown[]) => unknown).apply(ref, structuredClone(call.args));
        const refRequests = https.take();
        if (call.api !== 'wait')
          ourResult = await (ours[call.api] as (...args: unknown[]) => Promise<unknown>).apply(ours, structuredClone(call.args));
        await settle(ours, batching);
        const ourRequests = transport.take();
        counts.requests += refRequests.length;
        noteCoverage(call, refResult, refRequests, refSide, batching);
        const result = comparableResult(call, ourResult, refResult);
        compare(step, call, 'result', result.ours, result.reference);
        if (ourSide.storage && refSide.storage) {
          compare(step, call, 'storage writes', ourSide.storage.takeWrites().join('\n'), refSide.storage.takeWrites().join('\n'));
          compare(step, call, 'storage contents', ourSide.storage.snapshot(), refSide.storage.snapshot());
        }
        const ourWire = ourRequests.map(wireRequest);
        const expected = expectedFromOurs(ourWire, call, batching);
        if (expected.problem) compare(step, call, 'listed difference not as promised', expected.problem, undefined);
        compare(step, call, 'requests', JSON.stringify(expected.wire, null, 1), JSON.stringify(refRequests.map(wireRequest), null, 1));
        // Byte for byte as well: parameter order, encoding and the body text as sent, except the
        // bodies a listed difference rewrites (global-goal batches with a user agent or IP).
        compare(step, call, 'URLs as sent', ourRequests.map((r) => r.url).join('\n'), refRequests.map((r) => r.url).join('\n'));
        const bodies = (requests: CapturedRequest[]) =>
          requests.map((r, i) => (expected.wire[i] === ourWire[i] ? (r.body ?? '') : '(a listed difference)')).join('\n');
        compare(step, call, 'bodies as sent', bodies(ourRequests), bodies(refRequests));
        for (const request of ourRequests) {
          if (!contentLengthOk(request))
            compare(step, call, 'Content-Length', JSON.stringify(request.headers), 'the byte length of the body');
        }
        compare(step, call, 'integrations callback', ourSide.hooks.join('\n'), refSide.hooks.join('\n'));
        compare(step, call, 'flushCallback', ourSide.flushed.join('\n'), refSide.flushed.join('\n'));
        ourSide.hooks = [];
        refSide.hooks = [];
        ourSide.flushed = [];
        refSide.flushed = [];
      };

      for (let u = 0; u < USERS_PER_FILE; u++) {
        const user: User = {
          id: generate.userId(rng),
          vars: generate.variables(rng),
          vtv: generate.variables(rng),
          favourites: Array.from({ length: rng.int(1, 3) }, () => rng.pick(keys)),
        };
        if (ourSide.storage && refSide.storage && rng.chance(0.2)) {
          // A record from an earlier run: maybe stale, maybe with goals already converted.
          const campaignKey = rng.pick(user.favourites);
          const record: Json = { userId: user.id, variationName: rng.pick(STORED_NAMES), campaignKey };
          const goalIdentifier = rng.pick(STORED_GOALS);
          if (goalIdentifier !== undefined) record.goalIdentifier = goalIdentifier;
          for (const storage of [ourSide.storage, refSide.storage]) storage.records.set(`${user.id}\u0000${campaignKey}`, { ...record });
        }
        const calls = rng.int(6, 14);
        for (let i = 0; i < calls; i++) {
          await runCall(`user ${u} call ${i}`, nextCall(rng, types, user, eventArch, launch));
        }
      }
      if (launch.optOut) {
        // 1.73.0 flushes its batch queue, then answers null/false to everything and sends nothing.
        // (Its flushEvents then throws, so it is not called.)
        await runCall('opt-out', { api: 'setOptOut', args: [] });
        for (let u = 0; u < 2; u++) {
          const user: User = { id: generate.userId(rng), vars: {}, vtv: {}, favourites: keys };
          for (let i = 0; i < 4; i++) {
            const call = nextCall(rng, types, user, eventArch, launch);
            if (call.api !== 'flushEvents' && call.api !== 'wait') await runCall(`after opt-out ${u} call ${i}`, call);
          }
        }
      } else {
        await runCall('end of file', { api: 'flushEvents', args: [] });
      }
      await ours.close();
    }

    if (process.env.DIFF_DEBUG) console.log(counts, [...seen.entries()].sort());
    const report = mismatches
      .slice(0, 6)
      .map((m) => JSON.stringify(m, null, 1))
      .join('\n');
    expect(mismatches.length, `${mismatches.length} mismatches; the first ones:\n${report}`).toBe(0);
    expect(counts.cases).toBeGreaterThanOrEqual(TARGET_CASES);
    if (MIN_FILES > 1) {
      // The default run exercised every path it is meant to compare, many times over.
      const expected: [string, number][] = [
        ['activate answered', 500],
        ['getVariationName answered', 300],
        ['isFeatureEnabled answered', 500],
        ['getFeatureVariableValue answered', 300],
        ['track answered', 500],
        ['push answered', 500],
        ['flushEvents answered', 50],
        ['setOptOut answered', 30],
        ['batch sent by the timer', 20],
        ['push false (ours null)', 100],
        ['GET /server-side/track-user', 500],
        ['GET /server-side/track-goal', 100],
        ['GET /server-side/push', 300],
        ['POST /server-side/batch-events', 500],
        ['POST /events/t', 300],
        ['collection prefix', 100],
        ['global-goal batch', 30],
        ['global-goal batch with UA/IP (listed difference)', 30],
        ['storage writes', 500],
        ['integrations payloads', 500],
        ['flushCallback calls', 100],
      ];
      for (const [what, atLeast] of expected) expect(seen.get(what) ?? 0, what).toBeGreaterThanOrEqual(atLeast);
      expect(counts.batchFiles).toBeGreaterThan(30);
      expect(counts.eventArchFiles).toBeGreaterThan(30);
      expect(counts.storageFiles).toBeGreaterThan(30);
    }
  });
});
