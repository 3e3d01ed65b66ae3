/** vwo-node-sdk 1.73.0, the reference we must agree with, launched silently and offline. */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export interface ReferenceSdk {
  getVariationName(campaignKey: string, userId: string, options?: object): string | null;
  isFeatureEnabled(campaignKey: string, userId: string, options?: object): boolean;
  getFeatureVariableValue(campaignKey: string, variableKey: string, userId: string, options?: object): unknown;
  activate(campaignKey: string, userId: string, options?: object): string | null;
}

interface ReferenceModule {
  launch(config: object): ReferenceSdk;
  setLogger(logger: { log(level: number, message: string): void }): void;
}

export const reference: ReferenceModule = require('vwo-node-sdk');
const silent = { log: () => undefined };
// 1.73.0 logs its launch checks before it reads the `logging` option: silence it process-wide.
reference.setLogger(silent);

/** A map-backed synchronous user storage, the contract of 1.73.0. */
export class MapStorage {
  readonly records = new Map<string, unknown>();

  get(userId: string, campaignKey: string): unknown {
    return this.records.get(`${userId}\u0000${campaignKey}`);
  }

  set(record: { userId: string; campaignKey: string }): void {
    this.records.set(`${record.userId}\u0000${record.campaignKey}`, record);
  }
}

/**
 * Launches the reference in development mode (it sends nothing). The file is deep-copied
 * first because 1.73.0 mutates the object it is given.
 */
export function launchReference(file: object, userStorageService?: MapStorage): ReferenceSdk {
  // 1.73.0 reports each launch option it accepts with console.info, whatever the log level.
  const info = console.info;
  console.info = () => undefined;
  try {
    return reference.launch({
      settingsFile: JSON.parse(JSON.stringify(file)),
      isDevelopmentMode: true,
      logging: { level: 4, logger: silent },
      ...(userStorageService ? { userStorageService } : {}),
    });
  } finally {
    console.info = info;
  }
}
