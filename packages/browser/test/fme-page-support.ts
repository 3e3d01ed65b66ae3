/**
 * What the FME Chromium differentials share: this package bundled for a page, 1.35.0's own
 * browser build, and a request written with only its random and clock values masked.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundleForPage, maskFmeEnvelope, maskFmeQuery } from '@vwo/test-support';

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
  return maskFmeQuery(url);
}

/** An event body with its ids and clock readings masked (`msgId`'s time, `sessionId`, `time`, init timings, `eventId`, `sId`); any other body as it is. */
export function maskedBody(body: string): string {
  if (!body.startsWith('{"d"')) return body;
  const parsed = JSON.parse(body) as { d: Record<string, unknown> };
  maskFmeEnvelope(parsed.d);
  return JSON.stringify(parsed);
}
