import { bucketValue, MAX_TRAFFIC_PERCENT } from '../bucketing/bucket.js';
import type { Campaign } from '../settings/model.js';

const NO_VARIABLES: Readonly<Record<string, unknown>> = Object.freeze({});

/** Pre-segmentation on `customVariables`; a campaign without conditions passes. */
export function passesSegment(campaign: Campaign, customVariables: Readonly<Record<string, unknown>> | undefined): boolean {
  return campaign.segment === undefined || campaign.segment(customVariables ?? NO_VARIABLES);
}

/** The traffic bucket (1…100) of the campaign's seed for this user. */
export function trafficBucket(campaign: Campaign, userId: string): number {
  return bucketValue(campaign.seedPrefix + userId, MAX_TRAFFIC_PERCENT);
}

export function isInTraffic(campaign: Campaign, userId: string): boolean {
  const bucket = trafficBucket(campaign, userId);
  return bucket !== 0 && bucket <= campaign.percentTraffic;
}
