import { type FmeClient, type Logger, type LogLevel, safeLogger, type VWOClient, VWOConfigError } from '@vwo/core';

/** A client of either API: `launch` (FullStack, `VWOClient`) or `init` (FME, `FmeClient`). */
export type AnyVWOClient = VWOClient | FmeClient;

/**
 * Where a provider gets its VWO client — a FullStack client (`launch`) or an FME client
 * (`init`): one you created (you keep closing it), or a function that creates one when
 * OpenFeature initializes the provider (the provider closes it).
 *
 * @example
 * new VWOServerProvider({ client: await launch({ settingsFile }) });
 * new VWOServerProvider({ launch: () => launch({ accountId: 123456, sdkKey: 'your-sdk-key' }) });
 * new VWOServerProvider({ launch: () => init({ accountId: 123456, sdkKey: 'your-sdk-key' }) });
 */
export type VWOClientSource =
  | {
      /** A client you created: the provider never closes it. */
      readonly client: VWOClient | FmeClient;
    }
  | {
      /** Creates the client when the provider is initialised; the provider closes it on `onClose`. */
      readonly launch: () => VWOClient | FmeClient | Promise<VWOClient | FmeClient>;
    };

/** Options shared by the server and the web provider. */
export interface VWOProviderOptions {
  /** Separates the campaign key from the variable key in a flag key (`'checkout.label'`). Default `'.'`. */
  readonly variableSeparator?: string;
  /** The context attribute (an object) passed as `variationTargetingVariables`. Default `'variationTargetingVariables'`. */
  readonly targetingAttribute?: string;
  /**
   * How often (ms) the provider looks at `client.settings` to notice new settings (polling,
   * `getAndUpdateSettingsFile`, `updateSettings`) and emit `PROVIDER_CONFIGURATION_CHANGED`.
   * The check compares one reference; the timer never keeps a process alive. `0` turns it off.
   * Default 1000.
   */
  readonly settingsCheckInterval?: number;
  /** Where the provider writes its own lines (tracking without a user, a failed launch). Default: console. */
  readonly logger?: Logger;
  /** Default `'error'`. */
  readonly logLevel?: LogLevel;
}

export interface ProviderSetup {
  readonly source: VWOClientSource;
  readonly separator: string;
  readonly targetingAttribute: string;
  readonly checkInterval: number;
  /** Never throws, whatever logger the user gave. */
  readonly log: Logger;
}

const DEFAULT_CHECK_INTERVAL_MS = 1000;

/** Validates the constructor arguments; throws a {@link VWOConfigError} naming the bad one. */
export function readSetup(source: unknown, options: unknown): ProviderSetup {
  if (typeof source !== 'object' || source === null) throw new VWOConfigError('source', 'expected { client } or { launch }');
  const { client, launch } = source as { client?: unknown; launch?: unknown };
  if (client !== undefined && launch !== undefined) throw new VWOConfigError('source', 'give either client or launch, not both');
  if (launch !== undefined) {
    if (typeof launch !== 'function') throw new VWOConfigError('launch', 'expected a function that resolves a VWO client');
  } else if (!isClient(client) && !isFmeClient(client)) {
    throw new VWOConfigError(
      'client',
      'expected a VWO client (launch() or init() from @vwo/node, createClient() or createFmeClient() from @vwo/core)',
    );
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new VWOConfigError('options', 'expected an object');
  const {
    variableSeparator = '.',
    targetingAttribute = 'variationTargetingVariables',
    settingsCheckInterval,
    logger,
    logLevel,
  } = (options ?? {}) as VWOProviderOptions;
  if (typeof variableSeparator !== 'string' || variableSeparator === '')
    throw new VWOConfigError('variableSeparator', 'expected a non-empty string');
  if (typeof targetingAttribute !== 'string' || targetingAttribute === '' || targetingAttribute === 'targetingKey')
    throw new VWOConfigError('targetingAttribute', 'expected a non-empty string other than "targetingKey"');
  const checkInterval = settingsCheckInterval ?? DEFAULT_CHECK_INTERVAL_MS;
  if (typeof checkInterval !== 'number' || !(checkInterval >= 0) || !Number.isFinite(checkInterval))
    throw new VWOConfigError('settingsCheckInterval', 'expected a number of milliseconds ≥ 0');
  return {
    source: source as VWOClientSource,
    separator: variableSeparator,
    targetingAttribute,
    checkInterval,
    log: safeLogger(logger, logLevel),
  };
}

const CLIENT_METHODS = ['explain', 'activate', 'isFeatureEnabled', 'getFeatureVariableValue', 'track', 'close'];

export function isClient(value: unknown): value is VWOClient {
  if (typeof value !== 'object' || value === null) return false;
  const client = value as Record<string, unknown>;
  return CLIENT_METHODS.every((name) => typeof client[name] === 'function') && typeof client.settings === 'object';
}

const FME_CLIENT_METHODS = ['getFlag', 'trackEvent', 'explain', 'close'];

/** An FME client (`init` of `@vwo/node`, `createFmeClient` of `@vwo/core`): its `settings` are `undefined` while invalid. */
export function isFmeClient(value: unknown): value is FmeClient {
  if (typeof value !== 'object' || value === null || !('settings' in value)) return false;
  const client = value as Record<string, unknown>;
  return FME_CLIENT_METHODS.every((name) => typeof client[name] === 'function');
}
