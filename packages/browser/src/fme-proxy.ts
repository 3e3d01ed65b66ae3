import type { Logger, Transport } from '@vwo/core';

/** Where the FME client addresses VWO (every request 1.35.0 does not send to a gateway). */
/** VWO's origin, which every request of 1.35.0's browser build is addressed to unless a proxy or gateway is given. */
export const VWO_ORIGIN = 'https://dev.visualwebsiteoptimizer.com';

/**
 * The origin of `proxyUrl` as 1.35.0's browser build reads it: a URL with `http://` or
 * `https://` as given, anything else behind `https://`; only scheme, host and port count (a path
 * is ignored, as 1.35.0 ignores it). `undefined`, logged, when it is no URL.
 *
 * @example
 * proxyOrigin('http://127.0.0.1:8080', log); // 'http://127.0.0.1:8080'
 */
export function proxyOrigin(proxyUrl: string, log: Logger): string | undefined {
  try {
    const given = proxyUrl.startsWith('http://') || proxyUrl.startsWith('https://') ? proxyUrl : `https://${proxyUrl}`;
    const url = new URL(given);
    if (!url.hostname) throw new Error('no host');
    return `${url.protocol}//${url.host}`;
  } catch {
    log.error(`proxyUrl: "${proxyUrl}" is not a URL; requests go to VWO`);
    return undefined;
  }
}

/**
 * Sends what the client addresses to VWO's host to `origin` instead, path and query unchanged
 * (1.35.0's `proxyUrl`: settings, events, debug and usage events alike). Requests to a gateway
 * are left alone.
 *
 * @example
 * const transport = proxiedTransport(pageTransport, 'https://vwo-proxy.example.com');
 */
export function proxiedTransport(transport: Transport, origin: string): Transport {
  // Events are addressed to the proxy's host name (see `proxyHostname`), without its scheme and port.
  const named = `https://${proxyHostname(origin)}`;
  return {
    send(request) {
      for (const given of [VWO_ORIGIN, named]) {
        if (request.url.startsWith(`${given}/`)) return transport.send({ ...request, url: origin + request.url.slice(given.length) });
      }
      return transport.send(request);
    },
  };
}

/**
 * The host name of a {@link proxyOrigin}: 1.35.0's browser build takes it as its host, so its
 * events name it in their `url` query (`url=https<host>/events/t`) and carry no collection prefix.
 */
export function proxyHostname(origin: string): string {
  return new URL(origin).hostname;
}
