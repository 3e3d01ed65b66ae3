/**
 * What the FME Chromium differentials share: this package bundled for a page, 1.35.0's own
 * browser build, and a request written with only its random and clock values masked.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundleForPage } from '@vwo/test-support';

/** `@vwo/browser` (the built package) as one script for a page, exposing the global `VWO`. */
export function browserSdkScript(): Promise<string> {
  return bundleForPage(new URL('../dist/index.js', import.meta.url), { globalName: 'VWO' });
}

/** vwo-fme-node-sdk 1.35.0's browser build (global `vwoSdk`): the file its `browser` export condition names, beside the server build `require` resolves. */
export function referenceBrowserScript(): string {
  return readFileSync(
    new URL('../client/vwo-fme-javascript-sdk.min.js', `file://${createRequire(import.meta.url).resolve('vwo-fme-node-sdk')}`),
    'utf8',
  );
}

/** `r`, `random` and `eTime` of a query masked. */
export function maskedPath(url: string): string {
  return url.replace(/([?&])(eTime|random|r)=[^&]*/g, '$1$2=*');
}

/** An event body with its ids and clock readings masked (`msgId`'s time, `sessionId`, `time`, init timings, `eventId`, `sId`); any other body as it is. */
export function maskedBody(body: string): string {
  if (!body.startsWith('{"d"')) return body;
  const parsed = JSON.parse(body) as { d: Record<string, unknown> };
  const d = parsed.d;
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
  return JSON.stringify(parsed);
}
