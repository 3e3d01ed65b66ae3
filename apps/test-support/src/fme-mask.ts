/**
 * What the FME differential tests hide before they compare two SDKs' requests: the random and
 * clock values the spec's fme/events.md lists, and nothing else, so the rest is compared as sent.
 */

/** A request path with the values of `eTime`, `random` and `r` replaced by `*`. */
export function maskFmeQuery(path: string): string {
  return path.replace(/([?&])(eTime|random|r)=[^&]*/g, '$1$2=*');
}

/**
 * Masks, in place, the `d` of one event envelope: the time in `msgId`, `sessionId`, the event's
 * `time`, `sdkInitTime` and `settingsFetchTime` of its data, `eventId` and `sId` of its `vwoMeta`.
 */
export function maskFmeEnvelope(d: Record<string, unknown>): void {
  d.msgId = `${String(d.msgId).slice(0, String(d.msgId).lastIndexOf('-'))}-*`;
  d.sessionId = '*';
  const event = d.event as { time: unknown; props: Record<string, unknown> };
  event.time = '*';
  const data = event.props.data as Record<string, unknown> | undefined;
  if (data) {
    data.sdkInitTime = '*';
    data.settingsFetchTime = '*';
  }
  const meta = event.props.vwoMeta as Record<string, unknown> | undefined;
  if (meta && 'eventId' in meta) meta.eventId = '*';
  if (meta && 'sId' in meta) meta.sId = '*';
}
