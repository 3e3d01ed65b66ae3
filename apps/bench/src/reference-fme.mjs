// vwo-fme-node-sdk 1.35.0 (its CommonJS Node build), started with a stub network client that
// answers every request with success and does no I/O, as packages/core/test/fme/support/reference.ts
// drives it. It keeps process-wide singletons (settings, network manager): each comparison runs
// in processes of its own, and only one reference client is started per process.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** What the stub network client was handed: every request 1.35.0 built, and its impressions. */
export const fmeReferenceRequests = { sent: 0, impressions: 0 };

const response = {
  getStatusCode: () => 200,
  getData: () => ({}),
  getTotalAttempts: () => 0,
  getError: () => undefined,
  setStatusCode: () => {},
  setData: () => {},
  setError: () => {},
  setTotalAttempts: () => {},
};

/**
 * The request is built in full by 1.35.0 (URL, headers, JSON body) before it reaches the client;
 * the client counts it and answers success at once.
 */
const capture = async (request) => {
  fmeReferenceRequests.sent += 1;
  if (request.getOptions().path.includes('en=vwo_variationShown')) fmeReferenceRequests.impressions += 1;
  return response;
};

/** `init` with the given settings and default options otherwise (no batching), logging nothing. */
export function initFmeReference(settings, { accountId, sdkKey }) {
  const sdk = require('vwo-fme-node-sdk');
  return sdk.init({
    accountId,
    sdkKey,
    settings: JSON.parse(JSON.stringify(settings)),
    network: { client: { GET: capture, POST: capture } },
    logger: { level: 'ERROR', transport: { log() {} } },
  });
}
