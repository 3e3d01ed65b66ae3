export {
  type ApiGate,
  type ApiGateOutcome,
  apiAcceptsCampaign,
  apiGate,
  bucketsUnstoredUsers,
  type CampaignApi,
  type DecisionApi,
  featureEnabled,
} from './api-rules.js';
export { decide } from './decide.js';
export type { DecideOptions, Decision, DecisionOutcome, DecisionStep, StorageSnapshot, StoredAssignment } from './types.js';
