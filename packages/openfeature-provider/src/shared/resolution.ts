/**
 * Resolution details in OpenFeature's shape, written without either SDK: each entry point maps
 * the error-code names to its SDK's `ErrorCode` enum (`toDetails`), so the web bundle never
 * pulls in the server SDK and the other way round.
 */
import type { Campaign, DecisionTrace } from '@vwo/core';
import type { FlagType } from './flags.js';

/** The error codes this provider answers with (OpenFeature `ErrorCode` names). */
export type ErrorCodeName = 'FLAG_NOT_FOUND' | 'TYPE_MISMATCH' | 'TARGETING_KEY_MISSING' | 'PARSE_ERROR' | 'GENERAL';

/** The reasons this provider answers with (OpenFeature `StandardResolutionReasons`). */
export type ReasonName = 'TARGETING_MATCH' | 'SPLIT' | 'CACHED' | 'DISABLED' | 'DEFAULT' | 'STALE' | 'UNKNOWN' | 'ERROR';

export interface Failure {
  readonly errorCode: ErrorCodeName;
  readonly errorMessage: string;
}

/** `{ campaignId, campaignType }` of the campaign behind a flag; empty when no campaign was found. */
export type FlagMetadata = Readonly<Record<string, string | number | boolean>>;

export interface Resolution<T> {
  readonly value: T;
  readonly variant?: string;
  readonly reason: ReasonName;
  readonly errorCode?: ErrorCodeName;
  readonly errorMessage?: string;
  readonly flagMetadata: FlagMetadata;
}

const NO_METADATA: FlagMetadata = Object.freeze({});

export function metadataOf(campaign: Campaign | undefined): FlagMetadata {
  return campaign ? { campaignId: campaign.id, campaignType: campaign.type } : NO_METADATA;
}

export function failed<T>(defaultValue: T, failure: Failure, campaign?: Campaign): Resolution<T> {
  return {
    value: defaultValue,
    reason: 'ERROR',
    errorCode: failure.errorCode,
    errorMessage: failure.errorMessage,
    flagMetadata: metadataOf(campaign),
  };
}

export function isFailure(value: object): value is Failure {
  return 'errorCode' in value;
}

/**
 * Why the user got what they got, from the trace of the flag's call: whitelisting or a matched
 * pre-segmentation is targeting, plain bucketing is a split, a stored assignment (user storage)
 * is cached; a campaign VWO does not serve here (paused, a multi-armed bandit without a user
 * storage, an opted-out client) is disabled; a user left out (segment, traffic, group, a
 * variation without a name, not yet activated with a storage) gets the default.
 */
export function reasonOf(trace: DecisionTrace): ReasonName | Failure {
  switch (trace.outcome) {
    case 'whitelisted':
      return trace.variationName === null ? 'DEFAULT' : 'TARGETING_MATCH';
    case 'stored':
      return 'CACHED';
    case 'bucketed':
      if (trace.variationName === null) return 'DEFAULT';
      return trace.steps.some((step) => step.step === 'pre-segmentation' && step.passed) ? 'TARGETING_MATCH' : 'SPLIT';
    case 'campaign-not-running':
    case 'bandit-without-storage':
    case 'opted-out':
      return 'DISABLED';
    case 'campaign-not-found':
      return { errorCode: 'FLAG_NOT_FOUND', errorMessage: `campaign ${trace.campaignKey} left the settings` };
    case 'error':
      return { errorCode: 'GENERAL', errorMessage: `VWO cannot decide ${trace.campaignKey}: ${lastDetail(trace)}` };
    default:
      return 'DEFAULT';
  }
}

function lastDetail(trace: DecisionTrace): string {
  return trace.steps[trace.steps.length - 1]?.detail ?? trace.outcome;
}

/** Whether a value is of the OpenFeature type asked for (objects: JSON objects and arrays). */
export function isOfType(value: unknown, type: FlagType): boolean {
  return type === 'object' ? typeof value === 'object' && value !== null : typeof value === type;
}
