/**
 * The user-event requests of vwo-fme-node-sdk 1.35.0 (fme/events.md §1, §3–§5),
 * built as data: the client sends it with its transport. Clock and random values are
 * parameters, so the request is a pure function of its inputs.
 */
import { encodeComponent, utf8Length } from '../../events/encoding.js';
import { visitorUuid } from '../../events/uuid.js';
import { writeImpression } from './impression-writer.js';

/** The FME SDK identity every event carries. */
export const FME_SDK_NAME = 'vwo-fme-node-sdk';
/** The vwo-fme-node-sdk version reproduced, sent as `sv` / `vwo_sdkVersion`. */
export const FME_SDK_VERSION = '1.35.0';
/** Which SDK the requests say sent them (`sn`/`sv`, `vwo_sdkName`/`vwo_sdkVersion`, `vwoMeta`, the settings URL's `platform`). */
export interface FmeSdkIdentity {
  /** `sn`, `vwo_sdkName`, `vwoMeta.sn`. */
  readonly name: string;
  /** `sv`, `vwo_sdkVersion`, `vwoMeta.sv`. */
  readonly version: string;
  /** The settings URL's `platform`: `server` (Node build) or `client` (browser build). */
  readonly platform: string;
}

/** vwo-fme-node-sdk 1.35.0's Node build (`Constants` with `PlatformEnum.SERVER`): every client's default. */
export const FME_NODE_SDK: FmeSdkIdentity = { name: FME_SDK_NAME, version: FME_SDK_VERSION, platform: 'server' };

/** vwo-fme-node-sdk 1.35.0's browser build (`dist/client/vwo-fme-javascript-sdk.js`, `PlatformEnum.CLIENT`). */
export const FME_BROWSER_SDK: FmeSdkIdentity = { name: 'vwo-fme-javascript-sdk', version: FME_SDK_VERSION, platform: 'client' };

/** FME's production host (its name notwithstanding). */
export const FME_HOST = 'dev.visualwebsiteoptimizer.com';

/** Who sends: the client's init options and the settings' collection prefix. */
export interface FmeEventSource {
  /** The init option `accountId`, as given (query `a`, the visitor-id namespace). */
  readonly accountId: string | number;
  /** The init option `sdkKey`. */
  readonly sdkKey: string;
  /** The settings host; `dev.visualwebsiteoptimizer.com` unless a gateway is configured. */
  readonly hostname?: string | undefined;
  /** The settings file's `collectionPrefix`: a path segment, on VWO's own host only. */
  readonly collectionPrefix?: string | undefined;
  /** The SDK the requests name; {@link FME_NODE_SDK} when absent. */
  readonly sdk?: FmeSdkIdentity | undefined;
}

/** The clock and random readings of one event (masked by a differential test). */
export interface FmeEventClock {
  /** `eTime`: `Date.now()` when the query was built. */
  readonly eTime: number;
  /** `random`: `Math.random()`. */
  readonly random: number;
  /** The `Date.now()` reading that ends `msgId`. */
  readonly msgTime: number;
  /** `event.time`: another `Date.now()` reading. */
  readonly eventTime: number;
  /** The call's session id: `ceil(Date.now() / 1000)` when the API call started. */
  readonly sessionId: number;
}

/** The part of the `getFlag` context an impression reads. */
export interface FmeImpressionContext {
  /** The user id; the visitor UUID is derived from it. */
  readonly id: string | number;
  /** Sent as `visitor_ua` and the `X-Device-User-Agent` header. */
  readonly userAgent?: string | null | undefined;
  /** Sent as `visitor_ip` and the `VWO-X-Forwarded-For` header. */
  readonly ipAddress?: string | null | undefined;
  /** The call's custom variables when the impression was made (they carry `_vwoUserId` by then). */
  readonly customVariables?: Readonly<Record<string, unknown>> | undefined;
  /** Names of custom variables copied into the visitor props when truthy. */
  readonly postSegmentationVariables?: readonly string[] | undefined;
}

/** A POST to `/events/t` as 1.35.0's network layer hands it to `http(s).request`. */
export interface FmeEventRequest {
  /** Always `POST`. */
  readonly method: 'POST';
  /** Always `https`. */
  readonly scheme: 'https';
  /** VWO's host, or the gateway's for user events when one is configured. */
  readonly hostname: string;
  /** Debug and usage events name port 443 explicitly; the others leave it unset. */
  readonly port?: number;
  /** Path with the collection prefix and the query (values not URL-encoded, as in 1.35.0). */
  readonly path: string;
  /** In 1.35.0's order; `Content-Length` is a number there, as here. */
  readonly headers: Readonly<Record<string, string | number>>;
  /** `JSON.stringify` of the body. */
  readonly body: string;
}

/** The part of a context that `trackEvent` and `setAttribute` requests read. */
export type FmeUserEventContext = Pick<FmeImpressionContext, 'id' | 'userAgent' | 'ipAddress'>;

/**
 * The envelope every user event shares (events.md §3): query, headers, `d` body. `eventProps`
 * and `visitorProps` are appended after the common ones, in their key order.
 */
/** `/events/t` with `query`, below the settings' `collectionPrefix` on VWO's own host only. */
export function fmeEventsPath(source: FmeEventSource, hostname: string, query: readonly (readonly [string, unknown])[]): string {
  const prefix = source.collectionPrefix && hostname === FME_HOST ? `/${source.collectionPrefix}` : '';
  return `${prefix}/events/t?${query.map(([key, value]) => `${key}=${String(value)}`).join('&')}`;
}

function userEventRequest(
  source: FmeEventSource,
  context: FmeUserEventContext,
  eventName: string,
  eventProps: Readonly<Record<string, unknown>>,
  visitorProps: Readonly<Record<string, unknown>>,
  clock: FmeEventClock,
): FmeEventRequest {
  const hostname = source.hostname ?? FME_HOST;
  const sdk = source.sdk ?? FME_NODE_SDK;
  // JavaScript default parameters: `undefined` becomes '', `null` stays `null`.
  const userAgent = context.userAgent === undefined ? '' : context.userAgent;
  const ipAddress = context.ipAddress === undefined ? '' : context.ipAddress;
  const query: [string, unknown][] = [
    ['en', eventName],
    ['a', source.accountId],
    ['eTime', clock.eTime],
    ['random', clock.random],
    ['p', 'FS'],
    // encodeURIComponent(undefined) is the text "undefined", as 1.35.0 sends it.
    ['visitor_ua', encodeComponent(String(context.userAgent))],
    ['visitor_ip', ipAddress],
    ['sn', sdk.name],
    ['sv', sdk.version],
    ['env', source.sdkKey],
    ['url', `https${hostname}/events/t`],
  ];
  const visId = visitorUuid(String(source.accountId), String(context.id));
  const body = JSON.stringify({
    d: {
      msgId: `${visId}-${clock.msgTime}`,
      visId,
      sessionId: clock.sessionId,
      visitor_ua: userAgent,
      visitor_ip: ipAddress,
      event: {
        props: { vwo_sdkName: sdk.name, vwo_sdkVersion: sdk.version, vwo_envKey: source.sdkKey, ...eventProps },
        name: eventName,
        time: clock.eventTime,
      },
      visitor: { props: { vwo_fs_environment: source.sdkKey, ...visitorProps } },
    },
  });
  const headers: Record<string, string | number> = {};
  if (userAgent) headers['X-Device-User-Agent'] = userAgent;
  if (ipAddress) headers['VWO-X-Forwarded-For'] = ipAddress;
  headers['Content-Type'] = 'application/json';
  headers['Content-Length'] = utf8Length(body);
  return {
    method: 'POST',
    scheme: 'https',
    hostname,
    path: fmeEventsPath(source, hostname, query),
    headers,
    body,
  };
}

/**
 * The `vwo_variationShown` impression for `(campaignId, variationId)` (events.md §4).
 *
 * Difference from 1.35.0: a lone surrogate in the user agent is encoded as U+FFFD in
 * `visitor_ua` (1.35.0's `encodeURIComponent` throws and the impression is never sent).
 */
export function fmeImpressionRequest(
  source: FmeEventSource,
  context: FmeImpressionContext,
  impression: { readonly campaignId: unknown; readonly variationId: unknown },
  clock: FmeEventClock,
): FmeEventRequest {
  const written = writeImpression(source, context, context.customVariables, impression.campaignId, impression.variationId, clock);
  if (written) {
    const { hostname, path, headers, body } = written;
    return { method: 'POST', scheme: 'https', hostname, path, headers: { ...headers, 'Content-Length': utf8Length(body) }, body };
  }
  const visitorProps: Record<string, unknown> = {};
  const variables = context.customVariables;
  const names = context.postSegmentationVariables;
  if (names && names.length > 0 && variables && Object.keys(variables).length > 0) {
    for (const name of names) if (variables[name]) visitorProps[name] = variables[name];
  }
  if (context.ipAddress) visitorProps.ip = context.ipAddress;
  const eventProps = { id: impression.campaignId, variation: impression.variationId, isFirst: 1 };
  return userEventRequest(source, context, 'vwo_variationShown', eventProps, visitorProps, clock);
}

/**
 * The custom event `trackEvent(eventName, context, eventProperties)` sends (events.md §4):
 * `isCustomEvent`, `variation: 1`, `id: 1`, then every own key of `eventProperties`, which may
 * overwrite those (and even `vwo_sdkName`), as in 1.35.0.
 */
export function fmeCustomEventRequest(
  source: FmeEventSource,
  context: FmeUserEventContext,
  eventName: string,
  eventProperties: Readonly<Record<string, unknown>>,
  clock: FmeEventClock,
): FmeEventRequest {
  return userEventRequest(source, context, eventName, { isCustomEvent: true, variation: 1, id: 1, ...eventProperties }, {}, clock);
}

/**
 * The `vwo_syncVisitorProp` event of `setAttribute` (events.md §5): one event for all
 * attributes. `settingsSdkKey` (the settings file's `sdkKey`) goes into the event props and
 * is dropped from the JSON when the file has none.
 */
export function fmeAttributeRequest(
  source: FmeEventSource,
  settingsSdkKey: string | undefined,
  context: FmeUserEventContext,
  attributes: Readonly<Record<string, unknown>>,
  clock: FmeEventClock,
): FmeEventRequest {
  return userEventRequest(
    source,
    context,
    'vwo_syncVisitorProp',
    { isCustomEvent: true, vwo_fs_environment: settingsSdkKey },
    attributes,
    clock,
  );
}
