/**
 * 1.35.0's browser build gives every context without a `userAgent` the page's
 * `navigator.userAgent` (its ContextModel): events carry it as `visitor_ua` and user-agent
 * segments read it. The core reads no platform API, so the page's value is added here, to a copy
 * of the caller's context (1.35.0 does not write it into the caller's object either).
 */
import type { FmeClient, FmeUserContext } from '@vwo/core';

function isPlainContext(value: unknown): value is FmeUserContext {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Runs `call` with `context`, given `userAgent` when it has none (`undefined`, `null`, `''`, as
 * 1.35.0's `!context.userAgent`). Aliasing replaces `id` in the context it is given, as 1.35.0
 * does in the caller's object: that replacement is copied back.
 */
async function withUserAgent<T>(context: unknown, userAgent: string, call: (context: unknown) => Promise<T>): Promise<T> {
  if (!isPlainContext(context) || context.userAgent) return call(context);
  const copy: FmeUserContext = { ...context, userAgent };
  try {
    return await call(copy);
  } finally {
    if (copy.id !== context.id) context.id = copy.id;
  }
}

/**
 * `client` with `userAgent` (the page's `navigator.userAgent`) as the default of every call's
 * `context.userAgent`; `client` itself when there is none (no `XMLHttpRequest`, as 1.35.0 tells
 * a page from a worker or an edge runtime).
 */
export function withPageUserAgent(client: FmeClient, userAgent: string | undefined): FmeClient {
  if (userAgent === undefined) return client;
  // The prototype keeps `settings` (a getter) and every other method as the client answers them.
  const wrapped: FmeClient = Object.create(client);
  return Object.assign(wrapped, {
    getFlag: (featureKey: string, context: FmeUserContext) =>
      withUserAgent(context, userAgent, (c) => client.getFlag(featureKey, c as FmeUserContext)),
    explain: (featureKey: string, context: FmeUserContext) =>
      withUserAgent(context, userAgent, (c) => client.explain(featureKey, c as FmeUserContext)),
    trackEvent: (eventName: string, context: FmeUserContext, eventProperties?: Record<string, unknown>) =>
      withUserAgent(context, userAgent, (c) => client.trackEvent(eventName, c as FmeUserContext, eventProperties)),
    setAttribute: (...args: unknown[]) => {
      // (key, value, context) or (attributes, context).
      const at = typeof args[0] === 'object' && args[0] !== null ? 1 : 2;
      return withUserAgent(args[at], userAgent, (c) => {
        const withContext = [...args];
        withContext[at] = c;
        return (client.setAttribute as (...a: unknown[]) => Promise<void>)(...withContext);
      });
    },
  });
}
