/**
 * The events vwo-fme-node-sdk 1.35.0 sends about itself (fme/events.md §6–§7): `vwo_sdkDebug`
 * (error logs and flag decisions), `vwo_fmeSdkInit` and `vwo_sdkUsageStats`, built as data like
 * the user events of requests.ts. Clock and random values are parameters.
 */
import { utf8Length } from '../../events/encoding.js';
import { visitorUuid } from '../../events/uuid.js';
import { FME_HOST, FME_NODE_SDK, type FmeEventClock, type FmeEventRequest, type FmeEventSource, fmeEventsPath } from './requests.js';

interface Envelope {
  readonly eventName: string;
  /** Query `a`. */
  readonly account: unknown;
  /** Query `env` and the `vwo_envKey` / `vwo_fs_environment` props; absent for usage stats. */
  readonly envKey: string | undefined;
  /** `null` for debug and usage events, `''` for the init event (1.35.0 sends the text). */
  readonly queryVisitor: '' | null;
  /** Debug and usage events go to VWO's host on port 443 whatever the gateway. */
  readonly toVwo: boolean;
  readonly visId: string;
  readonly eventProps: Readonly<Record<string, unknown>>;
  /** Debug events carry only `vwoMeta`: no SDK name, version or env key in the props. */
  readonly sdkProps: boolean;
}

function sdkEventRequest(source: FmeEventSource, envelope: Envelope, clock: FmeEventClock): FmeEventRequest {
  const hostname = envelope.toVwo ? FME_HOST : (source.hostname ?? FME_HOST);
  const sdk = source.sdk ?? FME_NODE_SDK;
  const query: [string, unknown][] = [
    ['en', envelope.eventName],
    ['a', envelope.account],
    ['eTime', clock.eTime],
    ['random', clock.random],
    ['p', 'FS'],
    ['visitor_ua', envelope.queryVisitor],
    ['visitor_ip', envelope.queryVisitor],
    ['sn', sdk.name],
    ['sv', sdk.version],
  ];
  if (envelope.envKey !== undefined) query.push(['env', envelope.envKey]);
  query.push(['url', `https${source.hostname ?? FME_HOST}/events/t`]);
  const props: Record<string, unknown> = {};
  if (envelope.sdkProps) {
    props.vwo_sdkName = sdk.name;
    props.vwo_sdkVersion = sdk.version;
    if (envelope.envKey !== undefined) props.vwo_envKey = envelope.envKey;
  }
  Object.assign(props, envelope.eventProps);
  const d: Record<string, unknown> = {
    msgId: `${envelope.visId}-${clock.msgTime}`,
    visId: envelope.visId,
    sessionId: clock.sessionId,
    visitor_ua: '',
    visitor_ip: '',
    event: { props, name: envelope.eventName, time: clock.eventTime },
  };
  if (envelope.envKey !== undefined) d.visitor = { props: { vwo_fs_environment: envelope.envKey } };
  const body = JSON.stringify({ d });
  return {
    method: 'POST',
    scheme: 'https',
    hostname,
    ...(envelope.toVwo ? { port: 443 } : {}),
    path: fmeEventsPath(source, hostname, query),
    headers: { 'Content-Type': 'application/json', 'Content-Length': utf8Length(body) },
    body,
  };
}

/** The visitor id of the SDK's own events: the "user" `<accountId>_<sdkKey>` (events.md §3.4). */
export function fmeSdkVisitorId(source: FmeEventSource, namespaceAccount: unknown = source.accountId): string {
  return visitorUuid(String(namespaceAccount), `${String(source.accountId)}_${source.sdkKey}`);
}

/**
 * A `vwo_sdkDebug` event (events.md §6): `vwoMeta` = `meta` in its order, then `uuid` and `sId`
 * when missing, then the SDK's fields. `visId` is `meta.uuid` when given, else the SDK's
 * visitor id; `sessionId` is `meta.sId` when given.
 */
export function fmeDebugEventRequest(
  source: FmeEventSource,
  meta: Readonly<Record<string, unknown>>,
  eventId: string,
  clock: FmeEventClock,
): FmeEventRequest {
  const visId = typeof meta.uuid === 'string' ? meta.uuid : fmeSdkVisitorId(source);
  const sessionId = typeof meta.sId === 'number' ? meta.sId : clock.sessionId;
  const vwoMeta: Record<string, unknown> = { ...meta };
  if (!('uuid' in vwoMeta)) vwoMeta.uuid = visId;
  if (!('sId' in vwoMeta)) vwoMeta.sId = sessionId;
  Object.assign(vwoMeta, {
    a: source.accountId,
    product: 'fme',
    sn: (source.sdk ?? FME_NODE_SDK).name,
    sv: (source.sdk ?? FME_NODE_SDK).version,
    eventId,
  });
  return sdkEventRequest(
    source,
    {
      eventName: 'vwo_sdkDebug',
      account: source.accountId,
      envKey: source.sdkKey,
      queryVisitor: null,
      toVwo: true,
      visId,
      eventProps: { vwoMeta },
      sdkProps: false,
    },
    { ...clock, sessionId },
  );
}

/** `vwo_fmeSdkInit` (events.md §7): sent by `init` when the settings were valid as fetched or given. */
export function fmeSdkInitRequest(
  source: FmeEventSource,
  timings: { readonly settingsFetchTime: number; readonly sdkInitTime: number },
  clock: FmeEventClock,
): FmeEventRequest {
  return sdkEventRequest(
    source,
    {
      eventName: 'vwo_fmeSdkInit',
      account: source.accountId,
      envKey: source.sdkKey,
      queryVisitor: '',
      toVwo: false,
      visId: fmeSdkVisitorId(source),
      eventProps: {
        vwo_fs_environment: source.sdkKey,
        product: 'fme',
        data: { isSDKInitialized: true, settingsFetchTime: timings.settingsFetchTime, sdkInitTime: timings.sdkInitTime },
      },
      sdkProps: true,
    },
    clock,
  );
}

/** `vwo_sdkUsageStats` (events.md §7): to the settings' `usageStatsAccountId`, without env key nor visitor. */
export function fmeUsageStatsRequest(
  source: FmeEventSource,
  usageStatsAccountId: unknown,
  stats: Readonly<Record<string, unknown>>,
  clock: FmeEventClock,
): FmeEventRequest {
  return sdkEventRequest(
    source,
    {
      eventName: 'vwo_sdkUsageStats',
      account: usageStatsAccountId,
      envKey: undefined,
      queryVisitor: null,
      toVwo: true,
      visId: fmeSdkVisitorId(source, usageStatsAccountId),
      eventProps: { product: 'fme', vwoMeta: stats },
      sdkProps: true,
    },
    clock,
  );
}
