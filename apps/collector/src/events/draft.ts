import type { EventKind, EventVia } from '../types.js';

/** An event parsed from a request, before the ledger numbers it and checks it for duplicates. */
export interface EventDraft {
  readonly kind: EventKind;
  /** Absent for legacy events. */
  readonly format?: 'fme';
  /** The sender's event time (FME only). */
  readonly sentAt?: number;
  readonly via: EventVia;
  readonly accountId: string;
  readonly env: string;
  readonly campaignId: number | null;
  /** Null for pushes, and for event-architecture conversions (the ledger infers it). */
  readonly variationId: number | null;
  readonly goalId: number | null;
  readonly revenue: number | null;
  readonly revenueRaw: string | number | null;
  readonly uuid: string;
  readonly tags: Readonly<Record<string, string>> | null;
  readonly eventName: string | null;
  readonly raw: Readonly<Record<string, unknown>>;
}

/**
 * What is deduplicated as one: a GET request, one batch event, or one event-architecture
 * request (which can carry conversions for several campaigns).
 */
export interface EventUnit {
  /** Null when the sender gave no id: such units are never duplicates. */
  readonly dedupKey: string | null;
  readonly eid: string | null;
  readonly drafts: readonly EventDraft[];
}

/** Where a request's events are looked up against the settings the collector serves. */
/** The `revenueProp` of an FME metric in the settings served for this account and SDK key. */
export type FmeRevenuePropLookup = (accountId: string, env: string, metric: string) => string | undefined;

export type RevenuePropLookup = (accountId: string, env: string, campaignId: number, goalId: number) => string | null | undefined;
