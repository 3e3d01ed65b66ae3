export { DEFAULT_MAX_BODY_BYTES, isLoopbackHost, startCollector } from './collector.js';
export { decodeTolerant, parseQuery } from './query.js';
export type {
  ActiveFault,
  CampaignStats,
  CollectedEvent,
  Collector,
  CollectorOptions,
  CollectorStats,
  Endpoint,
  EventKind,
  EventVia,
  FaultKind,
  FaultPlan,
  FaultRule,
  FaultTarget,
  ReceivedRequest,
  SettingsFile,
  VariationStats,
} from './types.js';
