// vwo-node-sdk 1.73.0 launched silently in development mode (it sends nothing).
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const reference = require('vwo-node-sdk');
const silent = { log() {} };
reference.setLogger(silent);

export function launchReference(file, extra = {}) {
  // 1.73.0 reports accepted launch options with console.info, whatever the log level.
  const info = console.info;
  console.info = () => {};
  try {
    return reference.launch({
      settingsFile: JSON.parse(JSON.stringify(file)),
      isDevelopmentMode: true,
      logging: { level: 4, logger: silent },
      ...extra,
    });
  } finally {
    console.info = info;
  }
}
