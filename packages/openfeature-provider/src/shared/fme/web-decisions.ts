/**
 * The web provider's decisions over an FME client. Web evaluations are synchronous and
 * `getFlag` is not (its storage and gateway may be remote), so the provider decides ahead: when
 * the context or the settings change it takes `explain` of every feature for the user — the
 * client's own rules, its storage included, without side effects — and evaluations read that
 * snapshot. The first evaluation of any flag of a feature calls `getFlag` once for the context,
 * the call the page would make, which sends the impressions; its answer then replaces the
 * explained one, and the other features are explained again (the call may have stored the user,
 * which changes group draws). Flags whose answers changed are reported.
 */
import type { FmeClient, FmeExplanation, FmeSettings, FmeUserContext } from '@vwo/core';
import type { ContextLike } from '../context.js';
import type { FlagType } from '../flags.js';
import type { ProviderSetup } from '../options.js';
import { failed, isFailure, type Resolution } from '../resolution.js';
import { fmeContextOf } from './context.js';
import { fmeVariableKeys } from './flags.js';
import { type FmeAnswer, type PreparedFme, prepareFme, settleFme } from './resolution.js';

interface Entry {
  readonly explanation: FmeExplanation;
  /** The explained answer until `getFlag` answered, then `getFlag`'s. */
  readonly answer: FmeAnswer;
}

interface Snapshot {
  readonly context: ContextLike;
  readonly settings: FmeSettings | undefined;
  readonly user: FmeUserContext | undefined;
  /** By feature key (empty without a usable user or settings). */
  readonly decided: Map<string, Entry>;
  /** Features `getFlag` was called for in this context. */
  readonly fetched: Set<string>;
}

export class FmeWebDecisions {
  private snapshot: Snapshot | undefined;
  /** Bumped by each new context or settings: a slower, older snapshot never replaces a newer one. */
  private generation = 0;

  constructor(
    private readonly setup: ProviderSetup,
    /** Reports the flag keys whose values changed after a `getFlag` of the provider's. */
    private readonly onChanged: (flagKeys: string[]) => void,
  ) {}

  /** Forgets the snapshot (the provider closes). */
  reset(): void {
    this.generation++;
    this.snapshot = undefined;
  }

  /** Explains every feature for the context; `keepFetched` (new settings, same context) keeps the `getFlag` calls made. */
  async decideFor(client: FmeClient, context: ContextLike, keepFetched: boolean): Promise<void> {
    const generation = ++this.generation;
    const settings = client.settings;
    const mapped = fmeContextOf(context, this.setup.targetingAttribute);
    const user = isFailure(mapped) ? undefined : mapped;
    const decided = settings && user ? await explainAll(client, settings, user) : new Map<string, Entry>();
    if (generation !== this.generation) return;
    const fetched = keepFetched && this.snapshot ? this.snapshot.fetched : new Set<string>();
    this.snapshot = { context, settings, user, decided, fetched };
  }

  /** Decides again for the same context after new settings, keeping the `getFlag` calls made. */
  async redecide(client: FmeClient): Promise<void> {
    if (this.snapshot) await this.decideFor(client, this.snapshot.context, true);
  }

  /** A synchronous evaluation from the snapshot; the first one of a feature calls `getFlag` for the context. */
  resolve<T>(
    client: FmeClient,
    flagKey: string,
    type: FlagType,
    defaultValue: T,
    context: ContextLike,
    unavailable: string,
  ): Resolution<T> {
    const snapshot = this.snapshot;
    if (!snapshot) return failed(defaultValue, { errorCode: 'GENERAL', errorMessage: unavailable });
    // The SDK sets the new context before the provider has decided for it.
    if (context?.targetingKey !== snapshot.context.targetingKey) return { value: defaultValue, reason: 'STALE', flagMetadata: {} };
    const prepared = prepareFme(snapshot.settings, flagKey, type, defaultValue, snapshot.context, this.setup);
    if (!snapshot.settings || !('context' in prepared)) return prepared as Resolution<T>;
    const entry = snapshot.decided.get(prepared.flag.feature.key);
    if (!entry) {
      return failed(defaultValue, { errorCode: 'GENERAL', errorMessage: `${prepared.flag.feature.key} was not decided for this context` });
    }
    const resolution = settleFme(prepared, entry.explanation, entry.answer, snapshot.settings, defaultValue);
    this.fetchOnce(client, snapshot, prepared);
    return resolution;
  }

  private fetchOnce(client: FmeClient, snapshot: Snapshot, prepared: PreparedFme): void {
    const featureKey = prepared.flag.feature.key;
    if (snapshot.fetched.has(featureKey)) return;
    snapshot.fetched.add(featureKey);
    // getFlag never rejects.
    void client
      .getFlag(featureKey, { ...prepared.context })
      .then((flag) => this.fetched(client, snapshot, featureKey, { enabled: flag.isEnabled(), variables: flag.getVariables() }));
  }

  /** After a `getFlag` of the provider's: its answer, and every other feature explained again; reports what changed. */
  private async fetched(client: FmeClient, snapshot: Snapshot, featureKey: string, answer: FmeAnswer): Promise<void> {
    const { settings, user } = snapshot;
    if (this.snapshot !== snapshot || !settings || !user) return;
    const again = await explainAll(client, settings, user);
    if (this.snapshot !== snapshot) return;
    const changed: string[] = [];
    for (const [key, entry] of again) {
      const next = key === featureKey ? { explanation: entry.explanation, answer } : entry;
      const before = snapshot.decided.get(key);
      snapshot.decided.set(key, next);
      if (before && sameAnswer(before.answer, next.answer)) continue;
      const feature = settings.featuresByKey.get(key);
      changed.push(key, ...(feature ? fmeVariableKeys(feature).map((variableKey) => `${key}${this.setup.separator}${variableKey}`) : []));
    }
    if (changed.length > 0) this.onChanged(changed);
  }
}

/** `explain` of every feature; all start before the first await, so they read the same settings. */
async function explainAll(client: FmeClient, settings: FmeSettings, user: FmeUserContext): Promise<Map<string, Entry>> {
  const keys = [...settings.featuresByKey.keys()];
  const explanations = await Promise.all(keys.map((key) => client.explain(key, { ...user })));
  const decided = new Map<string, Entry>();
  keys.forEach((key, i) => {
    const explanation = explanations[i] as FmeExplanation;
    decided.set(key, { explanation, answer: { enabled: explanation.enabled, variables: explanation.variables } });
  });
  return decided;
}

function sameAnswer(a: FmeAnswer, b: FmeAnswer): boolean {
  return a.enabled === b.enabled && JSON.stringify(a.variables) === JSON.stringify(b.variables);
}
