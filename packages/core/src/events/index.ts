/**
 * Event payloads and the visitor UUID, in vwo-node-sdk 1.73.0's wire format (events.md).
 * Records (one impression, conversion or custom dimension) are plain data a queue can hold;
 * the `to*Request` functions turn them into the requests a `Transport` sends.
 */
export { eventIdSource } from './event-id.js';
export {
  type ConversionEventOptions,
  conversionEvent,
  type GoalEventOptions,
  goalEvent,
  impressionEvent,
  pushEvent,
  visitorPropsEvent,
} from './records.js';
export { type EventPath, eventUrl, toBatchRequest, toEventArchRequest, toGetRequest } from './requests.js';
export {
  type ConversionRecord,
  type ConvertedCampaign,
  DEFAULT_COLLECTOR_URL,
  type EventArchRecord,
  type EventContext,
  type EventRecord,
  type EventRequest,
  type EventSettings,
  type GoalRecord,
  type ImpressionRecord,
  type PushRecord,
  SDK_NAME,
  SDK_VERSION,
  type VisitorOptions,
  type VisitorPropsRecord,
} from './types.js';
export { type UsageStatKey, type UsageStats, type UsageStatsInput, usageStats } from './usage-stats.js';
export { visitorUuid } from './uuid.js';
