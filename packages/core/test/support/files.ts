/** Builders of small settings files for tests. */
export interface VariationSpec {
  id?: unknown;
  name?: unknown;
  weight?: unknown;
  segments?: unknown;
  isFeatureEnabled?: boolean;
  variables?: unknown[];
}

export function variationsFor(weights: readonly unknown[], names?: readonly string[]): VariationSpec[] {
  return weights.map((weight, i) => ({ id: i + 1, name: names?.[i] ?? (i === 0 ? 'Control' : `Variation-${i}`), weight }));
}

export function campaign(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 230,
    key: 'K',
    status: 'RUNNING',
    type: 'VISUAL_AB',
    percentTraffic: 100,
    segments: {},
    goals: [{ id: 213, identifier: 'CUSTOM', type: 'CUSTOM_GOAL' }],
    variations: variationsFor([50, 50]),
    ...overrides,
  };
}

export function settingsFile(campaigns: unknown[], overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { accountId: 888888, version: 1, sdkKey: 'sdkkey123', campaigns, groups: {}, campaignGroups: {}, ...overrides };
}
