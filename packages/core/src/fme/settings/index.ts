export type {
  FmeCampaign,
  FmeCampaignType,
  FmeFeature,
  FmeGroup,
  FmeJson,
  FmeMetric,
  FmeRule,
  FmeRuleRef,
  FmeSettings,
  FmeVariable,
  FmeVariation,
} from './model.js';
export { type FmeParseResult, parseFmeSettings } from './parse.js';
export { validateFmeSettings } from './validate.js';
