export { formatIssues, type SettingsIssue, SettingsValidationError } from './issues.js';
export type {
  Campaign,
  CampaignType,
  Goal,
  GoalType,
  Group,
  GroupMembership,
  JsonValue,
  Settings,
  Variable,
  Variation,
  VariationSeeding,
} from './model.js';
export { type ParseResult, parseSettings } from './parse.js';
