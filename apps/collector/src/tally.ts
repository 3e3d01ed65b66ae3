/**
 * The one shape both ledgers count in: impressions and conversions of a campaign, a variation or
 * an FME rule's variation, conversions keyed by goal id (legacy) or metric name (FME).
 */
import { setOwn } from './events/fields.js';
import type { VariationStats } from './types.js';

/** Running counts, read out by {@link snapshotTally}. */
export interface Tally {
  impressions: number;
  visitors: Set<string>;
  /** Conversions per goal (legacy goal id, FME metric). */
  conversions: Map<string, number>;
  /** Visitors that converted, per goal. */
  converters: Map<string, Set<string>>;
  /** Sum of numeric revenue per goal. */
  revenue: Map<string, number>;
}

export function newTally(): Tally {
  return { impressions: 0, visitors: new Set(), conversions: new Map(), converters: new Map(), revenue: new Map() };
}

export function tallyImpression(tally: Tally, uuid: string): void {
  tally.impressions += 1;
  tally.visitors.add(uuid);
}

export function tallyConversion(tally: Tally, goal: string, uuid: string, revenue: number | null): void {
  bump(tally.conversions, goal);
  getOrCreate(tally.converters, goal, () => new Set<string>()).add(uuid);
  if (revenue !== null) bump(tally.revenue, goal, revenue);
}

export function snapshotTally(tally: Tally): VariationStats {
  const uniqueConversions: Record<string, number> = {};
  for (const [goal, visitors] of tally.converters) setOwn(uniqueConversions, goal, visitors.size);
  return {
    impressions: tally.impressions,
    uniqueVisitors: tally.visitors.size,
    conversions: toRecord(tally.conversions),
    uniqueConversions,
    revenue: toRecord(tally.revenue),
  };
}

export function bump(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

/** A plain object of the map's entries (own keys only: a goal named `__proto__` stays a key). */
export function toRecord(map: Map<string, number>): Record<string, number> {
  const record: Record<string, number> = {};
  for (const [key, value] of map) setOwn(record, key, value);
  return record;
}

export function getOrCreate<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}
