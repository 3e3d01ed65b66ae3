// vwo-node-sdk 1.73.0, launched silently.
import https from 'node:https';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const reference = require('vwo-node-sdk');
const silent = { log() {} };
reference.setLogger(silent);

/** In development mode: it decides and queues events, and sends (and builds) no request. */
export function launchReference(file, extra = {}) {
  return quietLaunch({
    settingsFile: JSON.parse(JSON.stringify(file)),
    isDevelopmentMode: true,
    logging: { level: 4, logger: silent },
    ...extra,
  });
}

/**
 * For the workloads that send events, as @vwo/node does to its no-op transport: 1.73.0 has no
 * transport option, so this process's `https.request` and `https.get` are replaced by a request
 * that goes nowhere and never answers, and the reference runs in normal mode. It then builds
 * every request it would send (the batch's JSON body, its URL) as @vwo/node builds its own;
 * development mode skipped the batch body altogether (~1–3 % of the reference's pair). Each
 * comparison runs in processes of its own, and no other contender uses `node:https`.
 */
export function launchReferenceSending(file, extra = {}) {
  silenceHttps();
  return quietLaunch({ settingsFile: JSON.parse(JSON.stringify(file)), logging: { level: 4, logger: silent }, ...extra });
}

export const referenceRequests = { sent: 0, bytes: 0 };

function silenceHttps() {
  const request = () => {
    const outgoing = {
      on: () => outgoing,
      setTimeout: () => outgoing,
      write(chunk) {
        referenceRequests.bytes += chunk.length;
        return true;
      },
      end(chunk) {
        if (chunk) referenceRequests.bytes += chunk.length;
        referenceRequests.sent += 1;
        return outgoing;
      },
    };
    return outgoing;
  };
  https.request = request;
  https.get = (...args) => request(...args).end();
}

function quietLaunch(config) {
  // 1.73.0 reports accepted launch options with console.info, whatever the log level.
  const info = console.info;
  console.info = () => {};
  try {
    return reference.launch(config);
  } finally {
    console.info = info;
  }
}
