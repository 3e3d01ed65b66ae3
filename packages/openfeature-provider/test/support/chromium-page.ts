/**
 * The page script of web.chromium.test.ts, bundled by esbuild: the real `@openfeature/web-sdk`,
 * the web provider and `@vwo/browser` (`launch`, `init`), with the comparison each test runs in
 * the page. Expected values are the client's own calls for the same user, made after the
 * provider's answer was read (never `explain`, which the provider reads).
 */
import { OpenFeature, type TrackingEventDetails } from '@openfeature/web-sdk';
import { type FmeClient, init, launch, type VWOClient } from '@vwo/browser';
import { VWOWebProvider } from '../../src/web.js';

/** One user of a comparison: the OpenFeature context, and the same attributes as VWO custom variables. */
export interface PageUser {
  readonly id: string;
  readonly plan: string;
}

/** A legacy flag: a campaign (A/B: its variation name; feature: enabled) or one of its variables. */
export interface LegacyFlag {
  readonly campaignKey: string;
  readonly kind: 'variation' | 'feature' | 'variable';
  readonly variableKey?: string;
  /** The OpenFeature type asked for a variable. */
  readonly type?: 'boolean' | 'string' | 'number' | 'object';
}

/** One answer that differed between the provider and the client. */
export interface Difference {
  readonly user: string;
  readonly flag: string;
  readonly provider: unknown;
  readonly client: unknown;
}

const silent = { error() {}, warn() {}, info() {}, debug() {} };
OpenFeature.setLogger(silent);

/** Marks a value OpenFeature's default stands in for, so that no real answer can equal it by chance. */
const DEFAULTS = { boolean: false, string: '<default>', number: -987654, object: { default: true } } as const;

function evaluate(type: keyof typeof DEFAULTS, key: string): unknown {
  const flags = OpenFeature.getClient();
  if (type === 'boolean') return flags.getBooleanValue(key, DEFAULTS.boolean);
  if (type === 'string') return flags.getStringValue(key, DEFAULTS.string);
  if (type === 'number') return flags.getNumberValue(key, DEFAULTS.number);
  return flags.getObjectValue(key, DEFAULTS.object);
}

/** The OpenFeature type of each variable type an FME settings file declares. */
const DECLARED: Readonly<Record<string, keyof typeof DEFAULTS>> = {
  integer: 'number',
  double: 'number',
  boolean: 'boolean',
  string: 'string',
  json: 'object',
};

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The provider over a `launch` client in this page, against that client's calls for each user. */
async function compareLaunch(
  config: { accountId: number; sdkKey: string; collectorUrl: string },
  users: readonly PageUser[],
  flags: readonly LegacyFlag[],
): Promise<{ compared: number; differences: Difference[] }> {
  const client: VWOClient = await launch({ ...config, logLevel: 'silent' });
  await OpenFeature.setProviderAndWait(new VWOWebProvider({ client }, { settingsCheckInterval: 0 }));
  const differences: Difference[] = [];
  let compared = 0;
  for (const user of users) {
    await OpenFeature.setContext({ targetingKey: user.id, plan: user.plan });
    const options = { customVariables: { plan: user.plan } };
    for (const flag of flags) {
      const key = flag.kind === 'variable' ? `${flag.campaignKey}.${flag.variableKey}` : flag.campaignKey;
      const type = flag.kind === 'variation' ? 'string' : flag.kind === 'feature' ? 'boolean' : (flag.type ?? 'string');
      const provider = evaluate(type, key);
      let answer: unknown;
      if (flag.kind === 'variation') answer = await client.getVariationName(flag.campaignKey, user.id, options);
      else if (flag.kind === 'feature') answer = await client.isFeatureEnabled(flag.campaignKey, user.id, options);
      else answer = await client.getFeatureVariableValue(flag.campaignKey, flag.variableKey ?? '', user.id, options);
      const expected = answer === null || answer === undefined ? DEFAULTS[type] : answer;
      compared++;
      if (!same(provider, expected)) differences.push({ user: user.id, flag: key, provider, client: expected });
    }
  }
  return { compared, differences };
}

/** The provider over an `init` client in this page, against `getFlag` of that client for each user. */
async function compareInit(
  config: { accountId: number; sdkKey: string; proxyUrl: string },
  users: readonly PageUser[],
  featureKeys: readonly string[],
): Promise<{ compared: number; differences: Difference[]; client: FmeClient }> {
  const client = await init({ ...config, logger: { level: 'ERROR', transport: { log: () => undefined } } });
  await OpenFeature.setProviderAndWait(new VWOWebProvider({ client }, { settingsCheckInterval: 0 }));
  const differences: Difference[] = [];
  let compared = 0;
  for (const user of users) {
    await OpenFeature.setContext({ targetingKey: user.id, plan: user.plan });
    // The provider's answers first: its own getFlag sends the impressions a user's first evaluation sends.
    const provided = featureKeys.map((key) => evaluate('boolean', key));
    const context = { id: user.id, customVariables: { plan: user.plan } };
    for (const [i, key] of featureKeys.entries()) {
      const flag = await client.getFlag(key, context);
      compared++;
      if (!same(provided[i], flag.isEnabled()))
        differences.push({ user: user.id, flag: key, provider: provided[i], client: flag.isEnabled() });
      for (const variable of flag.getVariables() as { key: string; type: string; value: unknown }[]) {
        // Asked by the type the variable declares; a value of another kind is OpenFeature's default (README).
        const type = DECLARED[variable.type] ?? 'string';
        const value = variable.value;
        const fits = type === 'object' ? typeof value === 'object' && value !== null && !Array.isArray(value) : typeof value === type;
        const expected = fits ? value : DEFAULTS[type];
        const provider = evaluate(type, `${key}.${variable.key}`);
        compared++;
        if (!same(provider, expected)) differences.push({ user: user.id, flag: `${key}.${variable.key}`, provider, client: expected });
      }
    }
  }
  return { compared, differences, client };
}

/** `track` through OpenFeature: the provider maps it to the client's `track` / `trackEvent`. */
function track(name: string, details: TrackingEventDetails): void {
  OpenFeature.getClient().track(name, details);
}

/** What this script puts on the page's global object, for `page.evaluate`. */
export interface ProviderPage {
  readonly compareLaunch: typeof compareLaunch;
  readonly compareInit: typeof compareInit;
  readonly track: typeof track;
}

/** The page's global object as the tests see it (this package's tests compile without DOM types). */
const pageGlobal = (): { providerPage: ProviderPage } => globalThis as unknown as { providerPage: ProviderPage };

pageGlobal().providerPage = { compareLaunch, compareInit, track };
